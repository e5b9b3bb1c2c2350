// SPDX-License-Identifier: GPL-2.0
/*
 * Transparent mode: the module's socket protocol selector
 * (tools/kernel/patches/0002-net-add-socket-protocol-selector.patch). The policy, which
 * socket(2) calls become MPTCP, is rust/transparent.rs; this is only the registration.
 */
#include <linux/module.h>
#include <net/socket_selector.h>

#include "mptcp_glue.h"

static const struct socket_protocol_selector mptcp_selector = {
	.select = mptcp_rs_select_protocol,
	.owner = THIS_MODULE,
};

int mptcp_glue_selector_register(void)
{
	return socket_protocol_selector_register(&mptcp_selector);
}

void mptcp_glue_selector_unregister(void)
{
	socket_protocol_selector_unregister(&mptcp_selector);
}
