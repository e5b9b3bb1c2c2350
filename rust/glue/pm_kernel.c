// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel path manager of one connection (upstream's "kernel" manager, with the
 * endpoints and limits of rust/pm.rs): which additional subflows an msk opens and closes, and
 * what it tells its peer (ADD_ADDR, REMOVE_ADDR, RFC 8684 section 3.4).
 *
 * Everything runs in the msk's work item (pm_work, process context, holding the msk), fed by
 * what happens elsewhere: the connection becoming fully established (msk.c), signals a
 * subflow received (msk_pm_signals(), softirq), a join closing (join.c), endpoints added or
 * removed (netlink). Its state is msk_of(sk)->pm (msk.h), under joins_lock; a retransmission
 * timer (pm_retrans) sends an unechoed announcement again.
 */
#include <linux/bitmap.h>
#include <linux/ipv6.h>
#include <linux/workqueue.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <uapi/linux/mptcp.h>

#include "mptcp_glue.h"
#include "msk.h"

/* Times an unechoed ADD_ADDR goes again before the next one is announced, as upstream. */
#define ADD_ADDR_RETRANS_MAX	3

static void msk_pm_work(struct work_struct *work);
static void msk_pm_retrans_work(struct work_struct *work);

void msk_pm_init(struct sock *sk)
{
	memset(&msk_of(sk)->pm, 0, sizeof(msk_of(sk)->pm));
	msk_of(sk)->pm.kind = mptcp_glue_path_manager(sock_net(sk));
	INIT_WORK(&msk_of(sk)->pm_work, msk_pm_work);
	INIT_DELAYED_WORK(&msk_of(sk)->pm_retrans, msk_pm_retrans_work);
}

void msk_pm_stop(struct sock *sk)
{
	/* A retransmission not run yet gives up its reference; a running one finds it over. */
	if (cancel_delayed_work(&msk_of(sk)->pm_retrans))
		sock_put(sk);
}

/* Queues the path manager's work for this connection (the work item holds the msk). */
static void msk_pm_schedule(struct sock *sk)
{
	sock_hold(sk);
	if (!schedule_work(&msk_of(sk)->pm_work))
		sock_put(sk);
}

/*
 * Whether subflows of @sk may be of either family, as upstream's: an IPv6 socket that is not
 * v6-only (each subflow's two ends of one family); else the family of the connection.
 */
static bool msk_any_family(const struct sock *sk)
{
	return sk->sk_family == AF_INET6 && !ipv6_only_sock(sk);
}

void msk_pm_start(struct sock *sk)
{
	if (test_and_set_bit(MSK_PM_STARTED, &msk_of(sk)->counted))
		return;
	spin_lock_bh(&msk_of(sk)->joins_lock);
	msk_of(sk)->pm.announce_due = true;
	msk_of(sk)->pm.subflows_due = true;
	msk_of(sk)->pm.mpc_prio_due = true;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	msk_pm_schedule(sk);
}

/*
 * @queue(@sk, @arg) for each connection of @net whose path manager runs and is driven by the
 * endpoint table ("kernel"), under joins_lock; those it queued work for (it returned true) get
 * their work item scheduled.
 */
static void msk_pm_each(struct net *net, bool (*queue)(struct sock *sk, const void *arg),
			const void *arg)
{
	struct sock *sk;
	u64 pos = 0;

	/* Bounded by the connections that exist; each is visited once (pos only grows). */
	while ((sk = mptcp_glue_msk_next(net, &pos))) {
		bool act;

		spin_lock_bh(&msk_of(sk)->joins_lock);
		act = !msk_of(sk)->joins_closed && msk_of(sk)->pm.kind == MPTCP_RS_PM_KERNEL &&
		      queue(sk, arg);
		spin_unlock_bh(&msk_of(sk)->joins_lock);
		if (act)
			msk_pm_schedule(sk);
		sock_put(sk);
	}
}

static bool queue_endpoints_added(struct sock *sk, const void *unused)
{
	if (!test_bit(MSK_PM_STARTED, &msk_of(sk)->counted))
		return false;
	msk_of(sk)->pm.announce_due = true;
	msk_of(sk)->pm.subflows_due = true;
	return true;
}

void mptcp_glue_pm_endpoints_added(struct net *net)
{
	msk_pm_each(net, queue_endpoints_added, NULL);
}

struct endpoint_gone {
	const struct mptcp_rs_endpoint *ep;
	enum msk_pm_gone_how how;
};

static bool queue_endpoint_gone(struct sock *sk, const void *arg)
{
	const struct endpoint_gone *gone = arg;
	struct msk_pm *pm = &msk_of(sk)->pm;

	if (pm->ngone == MSK_PM_GONE)
		return false;
	pm->gone[pm->ngone].ep = *gone->ep;
	pm->gone[pm->ngone].how = gone->how;
	pm->ngone++;
	return true;
}

void mptcp_glue_pm_endpoint_removed(struct net *net, const struct mptcp_rs_endpoint *ep,
				    bool flushed)
{
	struct endpoint_gone gone = {
		.ep = ep,
		.how = flushed ? MSK_PM_FLUSHED : MSK_PM_DELETED,
	};

	msk_pm_each(net, queue_endpoint_gone, &gone);
}

static bool queue_endpoint_priority(struct sock *sk, const void *ep)
{
	struct msk_pm *pm = &msk_of(sk)->pm;

	if (pm->nprio == MSK_PM_PRIO)
		return false;
	pm->prio[pm->nprio++] = *(const struct mptcp_rs_endpoint *)ep;
	return true;
}

void mptcp_glue_pm_endpoint_changed(struct net *net, const struct mptcp_rs_endpoint *ep,
				    u32 changed)
{
	struct endpoint_gone recreate = { .ep = ep, .how = MSK_PM_RECREATED };

	if (changed & MPTCP_PM_ADDR_FLAG_BACKUP)
		msk_pm_each(net, queue_endpoint_priority, ep);
	/* Only subflows from a "subflow" endpoint follow the flag, as upstream's. */
	if ((changed & MPTCP_PM_ADDR_FLAG_FULLMESH) && (ep->flags & MPTCP_PM_ADDR_FLAG_SUBFLOW))
		msk_pm_each(net, queue_endpoint_gone, &recreate);
}

void msk_pm_signals(struct sock *sk, struct sock *ssk, const struct mptcp_rs_signals *sig)
{
	bool act = false, dropped = false, echoed = false;
	struct msk_pm *pm = &msk_of(sk)->pm;
	unsigned int i, j;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	if (sig->echoed && pm->announcing && sig->echo.id == pm->announcing_ep.id) {
		/* Our announcement arrived: no retransmission, the next one may go. */
		pm->announcing = 0;
		pm->announce_due = true;
		act = echoed = true;
	}
	if (sig->announced) {
		if (pm->nremotes < MSK_PM_REMOTES) {
			pm->remotes[pm->nremotes++] = sig->announcement;
			act = true;
		} else {
			dropped = true;
		}
	}
	for (i = 0; i < sig->nremoved && i < ARRAY_SIZE(sig->removed); i++) {
		for (j = 0; j < pm->nremoved && pm->removed[j] != sig->removed[i]; j++)
			;
		if (j == pm->nremoved && pm->nremoved < ARRAY_SIZE(pm->removed))
			pm->removed[pm->nremoved++] = sig->removed[i];
		act = true;
	}
	if (msk_of(sk)->joins_closed)
		act = false;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	if (echoed && cancel_delayed_work(&msk_of(sk)->pm_retrans))
		sock_put(sk);
	if (dropped) {
		void *state = mptcp_glue_subflow_state(ssk);

		/* Not echoed, so the peer announces it again once there may be room. */
		if (state)
			mptcp_rs_subflow_cancel_echo(state);
		mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_PM_ADD_ADDR_DROP);
	}
	if (sig->announced)
		mptcp_glue_event_announced(sock_net(sk), READ_ONCE(msk_of(sk)->token),
					   &sig->announcement, inet_sk(ssk)->inet_dport, GFP_ATOMIC);
	for (i = 0; i < sig->nremoved && i < ARRAY_SIZE(sig->removed); i++)
		mptcp_glue_event_removed(sock_net(sk), READ_ONCE(msk_of(sk)->token),
					 sig->removed[i], GFP_ATOMIC);
	/* The peer changed the subflow's priority (MP_PRIO): upstream's SUB_PRIORITY. */
	if (sig->prio_changed)
		mptcp_glue_event_sub(MPTCP_EVENT_SUB_PRIORITY, ssk, READ_ONCE(msk_of(sk)->token),
				     GFP_ATOMIC);
	if (act)
		msk_pm_schedule(sk);
}

/*
 * The join @ssk of @sk (locked, any context) may have become established: its
 * SUB_ESTABLISHED goes out once.
 */
void msk_pm_join_progress(struct sock *sk, struct sock *ssk)
{
	void *state = mptcp_glue_subflow_state(ssk);

	if (state && mptcp_rs_join_established_once(state))
		mptcp_glue_event_sub(MPTCP_EVENT_SUB_ESTABLISHED, ssk, READ_ONCE(msk_of(sk)->token),
				     GFP_ATOMIC);
}

/* The peer's id of its address on the join @ssk, -1 if not known (yet). Process context. */
static int join_peer_id(struct sock *ssk)
{
	void *state;
	int id = -1;

	lock_sock(ssk);
	state = mptcp_glue_subflow_state(ssk);
	if (state)
		id = mptcp_rs_subflow_peer_id(state);
	release_sock(ssk);
	return id;
}

/*
 * The peer withdrew its address @id (REMOVE_ADDR): the joins to it close, and their places
 * count no more; id 0 is its initial address, the first subflow's, which closes too if joins
 * carry the connection. Counted once per id (RmAddr), as upstream does. Process context.
 */
static void msk_pm_address_removed(struct sock *sk, u8 id)
{
	struct mptcp_rs_join *join;
	bool removed = false;
	struct sock *ssk;
	unsigned int n;

	/* Bounded by the subflow limit: each step moves on or shortens the list. */
	for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
		join = join_peer_id(ssk) == id ? msk_unlink_join(sk, ssk) : NULL;
		if (join) {
			join_close_reported(sk, join);
			removed = true;
			n--;
		}
		sock_put(ssk);
	}
	if (!id) {
		struct sock *first = mptcp_glue_msk_first_get(sk);

		if (first) {
			if (msk_first_path_closable(sk))
				msk_close_first_path(sk, first);
			sock_put(first);
		}
	}
	/* An announcement acted upon is gone: another may be taken (upstream does the same). */
	spin_lock_bh(&msk_of(sk)->joins_lock);
	if (removed && id && msk_of(sk)->pm.accepted)
		msk_of(sk)->pm.accepted--;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_PM_RM_ADDR);
}

/* Whether the peer asked (its MP_CAPABLE's C flag) not to be joined at its initial address. */
bool peer_denies_join_id0(struct sock *first)
{
	bool deny = false;
	void *state;

	lock_sock(first);
	state = mptcp_glue_subflow_state(first);
	if (state)
		deny = mptcp_rs_subflow_peer_denies_join_id0(state);
	release_sock(first);
	return deny;
}

/*
 * Upstream's special case for a peer that denies joins to its initial address while our
 * limits accept no announcement: its first announcement is taken all the same, and joined
 * from our "subflow" endpoints, none of which was used yet (mptcp_pm_add_addr_c_flag_case()).
 */
static bool msk_pm_c_flag_case(struct sock *sk, struct sock *first)
{
	u32 accepted_max, subflows_max;
	bool unused;

	if (!peer_denies_join_id0(first))
		return false;
	mptcp_rs_pm_get_limits(sock_net(sk), &accepted_max, &subflows_max);
	spin_lock_bh(&msk_of(sk)->joins_lock);
	unused = bitmap_empty(msk_of(sk)->pm.used, 256) && msk_of(sk)->njoins < subflows_max;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	return unused && !accepted_max;
}

/*
 * The subflows of @sk (the first, @first, then the joins), at most @max, into @pairs: how
 * many. Process context (a join's peer id is read under its lock).
 */
unsigned int msk_subflow_pairs(struct sock *sk, struct sock *first, struct subflow_pair *pairs,
			       unsigned int max)
{
	unsigned int n = 0, i;
	struct sock *ssk;

	subflow_address(first, false, &pairs[n].local);
	subflow_address(first, true, &pairs[n].remote);
	pairs[n].remote_id_known = true;
	n++;
	/* Bounded by the subflow limit and by @max. */
	for (i = 0; n < max && (ssk = msk_join_get(sk, i)); i++) {
		int id = join_peer_id(ssk);

		subflow_address(ssk, false, &pairs[n].local);
		subflow_address(ssk, true, &pairs[n].remote);
		sock_put(ssk);
		pairs[n].remote_id_known = id >= 0;
		pairs[n].remote.id = id >= 0 ? id : 0;
		n++;
	}
	return n;
}

/* Whether one of the @n @pairs goes from @local to @remote's address and port already. */
bool subflow_pair_exists(const struct subflow_pair *pairs, unsigned int n,
			 const struct mptcp_rs_endpoint *local,
			 const struct mptcp_rs_endpoint *remote)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		if (same_address(&pairs[j].local, local) &&
		    same_address(&pairs[j].remote, remote) && pairs[j].remote.port == remote->port)
			return true;
	return false;
}

/*
 * A "fullmesh" subflow endpoint @ep: a subflow from it to each address of the peer that a
 * subflow already goes to (each address id once), unless one from @ep goes there already
 * (or is still connecting there: the peer's announcement may have been joined first), as
 * upstream's fill_remote_addresses_fullmesh(). -EPERM once the subflow limit is reached.
 */
int msk_pm_fullmesh_from(struct sock *sk, struct sock *first,
			 const struct mptcp_rs_endpoint *ep)
{
	const unsigned int max = 1 + 64;	/* the first subflow and the most joins */
	bool deny_id0 = peer_denies_join_id0(first);
	struct subflow_pair *pairs;
	unsigned int n, i, j;
	int err = 0;

	pairs = kmalloc_array(max, sizeof(*pairs), GFP_KERNEL);
	if (!pairs)
		return -ENOMEM;
	n = msk_subflow_pairs(sk, first, pairs, max);
	for (i = 0; i < n && err != -EPERM; i++) {
		const struct mptcp_rs_endpoint *remote = &pairs[i].remote;
		bool taken = !pairs[i].remote_id_known || remote->family != ep->family ||
			     (deny_id0 && !remote->id);

		/* One subflow per peer address id from here; the first pair of each id. */
		for (j = 0; j < i && !taken; j++)
			taken = pairs[j].remote_id_known && pairs[j].remote.id == remote->id;
		if (!taken && !subflow_pair_exists(pairs, n, ep, remote))
			err = msk_join_connect(sk, first, ep, remote);
	}
	kfree(pairs);
	return err == -EPERM ? err : 0;
}

/*
 * The id the peer knows our endpoint @ep by: 0 if its address is the first subflow's (@first;
 * same port if the endpoint has one), as upstream's mptcp_endp_get_local_id() with
 * mpc_endpoint_id; that address is announced again under id 0 once it was withdrawn.
 */
static u8 peer_visible_id(struct sock *first, const struct mptcp_rs_endpoint *ep)
{
	struct mptcp_rs_endpoint local;

	subflow_address(first, false, &local);
	if (same_address(&local, ep) &&
	    (!ep->port || ep->port == ntohs(inet_sk(first)->inet_sport)))
		return 0;
	return ep->id;
}

/*
 * A subflow from each endpoint flagged "subflow" (other than the first subflow's address) to
 * the peer's address (to each known one, for a "fullmesh" endpoint), up to the namespace's
 * subflow limit, as upstream's manager opens them.
 */
static void msk_pm_open_subflows(struct sock *sk, struct sock *ssk,
				 const struct mptcp_rs_endpoint *first)
{
	struct mptcp_rs_endpoint ep, local, peer;
	bool deny_id0;
	unsigned int i;
	u8 after = 0;
	int err;

	/* The endpoints wait for the peer's announcement (see there). */
	if (msk_pm_c_flag_case(sk, ssk))
		return;
	deny_id0 = peer_denies_join_id0(ssk);
	subflow_address(ssk, true, &peer);
	/* Bounded by the number of endpoint ids. */
	for (i = 0; i < 256 && mptcp_rs_pm_next_subflow(sock_net(sk), after, first,
							  mptcp_glue_msk_first_path_closed(sk), &ep);
	     i++) {
		after = ep.id;
		/* Each endpoint once per connection, even if its subflow failed or closed. */
		if (test_bit(ep.id, msk_of(sk)->pm.used))
			continue;
		/* Our joins carry the id the peer knows the address by. */
		local = ep;
		local.id = peer_visible_id(ssk, &ep);
		if (ep.flags & MPTCP_PM_ADDR_FLAG_FULLMESH)
			err = msk_pm_fullmesh_from(sk, ssk, &local);
		else if (deny_id0)
			err = 0;	/* used up all the same, as upstream */
		else
			err = msk_join_connect(sk, ssk, &local, &peer);
		if (err == -EPERM)
			break;
		__set_bit(ep.id, msk_of(sk)->pm.used);
		if (msk_of(sk)->joins_closed)
			break;
	}
}

enum subflow_signal {
	SIGNAL_ANNOUNCE,	/* ADD_ADDR of the endpoint */
	SIGNAL_WITHDRAW,	/* REMOVE_ADDR of its id */
	SIGNAL_PRIORITY,	/* MP_PRIO: the subflow is a backup one as the endpoint's flag says */
};

/*
 * Queues a signal about our endpoint @ep on @ssk and sends the pure ACK that carries it (each
 * goes out alone on one, see rust/proto/signal.rs). 0 if it went out, -EAGAIN if the subflow
 * cannot carry it, -EMSGSIZE if an announcement did not fit the ACK and was dropped.
 */
static int subflow_signal(struct sock *ssk, enum subflow_signal what,
			  const struct mptcp_rs_endpoint *ep)
{
	bool queued = false;
	int err = -EAGAIN;
	void *state;

	lock_sock(ssk);
	state = mptcp_glue_subflow_state(ssk);
	if (state && (1 << ssk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
		switch (what) {
		case SIGNAL_ANNOUNCE:
			queued = mptcp_rs_subflow_announce(state, ep);
			break;
		case SIGNAL_WITHDRAW:
			queued = mptcp_rs_subflow_withdraw(state, &ep->id, 1);
			break;
		case SIGNAL_PRIORITY:
			queued = mptcp_rs_subflow_set_backup(state,
							     ep->flags & MPTCP_PM_ADDR_FLAG_BACKUP);
			break;
		}
		if (queued) {
			/* The options are written as the ACK is built, before this returns. */
			__tcp_send_ack(ssk, tcp_sk(ssk)->rcv_nxt, 0);
			err = mptcp_rs_subflow_announce_dropped(state) ? -EMSGSIZE : 0;
		}
	}
	release_sock(ssk);
	return err;
}

/* A join of @sk that can carry a signal now, held; NULL if none. Process context. */
static struct sock *msk_signalling_join(struct sock *sk)
{
	struct sock *ssk;
	unsigned int n;

	/* Bounded by the subflow limit, as every walk of the joins. */
	for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
		if ((1 << inet_sk_state_load(ssk)) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))
			return ssk;
		sock_put(ssk);
	}
	return NULL;
}

/*
 * A signal for the peer (ADD_ADDR, REMOVE_ADDR) on the first subflow @first, or on a join once
 * the first no longer carries the connection or cannot carry it now. As subflow_signal().
 */
static int msk_signal(struct sock *sk, struct sock *first, enum subflow_signal what,
		      const struct mptcp_rs_endpoint *ep)
{
	struct sock *join;
	int err = -EAGAIN;

	if (!mptcp_glue_msk_first_path_closed(sk)) {
		err = subflow_signal(first, what, ep);
		if (err != -EAGAIN)
			return err;
	}
	join = msk_signalling_join(sk);
	if (join) {
		err = subflow_signal(join, what, ep);
		sock_put(join);
	}
	return err;
}

/*
 * When an unechoed announcement goes again: net.mptcp.add_addr_timeout, or the largest RTO
 * of the subflows (the first @ssk and the joins) if shorter, as upstream; doubled for each
 * retransmission already made. 0: never.
 */
static unsigned long announce_timeout(struct sock *sk, struct sock *ssk, unsigned int sent)
{
	unsigned long timeout = mptcp_glue_add_addr_timeout(sock_net(sk));
	unsigned long rto = READ_ONCE(inet_csk(ssk)->icsk_rto);
	struct sock *join;
	unsigned int n;

	if (!timeout)
		return 0;
	/* Bounded by the subflow limit. */
	for (n = 0; (join = msk_join_get(sk, n)); n++) {
		rto = max_t(unsigned long, rto, READ_ONCE(inet_csk(join)->icsk_rto));
		sock_put(join);
	}
	return min_t(unsigned long, timeout, rto) << sent;
}

static void msk_pm_arm_retrans(struct sock *sk, unsigned long timeout)
{
	/* Not once closed: msk_pm_stop() ran after the state changed. */
	if (!timeout || inet_sk_state_load(sk) == TCP_CLOSE)
		return;
	sock_hold(sk);
	if (!schedule_delayed_work(&msk_of(sk)->pm_retrans, timeout))
		sock_put(sk);
}

/*
 * Our announcement of endpoint @id is over without its echo (given up after its
 * retransmissions, dropped for want of room, or the first subflow cannot carry it): no more
 * retransmissions, and the next endpoint's turn, as upstream moves on.
 */
static void msk_pm_announce_over(struct sock *sk, u8 id)
{
	bool over;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	over = msk_of(sk)->pm.announcing == id;
	if (over) {
		msk_of(sk)->pm.announcing = 0;
		msk_of(sk)->pm.announce_due = true;
	}
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	if (!over)
		return;
	if (cancel_delayed_work(&msk_of(sk)->pm_retrans))
		sock_put(sk);
	msk_pm_schedule(sk);
}

/*
 * Our next address to announce, id above @after: the next "signal" endpoint for the kernel
 * manager, the next interface address for fullmesh; ndiffports announces none.
 */
static bool msk_pm_next_signal(struct sock *sk, const struct mptcp_rs_endpoint *first, u8 after,
			       struct mptcp_rs_endpoint *ep)
{
	switch (msk_of(sk)->pm.kind) {
	case MPTCP_RS_PM_KERNEL:
		return mptcp_rs_pm_next_signal(sock_net(sk), after, first, msk_any_family(sk),
					       mptcp_glue_msk_first_path_closed(sk), ep);
	case MPTCP_RS_PM_FULLMESH:
		return msk_mesh_next_local(sk, first, after, ep);
	default:
		return false;
	}
}

/*
 * Announces the next "signal" endpoint (ADD_ADDR, RFC 8684 section 3.4.1) on the first
 * subflow @ssk, when due: at the start and once the peer echoed the last one (or it was sent
 * ADD_ADDR_RETRANS_MAX times more), as upstream announces them one at a time.
 */
static void msk_pm_announce(struct sock *sk, struct sock *ssk,
			    const struct mptcp_rs_endpoint *first)
{
	struct msk_pm *pm = &msk_of(sk)->pm;
	struct mptcp_rs_endpoint ep, wire;
	unsigned int i;
	bool due;
	u8 after;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	due = pm->announce_due && !pm->announcing;
	pm->announce_due = false;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	if (!due)
		return;
	/* The first one not announced yet (the bitmap is this work's own). */
	for (i = 0, after = 0; i < 256; i++, after = ep.id) {
		if (!msk_pm_next_signal(sk, first, after, &ep))
			return;
		if (!test_bit(ep.id, pm->announced))
			break;
	}
	if (i == 256)
		return;
	wire = ep;
	wire.id = peer_visible_id(ssk, &ep);
	/*
	 * Waiting for the echo, and its timer armed, before it can arrive: it may come back at
	 * once, and cancels the timer (a timer armed after that would be left over, and fire
	 * early for the next announcement).
	 */
	spin_lock_bh(&msk_of(sk)->joins_lock);
	__set_bit(ep.id, pm->announced);
	pm->announcing = ep.id;
	pm->announcing_ep = wire;
	pm->retransmitted = 0;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	msk_pm_arm_retrans(sk, announce_timeout(sk, ssk, 0));
	if (msk_signal(sk, ssk, SIGNAL_ANNOUNCE, &wire))
		msk_pm_announce_over(sk, ep.id);
}

/*
 * The announcement was not echoed in time: it goes again, up to ADD_ADDR_RETRANS_MAX times,
 * after which the next one is announced (upstream's mptcp_pm_add_addr_timer()).
 */
static void msk_pm_retrans_work(struct work_struct *work)
{
	struct mptcp_rs_sock *msk = container_of(to_delayed_work(work), struct mptcp_rs_sock,
						 pm_retrans);
	struct sock *sk = &msk->icsk.icsk_inet.sk;
	struct mptcp_rs_endpoint ep;
	unsigned int sent = 0;
	struct sock *ssk;
	bool resend;

	ssk = mptcp_glue_msk_first_get(sk);
	if (!ssk)
		goto out;
	spin_lock_bh(&msk->joins_lock);
	resend = msk->pm.announcing && !msk->joins_closed &&
		 msk->pm.retransmitted < ADD_ADDR_RETRANS_MAX;
	if (resend) {
		ep = msk->pm.announcing_ep;
		sent = ++msk->pm.retransmitted;
	}
	spin_unlock_bh(&msk->joins_lock);
	if (resend) {
		bool again = sent < ADD_ADDR_RETRANS_MAX;

		/* Armed first, as in msk_pm_announce(). */
		if (again)
			msk_pm_arm_retrans(sk, announce_timeout(sk, ssk, sent));
		/* Given up on its echo (or it could not go): the next endpoint's turn. */
		if (msk_signal(sk, ssk, SIGNAL_ANNOUNCE, &ep) || !again)
			msk_pm_announce_over(sk, ep.id);
	}
	sock_put(ssk);
out:
	sock_put(sk);
}

/*
 * Our address from which the routing reaches @remote, with its id and flags (id 0 if it is
 * the first subflow's, @first; else its endpoint's or a new implicit one's). 0 or -errno.
 */
static int route_source(struct net *net, const struct mptcp_rs_endpoint *remote,
			const struct mptcp_rs_endpoint *first, struct mptcp_rs_endpoint *local)
{

	memset(local, 0, sizeof(*local));
	local->family = remote->family;
	if (remote->family == AF_INET) {
		struct flowi4 fl4 = { .flowi4_proto = IPPROTO_TCP };
		struct rtable *rt;

		memcpy(&fl4.daddr, remote->addr, 4);
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		memcpy(local->addr, &fl4.saddr, 4);
		ip_rt_put(rt);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		struct flowi6 fl6 = { .flowi6_proto = IPPROTO_TCP };
		struct dst_entry *dst;
		int err;

		memcpy(&fl6.daddr, remote->addr, 16);
		/*
		 * A link-local address is reachable only over a named interface, which an
		 * announcement does not give: the join leaves from the wildcard address, as
		 * upstream's does, and its connect() fails (MPJoinSynTxConnectErr).
		 */
		if (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_LINKLOCAL)
			return 0;
		err = ip6_dst_lookup(net, NULL, &dst, &fl6);
		if (err)
			return err;
		memcpy(local->addr, &fl6.saddr, 16);
		dst_release(dst);
#else
		return -EAFNOSUPPORT;
#endif
	}
	/* The first subflow's address keeps id 0; its endpoint, if any, says whether backup. */
	return mptcp_rs_pm_local_endpoint(net, local, !same_address(local, first));
}

/*
 * Whether a subflow of @sk (the first, @first, or a join) goes to @addr (@peer) or leaves
 * from it. For the peer's addresses only subflows connecting or established count, as
 * upstream's has_subflow_daddr(): one the peer closed (its address withdrawn, then announced
 * again) is joined anew. For ours, those on their way out (FIN sent, closed) do not count.
 */
static bool subflow_uses_address(struct sock *ssk, const struct mptcp_rs_endpoint *addr,
				 bool peer)
{
	const int active = TCPF_ESTABLISHED | TCPF_SYN_SENT | TCPF_SYN_RECV;
	const int gone = TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_CLOSING | TCPF_CLOSE;
	int state = 1 << inet_sk_state_load(ssk);
	struct mptcp_rs_endpoint ep;

	if (peer ? !(state & active) : (state & gone))
		return false;
	subflow_address(ssk, peer, &ep);
	return same_address(&ep, addr);
}

static bool msk_has_subflow(struct sock *sk, struct sock *first,
			    const struct mptcp_rs_endpoint *addr, bool peer)
{
	struct sock *ssk;
	bool found;
	unsigned int n;

	found = !mptcp_glue_msk_first_path_closed(sk) && subflow_uses_address(first, addr, peer);
	/* Bounded by the subflow limit. */
	for (n = 0; !found && (ssk = msk_join_get(sk, n)); n++) {
		found = subflow_uses_address(ssk, addr, peer);
		sock_put(ssk);
	}
	return found;
}

/*
 * How many endpoints are flagged "laminar": with any, the peer's announcements are joined
 * from those (each used by one subflow at a time) rather than from the address the routing
 * picks. Named after upstream's function, which mptcp_join.sh probes in kallsyms to decide
 * whether laminar endpoints are supported.
 */
static noinline unsigned int mptcp_pm_get_endp_laminar_max(const struct net *net)
{
	return mptcp_rs_pm_count(net, MPTCP_PM_ADDR_FLAG_LAMINAR);
}

/*
 * How many endpoints are flagged "fullmesh": with any, the peer's announcements are joined
 * from each of them. Named after upstream's function, which mptcp_join.sh probes in kallsyms
 * to tell how a fullmesh endpoint treats another family's announcement (not joined).
 */
static noinline unsigned int mptcp_pm_get_endp_fullmesh_max(const struct net *net)
{
	return mptcp_rs_pm_count(net, MPTCP_PM_ADDR_FLAG_FULLMESH);
}

/* The first laminar endpoint, of @remote's family, that no subflow of @sk leaves from. */
static bool laminar_source(struct sock *sk, struct sock *first,
			   const struct mptcp_rs_endpoint *remote, struct mptcp_rs_endpoint *local)
{
	unsigned int i;
	u8 after = 0;

	/* Bounded by the number of endpoint ids. */
	for (i = 0; i < 256 && mptcp_rs_pm_next_flagged(sock_net(sk), after,
							   MPTCP_PM_ADDR_FLAG_LAMINAR, remote, local);
	     i++) {
		after = local->id;
		if (!msk_has_subflow(sk, first, local, false))
			return true;
	}
	return false;
}

/*
 * Joins the peer's announced address @remote: from each "fullmesh" endpoint of its family if
 * there are any, else from one "laminar" endpoint if there are any, else from the address
 * the routing picks, as upstream's fill_local_addresses_vec(). Whether a SYN went out.
 */
static bool msk_pm_join_remote(struct sock *sk, struct sock *first,
			       const struct mptcp_rs_endpoint *ours,
			       const struct mptcp_rs_endpoint *remote, bool c_flag_case)
{
	struct net *net = sock_net(sk);
	struct mptcp_rs_endpoint local;
	bool created = false;
	unsigned int i;
	u8 after = 0;

	if (c_flag_case && !mptcp_pm_get_endp_fullmesh_max(net) &&
	    !mptcp_pm_get_endp_laminar_max(net)) {
		/* From each "subflow" endpoint of its family, each then used. */
		for (i = 0; i < 256 && mptcp_rs_pm_next_subflow(net, after, ours, false, &local);
		     i++) {
			int err;

			after = local.id;
			if (test_bit(local.id, msk_of(sk)->pm.used) || local.family != remote->family)
				continue;
			__set_bit(local.id, msk_of(sk)->pm.used);
			err = msk_join_connect(sk, first, &local, remote);
			if (err == -EPERM)
				break;
			created |= !err;
		}
		return created;
	}
	if (!mptcp_pm_get_endp_fullmesh_max(net)) {
		if (mptcp_pm_get_endp_laminar_max(net) ? !laminar_source(sk, first, remote, &local) :
		    route_source(net, remote, ours, &local) != 0)
			return false;
		return !msk_join_connect(sk, first, &local, remote);
	}
	/* Bounded by the number of endpoint ids. */
	for (i = 0; i < 256 && mptcp_rs_pm_next_flagged(net, after, MPTCP_PM_ADDR_FLAG_FULLMESH,
							   remote, &local); i++) {
		int err;

		after = local.id;
		/* The first subflow's address is id 0 to the peer. */
		if (same_address(&local, ours))
			local.id = 0;
		err = msk_join_connect(sk, first, &local, remote);
		if (err == -EPERM)
			break;
		created |= !err;
	}
	return created;
}

/* Whether the peer's address @remote is the one the connection began with (@first's). */
static bool msk_is_initial_remote(struct sock *first, const struct mptcp_rs_endpoint *remote)
{
	struct mptcp_rs_endpoint peer;

	subflow_address(first, true, &peer);
	return same_address(&peer, remote) &&
	       (!remote->port || remote->port == ntohs(inet_sk(first)->inet_dport));
}

/*
 * The peer's announcements (ADD_ADDR received, already echoed): a subflow to each, from the
 * address the routing picks, within the limits add_addr_accepted and subflows, as upstream's
 * in-kernel manager does.
 */
static void msk_pm_join_announced(struct sock *sk, struct sock *first,
				  const struct mptcp_rs_endpoint *ours)
{
	struct msk_pm *pm = &msk_of(sk)->pm;
	struct mptcp_rs_endpoint remote;
	u32 accepted_max, subflows_max;
	unsigned int i;

	/* Bounded: each step takes one of at most MSK_PM_REMOTES entries. */
	for (i = 0; i < MSK_PM_REMOTES; i++) {
		bool take, c_flag_case, initial;

		spin_lock_bh(&msk_of(sk)->joins_lock);
		take = pm->nremotes > 0;
		if (take) {
			remote = pm->remotes[0];
			pm->nremotes--;
			memmove(&pm->remotes[0], &pm->remotes[1],
				pm->nremotes * sizeof(pm->remotes[0]));
		}
		spin_unlock_bh(&msk_of(sk)->joins_lock);
		if (!take)
			return;
		/* No port announced: the one of the first subflow's peer. */
		if (!remote.port)
			remote.port = ntohs(inet_sk(first)->inet_dport);
		/*
		 * Id 0 is the address the connection began with, announced again after it was
		 * withdrawn, never another address (upstream's mptcp_pm_is_init_remote_addr()).
		 */
		if (!remote.id && !msk_is_initial_remote(first, &remote))
			continue;
		/* fullmesh joins it from each of our addresses; ndiffports takes none. */
		if (msk_of(sk)->pm.kind == MPTCP_RS_PM_FULLMESH)
			msk_mesh_join_remote(sk, first, ours, &remote);
		if (msk_of(sk)->pm.kind != MPTCP_RS_PM_KERNEL)
			continue;
		if ((!msk_any_family(sk) && remote.family != ours->family) ||
		    msk_has_subflow(sk, first, &remote, true))
			continue;
		/* The initial address announced again is joined outside add_addr_accepted. */
		initial = !remote.id;
		c_flag_case = msk_pm_c_flag_case(sk, first);
		mptcp_rs_pm_get_limits(sock_net(sk), &accepted_max, &subflows_max);
		spin_lock_bh(&msk_of(sk)->joins_lock);
		take = (initial || pm->accepted < accepted_max || c_flag_case) &&
		       msk_of(sk)->njoins < subflows_max;
		spin_unlock_bh(&msk_of(sk)->joins_lock);
		if (!take)
			continue;
		/* Counted once a SYN is on its way, as upstream counts it. */
		if (!msk_pm_join_remote(sk, first, ours, &remote, c_flag_case))
			continue;
		spin_lock_bh(&msk_of(sk)->joins_lock);
		if (!initial)
			pm->accepted++;
		spin_unlock_bh(&msk_of(sk)->joins_lock);
	}
}

/* The peer's withdrawn address ids (REMOVE_ADDR received). */
static void msk_pm_removals(struct sock *sk)
{
	struct msk_pm *pm = &msk_of(sk)->pm;
	u8 ids[ARRAY_SIZE(pm->removed)];
	unsigned int i, n;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	n = pm->nremoved;
	memcpy(ids, pm->removed, n);
	pm->nremoved = 0;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	for (i = 0; i < n; i++)
		msk_pm_address_removed(sk, ids[i]);
}

/*
 * Our address id 0 withdrawn (DEL_ADDR of id 0 with the address @ep, or of the endpoint of
 * that address, which is id 0 to the peer as upstream's mpc_endpoint_id): if it is the first
 * subflow's and joins carry the connection, the peer is told (REMOVE_ADDR of id 0) and the
 * first subflow closes (RmSubflow), as upstream's mptcp_nl_remove_id_zero_address().
 */
static void msk_pm_first_address_gone(struct sock *sk, struct sock *first,
				      const struct mptcp_rs_endpoint *ep)
{
	struct mptcp_rs_endpoint local;
	struct sock *join;

	subflow_address(first, false, &local);
	if (!same_address(&local, ep) ||
	    (ep->port && ep->port != ntohs(inet_sk(first)->inet_sport)) ||
	    !msk_first_path_closable(sk))
		return;
	local.id = 0;
	/*
	 * On another subflow than the one closing, as upstream prefers (the peer then closes its
	 * end even if the closing subflow's segments are lost); on it if none can carry it.
	 */
	join = msk_signalling_join(sk);
	if (!join || subflow_signal(join, SIGNAL_WITHDRAW, &local))
		subflow_signal(first, SIGNAL_WITHDRAW, &local);
	if (join)
		sock_put(join);
	msk_close_first_path(sk, first);
	mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_PM_RM_SUBFLOW);
}

/*
 * Our endpoints removed (DEL_ADDR, FLUSH_ADDRS): the joins leaving from their addresses close
 * (RmSubflow each), and the peer is told (REMOVE_ADDR) if it was announced the address or,
 * unless flushed, had subflows from it: upstream's mptcp_nl_remove_subflow_and_signal_addr()
 * and mptcp_pm_flush_addrs_and_subflows(). The first subflow stays, unless its address is
 * withdrawn as id 0 (above). A "subflow" endpoint whose fullmesh flag changed only has its
 * subflows closed and opened again as the flag now says (upstream's mptcp_pm_nl_fullmesh()).
 */
static void msk_pm_endpoints_gone(struct sock *sk, struct sock *first)
{
	struct msk_pm *pm = &msk_of(sk)->pm;
	struct mptcp_rs_endpoint ep;
	bool take, announced = false;
	unsigned int i, closed;
	enum msk_pm_gone_how how;

	/* Bounded: each step takes one of at most MSK_PM_GONE entries. */
	for (i = 0; i < MSK_PM_GONE; i++) {
		spin_lock_bh(&msk_of(sk)->joins_lock);
		take = pm->ngone > 0;
		if (take) {
			ep = pm->gone[0].ep;
			how = pm->gone[0].how;
			pm->ngone--;
			memmove(&pm->gone[0], &pm->gone[1], pm->ngone * sizeof(pm->gone[0]));
		}
		if (take && ep.id) {
			__clear_bit(ep.id, pm->used);
			if (how != MSK_PM_RECREATED) {
				announced = __test_and_clear_bit(ep.id, pm->announced);
				if (pm->announcing == ep.id) {
					pm->announcing = 0;
					pm->announce_due = true;
				}
			}
		}
		spin_unlock_bh(&msk_of(sk)->joins_lock);
		if (!take)
			return;
		if (!ep.id) {
			msk_pm_first_address_gone(sk, first, &ep);
			continue;
		}
		closed = msk_close_joins_from(sk, &ep);
		/* The endpoint of the first subflow's address: to the peer, that is address 0. */
		if (how == MSK_PM_DELETED && !mptcp_glue_msk_first_path_closed(sk))
			msk_pm_first_address_gone(sk, first, &ep);
		if (how != MSK_PM_RECREATED &&
		    (announced || (closed && how == MSK_PM_DELETED &&
				   !(ep.flags & MPTCP_PM_ADDR_FLAG_IMPLICIT)))) {
			struct mptcp_rs_endpoint withdrawn = ep;

			withdrawn.id = peer_visible_id(first, &ep);
			msk_signal(sk, first, SIGNAL_WITHDRAW, &withdrawn);
		}
		while (closed--)
			mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_PM_RM_SUBFLOW);
		if (how == MSK_PM_RECREATED) {
			spin_lock_bh(&msk_of(sk)->joins_lock);
			pm->subflows_due = true;
			spin_unlock_bh(&msk_of(sk)->joins_lock);
		}
	}
}

/*
 * The subflow of @sk leaving from our endpoint @ep's address (the first found, the first
 * subflow @first before the joins, as upstream's mptcp_pm_mp_prio_send_ack()) tells the peer
 * whether it is a backup one (MP_PRIO).
 */
static void msk_pm_send_priority(struct sock *sk, struct sock *first,
				 const struct mptcp_rs_endpoint *ep)
{
	struct mptcp_rs_endpoint local;
	struct sock *ssk;
	unsigned int n;

	subflow_address(first, false, &local);
	if (same_address(&local, ep)) {
		subflow_signal(first, SIGNAL_PRIORITY, ep);
		return;
	}
	/* Bounded by the subflow limit. */
	for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
		bool found;

		subflow_address(ssk, false, &local);
		found = same_address(&local, ep);
		if (found)
			subflow_signal(ssk, SIGNAL_PRIORITY, ep);
		sock_put(ssk);
		if (found)
			return;
	}
}

/*
 * Backup flags to tell the peer of: the first subflow's, at the start, if its address is a
 * backup endpoint (MP_CAPABLE has no flag for it; upstream's mptcp_mpc_endpoint_setup()),
 * and those of endpoints changed by SET_FLAGS.
 */
static void msk_pm_priorities(struct sock *sk, struct sock *first,
			      const struct mptcp_rs_endpoint *ours)
{
	struct msk_pm *pm = &msk_of(sk)->pm;
	struct mptcp_rs_endpoint eps[MSK_PM_PRIO], mpc = *ours;
	unsigned int i, n;
	bool mpc_due;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	mpc_due = pm->mpc_prio_due;
	pm->mpc_prio_due = false;
	n = pm->nprio;
	memcpy(eps, pm->prio, n * sizeof(eps[0]));
	pm->nprio = 0;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	if (mpc_due && !mptcp_rs_pm_local_endpoint(sock_net(sk), &mpc, false) &&
	    mpc.flags & MPTCP_PM_ADDR_FLAG_BACKUP)
		subflow_signal(first, SIGNAL_PRIORITY, &mpc);
	for (i = 0; i < n; i++)
		msk_pm_send_priority(sk, first, &eps[i]);
}

/*
 * Joins that closed (reset, refused, timed out) leave the list, which frees their places
 * under the subflow limit, and the next endpoints get their turn. Named after upstream's
 * function for the same step, which mptcp_join.sh probes in kallsyms to decide whether a
 * failed subflow is followed by the next endpoint's.
 */
static noinline void mptcp_pm_subflow_check_next(struct sock *sk)
{
	struct mptcp_rs_join *join;
	unsigned int n, closed = 0;
	struct sock *ssk;
	bool due;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	due = msk_of(sk)->pm.reap_due;
	msk_of(sk)->pm.reap_due = false;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	if (!due)
		return;
	/* Bounded by the subflow limit: each step moves on or shortens the list. */
	for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
		join = inet_sk_state_load(ssk) == TCP_CLOSE ? msk_unlink_join(sk, ssk) : NULL;
		if (join) {
			join_close_reported(sk, join);
			closed++;
			n--;
		}
		sock_put(ssk);
	}
	if (!closed)
		return;
	spin_lock_bh(&msk_of(sk)->joins_lock);
	msk_of(sk)->pm.subflows_due = true;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
}

/*
 * A signal waiting on @ssk (an echo, typically) goes out on a pure ACK now. The ACK asked for
 * when it was queued in softirq may have been replaced by data segments, which cannot carry
 * it (upstream sends these ACKs from its worker too).
 */
static void subflow_flush_signals(struct sock *ssk)
{
	void *state;

	lock_sock(ssk);
	state = mptcp_glue_subflow_state(ssk);
	if (state && (1 << ssk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT) &&
	    mptcp_rs_subflow_signal_pending(state))
		__tcp_send_ack(ssk, tcp_sk(ssk)->rcv_nxt, 0);
	release_sock(ssk);
}

/* subflow_flush_signals() on every subflow of @sk, the first one @first included. */
static void msk_pm_flush_signals(struct sock *sk, struct sock *first)
{
	struct sock *ssk;
	unsigned int n;

	subflow_flush_signals(first);
	/* Bounded by the subflow limit. */
	for (n = 0; (ssk = msk_join_get(sk, n)); n++) {
		subflow_flush_signals(ssk);
		sock_put(ssk);
	}
}

/*
 * The path manager's work for this connection, in process context (the work item holds the
 * msk): once established, the kernel manager's subflows from the "subflow" endpoints and
 * announcements of the "signal" ones (fullmesh's and ndiffports' own, pm_mesh.c); whenever the
 * peer signalled, joins to what it announced and closes of what it withdrew.
 */
static void msk_pm_work(struct work_struct *work)
{
	struct mptcp_rs_sock *msk = container_of(work, struct mptcp_rs_sock, pm_work);
	struct sock *sk = &msk->icsk.icsk_inet.sk;
	struct sock *ssk = mptcp_glue_msk_first_get(sk);
	struct mptcp_rs_endpoint ours;

	if (!ssk)
		goto out;
	subflow_address(ssk, false, &ours);
	msk_pm_flush_signals(sk, ssk);
	msk_pm_endpoints_gone(sk, ssk);
	mptcp_pm_subflow_check_next(sk);
	if (test_bit(MSK_PM_STARTED, &msk->counted)) {
		bool due;

		spin_lock_bh(&msk->joins_lock);
		due = msk->pm.subflows_due;
		msk->pm.subflows_due = false;
		spin_unlock_bh(&msk->joins_lock);
		if (due && msk->pm.kind == MPTCP_RS_PM_KERNEL)
			msk_pm_open_subflows(sk, ssk, &ours);
		else if (due && msk->pm.kind == MPTCP_RS_PM_FULLMESH)
			msk_mesh_open_subflows(sk, ssk, &ours);
		else if (due && msk->pm.kind == MPTCP_RS_PM_NDIFFPORTS)
			msk_ndiffports_open(sk, ssk, &ours);
	}
	if (test_bit(MSK_PM_STARTED, &msk->counted)) {
		if (msk->pm.kind == MPTCP_RS_PM_KERNEL)
			msk_pm_priorities(sk, ssk, &ours);
		msk_pm_announce(sk, ssk, &ours);
	}
	msk_pm_join_announced(sk, ssk, &ours);
	msk_pm_removals(sk);
	sock_put(ssk);
out:
	sock_put(sk);
}

void msk_pm_fill_info(struct sock *sk, struct mptcp_info *info)
{
	const struct net *net = sock_net(sk);
	u32 accepted_max, subflows_max;

	spin_lock_bh(&msk_of(sk)->joins_lock);
	info->mptcpi_extra_subflows = msk_of(sk)->njoins;
	info->mptcpi_add_addr_signal = bitmap_weight(msk_of(sk)->pm.announced, 256);
	info->mptcpi_add_addr_accepted = msk_of(sk)->pm.accepted;
	info->mptcpi_local_addr_used = bitmap_weight(msk_of(sk)->pm.used, 256);
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	info->mptcpi_subflows_total = 1 + info->mptcpi_extra_subflows;
	mptcp_rs_pm_get_limits(net, &accepted_max, &subflows_max);
	info->mptcpi_limit_extra_subflows = subflows_max;
	info->mptcpi_limit_add_addr_accepted = accepted_max;
	info->mptcpi_endp_signal_max = mptcp_rs_pm_count(net, MPTCP_PM_ADDR_FLAG_SIGNAL);
	info->mptcpi_endp_subflow_max = mptcp_rs_pm_count(net, MPTCP_PM_ADDR_FLAG_SUBFLOW);
	info->mptcpi_endp_fullmesh_max = mptcp_pm_get_endp_fullmesh_max(net);
	info->mptcpi_endp_laminar_max = mptcp_pm_get_endp_laminar_max(net);
}

void msk_pm_join_closed(struct sock *sk)
{
	spin_lock_bh(&msk_of(sk)->joins_lock);
	msk_of(sk)->pm.reap_due = true;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	msk_pm_schedule(sk);
}
