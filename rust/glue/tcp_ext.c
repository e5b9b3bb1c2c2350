// SPDX-License-Identifier: GPL-2.0
/*
 * The module's callbacks on the kernel's generic TCP extension hooks
 * (tools/kernel/patches/0001-tcp-add-extension-hooks.patch, CONFIG_TCP_EXT_HOOKS).
 *
 * Only subflows opt in (tcp_sk(sk)->tcp_ext, set by subflow.c), so every socket reaching a
 * callback carries the "mptcp" ULP and its state. Each trampoline takes the plain values the
 * protocol needs out of the socket and segment and calls the Rust side (rust/subflow.rs);
 * the socket is locked by TCP around every call.
 */
#include <linux/module.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include <net/tcp_ext.h>

#include "mptcp_glue.h"

/* Subflow resets decided in softirq run here, in process context (tcp_abort() locks). */
static struct workqueue_struct *mptcp_rs_reset_wq;

struct mptcp_rs_reset_work {
	struct work_struct work;
	struct sock *sk;
	bool dispose;	/* a join child nobody owns: closed here too */
};

static unsigned int mptcp_rs_hook_syn_options(struct sock *sk, struct sk_buff *skb, u8 *buf,
					      unsigned int remaining)
{
	void *state = mptcp_glue_subflow_state(sk);

	if (!state)
		return 0;
	return mptcp_rs_syn_options(state, sock_net(sk), TCP_SKB_CB(skb)->seq, buf, remaining);
}

/*
 * A TCP Fast Open child is created from the SYN, before its SYN/ACK chooses the key (and it
 * may send data before the third ACK): hand it what the SYN/ACK announced. Named after
 * upstream's function for the same step, which upstream's mptcp_connect.sh probes in kallsyms
 * to decide whether MPTCP with Fast Open is supported. The child is locked by the caller.
 */
static noinline void mptcp_fastopen_subflow_synack_set_params(const struct sock *child,
							      struct request_sock *req)
{
	void *state = mptcp_glue_subflow_state(child);

	if (state)
		mptcp_rs_fastopen_synack(state, sock_net(child), tcp_rsk(req)->ext_data,
					 tcp_sk(child)->rcv_nxt);
}

/*
 * The address and port a request's SYN reached (an IPv4-mapped address as IPv4), for its
 * address id and the port check of a join.
 */
static void request_local_address(const struct request_sock *req,
				  struct mptcp_rs_endpoint *local)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

	memset(local, 0, sizeof(*local));
	local->port = ireq->ir_num;
	local->family = AF_INET;
#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6 && !ipv6_addr_v4mapped(&ireq->ir_v6_loc_addr)) {
		local->family = AF_INET6;
		memcpy(local->addr, &ireq->ir_v6_loc_addr, 16);
		return;
	}
	if (req->rsk_ops->family == AF_INET6) {
		memcpy(local->addr, &ireq->ir_v6_loc_addr.s6_addr32[3], 4);
		return;
	}
#endif
	memcpy(local->addr, &ireq->ir_loc_addr, 4);
}

static unsigned int mptcp_rs_hook_synack_options(const struct sock *sk,
						 struct request_sock *req,
						 const struct sk_buff *syn_skb, u8 *buf,
						 unsigned int remaining, unsigned int ts_room,
						 bool *drop_ts)
{
	const struct tcphdr *th = syn_skb ? tcp_hdr(syn_skb) : NULL;
	struct mptcp_rs_endpoint local;
	unsigned int len;

	request_local_address(req, &local);
	len = mptcp_rs_synack_options(sock_net(sk), tcp_rsk(req)->ext_data,
				      th ? (const u8 *)(th + 1) : NULL,
				      th ? __tcp_hdrlen(th) - sizeof(*th) : 0, &local,
				      req->syncookie, buf, remaining);
	/* A join's child belongs to the msk it joins (or to nobody): never to accept(). */
	if (mptcp_rs_req_is_join(tcp_rsk(req)->ext_data)) {
		tcp_rsk(req)->ext_drop_req = true;
		/* Freed once this SYN/ACK is out: the third ACK's cookie finds the words again. */
		if (syn_skb && req->syncookie)
			mptcp_glue_join_cookie_save(sock_net(sk), req);
	}
	/*
	 * Next to a Fast Open cookie (a cookie request answered) MP_CAPABLE fits only without
	 * timestamps; upstream leaves them out too (subflow_prep_synack()). The request is
	 * recorded by now: the second call only renders.
	 */
	if (!len && ts_room) {
		len = mptcp_rs_synack_options(sock_net(sk), tcp_rsk(req)->ext_data, NULL, 0,
					      &local, req->syncookie, buf, remaining + ts_room);
		*drop_ts = len != 0;
	}
	/* For a Fast Open SYN the SYN/ACK is sent by the child itself, not the listener. */
	if (syn_skb && sk->sk_state == TCP_SYN_RECV &&
	    rcu_access_pointer(tcp_sk(sk)->fastopen_rsk) == req)
		mptcp_fastopen_subflow_synack_set_params(sk, req);
	return len;
}

static unsigned int mptcp_rs_hook_established_options(struct sock *sk, struct sk_buff *skb,
						      u8 *buf, unsigned int remaining,
						      bool has_ts, bool *drop_ts)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct mptcp_rs_out_seg seg = {};
	void *state = mptcp_glue_subflow_state(sk);

	unsigned int len;

	if (!state)
		return 0;
	if (skb) {
		seg.seq = TCP_SKB_CB(skb)->seq;
		seg.payload = skb->len;
		seg.fin = TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN;
		seg.rst = TCP_SKB_CB(skb)->tcp_flags & TCPHDR_RST;
		seg.snd_una = tp->snd_una;
		/*
		 * Only an IPv6 ADD_ADDR with a port (30 bytes with its HMAC) does not fit next to
		 * timestamps; on its pure ACK they may go, as upstream lets them.
		 */
		if (has_ts && !seg.payload && mptcp_glue_add_addr_v6_port_drop_ts(sock_net(sk)))
			seg.ts_room = TCPOLEN_TSTAMP_ALIGNED;
	}
	len = mptcp_rs_established_options(state, sock_net(sk), &seg, skb, buf,
					   remaining + seg.ts_room);
	/* Only an ADD_ADDR uses the timestamps' room (never in the size query: skb NULL). */
	*drop_ts = skb && len > remaining;
	return len;
}

static void mptcp_rs_reset_work_fn(struct work_struct *work)
{
	struct mptcp_rs_reset_work *w = container_of(work, struct mptcp_rs_reset_work, work);

	/* Sends the RST (with MP_TCPRST, the state being in its reset phase) and closes. */
	tcp_abort(w->sk, ECONNRESET);
	/* ... and gives up the reference accept() would otherwise have taken over. */
	if (w->dispose)
		tcp_close(w->sk, 0);
	sock_put(w->sk);
	kfree(w);
}

static void subflow_reset_later(struct sock *sk, bool dispose)
{
	struct mptcp_rs_reset_work *w = kmalloc(sizeof(*w), GFP_ATOMIC);

	if (!w)
		return;	/* the segment is dropped; the peer's retransmission tries again */
	INIT_WORK(&w->work, mptcp_rs_reset_work_fn);
	sock_hold(sk);
	w->sk = sk;
	w->dispose = dispose;
	queue_work(mptcp_rs_reset_wq, &w->work);
}

void mptcp_glue_subflow_reset(struct sock *sk)
{
	void *state = mptcp_glue_subflow_state(sk);

	/* Decided once per subflow (the reset verdict comes once), so closed once. */
	subflow_reset_later(sk, state && mptcp_rs_subflow_unowned(state));
}

void mptcp_glue_subflow_dispose(struct sock *sk)
{
	subflow_reset_later(sk, true);
}

static bool mptcp_rs_hook_incoming(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	struct mptcp_rs_in_seg seg = {
		.seq = cb->seq,
		.rcv_nxt = tcp_sk(sk)->rcv_nxt,
		.ack_seq = cb->ack_seq,
		/* The SYN/ACK's window is never scaled. */
		.wnd = th->syn ? ntohs(th->window) :
			(u32)ntohs(th->window) << tcp_sk(sk)->rx_opt.snd_wscale,
		/* The SYN/ACK of our active open is the one SYN reaching this hook. */
		.syn = th->syn,
		.ack = th->ack,
		.fin = th->fin,
		.rst = th->rst,
	};
	void *state = mptcp_glue_subflow_state(sk);
	bool signalled;
	u64 data_fin;
	int verdict;

	if (!state)
		return true;
	seg.payload = cb->end_seq - cb->seq - th->syn - th->fin;
	verdict = mptcp_rs_incoming(state, sock_net(sk), &seg, (const u8 *)(th + 1),
				    __tcp_hdrlen(th) - sizeof(*th));
	signalled = verdict & MPTCP_RS_SIGNALLED;
	verdict &= ~MPTCP_RS_SIGNALLED;
	/* A join's msk hears them once it is attached (below); before, nobody would. */
	if (signalled && verdict != MPTCP_RS_JOINED)
		mptcp_glue_subflow_signals(sk, state);
	switch (verdict) {
	case MPTCP_RS_JOINED:
		if (!mptcp_glue_msk_attach_join(sk, mptcp_rs_join_token(state))) {
			if (mptcp_rs_join_refuse(state, sock_net(sk)))
				mptcp_glue_subflow_reset(sk);
			return false;
		}
		mptcp_rs_join_accepted(sock_net(sk));
		if (signalled)
			mptcp_glue_subflow_signals(sk, state);
		/* The responder acknowledges the third ACK at once (RFC 8684 section 3.2). */
		inet_csk_schedule_ack(sk);
		inet_csk(sk)->icsk_ack.pending |= ICSK_ACK_NOW;
		return true;
	case MPTCP_RS_RESET:
		mptcp_glue_subflow_reset(sk);
		return false;
	case MPTCP_RS_DROP:
		return false;
	case MPTCP_RS_ACK_NOW:
		/*
		 * Acknowledge at once: a DATA_FIN alone with all data before it in (the stream
		 * ends), or an ADD_ADDR echo owed (the ACK carries it).
		 */
		inet_csk_schedule_ack(sk);
		inet_csk(sk)->icsk_ack.pending |= ICSK_ACK_NOW;
		mptcp_glue_msk_data_ready(sk);
		fallthrough;
	default:
		/* The msk learns the peer's acknowledgements (msk_tx.c). */
		mptcp_glue_msk_snd_level(sk, state);
		/*
		 * A DATA_FIN alone on a pure ACK: the msk learns it now, as nothing else may
		 * come over this subflow (the bytes before it may have come over another).
		 */
		if (!seg.payload && !th->fin && mptcp_rs_rx_data_fin(state, &data_fin))
			mptcp_glue_msk_data_ready(sk);
		/* The connection-level window opened for a writer waiting on it (tx.c). */
		if (mptcp_rs_snd_wakeup(state, tcp_sk(sk)->write_seq))
			sk->sk_write_space(sk);
		mptcp_glue_subflow_progress(sk);
		return true;
	}
}

/* Every skb goes out with one DSS mapping its whole payload: TCP must not merge past that. */
static bool mptcp_rs_hook_can_collapse(const struct sock *sk, const struct sk_buff *to,
				       const struct sk_buff *from)
{
	void *state = mptcp_glue_subflow_state(sk);

	if (!state)
		return true;
	return mptcp_rs_tx_can_merge(state, TCP_SKB_CB(to)->seq, to->len, from->len);
}

static const struct tcp_ext_ops mptcp_tcp_ext_ops = {
	.syn_options = mptcp_rs_hook_syn_options,
	.synack_options = mptcp_rs_hook_synack_options,
	.established_options = mptcp_rs_hook_established_options,
	.incoming = mptcp_rs_hook_incoming,
	.can_collapse = mptcp_rs_hook_can_collapse,
	.owner = THIS_MODULE,
};

u32 mptcp_glue_skb_payload_sum(const struct sk_buff *skb)
{
	return (__force u32)skb_checksum(skb, 0, skb->len, 0);
}

int mptcp_glue_tcp_ext_register(void)
{
	int err;

	mptcp_rs_reset_wq = alloc_workqueue("mptcp_rs_reset", WQ_UNBOUND, 0);
	if (!mptcp_rs_reset_wq)
		return -ENOMEM;
	err = tcp_ext_register(&mptcp_tcp_ext_ops);
	if (err)
		destroy_workqueue(mptcp_rs_reset_wq);
	return err;
}

void mptcp_glue_tcp_ext_unregister(void)
{
	tcp_ext_unregister(&mptcp_tcp_ext_ops);
	/* Runs the resets still queued; each holds its socket, which pins the module. */
	destroy_workqueue(mptcp_rs_reset_wq);
}
