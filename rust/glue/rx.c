// SPDX-License-Identifier: GPL-2.0
/*
 * The receiving side of an msk: its subflows' bytes, moved into the msk's own queues.
 *
 * When a subflow has new data (its sk_data_ready, socket locked, usually in softirq), the
 * protocol core says where the next bytes of its receive queue belong (rust/proto/conn.rs,
 * Conn::rx_place): at a DSN of the connection's stream, in order as they are (plain TCP, Fast
 * Open SYN data), not before a DSS checksum is checked, or nowhere (unmapped: reset). The msk
 * places stream bytes by DSN (rust/proto/stream_rx.rs): appended to sk_receive_queue when
 * they continue the stream, dropped when it has them already, kept in ooo (sorted by DSN)
 * when they lie beyond a hole. The subflow's bytes are then consumed (tcp_read_done()), so TCP
 * acknowledges and reopens its window, and the DATA_ACK follows the stream.
 *
 * Moving stops while the msk holds more than its buffer (the larger of its own and the
 * subflow's sk_rcvbuf, which TCP autotunes): the bytes wait in the subflow, whose window then
 * closes, and the reader moves them once it made room.
 *
 * A moved piece is a clone of the subflow's skb (sharing its data) with the piece's offsets
 * in its control block, charged to the msk.
 *
 * Locking: the msk's sk_receive_queue.lock protects both queues, the stream position and the
 * counters; the mover holds the subflow's socket lock, the reader the msk's (then the
 * subflow's, to move more). Only the reader removes from the head of sk_receive_queue, so it
 * copies from a queued skb without the spinlock.
 */
#include <linux/module.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "mptcp_glue.h"

/* A piece in the msk's queues: its bytes are [offset, end) of the skb's data. */
struct mptcp_rs_rx_cb {
	u64 dsn;	/* of the byte at offset (ooo only) */
	u32 offset;
	u32 end;
};

static struct mptcp_rs_rx_cb *rx_cb(const struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct mptcp_rs_rx_cb) > sizeof_field(struct sk_buff, cb));
	return (struct mptcp_rs_rx_cb *)skb->cb;
}

void mptcp_glue_rx_init(struct mptcp_rs_msk_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	__skb_queue_head_init(&rx->ooo);
}

void mptcp_glue_rx_purge(struct sock *sk, struct mptcp_rs_msk_rx *rx)
{
	spin_lock_bh(&sk->sk_receive_queue.lock);
	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&rx->ooo);
	spin_unlock_bh(&sk->sk_receive_queue.lock);
}

void mptcp_glue_rx_reset(struct sock *sk, struct mptcp_rs_msk_rx *rx)
{
	spin_lock_bh(&sk->sk_receive_queue.lock);
	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&rx->ooo);
	memset(&rx->stream, 0, sizeof(rx->stream));
	WRITE_ONCE(rx->queued, 0);
	WRITE_ONCE(rx->copied, 0);
	WRITE_ONCE(rx->stalled, false);
	WRITE_ONCE(rx->multipath, false);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown & ~RCV_SHUTDOWN);
	spin_unlock_bh(&sk->sk_receive_queue.lock);
}

u32 mptcp_glue_rx_inq(const struct mptcp_rs_msk_rx *rx)
{
	u64 inq = READ_ONCE(rx->queued) - READ_ONCE(rx->copied);

	return min_t(u64, inq, INT_MAX);
}

void mptcp_glue_rx_fill_info(struct sock *sk, struct mptcp_rs_msk_rx *rx,
			     struct mptcp_info *info)
{
	spin_lock_bh(&sk->sk_receive_queue.lock);
	if (rx->stream.started) {
		/* The DATA_FIN counts once reached, as upstream's msk->ack_seq. */
		info->mptcpi_rcv_nxt = rx->stream.ack_seq + rx->stream.eof;
		info->mptcpi_bytes_received = rx->queued;
	}
	spin_unlock_bh(&sk->sk_receive_queue.lock);
}

bool mptcp_glue_rx_unread(struct sock *sk, struct mptcp_rs_msk_rx *rx)
{
	return !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
		!skb_queue_empty_lockless(&rx->ooo);
}

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

/* Appends @piece (its first bytes may be old) to the stream; caller holds the queue lock. */
static void rx_append(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sk_buff *piece,
		      u32 skip)
{
	struct mptcp_rs_rx_cb *cb = rx_cb(piece);
	u32 len;

	cb->offset += skip;
	len = cb->end - cb->offset;
	__skb_queue_tail(&sk->sk_receive_queue, piece);
	mptcp_rs_stream_appended(&rx->stream, len);
	WRITE_ONCE(rx->queued, rx->queued + len);
}

/* Out-of-order pieces the stream now reaches go in order (or away). Queue lock held. */
static void rx_drain_ooo(struct sock *sk, struct mptcp_rs_msk_rx *rx)
{
	struct sk_buff *skb;
	u32 skip;

	while ((skb = skb_peek(&rx->ooo))) {
		struct mptcp_rs_rx_cb *cb = rx_cb(skb);
		int where = mptcp_rs_stream_place(&rx->stream, cb->dsn, cb->end - cb->offset, &skip);

		if (where == 2)
			break;
		__skb_unlink(skb, &rx->ooo);
		if (where == 1)
			rx_append(sk, rx, skb, skip);
		else
			kfree_skb(skb);
	}
}

/* Keeps @piece beyond the hole, in DSN order. Queue lock held. */
static void rx_queue_ooo(struct mptcp_rs_msk_rx *rx, struct sk_buff *piece)
{
	u64 dsn = rx_cb(piece)->dsn;
	struct sk_buff *skb;

	skb_queue_reverse_walk(&rx->ooo, skb) {
		if ((s64)(rx_cb(skb)->dsn - dsn) <= 0) {
			__skb_queue_after(&rx->ooo, skb, piece);
			return;
		}
	}
	__skb_queue_head(&rx->ooo, piece);
}

/*
 * Moves @len bytes at @off of @skb into the msk: stream bytes at @dsn if @stream, else in
 * order. False if memory is short (nothing moved).
 */
static bool rx_take(struct sock *sk, struct mptcp_rs_msk_rx *rx, void *state,
		    struct sk_buff *skb, u32 off, u32 len, bool stream, u64 dsn)
{
	struct sk_buff *piece;
	int where = 1;
	u64 start;
	u32 skip = 0;

	spin_lock_bh(&sk->sk_receive_queue.lock);
	if (stream) {
		if (!rx->stream.started && mptcp_rs_rx_stream_start(state, &start))
			mptcp_rs_stream_start(&rx->stream, start);
		where = mptcp_rs_stream_place(&rx->stream, dsn, len, &skip);
	}
	if (where == 0) {
		/* The stream has them already: the subflow's copy just goes. */
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		return true;
	}
	piece = skb_clone(skb, GFP_ATOMIC);
	if (!piece) {
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		return false;
	}
	skb_dst_drop(piece);
	rx_cb(piece)->dsn = dsn;
	rx_cb(piece)->offset = off;
	rx_cb(piece)->end = off + len;
	skb_set_owner_r(piece, sk);
	if (where == 2) {
		rx_queue_ooo(rx, piece);
	} else {
		rx_append(sk, rx, piece, skip);
		rx_drain_ooo(sk, rx);
	}
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	return true;
}

/*
 * No room in the msk for the next piece. The piece with the byte the reader waits for (the
 * stream's next byte) goes in all the same while bytes beyond it wait out of order: with
 * several subflows, those can fill the buffer while the bytes that fill the hole wait in
 * another subflow, and only these let the reader drain it. Such a piece may start before
 * that byte (a peer's reinjection repeats bytes already in: upstream's MPTCP-level
 * retransmissions on a join; they are skipped), so any piece starting at or before it
 * counts. (That is bounded: what waits out of order came in under the limit. Read without
 * the queue lock: the piece is placed under it.)
 *
 * Nor is a piece refused that lies within the connection-level window we offered (each
 * subflow's TCP window counts from the DATA_ACK, RFC 8684 section 3.3.4, and the peer may
 * send on one subflow up to the edge another advertised: twice the largest, for the edge
 * is from an older DATA_ACK): the limit counts truesize, the window payload, and a piece
 * left in its subflow blocks those behind it, which may be the ones that fill the hole (a
 * sender's reinjection after a path failed). Bounded by the windows we advertised.
 */
static bool rx_no_room(struct sock *sk, const struct sock *ssk, struct mptcp_rs_msk_rx *rx,
		       int place, u64 dsn)
{
	int limit = max(READ_ONCE(sk->sk_rcvbuf), READ_ONCE(ssk->sk_rcvbuf));
	u64 ack_seq, window;

	if (atomic_read(&sk->sk_rmem_alloc) < limit)
		return false;
	if (place != MPTCP_RS_PLACE_STREAM || !READ_ONCE(rx->stream.started))
		return true;
	ack_seq = READ_ONCE(rx->stream.ack_seq);
	if (dsn <= ack_seq)
		return skb_queue_empty_lockless(&rx->ooo);
	window = 2 * (u64)max_t(u32, mptcp_glue_msk_max_rcv_wnd(sk, ssk), limit);
	return dsn - ack_seq >= window;
}

/* The stream's end, once reached: readers get 0 after the data. Queue lock taken. */
static bool rx_check_eof(struct sock *sk, struct mptcp_rs_msk_rx *rx, void *state,
			 bool subflow_fin)
{
	bool eof = subflow_fin;
	u64 fin;

	spin_lock_bh(&sk->sk_receive_queue.lock);
	/*
	 * The DATA_FIN may have come over another subflow, before the bytes this one just
	 * moved: the stream knows it, and ends once they are in.
	 */
	if (state && mptcp_rs_rx_data_fin(state, &fin))
		eof |= mptcp_rs_stream_fin(&rx->stream, fin);
	else
		eof |= mptcp_rs_stream_take_eof(&rx->stream);
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	if (!eof || (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		return false;
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	return true;
}

bool mptcp_glue_rx_move(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk)
{
	void *state = mptcp_glue_subflow_state(ssk);
	struct tcp_sock *tp = tcp_sk(ssk);
	u32 seq = tp->copied_seq;
	bool fin = false, moved = false, stalled = false, next_known;
	struct sk_buff *skb = NULL;
	u64 next;
	int i;

	if (ssk->sk_state == TCP_LISTEN)
		return false;
	/* Bounded: each step moves a piece (a mapping's run within an skb) or stops. */
	for (i = 0; i < 1024; i++) {
		u32 off, len, avail;
		int place;
		u64 dsn = 0;

		skb = rx_skb_from(ssk, skb, seq, &off, &fin);
		if (!skb)
			break;
		avail = skb->len - off;
		place = state ? mptcp_rs_rx_place(state, seq, avail, &dsn, &len) :
			MPTCP_RS_PLACE_IN_ORDER;
		if (!state)
			len = avail;
		if (rx_no_room(sk, ssk, rx, place, dsn)) {
			/*
			 * The reader frees room, then looks whether a move stalled (rx_refill()):
			 * say so first, then look at the room again, so that one of the two sees
			 * the other (a full barrier on each side), and no bytes are left waiting
			 * in the subflow with nobody to move them.
			 */
			WRITE_ONCE(rx->stalled, true);
			smp_mb();
			if (rx_no_room(sk, ssk, rx, place, dsn)) {
				stalled = true;
				break;
			}
		}
		if (place == MPTCP_RS_PLACE_VERIFY) {
			if (rx_verify(ssk, state, skb, off, seq, len) > 0)
				continue;	/* the same bytes, now placed in the stream */
			break;
		}
		if (place == MPTCP_RS_PLACE_BROKEN) {
			if (mptcp_rs_rx_broken(state, sock_net(ssk)))
				mptcp_glue_subflow_reset(ssk);
			break;
		}
		if (place == MPTCP_RS_PLACE_WAIT) {
			stalled = true;	/* moved on once the keys arrive (msk.c) */
			break;
		}
		if (!len)
			break;
		if (!rx_take(sk, rx, state, skb, off, len, place == MPTCP_RS_PLACE_STREAM, dsn)) {
			stalled = true;
			break;
		}
		seq += len;
		moved = true;
	}
	/* Cleared by the reader's refill only, which then tries every subflow. */
	if (stalled)
		WRITE_ONCE(rx->stalled, true);
	/*
	 * With one subflow its FIN ends the connection's stream too (plain TCP after a fallback,
	 * a peer that never sends DATA_FIN). Once a subflow joined, only the DATA_FIN does: bytes
	 * may still be on their way over another subflow.
	 */
	if (rx_check_eof(sk, rx, state, fin && !READ_ONCE(rx->multipath) &&
			 !(state && mptcp_rs_subflow_is_join(state))))
		moved = true;
	/* The subflow's DATA_ACK first: consuming may send the ACK that carries it. */
	if (state) {
		spin_lock_bh(&sk->sk_receive_queue.lock);
		next_known = mptcp_rs_stream_next(&rx->stream, &next);
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		mptcp_rs_rx_moved(state, seq, next_known, next);
	}
	if (seq != tp->copied_seq)
		tcp_read_done(ssk, seq - tp->copied_seq);
	if (moved && !sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	return moved;
}

/*
 * Moves what the subflow @ssk holds back (the reader made room) and tells the peer the new
 * DATA_ACK. The reader's context, msk locked.
 */
void mptcp_glue_rx_refill_subflow(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk)
{
	lock_sock_nested(ssk, SINGLE_DEPTH_NESTING);
	/*
	 * TCP acknowledged these bytes when they arrived, with the DATA_ACK of then: the peer
	 * learns the new one now. It may be waiting for nothing else (a writer whose
	 * connection-level window is closed cannot probe for it once it got our FIN), and
	 * consuming sends a window update only when the window grew enough.
	 */
	if (mptcp_glue_rx_move(sk, rx, ssk) && mptcp_glue_subflow_state(ssk) &&
	    (1 << ssk->sk_state) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
				    TCPF_CLOSE_WAIT))
		__tcp_send_ack(ssk, tcp_sk(ssk)->rcv_nxt, 0);
	release_sock(ssk);
}

/*
 * The subflows' bytes that waited (for room, or for the keys), now that the reader made
 * room. Only here is `stalled` cleared: every subflow is then tried, and any that stalls
 * again sets it again.
 */
static void rx_refill(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk)
{
	/* Pairs with the mover's barrier: the room freed is visible before `stalled` is read. */
	smp_mb();
	/* Even when still full: the piece the reader waits for may go in (rx_no_room()). */
	if (!READ_ONCE(rx->stalled))
		return;
	/* A stall set after this is retried below, each subflow's mover being done by then. */
	WRITE_ONCE(rx->stalled, false);
	mptcp_glue_rx_refill_subflow(sk, rx, ssk);
	mptcp_glue_msk_refill_joins(sk);
}

static struct sk_buff *rx_next_locked(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff *next;

	spin_lock_bh(&sk->sk_receive_queue.lock);
	next = skb ? skb_peek_next(skb, &sk->sk_receive_queue) : skb_peek(&sk->sk_receive_queue);
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	return next;
}

/*
 * Copies up to @len bytes of the stream into @msg, the first @peeked skipped (bytes a
 * MSG_PEEK already returned). Returns the bytes copied or -EFAULT.
 */
static int rx_copy(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct msghdr *msg,
		   size_t len, int flags, size_t peeked)
{
	bool peek = flags & MSG_PEEK;
	struct sk_buff *skb = rx_next_locked(sk, NULL);
	size_t copied = 0;

	while (skb && copied < len) {
		struct mptcp_rs_rx_cb *cb = rx_cb(skb);
		u32 avail = cb->end - cb->offset, off = cb->offset, n;

		if (peeked >= avail) {
			peeked -= avail;
			skb = rx_next_locked(sk, skb);
			continue;
		}
		off += peeked;
		avail -= peeked;
		peeked = 0;
		n = min_t(size_t, avail, len - copied);
		if (!(flags & MSG_TRUNC) && skb_copy_datagram_msg(skb, off, msg, n))
			return copied ? copied : -EFAULT;
		copied += n;
		if (peek) {
			skb = rx_next_locked(sk, skb);
			continue;
		}
		cb->offset += n;
		WRITE_ONCE(rx->copied, rx->copied + n);
		if (cb->offset < cb->end)
			break;
		spin_lock_bh(&sk->sk_receive_queue.lock);
		__skb_unlink(skb, &sk->sk_receive_queue);
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		consume_skb(skb);
		skb = rx_next_locked(sk, NULL);
	}
	return copied;
}

/*
 * The first subflow @ssk failed or closed (or the path manager closed it), and that is the
 * reader's end: unless the connection lives on over its joins (mptcp_glue_msk_lives_on()).
 */
static bool rx_first_over(struct sock *sk, struct sock *ssk)
{
	if (!READ_ONCE(ssk->sk_err) && inet_sk_state_load(ssk) != TCP_CLOSE &&
	    !mptcp_glue_msk_first_path_closed(sk))
		return false;
	return !mptcp_glue_msk_lives_on(sk);
}

/* Whether the subflow @ssk holds received bytes not moved into the msk (its FIN aside). */
static bool subflow_holds_data(struct sock *ssk)
{
	const struct tcp_sock *tp = tcp_sk(ssk);

	return READ_ONCE(tp->rcv_nxt) - READ_ONCE(tp->copied_seq) > 1;
}

/*
 * Sleeps until more than @seen bytes were ever queued (what the caller read up to), the
 * stream ends, or the subflow fails or closes. The mover wakes the msk; the subflow's own
 * wake-ups reach the same wait queue. Unlike sk_wait_data(), which compares the queue's tail
 * at the time of the call, nothing queued (nor the end, which is no skb) between the
 * caller's last look and the sleep is missed.
 */
static void rx_wait(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk, u64 seen,
		    long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	sk_set_bit(SOCKWQ_ASYNC_WAITDATA, sk);
	sk_wait_event(sk, timeo,
		      READ_ONCE(rx->queued) != seen ||
		      (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) || rx_first_over(sk, ssk), &wait);
	sk_clear_bit(SOCKWQ_ASYNC_WAITDATA, sk);
	remove_wait_queue(sk_sleep(sk), &wait);
}

/*
 * TCP's reading rules (low-water mark, MSG_WAITALL, MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC,
 * timeouts, signals, errors and end of stream) over the msk's queue. Errors and a closed
 * connection are the subflow's.
 */
static int rx_recvmsg_locked(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk,
			     struct msghdr *msg, size_t len, int flags)
{
	bool peek = flags & MSG_PEEK;
	int copied = 0;
	long timeo;
	int target;

	if (inet_sk_state_load(ssk) == TCP_LISTEN)
		return -ENOTCONN;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);

	do {
		/* Everything queued up to here is looked at below. */
		u64 seen = READ_ONCE(rx->queued);
		int took = rx_copy(sk, rx, msg, len - copied, flags, peek ? copied : 0);

		if (took < 0) {
			if (!copied)
				copied = took;
			break;
		}
		copied += took;
		rx_refill(sk, rx, ssk);
		if (copied >= target)
			break;
		if (copied) {
			if (!timeo || rx_first_over(sk, ssk) ||
			    (sk->sk_shutdown & RCV_SHUTDOWN) || signal_pending(current))
				break;
		} else {
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (ssk->sk_err && rx_first_over(sk, ssk)) {
				copied = sock_error(ssk);
				break;
			}
			/*
			 * Done as TCP is (a reset, both FINs), nothing left to move: the end. Not
			 * once a subflow joined: the rest may come over another (only the DATA_FIN
			 * ends the stream then).
			 */
			if (sock_flag(ssk, SOCK_DONE) && !READ_ONCE(rx->stalled) &&
			    !READ_ONCE(rx->multipath)) {
				if (!subflow_holds_data(ssk))
					break;
				/*
				 * Not the end while the subflow still holds bytes before its FIN
				 * that no move took (seen under load: the reader took the FIN for
				 * the end and lost them): move them now, and copy them.
				 */
				mptcp_glue_rx_refill_subflow(sk, rx, ssk);
				if (READ_ONCE(rx->queued) != seen)
					continue;
			}
			/*
			 * Likewise a first subflow closed or reset while joins carried on, and
			 * the last of them is gone too (msk_join_gone() set the msk's error).
			 */
			if (rx_first_over(sk, ssk)) {
				copied = sock_error(sk) ?: -ENOTCONN;
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
		rx_wait(sk, rx, ssk, seen, &timeo);
	} while (copied < len);
	return copied;
}

int mptcp_glue_rx_recvmsg(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk,
			  struct msghdr *msg, size_t len, int flags)
{
	int copied;

	lock_sock(sk);
	copied = rx_recvmsg_locked(sk, rx, ssk, msg, len, flags);
	release_sock(sk);

	/* TCP_INQ and io_uring's inq hint, as tcp_recvmsg() gives them. */
	if (copied >= 0 && (tcp_sk(ssk)->recvmsg_inq || msg->msg_get_inq)) {
		msg->msg_inq = mptcp_glue_rx_inq(rx);
		if (tcp_sk(ssk)->recvmsg_inq)
			put_cmsg(msg, SOL_TCP, TCP_CM_INQ, sizeof(msg->msg_inq), &msg->msg_inq);
	}
	return copied;
}
