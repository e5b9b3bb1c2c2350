// SPDX-License-Identifier: GPL-2.0
/*
 * An msk's additional subflows (MP_JOIN, RFC 8684 section 3.2): the list the msk owns, how a
 * subflow gets into it (a listener's child, or one the path manager opens) and out of it.
 *
 * A listener's join child passes its third ACK in softirq (tcp_ext.c) and is attached here to
 * the msk its token names, or parked with the token entry until the connection is accepted
 * (token.c). The in-kernel path manager (pm_kernel.c) decides which subflows to open and
 * close. Joined subflows move their bytes into the msk's stream (rx.c) and close with the
 * msk.
 *
 * Locking: joins_lock (BH) protects an msk's list; it is taken under a subflow's socket lock
 * (softirq) and takes a subflow's sk_callback_lock. Subflow socket locks are taken one at a
 * time, never under joins_lock.
 */
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <uapi/linux/mptcp.h>

#include "mptcp_glue.h"
#include "msk.h"

void msk_joins_init(struct sock *sk)
{
	spin_lock_init(&msk_of(sk)->joins_lock);
	INIT_LIST_HEAD(&msk_of(sk)->joins);
	msk_of(sk)->njoins = 0;
	msk_of(sk)->joins_closed = false;
	msk_of(sk)->first_path_closed = false;
	msk_pm_init(sk);
}

/* The joined subflow @ssk starts acknowledging at the stream's in-order point. Locked. */
static void join_start_data_ack(struct sock *sk, struct sock *ssk)
{
	bool next_known;
	u64 next;

	spin_lock_bh(&sk->sk_receive_queue.lock);
	next_known = mptcp_rs_stream_next(&msk_of(sk)->rx.stream, &next);
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	mptcp_rs_rx_moved(mptcp_glue_subflow_state(ssk), tcp_sk(ssk)->copied_seq, next_known,
			  next);
}

/* The in-kernel manager's limit on additional subflows, as upstream applies it. */
static u32 subflows_limit(const struct net *net)
{
	u32 add_addr_accepted, subflows;

	mptcp_rs_pm_get_limits(net, &add_addr_accepted, &subflows);
	return subflows;
}

/* Whether @sk takes one more joined subflow now: 0, -ENOENT (closing) or -EPERM (limit). */
static int msk_join_room(struct sock *sk)
{
	lockdep_assert_held(&msk_of(sk)->joins_lock);
	if (msk_of(sk)->joins_closed)
		return -ENOENT;
	return msk_of(sk)->njoins < subflows_limit(sock_net(sk)) ? 0 : -EPERM;
}

/* What every TCP socket starts with as sk_state_change, recorded from the first join. */
static void (*join_default_state_change)(struct sock *ssk);

/*
 * A join's state changed (its socket locked, any context): once it is closed (reset, refused,
 * timed out), the path manager takes it out and may open the next subflow.
 */
static void join_state_change(struct sock *ssk)
{
	int state = inet_sk_state_load(ssk);
	struct sock *sk;

	join_default_state_change(ssk);
	if (state != TCP_CLOSE && state != TCP_ESTABLISHED)
		return;
	read_lock_bh(&ssk->sk_callback_lock);
	sk = __rcu_dereference_sk_user_data_with_flags(ssk, SK_USER_DATA_NOCOPY);
	/*
	 * Only our own joins become established here (the listener's are attached once they
	 * are): the SYN/ACK came from another port than the connection's peer's, an announced
	 * one (the msk has the peer's port once connect() returned, long before a join).
	 */
	if (sk && state == TCP_ESTABLISHED && inet_sk(sk)->inet_dport &&
	    inet_sk(ssk)->inet_dport != inet_sk(sk)->inet_dport)
		mptcp_rs_mib_pm_event(sock_net(ssk), MPTCP_RS_PM_JOIN_PORT_SYNACK_RX);
	if (sk && state == TCP_CLOSE) {
		msk_pm_join_closed(sk);
		/* What it held goes on the other subflows now. */
		msk_tx_subflow_closed(sk);
		/* The last way the connection had left, its first subflow gone before. */
		msk_join_gone(sk);
	}
	read_unlock_bh(&ssk->sk_callback_lock);
}

/*
 * @ssk joins @sk (as @join, which the msk then owns) if it has room: 0, or msk_join_room()'s
 * error. Its bytes move into this msk from then on (its sk_data_ready, rx.c).
 */
static int msk_add_join(struct sock *sk, struct mptcp_rs_join *join, struct sock *ssk)
{
	int err;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	err = msk_join_room(sk);
	if (!err) {
		join->ssk = ssk;
		list_add_tail(&join->node, &msk_of(sk)->joins);
		msk_of(sk)->njoins++;
		WRITE_ONCE(msk_of(sk)->rx.multipath, true);
		write_lock_bh(&ssk->sk_callback_lock);
		__rcu_assign_sk_user_data_with_flags(ssk, sk, SK_USER_DATA_NOCOPY);
		if (!READ_ONCE(join_default_state_change))
			WRITE_ONCE(join_default_state_change, ssk->sk_state_change);
		ssk->sk_state_change = join_state_change;
		msk_tx_hook_write_space(ssk);
		/*
		 * A listener's join has no socket of its own: it takes the msk's, as upstream
		 * grafts its subflows, so TCP can send on it and its wake-ups reach the msk's
		 * waiters. It drops it when closed (sock_orphan()), before the msk's goes.
		 */
		if (!ssk->sk_socket && sk->sk_socket) {
			sk_set_socket(ssk, sk->sk_socket);
			rcu_assign_pointer(ssk->sk_wq, &sk->sk_socket->wq);
		}
		write_unlock_bh(&ssk->sk_callback_lock);
	}
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	return err;
}

void msk_adopt_joins(struct sock *sk, struct list_head *adopt, bool can_sleep)
{
	struct mptcp_rs_join *join, *tmp;

	list_for_each_entry_safe(join, tmp, adopt, node) {
		struct sock *ssk = join->ssk;

		list_del(&join->node);
		if (msk_add_join(sk, join, ssk)) {
			mptcp_glue_subflow_dispose(ssk);
			kfree(join);
			continue;
		}
		if (!can_sleep)
			continue;
		lock_sock(ssk);
		join_start_data_ack(sk, ssk);
		if (mptcp_glue_rx_move(sk, &msk_of(sk)->rx, ssk))
			__tcp_send_ack(ssk, tcp_sk(ssk)->rcv_nxt, 0);
		release_sock(ssk);
	}
}

int mptcp_glue_join_lookup(const struct net *net, u32 token, struct mptcp_rs_join_keys *keys)
{
	unsigned int parked;
	struct sock *sk = mptcp_glue_token_join(net, token, keys, &parked);

	if (IS_ERR(sk))
		return -ENOENT;
	if (sk)
		sock_put(sk);
	return 0;
}

bool mptcp_glue_join_has_room(const struct net *net, u32 token)
{
	struct mptcp_rs_join_keys keys;
	unsigned int parked = 0;
	struct sock *sk = mptcp_glue_token_join(net, token, &keys, &parked);
	int err;

	if (IS_ERR(sk))
		return false;
	if (!sk)
		return parked < subflows_limit(net);
	spin_lock_bh(&msk_of(sk)->joins_lock);
	err = msk_join_room(sk);
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	sock_put(sk);
	return !err;
}

bool mptcp_glue_msk_attach_join(struct sock *ssk, u32 token)
{
	struct mptcp_rs_join_keys keys;
	struct mptcp_rs_join *join;
	unsigned int parked, tries;
	struct sock *sk;

	join = kmalloc(sizeof(*join), GFP_ATOMIC);
	if (!join)
		return false;
	join->ssk = ssk;
	join->sock = NULL;
	/* Twice at most: the msk may appear between the lookup and parking. */
	for (tries = 0; tries < 2; tries++) {
		sk = mptcp_glue_token_join(sock_net(ssk), token, &keys, &parked);
		if (IS_ERR(sk))
			break;
		if (!sk) {
			int err = mptcp_glue_token_park_join(sock_net(ssk), token, join,
							     subflows_limit(sock_net(ssk)));

			if (!err)
				return true;	/* its bytes wait in it until accept() */
			if (err != -EAGAIN)
				break;
			continue;
		}
		if (!msk_add_join(sk, join, ssk)) {
			/* It came in at an endpoint's port (checked at its SYN, see subflow.rs). */
			if (inet_sk(ssk)->inet_sport != inet_sk(sk)->inet_sport)
				mptcp_rs_mib_pm_event(sock_net(ssk), MPTCP_RS_PM_JOIN_PORT_ACK_RX);
			join_start_data_ack(sk, ssk);
			msk_pm_join_progress(sk, ssk);
			sock_put(sk);
			return true;
		}
		sock_put(sk);
		break;
	}
	kfree(join);
	return false;
}

bool msk_has_live_join(struct sock *sk)
{
	struct mptcp_rs_join *join;
	bool live = false;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	list_for_each_entry(join, &msk_of(sk)->joins, node) {
		live = (1 << inet_sk_state_load(join->ssk)) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT) &&
		       !READ_ONCE(join->ssk->sk_err);
		if (live)
			break;
	}
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	return live;
}

/* The @n-th joined subflow of @sk, held; NULL past the last. */
struct sock *msk_join_get(struct sock *sk, unsigned int n)
{
	struct mptcp_rs_join *join;
	struct sock *ssk = NULL;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	list_for_each_entry(join, &msk_of(sk)->joins, node) {
		if (n--)
			continue;
		ssk = join->ssk;
		sock_hold(ssk);
		break;
	}
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	return ssk;
}

void mptcp_glue_msk_refill_joins(struct sock *sk)
{
	struct sock *ssk;
	unsigned int n;

	/* Bounded by the subflow limit; a join attached meanwhile may be skipped or not. */
	for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
		mptcp_glue_rx_refill_subflow(sk, &msk_of(sk)->rx, ssk);
		sock_put(ssk);
	}
}

/*
 * The msk is being destroyed: no more joins, and those it has close as the first subflow
 * does (abortively when unread data is thrown away, @abort).
 */
/* Closes @join, no longer in its msk's list (abortively if @abort), and frees it. */
static void join_close(struct mptcp_rs_join *join, bool abort)
{
	struct sock *ssk = join->ssk;

	write_lock_bh(&ssk->sk_callback_lock);
	rcu_assign_sk_user_data(ssk, NULL);
	ssk->sk_state_change = join_default_state_change;
	msk_tx_unhook_write_space(ssk);
	write_unlock_bh(&ssk->sk_callback_lock);
	if (abort) {
		sock_set_flag(ssk, SOCK_LINGER);
		WRITE_ONCE(ssk->sk_lingertime, 0);
	}
	if (join->sock)
		sock_release(join->sock);
	else
		/* Gives up the reference the child would have handed to accept(). */
		tcp_close(ssk, 0);
	kfree(join);
}

/*
 * The path manager closes @join of @sk (out of the list already): SUB_CLOSED first, as
 * upstream reports a subflow it closes while the connection goes on. Process context.
 */
void join_close_reported(struct sock *sk, struct mptcp_rs_join *join)
{
	lock_sock(join->ssk);
	mptcp_glue_event_sub(MPTCP_EVENT_SUB_CLOSED, join->ssk, READ_ONCE(msk_of(sk)->token),
			     GFP_KERNEL);
	release_sock(join->ssk);
	join_close(join, false);
}

void msk_close_joins(struct sock *sk, bool abort)
{
	struct mptcp_rs_join *join, *tmp;
	LIST_HEAD(joins);

	spin_lock_bh(&msk_of(sk)->joins_lock);
	msk_of(sk)->joins_closed = true;
	list_splice_init(&msk_of(sk)->joins, &joins);
	msk_of(sk)->njoins = 0;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	list_for_each_entry_safe(join, tmp, &joins, node)
		join_close(join, abort);
}

/* Takes the join of @ssk out of @sk's list: the caller closes it. NULL if not there. */
struct mptcp_rs_join *msk_unlink_join(struct sock *sk, struct sock *ssk)
{
	struct mptcp_rs_join *join, *found = NULL;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	list_for_each_entry(join, &msk_of(sk)->joins, node) {
		if (join->ssk != ssk)
			continue;
		list_del(&join->node);
		msk_of(sk)->njoins--;
		found = join;
		break;
	}
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	return found;
}

/*
 * An address of the first subflow @ssk as an endpoint for the path manager to compare with:
 * ours (port 0) or, if @peer, the peer's (with its port). An IPv4-mapped one is IPv4: its
 * joins leave from IPv4 endpoints. The subflow's own, not the msk's copy: a blocking
 * connect() copies them only once it returns, after the work item may have run.
 */
void subflow_address(struct sock *ssk, bool peer, struct mptcp_rs_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->family = AF_INET;
	if (peer)
		ep->port = ntohs(inet_sk(ssk)->inet_dport);
#if IS_ENABLED(CONFIG_IPV6)
	if (ssk->sk_family == AF_INET6) {
		const struct in6_addr *a = peer ? &ssk->sk_v6_daddr : &ssk->sk_v6_rcv_saddr;

		if (ipv6_addr_v4mapped(a)) {
			memcpy(ep->addr, &a->s6_addr32[3], 4);
		} else {
			ep->family = AF_INET6;
			memcpy(ep->addr, a, 16);
		}
		return;
	}
#endif
	memcpy(ep->addr, peer ? &inet_sk(ssk)->inet_daddr : &inet_sk(ssk)->inet_saddr, 4);
}

bool same_address(const struct mptcp_rs_endpoint *a, const struct mptcp_rs_endpoint *b)
{
	return a->family == b->family &&
	       !memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16);
}

/*
 * @ep's address and port as a socket address of the family @family (of the first subflow: an
 * IPv4 endpoint IPv4-mapped on an IPv6 socket). Its length, or a negative errno.
 */
static int endpoint_sockaddr(int family, const struct mptcp_rs_endpoint *ep,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (ep->family != AF_INET)
			return -EAFNOSUPPORT;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(ep->port);
		memcpy(&sin->sin_addr, ep->addr, 4);
		return sizeof(*sin);
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ep->port);
		if (ep->family == AF_INET) {
			__be32 v4;

			memcpy(&v4, ep->addr, 4);
			ipv6_addr_set_v4mapped(v4, &sin6->sin6_addr);
		} else {
			memcpy(&sin6->sin6_addr, ep->addr, 16);
		}
		return sizeof(*sin6);
	}
#else
	return -EAFNOSUPPORT;
#endif
}

/*
 * Opens one more subflow of @sk from our endpoint @ep to the peer's address @remote (RFC 8684
 * section 3.2: MP_JOIN): 0 once its SYN is on its way, -EPERM when the connection takes no
 * more, -ENOENT when it is going away.
 */
int msk_join_connect(struct sock *sk, struct sock *first,
			    const struct mptcp_rs_endpoint *ep, const struct mptcp_rs_endpoint *remote)
{
	struct net *net = sock_net(sk);
	struct mptcp_rs_endpoint bind_to;
	struct mptcp_rs_join_keys keys;
	struct sockaddr_storage addr;
	struct mptcp_rs_join *join;
	struct socket *sock;
	unsigned int parked;
	struct sock *owner;
	int err, len;

	owner = mptcp_glue_token_join(net, msk_of(sk)->token, &keys, &parked);
	if (IS_ERR_OR_NULL(owner))
		return -ENOENT;
	sock_put(owner);
	if (owner != sk)
		return -ENOENT;
	join = kmalloc(sizeof(*join), GFP_KERNEL);
	if (!join)
		return -ENOMEM;
	err = mptcp_glue_subflow_create(net, first->sk_family, &sock);
	if (err) {
		mptcp_rs_mib_join_open_failed(net, MPTCP_RS_JOIN_CREATE);
		goto out_free;
	}
	lock_sock(sock->sk);
	mptcp_rs_subflow_make_join(mptcp_glue_subflow_state(sock->sk), &keys, ep->id,
				   ep->flags & MPTCP_PM_ADDR_FLAG_BACKUP);
	release_sock(sock->sk);
	if (ep->ifindex)
		sock->sk->sk_bound_dev_if = ep->ifindex;
	bind_to = *ep;
	bind_to.port = 0;	/* a port of a signal endpoint is the peer's to join, not ours */
	len = endpoint_sockaddr(first->sk_family, &bind_to, &addr);
	err = len < 0 ? len : kernel_bind(sock, (struct sockaddr_unsized *)&addr, len);
	if (err) {
		mptcp_rs_mib_join_open_failed(net, MPTCP_RS_JOIN_BIND);
		goto out_release;
	}
	join->sock = sock;
	err = msk_add_join(sk, join, sock->sk);
	if (err)
		goto out_release;
	/* From here on the msk owns it, connected or not. */
	len = endpoint_sockaddr(first->sk_family, remote, &addr);
	err = len < 0 ? len :
		kernel_connect(sock, (struct sockaddr_unsized *)&addr, len, O_NONBLOCK);
	if (err && err != -EINPROGRESS) {
		mptcp_rs_mib_join_open_failed(net, MPTCP_RS_JOIN_CONNECT);
		/* Never on its way (an unreachable or multicast address): its place is free. */
		join = msk_unlink_join(sk, sock->sk);
		if (join)
			join_close(join, false);
		return err;
	}
	return 0;

out_release:
	sock_release(sock);
out_free:
	kfree(join);
	return err;
}

/* The joins of @sk leaving from our address @ep close; returns how many. Process context. */
unsigned int msk_close_joins_from(struct sock *sk, const struct mptcp_rs_endpoint *ep)
{
	struct mptcp_rs_endpoint local;
	struct mptcp_rs_join *join;
	unsigned int n, closed = 0;
	struct sock *ssk;

	/* Bounded by the subflow limit: each step moves on or shortens the list. */
	for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
		subflow_address(ssk, false, &local);
		join = same_address(&local, ep) ? msk_unlink_join(sk, ssk) : NULL;
		if (join) {
			join_close_reported(sk, join);
			closed++;
			n--;
		}
		sock_put(ssk);
	}
	return closed;
}

