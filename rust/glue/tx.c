// SPDX-License-Identifier: GPL-2.0
/*
 * Writing an MPTCP connection's stream into its first subflow directly: until the
 * connection is fully established, and for good after a fallback to TCP (msk_tx.c takes over
 * otherwise). The window probes below serve both.
 *
 * What we send is mapped at a fixed offset (DSN = IDSN + relative subflow sequence number,
 * rust/proto/conn.rs), so the receive window the peer advertises for the connection (its
 * right edge is DATA_ACK + window, RFC 8684 section 3.3.4) bounds what may enter TCP's send
 * queue. TCP's own window counts from the subflow's acknowledgement, which may run ahead of
 * the DATA_ACK; data beyond the connection's window is dropped by upstream's receiver
 * (NoDSSInWindow) and, with nothing at the connection level to send it again, would be lost.
 *
 * A writer that finds the window closed sleeps (or polls) until the right edge moves
 * (tcp_ext.c wakes it through sk_write_space). The peer may owe us that DATA_ACK: it
 * acknowledges at the connection level as its application reads, after TCP acknowledged the
 * bytes, and the window update it may send then can be lost. Upstream's sender recovers with
 * its connection-level retransmissions; ours makes the peer acknowledge again with a TCP
 * window probe (a segment below snd_una) while TCP has nothing in flight, backing off.
 * No byte goes beyond the window, even as a probe: the receiver could drop it after TCP
 * acknowledged it, and nothing here could send it again.
 *
 * Locking: the subflow's socket lock, as tcp_sendmsg() takes it.
 */
#include <linux/module.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "mptcp_glue.h"

/* How long a writer waits for a window update before looking again. */
#define MPTCP_RS_WINDOW_PROBE_INTERVAL	(HZ / 5)
/* The longest wait between two window probes (backed off from the interval above). */
#define MPTCP_RS_WINDOW_PROBE_MAX	(4 * HZ)

/*
 * tcp_sendmsg_locked() for at most @chunk bytes of @msg.
 *
 * Each skb goes out with one DSS mapping its payload with a 16-bit length, so the skbs TCP
 * builds must stay within 64 KiB: its size goal follows sk_gso_max_size, which BIG TCP
 * raises beyond that. sk_setup_caps() sets it again on a route change, hence every time.
 * (TCP merging skbs later is vetoed by the can_collapse hook, tcp_ext.c.)
 */
static int tx_chunk(struct sock *ssk, struct msghdr *msg, size_t chunk)
{
	size_t rest = iov_iter_count(&msg->msg_iter) - chunk;
	int ret;

	if (ssk->sk_gso_max_size > U16_MAX)
		ssk->sk_gso_max_size = U16_MAX;
	iov_iter_truncate(&msg->msg_iter, chunk);
	ret = tcp_sendmsg_locked(ssk, msg, chunk);
	iov_iter_reexpand(&msg->msg_iter, iov_iter_count(&msg->msg_iter) + rest);
	return ret;
}

int mptcp_glue_tx_may_wait(struct sock *sk, long timeo)
{
	if (sk->sk_err)
		return sock_error(sk);
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		return -EPIPE;
	if (!timeo)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(timeo);
	return 0;
}

/* Sleeps (socket lock released) until woken, or for the interval; 0 or -errno. */
static int tx_wait_window(struct sock *ssk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long wait_for, left;
	int err = mptcp_glue_tx_may_wait(ssk, *timeo);

	if (err)
		return err;
	wait_for = min_t(long, *timeo, MPTCP_RS_WINDOW_PROBE_INTERVAL);
	left = wait_for;
	add_wait_queue(sk_sleep(ssk), &wait);
	sk_wait_event(ssk, &left, ssk->sk_err || (READ_ONCE(ssk->sk_shutdown) & SEND_SHUTDOWN),
		      &wait);
	remove_wait_queue(sk_sleep(ssk), &wait);
	if (*timeo != MAX_SCHEDULE_TIMEOUT)
		*timeo -= wait_for - left;
	return 0;
}

/* Subflow locked (by the owner, or in softirq): whether to look again later. */
static bool window_probe(struct mptcp_rs_window_probe *wp)
{
	void *state = mptcp_glue_subflow_state(wp->ssk);

	if (!READ_ONCE(wp->msk_blocked) && (!state || !mptcp_rs_snd_blocked(state))) {
		wp->interval = MPTCP_RS_WINDOW_PROBE_INTERVAL;
		return false;
	}
	/* With segments in flight their acknowledgements bring DATA_ACKs; TCP probes its own. */
	if (!tcp_sk(wp->ssk)->packets_out && tcp_write_queue_empty(wp->ssk))
		tcp_send_window_probe(wp->ssk);
	wp->interval = min_t(unsigned long, wp->interval * 2, MPTCP_RS_WINDOW_PROBE_MAX);
	return true;
}

static void window_probe_timer(struct timer_list *t)
{
	struct mptcp_rs_window_probe *wp = timer_container_of(wp, t, timer);
	struct sock *ssk = wp->ssk;
	unsigned long next = HZ / 20;	/* the owner has the socket: soon again */
	bool again = true;

	bh_lock_sock(ssk);
	if (!sock_owned_by_user(ssk)) {
		again = window_probe(wp);
		next = wp->interval;
	}
	bh_unlock_sock(ssk);
	if (again)
		mod_timer(&wp->timer, jiffies + next);
}

void mptcp_glue_window_probe_start(struct mptcp_rs_window_probe *wp, struct sock *ssk)
{
	wp->ssk = ssk;
	wp->interval = MPTCP_RS_WINDOW_PROBE_INTERVAL;
	timer_setup(&wp->timer, window_probe_timer, 0);
}

void mptcp_glue_window_probe_stop(struct mptcp_rs_window_probe *wp)
{
	if (wp->ssk)
		timer_shutdown_sync(&wp->timer);
	wp->ssk = NULL;
}

/* A writer found the window closed: probe for it unless that is already under way. */
static void window_probe_arm(struct mptcp_rs_window_probe *wp)
{
	if (wp->ssk && !timer_pending(&wp->timer))
		mod_timer(&wp->timer, jiffies + wp->interval);
}

void mptcp_glue_window_probe_blocked(struct mptcp_rs_window_probe *wp, bool blocked)
{
	if (READ_ONCE(wp->msk_blocked) != blocked)
		WRITE_ONCE(wp->msk_blocked, blocked);
	if (blocked)
		window_probe_arm(wp);
}

bool mptcp_glue_tx_window_open(struct sock *ssk, struct mptcp_rs_window_probe *wp)
{
	void *state = mptcp_glue_subflow_state(ssk);
	u32 allowed;

	if (!state || !mptcp_rs_snd_allowance(state, tcp_sk(ssk)->write_seq, &allowed) ||
	    allowed)
		return true;
	window_probe_arm(wp);
	return false;
}

int mptcp_glue_msk_sendmsg(struct sock *ssk, struct mptcp_rs_window_probe *wp,
			   struct msghdr *msg, size_t len)
{
	size_t sent = 0;
	int err = 0;
	long timeo;

	lock_sock(ssk);
	timeo = sock_sndtimeo(ssk, msg->msg_flags & MSG_DONTWAIT);
	while (sent < len) {
		void *state = mptcp_glue_subflow_state(ssk);
		size_t chunk = len - sent;
		u32 allowed;
		int ret;

		if (state && mptcp_rs_snd_allowance(state, tcp_sk(ssk)->write_seq, &allowed)) {
			if (!allowed) {
				window_probe_arm(wp);
				err = tx_wait_window(ssk, &timeo);
				if (err)
					break;
				continue;
			}
			chunk = min_t(size_t, chunk, allowed);
		}
		ret = tx_chunk(ssk, msg, chunk);
		if (ret < 0) {
			err = ret;
			break;
		}
		sent += ret;
		/* TCP stopped short: non-blocking, a signal or a timeout. */
		if (ret < chunk)
			break;
	}
	release_sock(ssk);
	if (sent)
		return sent;
	/* SIGPIPE unless MSG_NOSIGNAL, as TCP gives it (which it did itself for its errors). */
	return err == -EPIPE ? sk_stream_error(ssk, msg->msg_flags, err) : err;
}
