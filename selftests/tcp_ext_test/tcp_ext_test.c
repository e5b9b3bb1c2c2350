// SPDX-License-Identifier: GPL-2.0
/*
 * A test registrant for CONFIG_TCP_EXT_HOOKS (tools/kernel/patches/0001-...), independent of
 * MPTCP, so the hooks themselves are checked on the wire before any MPTCP code relies on them.
 *
 * A socket opts in with setsockopt(TCP_ULP, "tcpext_test") (before listen() or connect();
 * passive children inherit it). Opted-in sockets then carry an experimental option
 * (RFC 6994: kind 253, length 8, ExID 0x7e57, then the low 32 bits of the segment's
 * sequence number) on SYN, SYN-ACK and every other segment, and every segment the `incoming`
 * hook sees is checked for it. Counters in debugfs tcp_ext_test/stats:
 *   syn_tx synack_tx est_tx est_sized rx_with rx_without rx_bad_seq
 * Only for tests: it claims the single registrant slot, so mptcp.ko must be unloaded.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <net/tcp.h>
#include <net/tcp_ext.h>

#define TET_KIND	253
#define TET_LEN		8
#define TET_EXID	0x7e57

static atomic_long_t syn_tx, synack_tx, est_tx, est_sized, rx_with, rx_without, rx_bad_seq;
static struct dentry *tet_dir;

static unsigned int tet_write(u8 *buf, unsigned int remaining, u32 seq)
{
	if (remaining < TET_LEN)
		return 0;
	buf[0] = TET_KIND;
	buf[1] = TET_LEN;
	put_unaligned_be16(TET_EXID, buf + 2);
	put_unaligned_be32(seq, buf + 4);
	return TET_LEN;
}

static unsigned int tet_syn_options(struct sock *sk, struct sk_buff *skb, u8 *buf,
				    unsigned int remaining)
{
	atomic_long_inc(&syn_tx);
	return tet_write(buf, remaining, TCP_SKB_CB(skb)->seq);
}

static unsigned int tet_synack_options(const struct sock *sk, struct request_sock *req,
				       const struct sk_buff *syn_skb, u8 *buf,
				       unsigned int remaining, unsigned int ts_room, bool *drop_ts)
{
	atomic_long_inc(&synack_tx);
	return tet_write(buf, remaining, tcp_rsk(req)->snt_isn);
}

static unsigned int tet_established_options(struct sock *sk, struct sk_buff *skb, u8 *buf,
					    unsigned int remaining, bool has_ts, bool *drop_ts)
{
	if (!skb) {
		/* tcp_current_mss() asks for the worst case: no side effects. */
		atomic_long_inc(&est_sized);
		return remaining >= TET_LEN ? TET_LEN : 0;
	}
	atomic_long_inc(&est_tx);
	return tet_write(buf, remaining, TCP_SKB_CB(skb)->seq);
}

/* Walks the TCP header's options looking for ours; checks its sequence echo. */
static bool tet_incoming(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const u8 *p = (const u8 *)(th + 1);
	int len = th->doff * 4 - sizeof(*th);

	while (len > 0) {
		u8 kind = p[0], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			break;
		olen = p[1];
		if (olen < 2 || olen > len)
			break;
		if (kind == TET_KIND && olen == TET_LEN && get_unaligned_be16(p + 2) == TET_EXID) {
			atomic_long_inc(&rx_with);
			if (get_unaligned_be32(p + 4) != ntohl(th->seq))
				atomic_long_inc(&rx_bad_seq);
			return true;
		}
		p += olen;
		len -= olen;
	}
	atomic_long_inc(&rx_without);
	return true;
}

static const struct tcp_ext_ops tet_ops = {
	.syn_options = tet_syn_options,
	.synack_options = tet_synack_options,
	.established_options = tet_established_options,
	.incoming = tet_incoming,
	.owner = THIS_MODULE,
};

static int tet_ulp_init(struct sock *sk)
{
	tcp_sk(sk)->tcp_ext = 1;
	return 0;
}

static void tet_ulp_release(struct sock *sk)
{
	tcp_sk(sk)->tcp_ext = 0;
}

static void tet_ulp_clone(const struct request_sock *req, struct sock *newsk,
			  const gfp_t priority)
{
	/* The child inherited icsk_ulp_ops and tcp_ext; tcp_cleanup_ulp() will drop a ref. */
	__module_get(THIS_MODULE);
}

static struct tcp_ulp_ops tet_ulp = {
	.name = "tcpext_test",
	.owner = THIS_MODULE,
	.init = tet_ulp_init,
	.release = tet_ulp_release,
	.clone = tet_ulp_clone,
};

static int tet_stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%ld %ld %ld %ld %ld %ld %ld\n", atomic_long_read(&syn_tx),
		   atomic_long_read(&synack_tx), atomic_long_read(&est_tx),
		   atomic_long_read(&est_sized), atomic_long_read(&rx_with),
		   atomic_long_read(&rx_without), atomic_long_read(&rx_bad_seq));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tet_stats);

static int __init tet_init(void)
{
	int err = tcp_ext_register(&tet_ops);

	if (err)
		return err;
	err = tcp_register_ulp(&tet_ulp);
	if (err) {
		tcp_ext_unregister(&tet_ops);
		return err;
	}
	tet_dir = debugfs_create_dir("tcp_ext_test", NULL);
	debugfs_create_file("stats", 0444, tet_dir, NULL, &tet_stats_fops);
	return 0;
}

static void __exit tet_exit(void)
{
	debugfs_remove_recursive(tet_dir);
	tcp_unregister_ulp(&tet_ulp);
	tcp_ext_unregister(&tet_ops);
}

module_init(tet_init);
module_exit(tet_exit);
MODULE_DESCRIPTION("Test registrant for the TCP extension hooks");
MODULE_LICENSE("GPL");
