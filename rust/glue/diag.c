// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCP sockets over inet_diag, as upstream's mptcp_diag.c and diag.c present them, so
 * `ss -M`, `ss -tOni` and upstream's diag.sh and mptcp_diag read the same:
 *
 * - msks (sdiag_protocol IPPROTO_MPTCP): dumped from the msk list (msk.c), filtered by state,
 *   family, ports and the request's bytecode; one by token (idiag_cookie[0]); with struct
 *   mptcp_info as INET_DIAG_INFO; a listener's queues are its subflow's accept backlog.
 * - subflows (plain TCP dumps): the "mptcp" ULP adds INET_ULP_INFO_MPTCP, with both tokens,
 *   address ids and handshake flags.
 */
#include <linux/inet_diag.h>
#include <linux/module.h>
#include <linux/sock_diag.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <uapi/linux/mptcp.h>

#include "mptcp_glue.h"

/* cb->ctx of a dump: the msk list position reached. */
struct mptcp_diag_ctx {
	u64 pos;
};

static bool msk_matches(const struct sock *sk, const struct inet_diag_req_v2 *r)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (!(r->idiag_states & (1 << inet_sk_state_load(sk))))
		return false;
	if (r->sdiag_family != AF_UNSPEC && sk->sk_family != r->sdiag_family)
		return false;
	if (r->id.idiag_sport && r->id.idiag_sport != inet->inet_sport)
		return false;
	return !r->id.idiag_dport || r->id.idiag_dport == inet->inet_dport;
}

static void mptcp_diag_dump(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct inet_diag_req_v2 *r)
{
	bool net_admin = netlink_net_capable(cb->skb, CAP_NET_ADMIN);
	struct mptcp_diag_ctx *ctx = (void *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct sock *sk;
	u64 pos;

	BUILD_BUG_ON(sizeof(cb->ctx) < sizeof(*ctx));
	for (pos = ctx->pos; (sk = mptcp_glue_msk_next(net, &pos)); ) {
		int err = 0;

		if (msk_matches(sk, r) && inet_diag_bc_sk(cb->data, sk))
			err = inet_sk_diag_fill(sk, inet_csk(sk), skb, cb, r, NLM_F_MULTI,
						net_admin);
		sock_put(sk);
		if (err < 0)
			break;	/* the message is full: this msk comes first next time */
		ctx->pos = pos;
		cond_resched();
	}
}

static int mptcp_diag_dump_one(struct netlink_callback *cb, const struct inet_diag_req_v2 *req)
{
	struct sk_buff *in_skb = cb->skb;
	struct net *net = sock_net(in_skb->sk);
	struct mptcp_info info;
	struct sk_buff *rep;
	struct sock *sk;
	u64 pos = 0;
	int err;

	while ((sk = mptcp_glue_msk_next(net, &pos))) {
		if (mptcp_glue_msk_info(sk, &info) && info.mptcpi_token == req->id.idiag_cookie[0])
			break;
		sock_put(sk);
		cond_resched();
	}
	if (!sk)
		return -ENOENT;

	rep = nlmsg_new(nla_total_size(sizeof(struct inet_diag_msg)) + inet_diag_msg_attrs_size() +
			nla_total_size(sizeof(struct mptcp_info)) +
			nla_total_size(sizeof(struct inet_diag_meminfo)) + 64, GFP_KERNEL);
	if (!rep) {
		err = -ENOMEM;
		goto out;
	}
	err = inet_sk_diag_fill(sk, inet_csk(sk), rep, cb, req, 0,
				netlink_net_capable(in_skb, CAP_NET_ADMIN));
	if (err < 0) {
		kfree_skb(rep);
		goto out;
	}
	err = nlmsg_unicast(net->diag_nlsk, rep, NETLINK_CB(in_skb).portid);
out:
	sock_put(sk);
	return err;
}

static void mptcp_diag_get_info(struct sock *sk, struct inet_diag_msg *r, void *info)
{
	struct mptcp_info scratch;

	r->idiag_rqueue = sk_rmem_alloc_get(sk);
	r->idiag_wqueue = sk_wmem_alloc_get(sk);
	if (inet_sk_state_load(sk) == TCP_LISTEN) {
		struct sock *lsk = mptcp_glue_msk_first_get(sk);

		/* As ss shows a TCP listener: Recv-Q the accept queue, Send-Q its limit. */
		if (lsk) {
			r->idiag_rqueue = READ_ONCE(lsk->sk_ack_backlog);
			r->idiag_wqueue = READ_ONCE(lsk->sk_max_ack_backlog);
			sock_put(lsk);
		}
	}
	mptcp_glue_msk_info(sk, info ?: &scratch);
}

static const struct inet_diag_handler mptcp_diag_handler = {
	.owner = THIS_MODULE,
	.dump = mptcp_diag_dump,
	.dump_one = mptcp_diag_dump_one,
	.idiag_get_info = mptcp_diag_get_info,
	.idiag_type = IPPROTO_MPTCP,
	.idiag_info_size = sizeof(struct mptcp_info),
};

int mptcp_glue_diag_register(void)
{
	return inet_diag_register(&mptcp_diag_handler);
}

void mptcp_glue_diag_unregister(void)
{
	inet_diag_unregister(&mptcp_diag_handler);
}

int mptcp_glue_subflow_diag_info(struct sock *ssk, struct sk_buff *skb, bool net_admin)
{
	const struct tcp_sock *tp = tcp_sk(ssk);
	struct mptcp_rs_info data;
	struct nlattr *nest;
	bool mptcp = false;
	u32 flags = 0;
	void *state;
	bool slow;

	if (inet_sk_state_load(ssk) == TCP_LISTEN)
		return 0;
	nest = nla_nest_start_noflag(skb, INET_ULP_INFO_MPTCP);
	if (!nest)
		return -EMSGSIZE;

	/* Locked, the state cannot be released (that clears icsk_ulp_data under the lock). */
	slow = lock_sock_fast(ssk);
	state = mptcp_glue_subflow_state(ssk);
	if (state)
		mptcp = mptcp_rs_info(state, tp->write_seq, tp->snd_nxt, &data);
	unlock_sock_fast(ssk, slow);
	if (!mptcp) {
		nla_nest_cancel(skb, nest);
		return 0;
	}

	/* The first subflow: MP_CAPABLE asked for by us, and by the peer once its key came. */
	flags |= MPTCP_SUBFLOW_FLAG_MCAP_LOC;
	if (data.remote_key_received)
		flags |= MPTCP_SUBFLOW_FLAG_MCAP_REM | MPTCP_SUBFLOW_FLAG_FULLY_ESTABLISHED;
	if ((1 << inet_sk_state_load(ssk)) & ~(TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
		flags |= MPTCP_SUBFLOW_FLAG_CONNECTED;

	if (nla_put_u32(skb, MPTCP_SUBFLOW_ATTR_TOKEN_REM, data.remote_token) ||
	    nla_put_u32(skb, MPTCP_SUBFLOW_ATTR_TOKEN_LOC, data.token) ||
	    nla_put_u32(skb, MPTCP_SUBFLOW_ATTR_FLAGS, flags) ||
	    nla_put_u8(skb, MPTCP_SUBFLOW_ATTR_ID_REM, 0) ||
	    nla_put_u8(skb, MPTCP_SUBFLOW_ATTR_ID_LOC, 0)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

size_t mptcp_glue_subflow_diag_info_size(const struct sock *ssk, bool net_admin)
{
	return nla_total_size(0) +	/* INET_ULP_INFO_MPTCP */
	       nla_total_size(4) +	/* MPTCP_SUBFLOW_ATTR_TOKEN_REM */
	       nla_total_size(4) +	/* MPTCP_SUBFLOW_ATTR_TOKEN_LOC */
	       nla_total_size(4) +	/* MPTCP_SUBFLOW_ATTR_FLAGS */
	       nla_total_size(1) +	/* MPTCP_SUBFLOW_ATTR_ID_REM */
	       nla_total_size(1);	/* MPTCP_SUBFLOW_ATTR_ID_LOC */
}
