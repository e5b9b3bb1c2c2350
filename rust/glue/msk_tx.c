// SPDX-License-Identifier: GPL-2.0
/*
 * The msk's sending side over several subflows: the scheduler, the connection-level
 * acknowledgements, and sending again what a subflow failed to deliver.
 *
 * Until the connection is fully established (and forever if it falls back to TCP) the first
 * subflow writes the stream itself, at a fixed offset (tx.c). From the first write after that,
 * the msk takes over: sendmsg() copies the application's bytes into chunks it keeps, hands
 * each piece to the subflow the scheduler picks (rust/proto/sched.rs) and tells that
 * subflow's state which DSN the piece starts at (its runs, rust/proto/tx_offsets.rs), so the
 * DSS of every segment maps it. A chunk is freed once the peer's DATA_ACK passed it; until
 * then a timer sends the oldest bytes again on another subflow when the DATA_ACK stops
 * moving, and at once when a subflow closes (a path failed). The receiver drops what it
 * already has, by DSN.
 *
 * Only what some subflow took is copied, so unsent bytes never wait here: the writer sleeps
 * until a subflow has room and the peer's connection-level window is open, as TCP's would.
 * A non-blocking writer that poll() cleared, and whose subflow the scheduler no longer picks
 * (it went stale, or its congestion window shrank), has its bytes taken by any subflow TCP
 * lets take them: applications that treat EAGAIN after EPOLLOUT as an error (upstream's
 * mptcp_connect) then see it only when every subflow filled or failed in between.
 *
 * Locking: the msk's socket lock for the chunks and the cursor, subflow socket locks inside
 * it one at a time (nested, as rx.c takes them); tx.lock (BH) for what subflows report of the
 * peer's acknowledgements.
 */
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <uapi/linux/mptcp.h>

#include "mptcp_glue.h"
#include "msk.h"

/* A chunk's bytes: a 16 KiB allocation with its header. */
#define MSK_TX_CHUNK	(16384 - sizeof(struct msk_tx_chunk))
/* Bytes handed to one subflow per scheduling decision, and per reinjection. */
#define MSK_TX_BURST	(64 * 1024)
/* Bytes sent again per round of the reinjection timer, at most. */
#define MSK_TX_REINJECT_MAX	(4 * 1024 * 1024)
/* Subflows the scheduler looks at (the first, then joins). */
#define MSK_TX_SUBFLOWS	16
/* How long the DATA_ACK may stand still with bytes outstanding before they go again. */
#define MSK_TX_STALL	HZ
/* How often the reinjection timer looks while bytes are outstanding. */
#define MSK_TX_TICK	(HZ / 4)
/* A writer with nothing to wake it looks again this often. */
#define MSK_TX_WAIT	(HZ / 5)

struct msk_tx_chunk {
	struct list_head node;
	u64 dsn;	/* of data[0] */
	u32 len;
	/*
	 * The subflow it was last sent on, compared only, never dereferenced (a new subflow
	 * at the same address would be taken for it: its bytes then wait for the stall).
	 */
	const struct sock *sent_on;
	u8 data[];
};

static bool after64(u64 a, u64 b)
{
	return (s64)(a - b) > 0;
}

static void msk_tx_retrans_work(struct work_struct *work);

void msk_tx_init(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;

	memset(tx, 0, sizeof(*tx));
	INIT_LIST_HEAD(&tx->chunks);
	spin_lock_init(&tx->lock);
	INIT_DELAYED_WORK(&tx->retrans, msk_tx_retrans_work);
}

/* One of what the subflows reported (&tx->snd_una or &tx->wnd_end), read under its lock. */
static u64 tx_reported(struct msk_tx *tx, const u64 *field)
{
	u64 v;

	spin_lock_bh(&tx->lock);
	v = *field;
	spin_unlock_bh(&tx->lock);
	return v;
}

static u64 tx_snd_una(struct msk_tx *tx)
{
	return tx_reported(tx, &tx->snd_una);
}

static u64 tx_wnd_end(struct msk_tx *tx)
{
	return tx_reported(tx, &tx->wnd_end);
}

/* What a subflow saw of the peer's acknowledgements: the msk keeps the highest. */
static bool tx_merge_level(struct msk_tx *tx, u64 acked, u64 wnd_end)
{
	bool opened = false;

	spin_lock_bh(&tx->lock);
	if (after64(acked, tx->snd_una))
		tx->snd_una = acked;
	if (after64(wnd_end, tx->wnd_end)) {
		tx->wnd_end = wnd_end;
		opened = true;
	}
	spin_unlock_bh(&tx->lock);
	return opened;
}

/* Frees the chunks the peer acknowledged at the connection level. msk locked. */
static void tx_clean(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	struct msk_tx_chunk *c, *tmp;
	u64 una = tx_snd_una(tx);

	list_for_each_entry_safe(c, tmp, &tx->chunks, node) {
		if (after64(c->dsn + c->len, una))
			break;
		list_del(&c->node);
		kfree(c);
	}
}

static void tx_purge(struct sock *sk)
{
	struct msk_tx_chunk *c, *tmp;

	list_for_each_entry_safe(c, tmp, &msk_of(sk)->tx.chunks, node) {
		list_del(&c->node);
		kfree(c);
	}
}

/* Wakes a writer (or poller) of the msk. Any context. */
static void msk_tx_wake(struct sock *sk)
{
	struct socket_wq *wq;

	/* A writer about to sleep sees it (tx_wait()). */
	atomic_inc(&msk_of(sk)->tx.wakes);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	rcu_read_unlock();
}

/* What every TCP socket has as sk_write_space, recorded from the first subflow hooked. */
static void (*tcp_write_space)(struct sock *ssk);

static void msk_tx_write_space(struct sock *ssk)
{
	void (*chained)(struct sock *ssk) = READ_ONCE(tcp_write_space);
	struct sock *sk;

	if (chained)
		chained(ssk);
	read_lock_bh(&ssk->sk_callback_lock);
	sk = msk_of_subflow(ssk);
	if (sk && READ_ONCE(msk_of(sk)->tx.active))
		msk_tx_wake(sk);
	read_unlock_bh(&ssk->sk_callback_lock);
}

void msk_tx_hook_write_space(struct sock *ssk)
{
	if (ssk->sk_write_space == msk_tx_write_space)
		return;
	if (!READ_ONCE(tcp_write_space))
		WRITE_ONCE(tcp_write_space, ssk->sk_write_space);
	ssk->sk_write_space = msk_tx_write_space;
}

void msk_tx_unhook_write_space(struct sock *ssk)
{
	if (ssk->sk_write_space == msk_tx_write_space)
		ssk->sk_write_space = READ_ONCE(tcp_write_space);
}

void mptcp_glue_msk_snd_level(struct sock *ssk, void *state)
{
	u64 acked, wnd_end;
	struct sock *sk;

	if (!mptcp_rs_tx_snd_level(state, &acked, &wnd_end))
		return;
	read_lock_bh(&ssk->sk_callback_lock);
	sk = msk_of_subflow(ssk);
	if (sk && READ_ONCE(msk_of(sk)->tx.active) &&
	    tx_merge_level(&msk_of(sk)->tx, acked, wnd_end))
		msk_tx_wake(sk);
	read_unlock_bh(&ssk->sk_callback_lock);
}

/* ---- the subflows, as the scheduler sees them ---- */

struct tx_subflows {
	struct sock *ssk[MSK_TX_SUBFLOWS];
	struct mptcp_rs_sched_candidate c[MSK_TX_SUBFLOWS];
	unsigned int n;
};

/* Can @ssk (locked) carry data now, stale or not? */
static bool subflow_can_send(struct sock *ssk, void *state)
{
	int st = ssk->sk_state;

	/* TCP's sendmsg needs a socket (a listener's join has the msk's, join.c). */
	return state && ssk->sk_socket && (st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT) &&
	       !ssk->sk_err && !(READ_ONCE(ssk->sk_shutdown) & SEND_SHUTDOWN) &&
	       mptcp_rs_tx_ready(state);
}

/* Describes @ssk (locked) for the scheduler. */
static void describe(struct sock *sk, struct sock *ssk, struct mptcp_rs_sched_candidate *c)
{
	void *state = mptcp_glue_subflow_state(ssk);
	const struct tcp_sock *tp = tcp_sk(ssk);
	bool ours = false, peer = false;
	u8 retrans = inet_csk(ssk)->icsk_retransmits;

	memset(c, 0, sizeof(*c));
	if (!subflow_can_send(ssk, state))
		return;
	mptcp_rs_subflow_backup(state, &ours, &peer);
	c->usable = !mptcp_rs_tx_stale(state);
	/*
	 * Room: TCP's, a run to record the msk's next bytes, and not more queued than two
	 * congestion windows (and a burst): deeper queues only delay the DATA_ACK and leave
	 * more to send again if the path fails.
	 */
	c->room = sk_stream_memory_free(ssk) &&
		  tp->write_seq - tp->snd_una < 2 * tcp_snd_cwnd(tp) * tp->mss_cache + MSK_TX_BURST &&
		  mptcp_rs_tx_room_for(state, tp->write_seq, tp->snd_una,
				       READ_ONCE(msk_of(sk)->tx.snd_nxt));
	/* As tcp_poll() does: TCP calls sk_write_space once room comes back. */
	if (!c->room)
		set_bit(SOCK_NOSPACE, &ssk->sk_socket->flags);
	c->backup = ours || peer;
	c->retransmits = retrans;
	c->queued = tp->write_seq - tp->snd_una;
	c->cwnd_bytes = tcp_snd_cwnd(tp) * tp->mss_cache;
	c->srtt_us = tp->srtt_us >> 3;
}

/* The msk's subflows, held and described (each locked in turn; the msk need not be). */
static void tx_subflows_get(struct sock *sk, struct tx_subflows *subs)
{
	struct sock *ssk;
	unsigned int i;

	subs->n = 0;
	ssk = mptcp_glue_msk_first_get(sk);
	if (ssk)
		subs->ssk[subs->n++] = ssk;
	for (i = 0; subs->n < MSK_TX_SUBFLOWS && (ssk = msk_join_get(sk, i)); i++)
		subs->ssk[subs->n++] = ssk;
	for (i = 0; i < subs->n; i++) {
		lock_sock_nested(subs->ssk[i], SINGLE_DEPTH_NESTING);
		describe(sk, subs->ssk[i], &subs->c[i]);
		release_sock(subs->ssk[i]);
	}
}

/* Drops the references, except the subflow @keep (if any), which the caller puts. */
static void tx_subflows_put(struct tx_subflows *subs, struct sock *keep)
{
	unsigned int i;

	for (i = 0; i < subs->n; i++)
		if (subs->ssk[i] != keep)
			sock_put(subs->ssk[i]);
	subs->n = 0;
}

/* The subflow to send on (held), or NULL. msk locked. */
static struct sock *tx_schedule(struct sock *sk, bool reinject)
{
	struct tx_subflows subs;
	struct sock *ssk = NULL;
	int pick;

	tx_subflows_get(sk, &subs);
	pick = mptcp_rs_sched_pick(subs.c, subs.n, reinject);
	if (pick >= 0 && pick < subs.n)
		ssk = subs.ssk[pick];
	tx_subflows_put(&subs, ssk);
	return ssk;
}

/*
 * A subflow TCP lets take the msk's next bytes now, the scheduler's preferences aside (stale,
 * backup, queue deeper than its congestion window): a usable one first. Held, or NULL. msk
 * locked.
 */
static struct sock *tx_any_subflow(struct sock *sk)
{
	u64 next = msk_of(sk)->tx.snd_nxt;
	struct tx_subflows subs;
	struct sock *found = NULL;
	unsigned int pass, i;

	tx_subflows_get(sk, &subs);
	for (pass = 0; pass < 2 && !found; pass++) {
		for (i = 0; i < subs.n && !found; i++) {
			struct sock *ssk = subs.ssk[i];
			void *state;

			if (!pass && !subs.c[i].usable)
				continue;
			lock_sock_nested(ssk, SINGLE_DEPTH_NESTING);
			state = mptcp_glue_subflow_state(ssk);
			if (subflow_can_send(ssk, state) && sk_stream_memory_free(ssk) &&
			    mptcp_rs_tx_room_for(state, tcp_sk(ssk)->write_seq, tcp_sk(ssk)->snd_una,
						 next))
				found = ssk;
			release_sock(ssk);
		}
	}
	tx_subflows_put(&subs, found);
	return found;
}

/*
 * Queues @len bytes of the stream at @dsn on @ssk (locked): how many TCP took, or -errno.
 * Never blocks.
 */
static int tx_push(struct sock *ssk, u64 dsn, const u8 *data, size_t len)
{
	void *state = mptcp_glue_subflow_state(ssk);
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec vec = { .iov_base = (void *)data, .iov_len = len };
	struct sk_buff *tail;

	if (!subflow_can_send(ssk, state))
		return -EAGAIN;
	switch (mptcp_rs_tx_assign(state, tcp_sk(ssk)->write_seq, tcp_sk(ssk)->snd_una, dsn)) {
	case 0:
		break;
	case 1:
		/* A new run: TCP must not append it to the skb holding the previous one. */
		tail = tcp_write_queue_tail(ssk);
		if (tail)
			TCP_SKB_CB(tail)->eor = 1;
		break;
	default:
		return -EAGAIN;
	}
	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &vec, 1, len);
	/* One DSS per skb, with a 16-bit length (see tx_chunk() in tx.c). */
	if (ssk->sk_gso_max_size > U16_MAX)
		ssk->sk_gso_max_size = U16_MAX;
	return tcp_sendmsg_locked(ssk, &msg, len);
}

/* Arms the reinjection timer (it holds the msk) unless it is pending. */
static void tx_retrans_arm(struct sock *sk, unsigned long delay)
{
	struct msk_tx *tx = &msk_of(sk)->tx;

	sock_hold(sk);
	if (!schedule_delayed_work(&tx->retrans, delay))
		sock_put(sk);
}

/*
 * Copies up to @budget bytes of @msg into new chunks and hands them to @ssk: the bytes it
 * took, or -errno if none. What it did not take goes back into @msg. msk locked.
 */
static int tx_send_new(struct sock *sk, struct sock *ssk, struct msghdr *msg, size_t budget)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	size_t done = 0;
	int err = 0;

	lock_sock_nested(ssk, SINGLE_DEPTH_NESTING);
	while (done < budget) {
		size_t n = min_t(size_t, budget - done, MSK_TX_CHUNK);
		struct msk_tx_chunk *c;
		int sent;

		c = kmalloc(sizeof(*c) + n, sk->sk_allocation);
		if (!c) {
			err = -ENOMEM;
			break;
		}
		if (!copy_from_iter_full(c->data, n, &msg->msg_iter)) {
			kfree(c);
			err = -EFAULT;
			break;
		}
		c->dsn = tx->snd_nxt;
		c->sent_on = ssk;
		sent = tx_push(ssk, c->dsn, c->data, n);
		if (sent <= 0) {
			iov_iter_revert(&msg->msg_iter, n);
			kfree(c);
			err = sent ? sent : -EAGAIN;
			break;
		}
		if (sent < n)
			iov_iter_revert(&msg->msg_iter, n - sent);
		c->len = sent;
		list_add_tail(&c->node, &tx->chunks);
		tx->snd_nxt += sent;
		tx->bytes_sent += sent;
		done += sent;
		if (sent < n)
			break;
	}
	release_sock(ssk);
	if (done && !delayed_work_pending(&tx->retrans))
		tx_retrans_arm(sk, MSK_TX_TICK);
	return done ? done : err;
}

/*
 * The msk takes over from the first subflow: its next byte is where the stream goes on. False
 * if it cannot yet (or ever: plain TCP). msk locked, no direct writer in.
 */
static bool tx_take_over(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	struct sock *first = mptcp_glue_msk_first_get(sk);
	u64 next, acked, wnd_end;
	void *state;
	bool ok = false;

	if (!first)
		return false;
	/*
	 * Under the first subflow's lock its segments wait in the backlog: none is processed
	 * between reading its view of the acknowledgements and the flag that makes each report
	 * to the msk. (Joins report too, but carry none of our data yet.)
	 */
	lock_sock_nested(first, SINGLE_DEPTH_NESTING);
	state = mptcp_glue_subflow_state(first);
	if (state && mptcp_rs_tx_ready(state) &&
	    mptcp_rs_tx_next_dsn(state, tcp_sk(first)->write_seq, &next) &&
	    mptcp_rs_tx_snd_level(state, &acked, &wnd_end)) {
		tx->snd_nxt = next;
		tx->start = mptcp_rs_tx_stream_start(state);
		tx->bytes_sent = next - tx->start;
		tx->rtx_una = acked;
		tx->rtx_stamp = jiffies;
		spin_lock_bh(&tx->lock);
		tx->snd_una = acked;
		tx->wnd_end = wnd_end;
		spin_unlock_bh(&tx->lock);
		WRITE_ONCE(tx->active, true);
		ok = true;
	}
	release_sock(first);
	sock_put(first);
	return ok;
}

/*
 * Sleeps (msk lock released) until woken (after @seen, the wake count when the writer last
 * looked) or a while passed: 0 or -errno.
 */
static int tx_wait(struct sock *sk, long *timeo, int seen)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long wait_for, left;
	int err = mptcp_glue_tx_may_wait(sk, *timeo);

	if (err)
		return err;
	wait_for = min_t(long, *timeo, MSK_TX_WAIT);
	left = wait_for;
	add_wait_queue(sk_sleep(sk), &wait);
	sk_wait_event(sk, &left, sk->sk_err || atomic_read(&msk_of(sk)->tx.wakes) != seen, &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	if (*timeo != MAX_SCHEDULE_TIMEOUT)
		*timeo -= wait_for - left;
	return 0;
}

/* The connection-level window left for new bytes. msk locked. */
static size_t tx_window(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	u64 end = tx_wnd_end(tx);

	if (!after64(end, tx->snd_nxt))
		return 0;
	return min_t(u64, end - tx->snd_nxt, SIZE_MAX);
}

/* The first subflow fell back to TCP with no other subflow: it writes on its own again. */
static bool tx_fell_back(struct sock *sk)
{
	struct sock *first = mptcp_glue_msk_first_get(sk);
	struct sock *join = msk_join_get(sk, 0);
	bool fell = false;

	if (join)
		sock_put(join);
	else if (first) {
		void *state;

		lock_sock_nested(first, SINGLE_DEPTH_NESTING);
		state = mptcp_glue_subflow_state(first);
		fell = !state || !mptcp_rs_subflow_is_mptcp(state);
		release_sock(first);
	}
	if (first)
		sock_put(first);
	return fell;
}

bool msk_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t len, int *ret)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	size_t copied = 0;
	int err = 0;
	long timeo;

	lock_sock(sk);
	if (tx->active && tx_fell_back(sk)) {
		WRITE_ONCE(tx->active, false);
		tx_purge(sk);
	}
	if (!tx->active && (atomic_read(&tx->direct_writers) || !tx_take_over(sk))) {
		/* The first subflow writes: no take-over while it does (tx.c). */
		atomic_inc(&tx->direct_writers);
		release_sock(sk);
		return false;
	}
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	while (copied < len) {
		int seen = atomic_read(&tx->wakes);
		struct sock *ssk = NULL;
		size_t window;
		int sent;

		if (tx->fin) {
			err = -EPIPE;
			break;
		}
		tx_clean(sk);
		window = tx_window(sk);
		if (window) {
			mptcp_glue_window_probe_blocked(&msk_of(sk)->window_probe, false);
			ssk = tx_schedule(sk, false);
		} else {
			/* The peer may owe the window update: ask for it (tx.c). */
			mptcp_glue_window_probe_blocked(&msk_of(sk)->window_probe, true);
		}
		sent = -EAGAIN;
		if (ssk) {
			sent = tx_send_new(sk, ssk, msg,
					   min3(len - copied, window, (size_t)MSK_TX_BURST));
			sock_put(ssk);
		}
		/* Non-blocking, nothing taken: poll() may have seen a pick that changed since. */
		if ((sent == 0 || sent == -EAGAIN) && window && !timeo && !copied) {
			ssk = tx_any_subflow(sk);
			if (ssk) {
				sent = tx_send_new(sk, ssk, msg,
						   min3(len, window, (size_t)MSK_TX_BURST));
				sock_put(ssk);
			}
		}
		if (sent == -EFAULT || sent == -ENOMEM) {
			err = sent;
			break;
		}
		if (sent > 0) {
			copied += sent;
			continue;
		}
		/* No subflow, or it took nothing after all (full, or no room for another run). */
		err = tx_wait(sk, &timeo, seen);
		if (err)
			break;
	}
	release_sock(sk);
	if (copied)
		*ret = copied;
	else
		*ret = err == -EPIPE ? sk_stream_error(sk, msg->msg_flags, err) : err;
	return true;
}

bool msk_tx_take_over_now(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	bool active;

	lock_sock(sk);
	/* Not while the first subflow writes on its own (tx.c): it may be blocked in TCP. */
	if (!tx->active && !atomic_read(&tx->direct_writers))
		tx_take_over(sk);
	active = tx->active;
	release_sock(sk);
	return active;
}

void msk_tx_direct_done(struct sock *sk)
{
	atomic_dec(&msk_of(sk)->tx.direct_writers);
}

/* ---- sending again ---- */

/* Whether @ssk (a chunk's sender) is among @subs and usable: if not, its bytes go again. */
static bool sender_ok(const struct tx_subflows *subs, const struct sock *ssk)
{
	unsigned int i;

	for (i = 0; i < subs->n; i++)
		if (subs->ssk[i] == ssk)
			return subs->c[i].usable;
	return false;	/* closed and gone */
}

/*
 * Sends again, on the subflow the scheduler picks for it, what the subflows that cannot
 * deliver it hold: every chunk whose sender went stale or closed, and, once the DATA_ACK
 * stood still for @stalled, whatever the sender of the oldest unacknowledged chunk holds.
 * With nothing but the DATA_FIN outstanding, it goes again on an ACK. msk locked.
 */
static void tx_reinject(struct sock *sk, bool stalled)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	u64 una = tx_snd_una(tx), from = una;
	const struct sock *suspect = NULL;
	struct sock *ssk;
	struct tx_subflows subs;
	struct msk_tx_chunk *c;
	size_t budget = MSK_TX_REINJECT_MAX, again = 0;
	int pick;

	tx_subflows_get(sk, &subs);
	pick = mptcp_rs_sched_pick(subs.c, subs.n, true);
	if (pick < 0 || pick >= subs.n) {
		tx_subflows_put(&subs, NULL);
		return;
	}
	ssk = subs.ssk[pick];
	c = list_first_entry_or_null(&tx->chunks, struct msk_tx_chunk, node);
	if (stalled && c && c->sent_on != ssk)
		suspect = c->sent_on;
	lock_sock_nested(ssk, SINGLE_DEPTH_NESTING);
	list_for_each_entry(c, &tx->chunks, node) {
		u64 end = c->dsn + c->len;
		u32 off, n;
		int sent;

		if (!after64(end, from) || c->sent_on == ssk ||
		    (c->sent_on != suspect && sender_ok(&subs, c->sent_on)))
			continue;
		off = after64(from, c->dsn) ? from - c->dsn : 0;
		n = min_t(size_t, c->len - off, budget);
		sent = tx_push(ssk, c->dsn + off, c->data + off, n);
		if (sent <= 0)
			break;
		tx->bytes_sent += sent;
		again += sent;
		budget -= sent;
		from = c->dsn + off + sent;
		if (sent < n || !budget)
			break;
		/* Sent whole: its new sender is the one to watch. */
		c->sent_on = ssk;
	}
	if (again)
		mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_TX_REINJECTED);
	release_sock(ssk);
	tx_subflows_put(&subs, NULL);
}

/*
 * One period of the reinjection timer, as upstream's: a subflow with data outstanding that
 * received nothing for more than stale_loss_cnt periods is stale, if another subflow can
 * carry on (it then loses fewer periods); one that receives again recovers. msk locked.
 */
static void tx_check_stale(struct sock *sk)
{
	unsigned int limit = mptcp_glue_stale_loss_cnt(sock_net(sk)), i, j;
	u8 lost[MSK_TX_SUBFLOWS] = {};
	bool busy[MSK_TX_SUBFLOWS] = {};
	struct tx_subflows subs;

	tx_subflows_get(sk, &subs);
	for (i = 0; i < subs.n; i++) {
		struct sock *ssk = subs.ssk[i];
		void *state;
		bool back;

		lock_sock_nested(ssk, SINGLE_DEPTH_NESTING);
		state = mptcp_glue_subflow_state(ssk);
		if (state && subflow_can_send(ssk, state)) {
			busy[i] = !tcp_rtx_and_write_queues_empty(ssk);
			lost[i] = mptcp_rs_tx_loss_tick(state, busy[i], tcp_sk(ssk)->rcv_tstamp,
							&back);
			if (back)
				mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_TX_SUBFLOW_RECOVER);
		}
		release_sock(ssk);
	}
	for (i = 0; limit && i < subs.n; i++) {
		bool alternative = false;

		if (!busy[i] || lost[i] <= limit)
			continue;
		for (j = 0; j < subs.n && !alternative; j++)
			alternative = j != i && subs.c[j].usable &&
				      lost[j] < max_t(unsigned int, limit - 1, 1);
		if (!alternative)
			continue;
		lock_sock_nested(subs.ssk[i], SINGLE_DEPTH_NESTING);
		if (mptcp_glue_subflow_state(subs.ssk[i]) &&
		    mptcp_rs_tx_mark_stale(mptcp_glue_subflow_state(subs.ssk[i])))
			mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_TX_SUBFLOW_STALE);
		release_sock(subs.ssk[i]);
	}
	tx_subflows_put(&subs, NULL);
}

/*
 * Nothing but the DATA_FIN outstanding, and not acknowledged in time: it goes again on an ACK
 * of every subflow that can still send one (a FIN sent does not stop ACKs). msk locked.
 */
static void tx_data_fin_again(struct sock *sk)
{
	struct tx_subflows subs;
	unsigned int i;

	tx_subflows_get(sk, &subs);
	for (i = 0; i < subs.n; i++) {
		struct sock *ssk = subs.ssk[i];
		int st;

		lock_sock_nested(ssk, SINGLE_DEPTH_NESTING);
		st = ssk->sk_state;
		if (mptcp_glue_subflow_state(ssk) &&
		    (1 << st) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
				 TCPF_CLOSE_WAIT | TCPF_CLOSING | TCPF_LAST_ACK))
			__tcp_send_ack(ssk, tcp_sk(ssk)->rcv_nxt, 0);
		release_sock(ssk);
	}
	tx_subflows_put(&subs, NULL);
}

static void msk_tx_retrans_work(struct work_struct *work)
{
	struct msk_tx *tx = container_of(to_delayed_work(work), struct msk_tx, retrans);
	struct mptcp_rs_sock *msk = container_of(tx, struct mptcp_rs_sock, tx);
	struct sock *sk = &msk->icsk.icsk_inet.sk;
	bool stalled;
	u64 una;

	lock_sock(sk);
	if (!tx->active || !msk->first || inet_sk_state_load(sk) == TCP_CLOSE)
		goto out;
	tx_clean(sk);
	una = tx_snd_una(tx);
	if (una != tx->rtx_una) {
		tx->rtx_una = una;
		tx->rtx_stamp = jiffies;
	}
	/* All acknowledged, the DATA_FIN too if sent: nothing to watch. */
	if (!after64(tx->snd_nxt + tx->fin, una))
		goto out;
	/* Every tick: what stale or closed subflows hold; after a stall, the oldest's sender. */
	tx_check_stale(sk);
	stalled = time_after_eq(jiffies, tx->rtx_stamp + MSK_TX_STALL);
	if (after64(tx->snd_nxt, una))
		tx_reinject(sk, stalled);
	else if (stalled)
		tx_data_fin_again(sk);
	if (stalled)
		tx->rtx_stamp = jiffies;
	tx_retrans_arm(sk, MSK_TX_TICK);
out:
	release_sock(sk);
	sock_put(sk);
}

void msk_tx_subflow_closed(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;

	if (!READ_ONCE(tx->active))
		return;
	/* What it held goes again now (its sender is no longer usable: tx_reinject()). */
	sock_hold(sk);
	if (!mod_delayed_work(system_wq, &tx->retrans, 0))
		return;	/* was pending: it already held the msk */
	sock_put(sk);
}

void msk_tx_shutdown(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	struct tx_subflows subs;
	unsigned int i;

	if (!tx->active || tx->fin)
		return;
	tx->fin = true;
	tx_subflows_get(sk, &subs);
	for (i = 0; i < subs.n; i++) {
		void *state;

		lock_sock_nested(subs.ssk[i], SINGLE_DEPTH_NESTING);
		state = mptcp_glue_subflow_state(subs.ssk[i]);
		if (state)
			mptcp_rs_tx_set_data_fin(state, tx->snd_nxt);
		release_sock(subs.ssk[i]);
	}
	tx_subflows_put(&subs, NULL);
	if (!delayed_work_pending(&tx->retrans))
		tx_retrans_arm(sk, MSK_TX_TICK);
}

void msk_tx_stop(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;

	if (cancel_delayed_work(&tx->retrans))
		sock_put(sk);
}

void msk_tx_reset(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;

	msk_tx_stop(sk);
	lock_sock(sk);
	tx_purge(sk);
	WRITE_ONCE(tx->active, false);
	tx->fin = false;
	release_sock(sk);
}

/* ---- what others read ---- */

bool msk_tx_writable(struct sock *sk)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	struct tx_subflows subs;
	int pick;

	if (!after64(tx_wnd_end(tx), READ_ONCE(tx->snd_nxt)))
		return false;
	/* Exactly when sendmsg() would find a subflow: EAGAIN after EPOLLOUT fails some apps. */
	tx_subflows_get(sk, &subs);
	pick = mptcp_rs_sched_pick(subs.c, subs.n, false);
	tx_subflows_put(&subs, NULL);
	return pick >= 0;
}

void msk_tx_fill_info(struct sock *sk, struct mptcp_info *info)
{
	struct msk_tx *tx = &msk_of(sk)->tx;
	u64 una;

	if (!READ_ONCE(tx->active))
		return;
	una = tx_snd_una(tx);
	info->mptcpi_write_seq = READ_ONCE(tx->snd_nxt);
	info->mptcpi_snd_una = una;
	info->mptcpi_bytes_sent = READ_ONCE(tx->bytes_sent);
	info->mptcpi_bytes_acked = una - tx->start;
}
