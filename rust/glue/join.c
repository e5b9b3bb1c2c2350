// SPDX-License-Identifier: GPL-2.0
/*
 * An msk's additional subflows (MP_JOIN, RFC 8684 section 3.2) and the in-kernel path
 * manager that opens them.
 *
 * A listener's join child passes its third ACK in softirq (tcp_ext.c) and is attached here to
 * the msk its token names, or parked with the token entry until the connection is accepted
 * (token.c). Once the connection is fully established, the msk's work item opens a subflow
 * from each "subflow" endpoint (rust/pm.rs picks them) up to the namespace's limit. Joined
 * subflows move their bytes into the msk's stream (rx.c) and close with the msk.
 *
 * Locking: joins_lock (BH) protects an msk's list; it is taken under a subflow's socket lock
 * (softirq) and takes a subflow's sk_callback_lock. Subflow socket locks are taken one at a
 * time, never under joins_lock.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <uapi/linux/mptcp.h>

#include "mptcp_glue.h"
#include "msk.h"

static void msk_pm_work(struct work_struct *work);

void msk_joins_init(struct sock *sk)
{
	spin_lock_init(&msk_of(sk)->joins_lock);
	INIT_LIST_HEAD(&msk_of(sk)->joins);
	msk_of(sk)->njoins = 0;
	msk_of(sk)->joins_closed = false;
	INIT_WORK(&msk_of(sk)->pm_work, msk_pm_work);
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

/*
 * The path manager's work for this connection, once: it opens more subflows in process
 * context (the work item holds the msk). Any context.
 */
void msk_pm_start(struct sock *sk)
{
	if (test_and_set_bit(MSK_PM_STARTED, &msk_of(sk)->counted))
		return;
	sock_hold(sk);
	if (!schedule_work(&msk_of(sk)->pm_work))
		sock_put(sk);
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
			join_start_data_ack(sk, ssk);
			sock_put(sk);
			return true;
		}
		sock_put(sk);
		break;
	}
	kfree(join);
	return false;
}

/* The @n-th joined subflow of @sk, held; NULL past the last. */
static struct sock *msk_join_get(struct sock *sk, unsigned int n)
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
void msk_close_joins(struct sock *sk, bool abort)
{
	struct mptcp_rs_join *join, *tmp;
	LIST_HEAD(joins);

	spin_lock_bh(&msk_of(sk)->joins_lock);
	msk_of(sk)->joins_closed = true;
	list_splice_init(&msk_of(sk)->joins, &joins);
	msk_of(sk)->njoins = 0;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	list_for_each_entry_safe(join, tmp, &joins, node) {
		struct sock *ssk = join->ssk;

		write_lock_bh(&ssk->sk_callback_lock);
		rcu_assign_sk_user_data(ssk, NULL);
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
}

/*
 * The address the first subflow @sk left from, as an endpoint for the path manager to compare
 * with (an IPv4-mapped one as IPv4: its joins leave from IPv4 endpoints). The subflow's own,
 * not the msk's copy: a blocking connect() copies them only once it returns, after the work
 * item may have run.
 */
static void msk_first_address(struct sock *sk, struct mptcp_rs_endpoint *first)
{
	memset(first, 0, sizeof(*first));
	first->family = AF_INET;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		if (ipv6_addr_v4mapped(&sk->sk_v6_rcv_saddr)) {
			memcpy(first->addr, &sk->sk_v6_rcv_saddr.s6_addr32[3], 4);
		} else {
			first->family = AF_INET6;
			memcpy(first->addr, &sk->sk_v6_rcv_saddr, 16);
		}
		return;
	}
#endif
	memcpy(first->addr, &inet_sk(sk)->inet_saddr, 4);
}

/*
 * @ep's address (port 0) or, if @remote, the peer's address of the first subflow @sk, as a
 * socket address of @sk's family (an IPv4 endpoint IPv4-mapped on an IPv6 socket).
 */
static int msk_sockaddr(struct sock *sk, const struct mptcp_rs_endpoint *ep, bool remote,
			struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (sk->sk_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		if (remote) {
			sin->sin_addr.s_addr = inet_sk(sk)->inet_daddr;
			sin->sin_port = inet_sk(sk)->inet_dport;
		} else {
			memcpy(&sin->sin_addr, ep->addr, 4);
		}
		return sizeof(*sin);
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		if (remote) {
			sin6->sin6_addr = sk->sk_v6_daddr;
			sin6->sin6_port = inet_sk(sk)->inet_dport;
		} else if (ep->family == AF_INET) {
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
 * Opens one more subflow of @sk from the endpoint @ep to the peer's address (RFC 8684 section
 * 3.2: MP_JOIN): 0 once its SYN is on its way, -EPERM when the connection takes no more.
 */
static int msk_join_connect(struct sock *sk, struct sock *first,
			    const struct mptcp_rs_endpoint *ep)
{
	struct net *net = sock_net(sk);
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
	err = mptcp_glue_subflow_create(net, sk->sk_family, &sock);
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
	len = msk_sockaddr(first, ep, false, &addr);
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
	len = msk_sockaddr(first, ep, true, &addr);
	err = kernel_connect(sock, (struct sockaddr_unsized *)&addr, len, O_NONBLOCK);
	if (err && err != -EINPROGRESS)
		mptcp_rs_mib_join_open_failed(net, MPTCP_RS_JOIN_CONNECT);
	return err == -EINPROGRESS ? 0 : err;

out_release:
	sock_release(sock);
out_free:
	kfree(join);
	return err;
}

/*
 * The in-kernel path manager, once the connection is established: a subflow from each
 * endpoint flagged "subflow" (other than the first subflow's address) to the peer's address,
 * up to the namespace's subflow limit, as upstream's manager opens them.
 */
static void msk_pm_work(struct work_struct *work)
{
	struct mptcp_rs_sock *msk = container_of(work, struct mptcp_rs_sock, pm_work);
	struct sock *sk = &msk->icsk.icsk_inet.sk;
	struct sock *ssk = mptcp_glue_msk_first_get(sk);
	struct mptcp_rs_endpoint first, ep;
	unsigned int i;
	u8 after = 0;

	if (!ssk)
		goto out;
	msk_first_address(ssk, &first);
	/* Bounded by the number of endpoint ids. */
	for (i = 0; i < 256 && mptcp_rs_pm_next_subflow(sock_net(sk), after, &first, &ep); i++) {
		int err = msk_join_connect(sk, ssk, &ep);

		if (err == -EPERM || err == -ENOENT)
			break;
		after = ep.id;
	}
out:
	if (ssk)
		sock_put(ssk);
	sock_put(sk);
}
