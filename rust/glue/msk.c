// SPDX-License-Identifier: GPL-2.0
/*
 * The MPTCP socket (msk) that applications see: socket(AF_INET{,6}, SOCK_STREAM,
 * IPPROTO_MPTCP).
 *
 * An msk is a `struct proto` object starting with an inet_connection_sock. It owns its first
 * subflow, an ordinary kernel TCP socket created with the msk and carrying the "mptcp" ULP
 * (subflow.c), which does the MPTCP signalling on the wire through the TCP extension hooks.
 *
 * With one subflow, socket calls are served by the first subflow: this file forwards them, and
 * mirrors the subflow's state and errors onto the msk where generic socket code reads the msk
 * itself (SO_ERROR, SO_ACCEPTCONN). Receiving is the msk's own: the subflow's bytes are moved
 * into the msk's queues as they arrive, placed in the connection's stream by the mappings the
 * peer sent (rx.c), and recvmsg, poll and SIOCINQ read those. splice reads through recvmsg (no
 * .splice_read). Sending is the msk's once the connection is fully established: it schedules
 * its stream over the subflows and sends again what a failed path held (msk_tx.c); before
 * that, and after a fallback to TCP, the first subflow writes it (tx.c).
 *
 * Additional subflows (MP_JOIN) and the path manager that opens them are in join.c; the
 * msk's object is shared with it through msk.h.
 *
 * Locking: forwarded calls lock the subflow as plain TCP does; recvmsg takes the msk's socket
 * lock, then the subflow's. `first` is set at creation (or accept) and cleared only at
 * release, when no other call can run on the socket.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/inet_common.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/transp_v6.h>
#include <uapi/linux/mptcp.h>
#include <uapi/linux/mptcp_pm.h>

#include "mptcp_glue.h"
#include "msk.h"
#include "uapi/mptcp_rs.h"

/* Every msk with an attached subflow, in creation order: what diag (ss -M) walks. */
static LIST_HEAD(mptcp_rs_msks);
static DEFINE_SPINLOCK(mptcp_rs_msks_lock);
static u64 mptcp_rs_msks_serial;

#if IS_ENABLED(CONFIG_IPV6)
struct mptcp_rs_sock6 {
	struct mptcp_rs_sock msk;
	struct ipv6_pinfo np;
};
#endif

static struct proto mptcp_rs_prot;
#if IS_ENABLED(CONFIG_IPV6)
static struct proto mptcp_rs_v6_prot;
#endif

static void msk_set_token(struct sock *sk, u32 token, bool can_sleep, bool fully);

static struct socket *first_of(const struct socket *sock)
{
	return msk_of(sock->sk)->first;
}

/*
 * The msk's state, as upstream's mptcp_set_state() counts it: MPTcpExtMPCurrEstab counts the
 * msks in ESTABLISHED or CLOSE_WAIT. Callers race (subflow callbacks in softirq, close), so
 * the bit, not the old state, says whether this msk is counted.
 */
static void msk_set_state(struct sock *sk, int state)
{
	bool estab = state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;

	if (estab && !test_and_set_bit(MSK_CURR_ESTAB, &msk_of(sk)->counted))
		mptcp_glue_mib_add(sock_net(sk), mptcp_rs_mib_curr_estab(), 1);
	else if (!estab && test_and_clear_bit(MSK_CURR_ESTAB, &msk_of(sk)->counted))
		mptcp_glue_mib_add(sock_net(sk), mptcp_rs_mib_curr_estab(), -1);
	inet_sk_set_state(sk, state);
}

/* Counted in /proc/net/protocols from connect, listen or accept on, as upstream. */
static void msk_count_inuse(struct sock *sk)
{
	if (!test_and_set_bit(MSK_INUSE, &msk_of(sk)->counted))
		sock_prot_inuse_add(sock_net(sk), sk->sk_prot, 1);
}

/*
 * The subflow's addresses and ports on the msk, where diag and generic code read them
 * (upstream's mptcp_copy_inaddrs()): after connect, listen and accept. The msk is in no
 * lookup table (hash, unhash and get_port do nothing), so inet_num binds nothing here.
 */
static void copy_addrs(struct sock *sk, const struct sock *ssk)
{
	const struct inet_sock *sinet = inet_sk(ssk);
	struct inet_sock *inet = inet_sk(sk);

	inet->inet_daddr = sinet->inet_daddr;
	inet->inet_rcv_saddr = sinet->inet_rcv_saddr;
	inet->inet_saddr = sinet->inet_saddr;
	/* inet_diag reports and filters the local port by inet_num. */
	inet->inet_num = sinet->inet_num;
	inet->inet_sport = sinet->inet_sport;
	inet->inet_dport = sinet->inet_dport;
	sk->sk_bound_dev_if = ssk->sk_bound_dev_if;
#if IS_ENABLED(CONFIG_IPV6)
	sk->sk_v6_daddr = ssk->sk_v6_daddr;
	sk->sk_v6_rcv_saddr = ssk->sk_v6_rcv_saddr;
	if (sk->sk_family == AF_INET6 && ssk->sk_family == AF_INET6)
		inet6_sk(sk)->saddr = inet6_sk(ssk)->saddr;
#endif
}

/*
 * The path-manager events the subflow @ssk owes (locked): MPTCP_EVENT_CREATED once
 * @may_create says the connection exists, _ESTABLISHED once the peer's key is known (the
 * Rust state keeps what went out). Returns CREATED's token, or 0 if it did not go now.
 */
static u32 announce(const struct sock *ssk, bool may_create)
{
	void *state = mptcp_glue_subflow_state(ssk);
	u32 token, created = 0;
	bool server_side;
	int type;

	while (state && (type = mptcp_rs_event_due(state, may_create, &token, &server_side))) {
		mptcp_glue_event_conn(type, ssk, token, server_side, GFP_ATOMIC);
		if (type == MPTCP_EVENT_CREATED)
			created = token;
	}
	return created;
}

void mptcp_glue_subflow_accepted(const struct sock *ssk)
{
	announce(ssk, true);
}

void mptcp_glue_subflow_progress(struct sock *ssk)
{
	void *state = mptcp_glue_subflow_state(ssk);
	struct sock *sk;

	announce(ssk, false);
	read_lock_bh(&ssk->sk_callback_lock);
	sk = msk_of_subflow(ssk);
	/* Bytes that waited for the peer's key (or for room) may move now. */
	if (sk && READ_ONCE(msk_of(sk)->rx.stalled))
		mptcp_glue_rx_move(sk, &msk_of(sk)->rx, ssk);
	if (sk && state && mptcp_rs_subflow_is_join(state))
		msk_pm_join_progress(sk, ssk);
	/* The peer proved it holds our key: joins to the connection can be answered now. */
	if (sk && READ_ONCE(msk_of(sk)->token) && state && !mptcp_rs_subflow_is_join(state) &&
	    mptcp_rs_fully_established(state))
		msk_pm_start(sk);
	read_unlock_bh(&ssk->sk_callback_lock);
}

void mptcp_glue_subflow_signals(struct sock *ssk, void *state)
{
	struct mptcp_rs_signals sig;
	struct sock *sk;

	mptcp_rs_subflow_take_signals(state, &sig);
	read_lock_bh(&ssk->sk_callback_lock);
	sk = msk_of_subflow(ssk);
	/* A connection not accepted yet has no path manager: its peer's echo was sent. */
	if (sk)
		msk_pm_signals(sk, ssk, &sig);
	read_unlock_bh(&ssk->sk_callback_lock);
}

bool mptcp_glue_msk_data_ready(struct sock *ssk)
{
	struct sock *sk;

	read_lock_bh(&ssk->sk_callback_lock);
	sk = msk_of_subflow(ssk);
	if (sk)
		mptcp_glue_rx_move(sk, &msk_of(sk)->rx, ssk);
	read_unlock_bh(&ssk->sk_callback_lock);
	return sk;
}

bool mptcp_glue_msk_lives_on(struct sock *sk)
{
	return READ_ONCE(msk_of(sk)->rx.multipath) && msk_has_live_join(sk);
}

u32 mptcp_glue_msk_max_rcv_wnd(struct sock *sk, const struct sock *ssk)
{
	u32 wnd = READ_ONCE(tcp_sk(ssk)->rcv_wnd);
	struct sock *other;
	unsigned int n;

	other = mptcp_glue_msk_first_get(sk);
	if (other) {
		wnd = max(wnd, READ_ONCE(tcp_sk(other)->rcv_wnd));
		sock_put(other);
	}
	/* Bounded by the subflow limit, as every walk of the joins. */
	for (n = 0; (other = msk_join_get(sk, n)); n++) {
		wnd = max(wnd, READ_ONCE(tcp_sk(other)->rcv_wnd));
		sock_put(other);
	}
	return wnd;
}

void msk_join_gone(struct sock *sk)
{
	struct sock *first = mptcp_glue_msk_first_get(sk);
	int err;

	if (!first)
		return;
	err = READ_ONCE(first->sk_err);
	if ((err || inet_sk_state_load(first) == TCP_CLOSE ||
	     READ_ONCE(msk_of(sk)->first_path_closed)) &&
	    !mptcp_glue_msk_lives_on(sk) && inet_sk_state_load(sk) != TCP_CLOSE) {
		/* No error once the stream has ended: the paths closed after the DATA_FIN. */
		if (err || !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
			WRITE_ONCE(sk->sk_err, err ?: ECONNRESET);
		msk_set_state(sk, TCP_CLOSE);
		sk_error_report(sk);
	}
	sock_put(first);
}

bool mptcp_glue_msk_first_path_closed(const struct sock *sk)
{
	return READ_ONCE(msk_of(sk)->first_path_closed);
}

bool msk_first_path_closable(struct sock *sk)
{
	return mptcp_glue_msk_lives_on(sk) && msk_tx_take_over_now(sk);
}

void msk_close_first_path(struct sock *sk, struct sock *first)
{
	void *state;

	WRITE_ONCE(msk_of(sk)->first_path_closed, true);
	lock_sock(first);
	state = mptcp_glue_subflow_state(first);
	if (state)
		mptcp_rs_subflow_close_path_only(state);
	/* The path managers hear of it as of any subflow closed (once: while it is open). */
	if ((1 << first->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))
		mptcp_glue_event_sub(MPTCP_EVENT_SUB_CLOSED, first, READ_ONCE(msk_of(sk)->token),
				     GFP_KERNEL);
	release_sock(first);
	/* shutdown(SHUT_WR): the peer still gets what TCP queued, and may still send. */
	if (first->sk_socket &&
	    (1 << inet_sk_state_load(first)) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))
		kernel_sock_shutdown(first->sk_socket, SHUT_WR);
	msk_tx_subflow_closed(sk);
}

/*
 * Whether the first subflow @ssk's new state is not the msk's: the connection lives on over
 * its joins and the first subflow was closed by the path manager, was reset, or the peer
 * closed it before the stream's end (then it is marked so for good).
 */
static bool first_path_over(struct sock *sk, struct sock *ssk)
{
	if (READ_ONCE(msk_of(sk)->first_path_closed))
		return true;
	if (!mptcp_glue_msk_lives_on(sk))
		return false;
	if (READ_ONCE(ssk->sk_err) && inet_sk_state_load(ssk) == TCP_CLOSE)
		return true;
	if (inet_sk_state_load(ssk) == TCP_CLOSE_WAIT &&
	    !(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)) {
		WRITE_ONCE(msk_of(sk)->first_path_closed, true);
		return true;
	}
	return false;
}

/*
 * Subflow callbacks: keep the msk's state and pending error in step with its subflow, for
 * generic code that reads the msk (sk_getsockopt(SO_ERROR), SO_ACCEPTCONN, diag), unless
 * the connection lives on over its joins (the first subflow's path failed). Wake-ups
 * need no relaying: the subflow's sk_wq is the msk socket's (attach_first()), so TCP's own
 * wake-ups reach poll, blocking calls and O_ASYNC owners of the msk. sk_user_data points to
 * the msk while it is attached; the msk outlives the attachment (detach_first()).
 */
static void mptcp_rs_sf_state_change(struct sock *ssk)
{
	void (*chained)(struct sock *ssk) = NULL;
	struct sock *sk;

	read_lock_bh(&ssk->sk_callback_lock);
	sk = msk_of_subflow(ssk);
	if (sk && first_path_over(sk, ssk)) {
		/* Reset or closed: what it held goes on the joins. */
		if (inet_sk_state_load(ssk) == TCP_CLOSE)
			msk_tx_subflow_closed(sk);
		chained = msk_of(sk)->sf_state_change;
	} else if (sk) {
		msk_set_state(sk, inet_sk_state_load(ssk));
		/* An active open completed: the SYN/ACK said whether it is MPTCP. */
		if (inet_sk_state_load(ssk) == TCP_ESTABLISHED) {
			u32 token = announce(ssk, true);

			if (token)
				msk_set_token(sk, token, false,
					      mptcp_rs_fully_established(mptcp_glue_subflow_state(ssk)));
		}
		chained = msk_of(sk)->sf_state_change;
	}
	read_unlock_bh(&ssk->sk_callback_lock);
	if (chained)
		chained(ssk);
}

static void mptcp_rs_sf_error_report(struct sock *ssk)
{
	void (*chained)(struct sock *ssk) = NULL;
	struct sock *sk;

	read_lock_bh(&ssk->sk_callback_lock);
	sk = msk_of_subflow(ssk);
	if (sk && (READ_ONCE(msk_of(sk)->first_path_closed) || mptcp_glue_msk_lives_on(sk))) {
		msk_tx_subflow_closed(sk);
		chained = msk_of(sk)->sf_error_report;
	} else if (sk) {
		WRITE_ONCE(sk->sk_err, READ_ONCE(ssk->sk_err));
		msk_set_state(sk, inet_sk_state_load(ssk));
		chained = msk_of(sk)->sf_error_report;
	}
	read_unlock_bh(&ssk->sk_callback_lock);
	if (chained)
		chained(ssk);
}

/*
 * Subflow callbacks on and off. A listener has them off: children clone a listener's
 * callbacks, and must start from the subflow's own.
 */
static void sf_callbacks_set(struct sock *sk, struct sock *ssk)
{
	write_lock_bh(&ssk->sk_callback_lock);
	msk_of(sk)->sf_state_change = ssk->sk_state_change;
	msk_of(sk)->sf_error_report = ssk->sk_error_report;
	__rcu_assign_sk_user_data_with_flags(ssk, sk, SK_USER_DATA_NOCOPY);
	ssk->sk_state_change = mptcp_rs_sf_state_change;
	ssk->sk_error_report = mptcp_rs_sf_error_report;
	msk_tx_hook_write_space(ssk);
	write_unlock_bh(&ssk->sk_callback_lock);
}

static void sf_callbacks_restore(struct sock *sk, struct sock *ssk)
{
	write_lock_bh(&ssk->sk_callback_lock);
	if (ssk->sk_state_change == mptcp_rs_sf_state_change) {
		rcu_assign_sk_user_data(ssk, NULL);
		ssk->sk_state_change = msk_of(sk)->sf_state_change;
		ssk->sk_error_report = msk_of(sk)->sf_error_report;
		msk_tx_unhook_write_space(ssk);
	}
	write_unlock_bh(&ssk->sk_callback_lock);
}

/*
 * The subflow wakes whoever waits on the msk: its sk_wq becomes the msk socket's (the subflow
 * drops it in sock_orphan(), when released by the msk's own release), and SIGIO follows the
 * msk's O_ASYNC owners (sock_wake_async() does nothing while none is registered).
 */
static void share_wait_queue(struct sock *sk, struct sock *ssk)
{
	write_lock_bh(&ssk->sk_callback_lock);
	rcu_assign_pointer(ssk->sk_wq, &sk->sk_socket->wq);
	sock_set_flag(ssk, SOCK_FASYNC);
	write_unlock_bh(&ssk->sk_callback_lock);
}

static void attach_first(struct sock *sk, struct socket *first)
{
	sf_callbacks_set(sk, first->sk);
	share_wait_queue(sk, first->sk);
	mptcp_glue_window_probe_start(&msk_of(sk)->window_probe, first->sk);
	spin_lock_bh(&mptcp_rs_msks_lock);
	msk_of(sk)->first = first;
	msk_of(sk)->serial = ++mptcp_rs_msks_serial;
	list_add_tail(&msk_of(sk)->node, &mptcp_rs_msks);
	spin_unlock_bh(&mptcp_rs_msks_lock);
	msk_set_state(sk, inet_sk_state_load(first->sk));
}

/* Takes the first subflow back from the msk; the caller releases it. */
static struct socket *detach_first(struct sock *sk)
{
	struct socket *first = msk_of(sk)->first;

	if (!first)
		return NULL;
	mptcp_glue_window_probe_stop(&msk_of(sk)->window_probe);
	sf_callbacks_restore(sk, first->sk);
	spin_lock_bh(&mptcp_rs_msks_lock);
	list_del(&msk_of(sk)->node);
	msk_of(sk)->first = NULL;
	spin_unlock_bh(&mptcp_rs_msks_lock);
	msk_set_state(sk, TCP_CLOSE);
	if (test_and_clear_bit(MSK_INUSE, &msk_of(sk)->counted))
		sock_prot_inuse_add(sock_net(sk), sk->sk_prot, -1);
	return first;
}

struct sock *mptcp_glue_msk_next(const struct net *net, u64 *pos)
{
	struct mptcp_rs_sock *msk;
	struct sock *found = NULL;

	spin_lock_bh(&mptcp_rs_msks_lock);
	list_for_each_entry(msk, &mptcp_rs_msks, node) {
		if (msk->serial <= *pos || !net_eq(sock_net(&msk->icsk.icsk_inet.sk), net))
			continue;
		found = &msk->icsk.icsk_inet.sk;
		/* In the list, so not destroyed yet: its refcount is not zero. */
		sock_hold(found);
		*pos = msk->serial;
		break;
	}
	spin_unlock_bh(&mptcp_rs_msks_lock);
	return found;
}

struct sock *mptcp_glue_msk_first_get(struct sock *sk)
{
	struct sock *ssk = NULL;

	spin_lock_bh(&mptcp_rs_msks_lock);
	if (msk_of(sk)->first) {
		ssk = msk_of(sk)->first->sk;
		sock_hold(ssk);
	}
	spin_unlock_bh(&mptcp_rs_msks_lock);
	return ssk;
}

/* What every msk starts with: nothing received, no joined subflow. */
static void msk_init(struct sock *sk)
{
	mptcp_glue_rx_init(&msk_of(sk)->rx);
	msk_tx_init(sk);
	msk_joins_init(sk);
}

/*
 * The connection's token is @token, its keys known: joins naming it reach this msk from now
 * on (those that came before it existed are taken over: in process context, @can_sleep, what
 * they received moves at once). The path manager starts now if the connection is @fully
 * established (both ends hold both keys; otherwise once the peer proves it, see
 * mptcp_glue_subflow_progress()): a join sent earlier could reach the peer before our third
 * ACK does, and find no connection there.
 */
static void msk_set_token(struct sock *sk, u32 token, bool can_sleep, bool fully)
{
	LIST_HEAD(adopt);

	WRITE_ONCE(msk_of(sk)->token, token);
	set_bit(MSK_ANNOUNCED, &msk_of(sk)->counted);
	mptcp_glue_token_set_msk(sock_net(sk), token, sk, NULL, &adopt);
	msk_adopt_joins(sk, &adopt, can_sleep);
	if (fully)
		msk_pm_start(sk);
}

/* ---- struct proto ---- */

static int mptcp_rs_init_sock(struct sock *sk)
{
	struct net *net = sock_net(sk);
	struct socket *first;
	int err;

	/* As upstream: a namespace with net.mptcp.enabled = 0 has no MPTCP sockets. */
	if (!mptcp_glue_enabled(net))
		return -ENOPROTOOPT;

	err = mptcp_glue_subflow_create(net, sk->sk_family, &first);
	if (err)
		return err;
	msk_init(sk);
	attach_first(sk, first);
	/* SOL_SOCKET options come to mptcp_rs_setsockopt() too, to reach the subflow. */
	set_bit(SOCK_CUSTOM_SOCKOPT, &sk->sk_socket->flags);
	return 0;
}

static void mptcp_rs_destroy(struct sock *sk)
{
	struct socket *first = detach_first(sk);
	bool abort;

	if (!first)
		return;
	/*
	 * Unread data is thrown away: as TCP resets when closed with unread data, the subflow
	 * closes abortively (a zero linger), and its RST carries MP_FASTCLOSE (upstream does
	 * the same in __mptcp_close()).
	 */
	abort = mptcp_glue_rx_unread(sk, &msk_of(sk)->rx);
	if (abort) {
		sock_set_flag(first->sk, SOCK_LINGER);
		WRITE_ONCE(first->sk->sk_lingertime, 0);
	}
	/* No join reaches this msk any more: the token entry lets go of it first. */
	if (msk_of(sk)->token)
		mptcp_glue_token_set_msk(sock_net(sk), msk_of(sk)->token, NULL, sk, NULL);
	msk_close_joins(sk, abort);
	sock_release(first);
	mptcp_glue_rx_purge(sk, &msk_of(sk)->rx);
	msk_tx_reset(sk);
}

static void mptcp_rs_close(struct sock *sk, long timeout)
{
	if (inet_sk_state_load(sk) == TCP_LISTEN)
		mptcp_glue_event_listener(MPTCP_EVENT_LISTENER_CLOSED, sk);
	if (test_and_clear_bit(MSK_ANNOUNCED, &msk_of(sk)->counted))
		mptcp_glue_event_closed(sock_net(sk), msk_of(sk)->token);
	/* The stream ends where the msk's sending stopped: the subflows' FINs tell it. */
	lock_sock(sk);
	msk_tx_shutdown(sk);
	release_sock(sk);
	msk_tx_stop(sk);
	/* The subflow lingers (or not) by its own SO_LINGER, mirrored from the msk. */
	msk_set_state(sk, TCP_CLOSE);
	msk_pm_stop(sk);
	sk_common_release(sk);
}

static void mptcp_rs_unhash(struct sock *sk)
{
	/* The msk is never in a lookup table: its subflows are. */
}

static int mptcp_rs_hash(struct sock *sk)
{
	return 0;
}

static int mptcp_rs_get_port(struct sock *sk, unsigned short snum)
{
	return -EOPNOTSUPP;
}

static struct proto mptcp_rs_prot = {
	.name		= "MPTCP",
	.owner		= THIS_MODULE,
	.init		= mptcp_rs_init_sock,
	.destroy	= mptcp_rs_destroy,
	.close		= mptcp_rs_close,
	.hash		= mptcp_rs_hash,
	.unhash		= mptcp_rs_unhash,
	.get_port	= mptcp_rs_get_port,
	.obj_size	= sizeof(struct mptcp_rs_sock),
};

/* ---- struct proto_ops: forwarded to the first subflow ---- */

static int mptcp_rs_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	sock->sk = NULL;
	/* sk_common_release() -> destroy releases the subflow, which closes like TCP. */
	sk->sk_prot->close(sk, 0);
	return 0;
}

static int mptcp_rs_bind(struct socket *sock, struct sockaddr_unsized *addr, int len)
{
	struct socket *first = first_of(sock);

	return READ_ONCE(first->ops)->bind(first, addr, len);
}

static int mptcp_rs_connect(struct socket *sock, struct sockaddr_unsized *addr, int len,
			    int flags)
{
	struct socket *first = first_of(sock);
	int err;

	err = READ_ONCE(first->ops)->connect(first, addr, len, flags);
	sock->state = first->state;
	if (!err || err == -EINPROGRESS) {
		copy_addrs(sock->sk, first->sk);
		msk_count_inuse(sock->sk);
	}
	/* connect(AF_UNSPEC) disconnected the subflow: the next connect() is a new connection. */
	if (!err && len >= sizeof(addr->sa_family) && addr->sa_family == AF_UNSPEC) {
		mptcp_pm_data_reset(first->sk);
		mptcp_glue_rx_reset(sock->sk, &msk_of(sock->sk)->rx);
		msk_tx_reset(sock->sk);
		/* The old connection's joins go with it; the next one starts its own. */
		msk_pm_stop(sock->sk);
		msk_close_joins(sock->sk, true);
		spin_lock_bh(&msk_of(sock->sk)->joins_lock);
		msk_of(sock->sk)->joins_closed = false;
		memset(&msk_of(sock->sk)->pm, 0, sizeof(msk_of(sock->sk)->pm));
		spin_unlock_bh(&msk_of(sock->sk)->joins_lock);
		clear_bit(MSK_PM_STARTED, &msk_of(sock->sk)->counted);
	}
	return err;
}

static int mptcp_rs_listen(struct socket *sock, int backlog)
{
	struct socket *first = first_of(sock);
	int err;

	sf_callbacks_restore(sock->sk, first->sk);
	mptcp_glue_msk_listener_set_ops(first->sk);
	err = READ_ONCE(first->ops)->listen(first, backlog);
	if (err) {
		sf_callbacks_set(sock->sk, first->sk);
		return err;
	}
	copy_addrs(sock->sk, first->sk);
	msk_count_inuse(sock->sk);
	msk_set_state(sock->sk, TCP_LISTEN);
	mptcp_glue_event_listener(MPTCP_EVENT_LISTENER_CREATED, sock->sk);
	return 0;
}

/* Wraps an accepted subflow in a new msk bound to @newsock (whose ops are already ours). */
static int mptcp_rs_wrap_accepted(struct sock *listener, struct socket *newsock,
				  struct socket *sub, bool kern)
{
	struct mptcp_rs_info info;
	bool fully = false;
	struct sock *sk;
	u32 token = 0;

	sk = sk_alloc(sock_net(listener), listener->sk_family, GFP_KERNEL | __GFP_ZERO,
		      listener->sk_prot, kern);
	if (!sk)
		return -ENOMEM;
	sock_init_data(newsock, sk);
	sk->sk_protocol = IPPROTO_MPTCP;
#if IS_ENABLED(CONFIG_IPV6)
	if (listener->sk_family == AF_INET6)
		inet_sk(sk)->pinet6 = &((struct mptcp_rs_sock6 *)sk)->np;
#endif
	copy_addrs(sk, sub->sk);
	msk_init(sk);
	/* The listener's path manager (its own, if it set one: MPTCP_RS_PATH_MANAGER). */
	msk_of(sk)->pm.kind = READ_ONCE(msk_of(listener)->pm.kind);
	attach_first(sk, sub);
	msk_count_inuse(sk);
	lock_sock(sub->sk);
	if (mptcp_glue_subflow_state(sub->sk) &&
	    mptcp_rs_info(mptcp_glue_subflow_state(sub->sk), tcp_sk(sub->sk)->write_seq,
			  tcp_sk(sub->sk)->snd_nxt, &info)) {
		token = info.token;
		fully = mptcp_rs_fully_established(mptcp_glue_subflow_state(sub->sk));
	}
	/*
	 * What the child received before accept() waited in its own queue, acknowledged by TCP
	 * but not at the data level: the peer learns the DATA_ACK now.
	 */
	if (mptcp_glue_rx_move(sk, &msk_of(sk)->rx, sub->sk) && mptcp_glue_subflow_state(sub->sk))
		__tcp_send_ack(sub->sk, tcp_sk(sub->sk)->rcv_nxt, 0);
	release_sock(sub->sk);
	/*
	 * CREATED went out when the child was made (subflow.c): CLOSED is owed from here. Joins
	 * from now on reach this msk, and those that came before are taken over (each locked in
	 * turn, so not under the first subflow's lock).
	 */
	if (token)
		msk_set_token(sk, token, true, fully);
	set_bit(SOCK_CUSTOM_SOCKOPT, &newsock->flags);
	newsock->state = SS_CONNECTED;
	return 0;
}

static int mptcp_rs_accept(struct socket *sock, struct socket *newsock,
			   struct proto_accept_arg *arg)
{
	struct socket *first = first_of(sock);
	struct socket *sub;
	int err;

	err = kernel_accept(first, &sub, arg->flags);
	if (err)
		return err;
	err = mptcp_rs_wrap_accepted(sock->sk, newsock, sub, arg->kern);
	if (err)
		sock_release(sub);
	return err;
}

static int mptcp_rs_getname(struct socket *sock, struct sockaddr *addr, int peer)
{
	struct socket *first = first_of(sock);

	return READ_ONCE(first->ops)->getname(first, addr, peer);
}

static __poll_t mptcp_rs_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct socket *first = first_of(sock);
	struct sock *sk = sock->sk, *ssk = first->sk;
	__poll_t mask;

	/* Waits on the msk's queue, which the subflow's wake-ups reach; TCP says what is ready. */
	sock_poll_wait(file, sock, wait);
	mask = READ_ONCE(first->ops)->poll(file, first, NULL);
	if (inet_sk_state_load(ssk) == TCP_LISTEN)
		return mask;
	/*
	 * What is readable is the msk's: its queue, its end. A subflow that is gone (reset,
	 * closed both ways) keeps TCP's answer, so the reader finds out; but once others joined,
	 * a first subflow closed both ways is not the end (only the DATA_FIN is).
	 */
	if ((mask & (EPOLLERR | EPOLLHUP)) && mptcp_glue_msk_lives_on(sk))
		mask &= ~(EPOLLERR | EPOLLHUP);
	if (!(mask & (EPOLLERR | EPOLLHUP))) {
		mask &= ~(EPOLLIN | EPOLLRDNORM | EPOLLRDHUP);
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
			mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
		else if (mptcp_glue_rx_inq(&msk_of(sk)->rx) >= sock_rcvlowat(sk, 0, INT_MAX))
			mask |= EPOLLIN | EPOLLRDNORM;
	}
	/*
	 * TCP's send room is not always usable: the connection-level window may be closed.
	 * Applications that treat EAGAIN after EPOLLOUT as an error (upstream's mptcp_connect
	 * does) must not be told otherwise; the lock is taken as vsock_poll() does. Once the
	 * msk places its stream itself, any subflow the scheduler would use may have the room.
	 */
	if (!(mask & EPOLLERR) && READ_ONCE(msk_of(sk)->tx.active)) {
		mask &= ~(EPOLLOUT | EPOLLWRNORM);
		if (!(READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) && msk_tx_writable(sk))
			mask |= EPOLLOUT | EPOLLWRNORM;
	} else if (!(mask & EPOLLERR) && (mask & EPOLLOUT)) {
		bool writable;

		lock_sock(ssk);
		writable = mptcp_glue_tx_window_open(ssk, &msk_of(sk)->window_probe);
		release_sock(ssk);
		if (!writable)
			mask &= ~(EPOLLOUT | EPOLLWRNORM);
	}
	return mask;
}

static int mptcp_rs_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct socket *first = first_of(sock);

	/* What is queued to read is the msk's; the send side is still the subflow's. */
	if (cmd == SIOCINQ) {
		if (inet_sk_state_load(first->sk) == TCP_LISTEN)
			return -EINVAL;
		return put_user(mptcp_glue_rx_inq(&msk_of(sock->sk)->rx), (int __user *)arg);
	}
	return READ_ONCE(first->ops)->ioctl(first, cmd, arg);
}

static int mptcp_rs_gettstamp(struct socket *sock, void __user *userstamp, bool timeval,
			      bool time32)
{
	return sock_gettstamp(first_of(sock), userstamp, timeval, time32);
}

static int mptcp_rs_shutdown(struct socket *sock, int how)
{
	struct socket *first = first_of(sock);

	/* SHUT_WR or SHUT_RDWR: the DATA_FIN follows the msk's last byte, wherever it went. */
	if ((how == SHUT_WR || how == SHUT_RDWR) && inet_sk_state_load(first->sk) != TCP_LISTEN) {
		lock_sock(sock->sk);
		msk_tx_shutdown(sock->sk);
		release_sock(sock->sk);
		/* A first subflow reset or closed while joins carry on: the DATA_FIN goes over those. */
		if ((inet_sk_state_load(first->sk) == TCP_CLOSE ||
		     READ_ONCE(msk_of(sock->sk)->first_path_closed)) &&
		    mptcp_glue_msk_lives_on(sock->sk))
			return 0;
	}
	return READ_ONCE(first->ops)->shutdown(first, how);
}

/*
 * setsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER), ours (include/uapi/mptcp_rs.h): the connection's
 * path manager by name, before connect() or on a listener (its later connections take it).
 */
static int msk_set_path_manager(struct socket *sock, sockptr_t optval, unsigned int optlen)
{
	char name[MPTCP_RS_PM_NAME_MAX];
	int kind, state, err = 0;

	if (optlen == 0 || optlen >= sizeof(name))
		return -EINVAL;
	if (copy_from_sockptr(name, optval, optlen))
		return -EFAULT;
	/* A C string's terminating NUL may come along; nothing may follow it. */
	if (strnlen(name, optlen) < optlen - 1)
		return -EINVAL;
	name[optlen] = 0;
	kind = mptcp_rs_pm_manager_by_name(name);
	if (kind < 0)
		return kind;
	lock_sock(sock->sk);
	state = inet_sk_state_load(first_of(sock)->sk);
	if (state == TCP_CLOSE || state == TCP_LISTEN)
		WRITE_ONCE(msk_of(sock->sk)->pm.kind, kind);
	else
		err = -EISCONN;
	release_sock(sock->sk);
	return err;
}

/* getsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER): the name, NUL-terminated, cut to the length. */
static int msk_get_path_manager(struct socket *sock, char __user *optval, int __user *optlen)
{
	char name[MPTCP_RS_PM_NAME_MAX];
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	mptcp_rs_pm_manager_name(READ_ONCE(msk_of(sock->sk)->pm.kind), name, sizeof(name));
	len = min_t(unsigned int, len, strlen(name) + 1);
	if (put_user(len, optlen) || copy_to_user(optval, name, len))
		return -EFAULT;
	return 0;
}

/*
 * SOL_SOCKET options land on the msk (so getsockopt reads them back) and on the subflow,
 * where they take effect (timeouts, buffers, mark, device, linger, keepalive...). Ours
 * (MPTCP_RS_PATH_MANAGER) is the msk's; everything else is the subflow's.
 */
static int mptcp_rs_setsockopt(struct socket *sock, int level, int optname, sockptr_t optval,
			       unsigned int optlen)
{
	struct socket *first = first_of(sock);
	int err;

	if (level == SOL_MPTCP && optname == MPTCP_RS_PATH_MANAGER)
		return msk_set_path_manager(sock, optval, optlen);

	if (level == SOL_SOCKET) {
		err = sock_setsockopt(sock, level, optname, optval, optlen);
		/* The low-water mark is the msk reader's; the subflow must pass on every byte. */
		if (err || optname == SO_RCVLOWAT)
			return err;
		return sock_setsockopt(first, level, optname, optval, optlen);
	}
	return READ_ONCE(first->ops)->setsockopt(first, level, optname, optval, optlen);
}

/*
 * The connection's last data sent and received and last ACK are its subflows' most recent
 * (upstream keeps them in the msk): each subflow @ssk lowers the ages in @info. Lockless
 * reads, as ss's are.
 */
static void info_take_recent(struct mptcp_info *info, struct sock *ssk, u32 now)
{
	const struct tcp_sock *tp = tcp_sk(ssk);
	u32 sent = jiffies_to_msecs(now - READ_ONCE(tp->lsndtime));
	u32 recv = jiffies_to_msecs(now - READ_ONCE(inet_csk(ssk)->icsk_ack.lrcvtime));
	u32 ack = jiffies_to_msecs(now - READ_ONCE(tp->rcv_tstamp));

	info->mptcpi_last_data_sent = min(info->mptcpi_last_data_sent, sent);
	info->mptcpi_last_data_recv = min(info->mptcpi_last_data_recv, recv);
	info->mptcpi_last_ack_recv = min(info->mptcpi_last_ack_recv, ack);
}

/*
 * struct mptcp_info of an MPTCP connection (subflow locked). False once it fell back to TCP,
 * with only MPTCP_INFO_FLAG_FALLBACK set, or when the subflow is being destroyed.
 */
static bool fill_mptcp_info(struct sock *ssk, struct mptcp_info *info)
{
	void *state = mptcp_glue_subflow_state(ssk);
	const struct tcp_sock *tp = tcp_sk(ssk);
	struct mptcp_rs_info data;
	u32 now = tcp_jiffies32;

	memset(info, 0, sizeof(*info));
	if (!state)
		return false;
	if (!mptcp_rs_info(state, tp->write_seq, tp->snd_nxt, &data)) {
		info->mptcpi_flags = MPTCP_INFO_FLAG_FALLBACK;
		return false;
	}
	if (ssk->sk_state == TCP_LISTEN)
		return true;
	info->mptcpi_flags = data.remote_key_received ? MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED : 0;
	info->mptcpi_token = data.token;
	info->mptcpi_write_seq = data.write_seq;
	info->mptcpi_snd_una = data.snd_una;
	info->mptcpi_rcv_nxt = data.rcv_nxt;
	info->mptcpi_csum_enabled = data.checksums;
	info->mptcpi_bytes_sent = data.bytes_sent;
	info->mptcpi_bytes_received = data.bytes_received;
	info->mptcpi_bytes_acked = data.bytes_acked;
	/* The initial one; the path manager's (msk_pm_fill_info()) are added by the caller. */
	info->mptcpi_subflows_total = 1;
	info->mptcpi_last_data_sent = U32_MAX;
	info->mptcpi_last_data_recv = U32_MAX;
	info->mptcpi_last_ack_recv = U32_MAX;
	info_take_recent(info, ssk, now);
	return true;
}

bool mptcp_glue_msk_info(struct sock *sk, struct mptcp_info *info)
{
	struct sock *ssk = mptcp_glue_msk_first_get(sk);
	unsigned int n;
	bool mptcp;

	if (!ssk) {
		memset(info, 0, sizeof(*info));
		return false;
	}
	lock_sock(ssk);
	mptcp = fill_mptcp_info(ssk, info);
	release_sock(ssk);
	sock_put(ssk);
	if (mptcp && inet_sk_state_load(sk) != TCP_LISTEN) {
		msk_pm_fill_info(sk, info);
		msk_tx_fill_info(sk, info);
		mptcp_glue_rx_fill_info(sk, &msk_of(sk)->rx, info);
		/* Bounded by the subflow limit. */
		for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
			info_take_recent(info, ssk, tcp_jiffies32);
			sock_put(ssk);
		}
	}
	return mptcp;
}

/*
 * getsockopt(SOL_MPTCP, MPTCP_INFO), as upstream: the length asked for, at most the struct
 * (0 only checks for fallback). After a fallback, and for every other option, the subflow
 * answers as TCP does, which is what upstream does once it fell back.
 */
static int mptcp_rs_getsockopt(struct socket *sock, int level, int optname,
			       char __user *optval, int __user *optlen)
{
	struct socket *first = first_of(sock);
	struct mptcp_info info;
	bool mptcp;
	int len;

	if (level == SOL_MPTCP && optname == MPTCP_RS_PATH_MANAGER)
		return msk_get_path_manager(sock, optval, optlen);
	if (level == SOL_MPTCP && optname == MPTCP_INFO) {
		mptcp = mptcp_glue_msk_info(sock->sk, &info);
		if (mptcp) {
			if (get_user(len, optlen))
				return -EFAULT;
			if (len == 0)
				return 0;
			if (len < 0)
				return -EINVAL;
			len = min_t(unsigned int, len, sizeof(info));
			if (put_user(len, optlen) || copy_to_user(optval, &info, len))
				return -EFAULT;
			return 0;
		}
	}
	return READ_ONCE(first->ops)->getsockopt(first, level, optname, optval, optlen);
}

static int mptcp_rs_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	int ret;

	/* Once fully established the msk schedules its stream over the subflows (msk_tx.c). */
	if (msk_tx_sendmsg(sock->sk, msg, len, &ret))
		return ret;
	/* Until then the first subflow writes it, within the peer's window (tx.c). */
	ret = mptcp_glue_msk_sendmsg(first_of(sock)->sk, &msk_of(sock->sk)->window_probe, msg,
				     len);
	msk_tx_direct_done(sock->sk);
	return ret;
}

static int mptcp_rs_recvmsg(struct socket *sock, struct msghdr *msg, size_t len, int flags)
{
	struct socket *first = first_of(sock);

	/* The error queue is the subflow's; MPTCP has no urgent data (as upstream). */
	if (flags & MSG_ERRQUEUE)
		return READ_ONCE(first->ops)->recvmsg(first, msg, len, flags);
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	/* Not the subflow's bytes as they are: the connection's stream made of them. */
	return mptcp_glue_rx_recvmsg(sock->sk, &msk_of(sock->sk)->rx, first->sk, msg, len, flags);
}

/* The msk's own: the subflow moves every byte it gets at once. */
static int mptcp_rs_set_rcvlowat(struct sock *sk, int val)
{
	WRITE_ONCE(sk->sk_rcvlowat, val ? : 1);
	return 0;
}

static int mptcp_rs_peek_len(struct socket *sock)
{
	return mptcp_glue_rx_inq(&msk_of(sock->sk)->rx);
}

#define MPTCP_RS_STREAM_OPS(fam)				\
	.family		= fam,					\
	.owner		= THIS_MODULE,				\
	.release	= mptcp_rs_release,			\
	.bind		= mptcp_rs_bind,			\
	.connect	= mptcp_rs_connect,			\
	.socketpair	= sock_no_socketpair,			\
	.accept		= mptcp_rs_accept,			\
	.getname	= mptcp_rs_getname,			\
	.poll		= mptcp_rs_poll,			\
	.ioctl		= mptcp_rs_ioctl,			\
	.gettstamp	= mptcp_rs_gettstamp,			\
	.listen		= mptcp_rs_listen,			\
	.shutdown	= mptcp_rs_shutdown,			\
	.setsockopt	= mptcp_rs_setsockopt,			\
	.getsockopt	= mptcp_rs_getsockopt,			\
	.sendmsg	= mptcp_rs_sendmsg,			\
	.recvmsg	= mptcp_rs_recvmsg,			\
	.mmap		= sock_no_mmap,				\
	.set_rcvlowat	= mptcp_rs_set_rcvlowat,		\
	.peek_len	= mptcp_rs_peek_len

static const struct proto_ops mptcp_rs_stream_ops = { MPTCP_RS_STREAM_OPS(PF_INET) };

static struct inet_protosw mptcp_rs_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_MPTCP,
	.prot		= &mptcp_rs_prot,
	.ops		= &mptcp_rs_stream_ops,
};

#if IS_ENABLED(CONFIG_IPV6)
static const struct proto_ops mptcp_rs_v6_stream_ops = { MPTCP_RS_STREAM_OPS(PF_INET6) };

static struct inet_protosw mptcp_rs_v6_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_MPTCP,
	.prot		= &mptcp_rs_v6_prot,
	.ops		= &mptcp_rs_v6_stream_ops,
};
#endif

int mptcp_glue_msk_register(void)
{
	int err;

	err = proto_register(&mptcp_rs_prot, 1);
	if (err)
		return err;
	inet_register_protosw(&mptcp_rs_protosw);
#if IS_ENABLED(CONFIG_IPV6)
	mptcp_rs_v6_prot = mptcp_rs_prot;
	strscpy(mptcp_rs_v6_prot.name, "MPTCPv6", sizeof(mptcp_rs_v6_prot.name));
	mptcp_rs_v6_prot.slab = NULL;
	mptcp_rs_v6_prot.obj_size = sizeof(struct mptcp_rs_sock6);
	mptcp_rs_v6_prot.ipv6_pinfo_offset = offsetof(struct mptcp_rs_sock6, np);
	err = proto_register(&mptcp_rs_v6_prot, 1);
	if (err)
		goto out_v4;
	err = inet6_register_protosw(&mptcp_rs_v6_protosw);
	if (err)
		goto out_v6_prot;
#endif
	return 0;

#if IS_ENABLED(CONFIG_IPV6)
out_v6_prot:
	proto_unregister(&mptcp_rs_v6_prot);
out_v4:
	inet_unregister_protosw(&mptcp_rs_protosw);
	proto_unregister(&mptcp_rs_prot);
	return err;
#endif
}

void mptcp_glue_msk_unregister(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	inet6_unregister_protosw(&mptcp_rs_v6_protosw);
	proto_unregister(&mptcp_rs_v6_prot);
#endif
	/* Waits for a grace period: no socket() can still be looking at the protosw. */
	inet_unregister_protosw(&mptcp_rs_protosw);
	proto_unregister(&mptcp_rs_prot);
}
