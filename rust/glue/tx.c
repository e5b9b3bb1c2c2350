// SPDX-License-Identifier: GPL-2.0
/*
 * Writing an MPTCP connection's stream into its subflow.
 *
 * What we send is mapped at a fixed offset (DSN = IDSN + relative subflow sequence number,
 * rust/proto/conn.rs), so the receive window the peer advertises for the connection (its
 * right edge is DATA_ACK + window, RFC 8684 section 3.3.4) bounds what may enter TCP's send
 * queue. TCP's own window counts from the subflow's acknowledgement, which may run ahead of
 * the DATA_ACK; data beyond the connection's window is dropped by upstream's receiver
 * (NoDSSInWindow) and, with nothing at the connection level to send it again, would be lost.
 *
 * A writer that finds the window closed sleeps until the right edge moves (tcp_ext.c wakes it
 * through sk_write_space), looking again every 200 ms; once everything is acknowledged the
 * core lets one byte through as a probe, since the window update may have been lost.
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

/* tcp_sendmsg_locked() for at most @chunk bytes of @msg. */
static int tx_chunk(struct sock *ssk, struct msghdr *msg, size_t chunk)
{
	size_t rest = iov_iter_count(&msg->msg_iter) - chunk;
	int ret;

	iov_iter_truncate(&msg->msg_iter, chunk);
	ret = tcp_sendmsg_locked(ssk, msg, chunk);
	iov_iter_reexpand(&msg->msg_iter, iov_iter_count(&msg->msg_iter) + rest);
	return ret;
}

/* Sleeps (socket lock released) until woken, or for the interval; 0 or -errno. */
static int tx_wait_window(struct sock *ssk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long wait_for, left;

	if (ssk->sk_err)
		return sock_error(ssk);
	if (READ_ONCE(ssk->sk_shutdown) & SEND_SHUTDOWN)
		return -EPIPE;
	if (!*timeo)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(*timeo);

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

bool mptcp_glue_tx_window_open(struct sock *ssk)
{
	void *state = mptcp_glue_subflow_state(ssk);
	u32 allowed;

	return !state || !mptcp_rs_snd_allowance(state, tcp_sk(ssk)->write_seq, &allowed) ||
	       allowed;
}

int mptcp_glue_msk_sendmsg(struct sock *ssk, struct msghdr *msg, size_t len)
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
