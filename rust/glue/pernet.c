// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: the net.mptcp.* sysctls, the MPTcpExt counters,
 * /proc/net/mptcp_netstat, and the path manager's configuration (owned by Rust, rust/pm.rs).
 *
 * The sysctl table is upstream's uapi: same directory, names, types and ranges as
 * net/mptcp/ctrl.c, so tools and selftests that write /proc/sys/net/mptcp/... work unchanged.
 * Only knobs the module actually honours are listed; each new one arrives with the code that
 * reads it. The counters are per-CPU arrays whose length, names and output format belong to
 * the Rust side (rust/mib.rs); C only stores, sums and hosts the proc file.
 */
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/tcp.h>

#include "mptcp_glue.h"

#define MPTCP_SYSCTL_PATH "net/mptcp"

#define MPTCP_NETSTAT_FILE "mptcp_netstat"

struct mptcp_pernet {
	struct ctl_table_header *sysctl_header;
	unsigned long __percpu *mib;	/* mptcp_mib_count counters per CPU */
	u8 enabled;
	u8 checksum_enabled;
	u8 syn_retrans_before_tcp_fallback;
	u8 transparent;
	/* jiffies before an unechoed ADD_ADDR goes again (0: never), as upstream's knob */
	unsigned int add_addr_timeout;
	u8 add_addr_v6_port_drop_ts;
	u8 allow_join_initial_addr_port;
	/* retransmission timeouts without progress before a subflow counts as stale */
	unsigned int stale_loss_cnt;
	/* net.mptcp.path_manager: its name, and its number (MPTCP_RS_PM_*) new msks take */
	char path_manager[MPTCP_RS_PM_NAME_MAX];
	u8 pm_kind;
	/* subflows per connection the ndiffports manager keeps, the first included */
	u8 ndiffports_subflows;
	void *pm;	/* the path manager's endpoints and limits (rust/pm.rs) */
	struct mptcp_rs_port_listeners port_listeners;	/* pm_listen.c */
};

static unsigned int mptcp_pernet_id;
/* Set once before the pernet ops are registered, constant afterwards. */
static unsigned int mptcp_mib_count;

static struct mptcp_pernet *mptcp_pernet(const struct net *net)
{
	return net_generic(net, mptcp_pernet_id);
}

struct mptcp_rs_port_listeners *mptcp_glue_port_listeners(const struct net *net)
{
	return &mptcp_pernet(net)->port_listeners;
}

/*
 * net.mptcp.path_manager, as upstream's: reads the name, takes any manager's name the module
 * has (rust/proto/managers.rs), -ENOENT for others, the value unchanged.
 */
static int proc_path_manager(const struct ctl_table *ctl, int write, void *buffer,
			     size_t *lenp, loff_t *ppos)
{
	struct mptcp_pernet *pernet = container_of(ctl->data, struct mptcp_pernet, path_manager);
	char name[MPTCP_RS_PM_NAME_MAX];
	const struct ctl_table tbl = { .data = name, .maxlen = sizeof(name) };
	int kind, ret;

	strscpy(name, pernet->path_manager, sizeof(name));
	ret = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (!write || ret)
		return ret;
	kind = mptcp_rs_pm_manager_by_name(name);
	if (kind < 0)
		return kind;
	strscpy(pernet->path_manager, name, sizeof(pernet->path_manager));
	WRITE_ONCE(pernet->pm_kind, kind);
	return 0;
}

/* net.mptcp.available_path_managers (read-only): the names the one above takes. */
static int proc_available_path_managers(const struct ctl_table *ctl, int write, void *buffer,
					size_t *lenp, loff_t *ppos)
{
	char names[64];
	const struct ctl_table tbl = { .data = names, .maxlen = sizeof(names) };

	mptcp_rs_pm_managers_available(names, sizeof(names));
	return proc_dostring(&tbl, write, buffer, lenp, ppos);
}

/* .data is filled per namespace: the template only carries names, types and ranges. */
/* proc_dou8vec_minmax() reads its bounds as unsigned int. */
static unsigned int ndiffports_max = MPTCP_RS_NDIFFPORTS_MAX;

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
	{
		/* DSS checksums asked for in our MP_CAPABLE (the peer may ask too): 0 or 1. */
		.procname = "checksum_enabled",
		.maxlen = sizeof(u8),
		.mode = 0644,
		.proc_handler = proc_dou8vec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
	{
		/* MP_CAPABLE SYN retransmissions before plain TCP SYNs: 0..255, as upstream. */
		.procname = "syn_retrans_before_tcp_fallback",
		.maxlen = sizeof(u8),
		.mode = 0644,
		.proc_handler = proc_dou8vec_minmax,
	},
	{
		/*
		 * Ours, not upstream's: 1 gives TCP stream sockets created in this namespace
		 * MPTCP instead (transparent mode, Documentation/transparent.md).
		 */
		.procname = "transparent",
		.maxlen = sizeof(u8),
		.mode = 0644,
		.proc_handler = proc_dou8vec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
	{
		/* Seconds (jiffies inside) before an ADD_ADDR not echoed is sent again; 0: never. */
		.procname = "add_addr_timeout",
		.maxlen = sizeof(unsigned int),
		.mode = 0644,
		.proc_handler = proc_dointvec_jiffies,
	},
	{
		/*
		 * 1: an ADD_ADDR too long to go next to the timestamp option (IPv6 with a port and
		 * its HMAC, 30 bytes) goes on an ACK without it; 0: it is dropped. As upstream.
		 */
		.procname = "add_addr_v6_port_drop_ts",
		.maxlen = sizeof(u8),
		.mode = 0644,
		.proc_handler = proc_dou8vec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
	{
		/*
		 * 0: our MP_CAPABLEs carry the C flag, asking the peer not to join our initial
		 * address and port (RFC 8684 section 3.1); 1 (default): joins there are welcome.
		 */
		.procname = "allow_join_initial_addr_port",
		.maxlen = sizeof(u8),
		.mode = 0644,
		.proc_handler = proc_dou8vec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
	{
		/*
		 * Retransmission timeouts in a row after which a subflow is stale: new data
		 * avoids it and what it holds is sent again elsewhere. As upstream (default 4).
		 */
		.procname = "stale_loss_cnt",
		.maxlen = sizeof(unsigned int),
		.mode = 0644,
		.proc_handler = proc_douintvec_minmax,
	},
	{
		/* The path manager new connections take: "kernel" (default), "fullmesh" or
		 * "ndiffports" (available_path_managers); upstream's name. */
		.procname = "path_manager",
		.maxlen = MPTCP_RS_PM_NAME_MAX,
		.mode = 0644,
		.proc_handler = proc_path_manager,
	},
	{
		.procname = "available_path_managers",
		.maxlen = 64,
		.mode = 0444,
		.proc_handler = proc_available_path_managers,
	},
	{
		/* Ours: subflows per connection (the first included) "ndiffports" keeps, 1..8
		 * (multipath-tcp.org's num_subflows, default 2), within the subflows limit. */
		.procname = "ndiffports_subflows",
		.maxlen = sizeof(u8),
		.mode = 0644,
		.proc_handler = proc_dou8vec_minmax,
		.extra1 = SYSCTL_ONE,
		.extra2 = &ndiffports_max,
	},
};

bool mptcp_glue_enabled(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->enabled);
}

bool mptcp_glue_transparent(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->transparent);
}

bool mptcp_glue_checksum_enabled(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->checksum_enabled);
}

u8 mptcp_glue_syn_retrans_before_fallback(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->syn_retrans_before_tcp_fallback);
}

unsigned int mptcp_glue_add_addr_timeout(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->add_addr_timeout);
}

bool mptcp_glue_allow_join_id0(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->allow_join_initial_addr_port);
}

unsigned int mptcp_glue_stale_loss_cnt(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->stale_loss_cnt);
}

bool mptcp_glue_add_addr_v6_port_drop_ts(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->add_addr_v6_port_drop_ts);
}

u8 mptcp_glue_path_manager(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->pm_kind);
}

u8 mptcp_glue_ndiffports_subflows(const struct net *net)
{
	return READ_ONCE(mptcp_pernet(net)->ndiffports_subflows);
}

void *mptcp_glue_pm(const struct net *net)
{
	return mptcp_pernet(net)->pm;
}

void mptcp_glue_mib_inc(const struct net *net, unsigned int index)
{
	if (!WARN_ON_ONCE(index >= mptcp_mib_count))
		this_cpu_inc(mptcp_pernet(net)->mib[index]);
}

void mptcp_glue_mib_add(const struct net *net, unsigned int index, long delta)
{
	/* Per-CPU parts of a gauge may wrap below zero; their sum is right. */
	if (!WARN_ON_ONCE(index >= mptcp_mib_count))
		this_cpu_add(mptcp_pernet(net)->mib[index], delta);
}

unsigned long mptcp_glue_mib_read(const struct net *net, unsigned int index)
{
	const struct mptcp_pernet *pernet = mptcp_pernet(net);
	unsigned long sum = 0;
	int cpu;

	if (WARN_ON_ONCE(index >= mptcp_mib_count))
		return 0;
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(pernet->mib, cpu)[index];
	return sum;
}

static int mptcp_netstat_show(struct seq_file *seq, void *v)
{
	return mptcp_rs_netstat_show(seq, seq_file_single_net(seq));
}

static int mptcp_pernet_init(struct net *net)
{
	struct mptcp_pernet *pernet = mptcp_pernet(net);
	struct ctl_table *table;

	pernet->enabled = 1;
	pernet->syn_retrans_before_tcp_fallback = 2;
	pernet->add_addr_timeout = TCP_RTO_MAX;
	pernet->add_addr_v6_port_drop_ts = 1;
	pernet->allow_join_initial_addr_port = 1;
	pernet->stale_loss_cnt = 4;
	strscpy(pernet->path_manager, "kernel", sizeof(pernet->path_manager));
	pernet->pm_kind = MPTCP_RS_PM_KERNEL;
	pernet->ndiffports_subflows = MPTCP_RS_NDIFFPORTS_DEFAULT;
	mutex_init(&pernet->port_listeners.lock);
	INIT_LIST_HEAD(&pernet->port_listeners.list);

	pernet->pm = mptcp_rs_pm_new();
	if (!pernet->pm)
		return -ENOMEM;

	pernet->mib = __alloc_percpu(mptcp_mib_count * sizeof(unsigned long),
				     __alignof__(unsigned long));
	if (!pernet->mib)
		goto free_pm;

	table = kmemdup(mptcp_sysctl_template, sizeof(mptcp_sysctl_template), GFP_KERNEL);
	if (!table)
		goto free_mib;
	table[0].data = &pernet->enabled;
	table[1].data = &pernet->checksum_enabled;
	table[2].data = &pernet->syn_retrans_before_tcp_fallback;
	table[3].data = &pernet->transparent;
	table[4].data = &pernet->add_addr_timeout;
	table[5].data = &pernet->add_addr_v6_port_drop_ts;
	table[6].data = &pernet->allow_join_initial_addr_port;
	table[7].data = &pernet->stale_loss_cnt;
	table[8].data = &pernet->path_manager;
	/* table[9], available_path_managers, has no per-namespace data. */
	table[10].data = &pernet->ndiffports_subflows;

	pernet->sysctl_header = register_net_sysctl_sz(net, MPTCP_SYSCTL_PATH, table,
						       ARRAY_SIZE(mptcp_sysctl_template));
	if (!pernet->sysctl_header)
		goto free_table;

	if (!proc_create_net_single(MPTCP_NETSTAT_FILE, 0444, net->proc_net,
				    mptcp_netstat_show, NULL))
		goto unregister_sysctl;
	return 0;

unregister_sysctl:
	unregister_net_sysctl_table(pernet->sysctl_header);
free_table:
	kfree(table);
free_mib:
	free_percpu(pernet->mib);
free_pm:
	mptcp_rs_pm_free(pernet->pm);
	return -ENOMEM;
}

static void mptcp_pernet_exit(struct net *net)
{
	struct mptcp_pernet *pernet = mptcp_pernet(net);
	const struct ctl_table *table = pernet->sysctl_header->ctl_table_arg;

	/* The endpoints' listeners first: closing, they still count and signal here. */
	mptcp_glue_port_listeners_close(net);
	/* The proc file goes first: its reader sums the counters. */
	remove_proc_entry(MPTCP_NETSTAT_FILE, net->proc_net);
	unregister_net_sysctl_table(pernet->sysctl_header);
	kfree(table);
	free_percpu(pernet->mib);
	mptcp_rs_pm_free(pernet->pm);
}

static struct pernet_operations mptcp_pernet_ops = {
	.init = mptcp_pernet_init,
	.exit = mptcp_pernet_exit,
	.id = &mptcp_pernet_id,
	.size = sizeof(struct mptcp_pernet),
};

int mptcp_glue_pernet_register(unsigned int mib_count)
{
	if (!mib_count)
		return -EINVAL;
	mptcp_mib_count = mib_count;
	return register_pernet_subsys(&mptcp_pernet_ops);
}

void mptcp_glue_pernet_unregister(void)
{
	unregister_pernet_subsys(&mptcp_pernet_ops);
}
