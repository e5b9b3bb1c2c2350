// SPDX-License-Identifier: GPL-2.0
/*
 * Reading an MPTCP connection's stream out of its subflow's receive queue.
 *
 * TCP queues the subflow's bytes in order; the protocol core (rust/proto/conn.rs, through
 * rust/subflow.rs) says, piece by piece, which of them continue the connection's stream
 * (deliver), which the stream already had (skip: upstream's MPTCP-level window probe and
 * reinjections send old data again under a new mapping), and where the stream is broken
 * (an unmapped byte, or a hole). The bytes stay charged to the subflow until consumed, so
 * TCP's own receive window, autotuning and window updates (tcp_read_done()) apply unchanged.
 *
 * Locking: everything here runs with the subflow's socket lock held by the caller, which is
 * what serialises the reader with TCP's receive path and with the core's state.
 */
#include <linux/module.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "mptcp_glue.h"

/*
 * The queued skb holding the byte at @seq, searched from @skb on (the queue's head if NULL),
 * and the byte's offset in it. NULL when no byte at @seq is queued; *@fin then says whether
 * the stream's TCP FIN comes right there. Skbs are in order, but one may start before the
 * previous one ends (TCP queues a partly old segment untrimmed): offsets come from sequence
 * numbers, never from the previous skb's end.
 */
static struct sk_buff *rx_skb_from(struct sock *ssk, struct sk_buff *skb, u32 seq, u32 *off,
				   bool *fin)
{
	struct sk_buff_head *queue = &ssk->sk_receive_queue;

	*fin = false;
	for (skb = skb ?: skb_peek(queue); skb; skb = skb_peek_next(skb, queue)) {
		u32 offset = seq - TCP_SKB_CB(skb)->seq;

		if (offset < skb->len) {
			*off = offset;
			return skb;
		}
		if (offset == skb->len && (TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)) {
			*fin = true;
			return NULL;
		}
	}
	return NULL;
}

static struct sk_buff *rx_skb_at(struct sock *ssk, u32 seq, u32 *off, bool *fin)
{
	return rx_skb_from(ssk, NULL, seq, off, fin);
}

/* Frees the bytes before @cur (TCP acknowledges the room) and tells the core. */
static void rx_consume(struct sock *ssk, void *state, const struct mptcp_rs_rx_cursor *cur)
{
	struct tcp_sock *tp = tcp_sk(ssk);

	if (after(cur->seq, tp->copied_seq))
		tcp_read_done(ssk, cur->seq - tp->copied_seq);
	if (state)
		mptcp_rs_rx_commit(state, cur);
}

/*
 * The core's verdict on the next @avail bytes (see mptcp_rs_rx_piece()); a plain TCP child
 * without state takes all.
 */
static int rx_piece(void *state, struct mptcp_rs_rx_cursor *cur, u32 avail, u32 *verify_len)
{
	*verify_len = 0;
	if (state)
		return mptcp_rs_rx_piece(state, cur, avail, verify_len);
	cur->seq += avail;
	return avail;
}

/*
 * Checks the DSS checksum of the @len bytes at @seq, which start at @off in @skb: 1 if it
 * matches, 0 if they are not all queued yet, -1 if it does not match (the subflow is being
 * reset).
 */
static int rx_verify(struct sock *ssk, void *state, struct sk_buff *skb, u32 off, u32 seq,
		     u32 len)
{
	__wsum sum = 0;
	u32 done = 0;

	if (after(seq + len, tcp_sk(ssk)->rcv_nxt))
		return 0;
	while (done < len) {
		bool fin;
		u32 n;

		if (done)
			skb = rx_skb_from(ssk, skb, seq + done, &off, &fin);
		if (!skb)
			return 0;
		n = min(skb->len - off, len - done);
		sum = csum_block_add(sum, skb_checksum(skb, off, n, 0), done);
		done += n;
	}
	if (mptcp_rs_rx_verify(state, sock_net(ssk), seq, (__force u32)sum))
		return 1;
	mptcp_glue_subflow_reset(ssk);
	return -1;
}

/*
 * Takes what the queue holds from @cur on, into @msg (at most @len bytes); returns the bytes
 * delivered or -EFAULT. *@broken is set when the stream cannot continue.
 */
static int rx_take(struct sock *ssk, void *state, struct mptcp_rs_rx_cursor *cur,
		   struct msghdr *msg, size_t len, int flags, bool *broken)
{
	struct sk_buff *skb;
	size_t copied = 0;
	bool fin;
	u32 off;

	skb = rx_skb_at(ssk, cur->seq, &off, &fin);
	while (skb && copied < len) {
		u32 avail = min_t(size_t, skb->len - off, len - copied);
		struct mptcp_rs_rx_cursor saved = *cur;
		u32 verify_len;
		int piece;

		piece = rx_piece(state, cur, avail, &verify_len);
		if (!piece && verify_len) {
			int verified = rx_verify(ssk, state, skb, off, cur->seq, verify_len);

			if (verified > 0)
				continue;	/* the same bytes, now deliverable */
			*broken = verified < 0;
			break;
		}
		if (!piece) {
			*broken = true;
			break;
		}
		if (piece > 0) {
			if (!(flags & MSG_TRUNC) &&
			    skb_copy_datagram_msg(skb, off, msg, piece)) {
				/* Not consumed: the bytes stay for the next read. */
				*cur = saved;
				return copied ? copied : -EFAULT;
			}
			copied += piece;
		}
		off += abs(piece);
		if (off >= skb->len)
			skb = rx_skb_from(ssk, skb, cur->seq, &off, &fin);
	}
	return copied;
}

/*
 * recvmsg() of an msk: TCP's reading rules (low-water mark, MSG_WAITALL, MSG_PEEK,
 * MSG_DONTWAIT, MSG_TRUNC, timeouts, signals, errors and end of stream), applied to the
 * pieces of the subflow's queue that the connection's stream is made of.
 */
static int rx_recvmsg_locked(struct sock *ssk, struct msghdr *msg, size_t len, int flags)
{
	void *state = mptcp_glue_subflow_state(ssk);
	struct mptcp_rs_rx_cursor cur;
	bool peek = flags & MSG_PEEK;
	bool broken = false;
	int copied = 0;
	long timeo;
	int target;

	if (ssk->sk_state == TCP_LISTEN)
		return -ENOTCONN;
	timeo = sock_rcvtimeo(ssk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(ssk, flags & MSG_WAITALL, len);
	cur = state ? mptcp_rs_rx_cursor(state, tcp_sk(ssk)->copied_seq) :
		(struct mptcp_rs_rx_cursor){ .seq = tcp_sk(ssk)->copied_seq };

	do {
		int took;

		took = rx_take(ssk, state, &cur, msg, len - copied, flags, &broken);
		if (took < 0) {
			if (!copied)
				copied = took;
			break;
		}
		copied += took;
		if (broken && state && mptcp_rs_rx_broken(state, sock_net(ssk)))
			mptcp_glue_subflow_reset(ssk);
		if (copied >= target)
			break;
		if (copied) {
			if (!timeo || ssk->sk_err || ssk->sk_state == TCP_CLOSE ||
			    (ssk->sk_shutdown & RCV_SHUTDOWN) || signal_pending(current))
				break;
		} else {
			if (sock_flag(ssk, SOCK_DONE) && !broken)
				break;
			if (ssk->sk_err) {
				copied = sock_error(ssk);
				break;
			}
			if ((ssk->sk_shutdown & RCV_SHUTDOWN) && !broken)
				break;
			if (ssk->sk_state == TCP_CLOSE) {
				copied = -ENOTCONN;
				break;
			}
			if (!timeo) {
				copied = -EAGAIN;
				break;
			}
			if (signal_pending(current)) {
				copied = sock_intr_errno(timeo);
				break;
			}
		}
		/* Free what was read before sleeping: the window reopens for the peer. */
		if (!peek)
			rx_consume(ssk, state, &cur);
		/* Everything queued was looked at: wait for more. */
		sk_wait_data(ssk, &timeo, skb_peek_tail(&ssk->sk_receive_queue));
		/* Meanwhile (lock released) poll may have consumed duplicates at the head. */
		if (!peek)
			cur = state ? mptcp_rs_rx_cursor(state, tcp_sk(ssk)->copied_seq) :
				(struct mptcp_rs_rx_cursor){ .seq = tcp_sk(ssk)->copied_seq };
		else if (before(cur.seq, tcp_sk(ssk)->copied_seq))
			cur.seq = tcp_sk(ssk)->copied_seq;
	} while (copied < len);

	if (!peek)
		rx_consume(ssk, state, &cur);
	return copied;
}

bool mptcp_glue_rx_ready(struct sock *ssk)
{
	void *state = mptcp_glue_subflow_state(ssk);
	struct mptcp_rs_rx_cursor cur;
	bool ready = false;
	int i;

	if (!state)
		return true;
	cur = mptcp_rs_rx_cursor(state, tcp_sk(ssk)->copied_seq);
	/* Bounded: duplicates come a few mappings at a time. */
	for (i = 0; i < 64; i++) {
		struct mptcp_rs_rx_cursor saved = cur;
		struct sk_buff *skb;
		u32 off, verify_len;
		bool fin;
		int piece;

		skb = rx_skb_at(ssk, cur.seq, &off, &fin);
		if (!skb) {
			ready = fin;	/* the end of the stream is readable */
			break;
		}
		piece = mptcp_rs_rx_piece(state, &cur, skb->len - off, &verify_len);
		if (piece < 0)
			continue;	/* a duplicate, consumed below */
		cur = saved;
		if (piece > 0)
			ready = true;
		else if (verify_len)
			ready = !after(cur.seq + verify_len, tcp_sk(ssk)->rcv_nxt);
		break;
	}
	rx_consume(ssk, state, &cur);
	return ready;
}

int mptcp_glue_msk_recvmsg(struct sock *ssk, struct msghdr *msg, size_t len, int flags)
{
	int copied;

	lock_sock(ssk);
	copied = rx_recvmsg_locked(ssk, msg, len, flags);
	release_sock(ssk);

	/* TCP_INQ and io_uring's inq hint, as tcp_recvmsg() gives them. */
	if (copied >= 0 && (tcp_sk(ssk)->recvmsg_inq || msg->msg_get_inq)) {
		msg->msg_inq = tcp_inq(ssk);
		if (tcp_sk(ssk)->recvmsg_inq)
			put_cmsg(msg, SOL_TCP, TCP_CM_INQ, sizeof(msg->msg_inq), &msg->msg_inq);
	}
	return copied;
}
