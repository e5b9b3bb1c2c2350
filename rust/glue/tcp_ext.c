// SPDX-License-Identifier: GPL-2.0
/*
 * The module's registration with the kernel's generic TCP extension hooks
 * (tools/kernel/patches/0001-tcp-add-extension-hooks.patch, CONFIG_TCP_EXT_HOOKS).
 *
 * Registering claims the single registrant slot and turns the hooks' static key on. No
 * callback is set yet: no socket opts in until subflows exist (the data plane). Each callback
 * arrives with the Rust code that implements it, as a C trampoline in this table.
 */
#include <linux/module.h>
#include <net/tcp_ext.h>

#include "mptcp_glue.h"

static const struct tcp_ext_ops mptcp_tcp_ext_ops = {
	.owner = THIS_MODULE,
};

int mptcp_glue_tcp_ext_register(void)
{
	return tcp_ext_register(&mptcp_tcp_ext_ops);
}

void mptcp_glue_tcp_ext_unregister(void)
{
	tcp_ext_unregister(&mptcp_tcp_ext_ops);
}
