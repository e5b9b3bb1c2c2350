// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state and the net.mptcp.* sysctls.
 *
 * The table is upstream's uapi: same directory, names, types and ranges as net/mptcp/ctrl.c,
 * so tools and selftests that write /proc/sys/net/mptcp/... work unchanged. Only knobs the
 * module actually honours are listed; each new one arrives with the code that reads it.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "mptcp_glue.h"

#define MPTCP_SYSCTL_PATH "net/mptcp"

struct mptcp_pernet {
	struct ctl_table_header *sysctl_header;
	u8 enabled;
};

static unsigned int mptcp_pernet_id;

static struct mptcp_pernet *mptcp_pernet(const struct net *net)
{
	return net_generic(net, mptcp_pernet_id);
}

/* .data is filled per namespace: the template only carries names, types and ranges. */
static const struct ctl_table mptcp_sysctl_template[] = {
	{
		.procname = "enabled",
		.maxlen = sizeof(u8),
		.mode = 0644,
		/* Writable by the netns owner, as upstream: 0 or 1. */
		.proc_handler = proc_dou8vec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
};

static int mptcp_pernet_init(struct net *net)
{
	struct mptcp_pernet *pernet = mptcp_pernet(net);
	struct ctl_table *table;

	pernet->enabled = 1;

	table = kmemdup(mptcp_sysctl_template, sizeof(mptcp_sysctl_template), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	table[0].data = &pernet->enabled;

	pernet->sysctl_header = register_net_sysctl_sz(net, MPTCP_SYSCTL_PATH, table,
						       ARRAY_SIZE(mptcp_sysctl_template));
	if (!pernet->sysctl_header) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

static void mptcp_pernet_exit(struct net *net)
{
	struct mptcp_pernet *pernet = mptcp_pernet(net);
	const struct ctl_table *table = pernet->sysctl_header->ctl_table_arg;

	unregister_net_sysctl_table(pernet->sysctl_header);
	kfree(table);
}

static struct pernet_operations mptcp_pernet_ops = {
	.init = mptcp_pernet_init,
	.exit = mptcp_pernet_exit,
	.id = &mptcp_pernet_id,
	.size = sizeof(struct mptcp_pernet),
};

int mptcp_glue_pernet_register(void)
{
	return register_pernet_subsys(&mptcp_pernet_ops);
}

void mptcp_glue_pernet_unregister(void)
{
	unregister_pernet_subsys(&mptcp_pernet_ops);
}
