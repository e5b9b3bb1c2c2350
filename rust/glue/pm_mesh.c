// SPDX-License-Identifier: GPL-2.0
/*
 * The path managers from the multipath-tcp.org kernel, selected by net.mptcp.path_manager
 * (rust/proto/managers.rs says what each does):
 *
 * - "fullmesh": every address of the namespace's interfaces is announced, and the initiator
 *   opens a subflow from each of its addresses to each address of the peer's it knows;
 * - "ndiffports": the initiator opens more subflows over the first subflow's pair of
 *   addresses, from other source ports.
 *
 * They run in the in-kernel manager's work (pm_kernel.c), and share its machinery: the
 * announcements one at a time with their echo and retransmission, the peer's withdrawals, the
 * subflow limit. Only what is announced and which subflows open differ; the endpoint table
 * and the add_addr_accepted limit are the "kernel" manager's alone.
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "mptcp_glue.h"
#include "msk.h"

/* Whether @sk's first subflow @first is the connection's initiator (it connected). */
static bool msk_initiator(struct sock *first)
{
	bool initiator = false;
	void *state;

	lock_sock(first);
	state = mptcp_glue_subflow_state(first);
	if (state)
		initiator = !mptcp_rs_subflow_server_side(state);
	release_sock(first);
	return initiator;
}

/* Appends @ep to @out (@n of @max used) unless it is @skip's address or full: the new @n. */
static unsigned int add_address(struct mptcp_rs_endpoint *out, unsigned int n, unsigned int max,
				const struct mptcp_rs_endpoint *skip,
				const struct mptcp_rs_endpoint *ep)
{
	if (n == max || same_address(ep, skip))
		return n;
	out[n] = *ep;
	out[n].id = n + 1;
	return n + 1;
}

/*
 * The addresses of @net's interfaces that are up, not loopback ones, of @family (IPv6: not
 * link-local, not tentative), but @skip's, into @out with ids 1..: how many (at most @max),
 * as multipath-tcp.org's fullmesh manager takes them.
 */
static unsigned int netns_addresses(struct net *net, int family,
				    const struct mptcp_rs_endpoint *skip,
				    struct mptcp_rs_endpoint *out, unsigned int max)
{
	struct mptcp_rs_endpoint ep = { .family = family };
	struct net_device *dev;
	unsigned int n = 0;

	rcu_read_lock();
	/* Bounded by the namespace's devices and their addresses, and stops at @max. */
	for_each_netdev_rcu(net, dev) {
		if (!(dev->flags & IFF_UP) || (dev->flags & IFF_LOOPBACK))
			continue;
		if (family == AF_INET) {
			struct in_device *in_dev = __in_dev_get_rcu(dev);
			const struct in_ifaddr *ifa;

			if (!in_dev)
				continue;
			in_dev_for_each_ifa_rcu(ifa, in_dev) {
				if (ifa->ifa_scope >= RT_SCOPE_HOST)
					continue;
				memcpy(ep.addr, &ifa->ifa_local, 4);
				n = add_address(out, n, max, skip, &ep);
			}
		}
#if IS_ENABLED(CONFIG_IPV6)
		if (family == AF_INET6) {
			struct inet6_dev *idev = __in6_dev_get(dev);
			struct inet6_ifaddr *ifp;

			if (!idev)
				continue;
			read_lock_bh(&idev->lock);
			list_for_each_entry(ifp, &idev->addr_list, if_list) {
				int type = ipv6_addr_type(&ifp->addr);

				if (type & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_LOOPBACK) ||
				    ifp->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
					continue;
				memcpy(ep.addr, &ifp->addr, 16);
				n = add_address(out, n, max, skip, &ep);
			}
			read_unlock_bh(&idev->lock);
		}
#endif
	}
	rcu_read_unlock();
	return n;
}

/*
 * fullmesh: our addresses, taken once per connection (later changes of the interfaces are not
 * followed), of the family of the first subflow's address @ours (which is address id 0).
 */
static void msk_mesh_take(struct sock *sk, const struct mptcp_rs_endpoint *ours)
{
	struct msk_pm *pm = &msk_of(sk)->pm;
	struct mptcp_rs_endpoint found[MSK_PM_MESH];
	unsigned int n;

	if (READ_ONCE(pm->mesh_taken))
		return;
	n = netns_addresses(sock_net(sk), ours->family, ours, found, MSK_PM_MESH);
	spin_lock_bh(&msk_of(sk)->joins_lock);
	memcpy(pm->mesh, found, n * sizeof(found[0]));
	pm->nmesh = n;
	WRITE_ONCE(pm->mesh_taken, true);
	spin_unlock_bh(&msk_of(sk)->joins_lock);
}

bool msk_mesh_next_local(struct sock *sk, const struct mptcp_rs_endpoint *ours, u8 after,
			 struct mptcp_rs_endpoint *ep)
{
	struct msk_pm *pm = &msk_of(sk)->pm;
	bool found = false;
	unsigned int i;

	msk_mesh_take(sk, ours);
	spin_lock_bh(&msk_of(sk)->joins_lock);
	for (i = 0; i < pm->nmesh && !found; i++) {
		found = pm->mesh[i].id > after;
		if (found)
			*ep = pm->mesh[i];
	}
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	return found;
}

void msk_mesh_open_subflows(struct sock *sk, struct sock *first,
			    const struct mptcp_rs_endpoint *ours)
{
	struct mptcp_rs_endpoint local;
	u8 after = 0;

	if (!msk_initiator(first))
		return;
	/*
	 * From each of our other addresses to each address a subflow goes to (the peer's first),
	 * once per connection: a subflow that failed or closed is not opened again (as
	 * multipath-tcp.org's fullmesh without create_on_err).
	 */
	while (msk_mesh_next_local(sk, ours, after, &local)) {
		after = local.id;
		if (test_bit(local.id, msk_of(sk)->pm.used))
			continue;
		if (msk_pm_fullmesh_from(sk, first, &local) == -EPERM)
			return;
		__set_bit(local.id, msk_of(sk)->pm.used);
	}
}

void msk_mesh_join_remote(struct sock *sk, struct sock *first,
			  const struct mptcp_rs_endpoint *ours,
			  const struct mptcp_rs_endpoint *remote)
{
	const unsigned int max = 1 + 64;	/* the first subflow and the most joins */
	struct mptcp_rs_endpoint local = *ours;
	struct subflow_pair *pairs;
	unsigned int n, i;

	if (remote->family != ours->family || !msk_initiator(first))
		return;
	pairs = kmalloc_array(max, sizeof(*pairs), GFP_KERNEL);
	if (!pairs)
		return;
	n = msk_subflow_pairs(sk, first, pairs, max);
	/* From our first address (id 0), then from each of the others (ids 1..). */
	local.id = 0;
	for (i = 0; i <= MSK_PM_MESH; i++) {
		if (i && !msk_mesh_next_local(sk, ours, local.id, &local))
			break;
		if (!subflow_pair_exists(pairs, n, &local, remote) &&
		    msk_join_connect(sk, first, &local, remote) == -EPERM)
			break;
	}
	kfree(pairs);
}

void msk_ndiffports_open(struct sock *sk, struct sock *first,
			 const struct mptcp_rs_endpoint *ours)
{
	struct mptcp_rs_endpoint local = *ours, peer;
	u32 accepted_max, subflows_max, joins, open;

	/* Once per connection: subflows that failed or closed are not opened again. */
	if (msk_of(sk)->pm.ndiffports_opened || !msk_initiator(first) ||
	    peer_denies_join_id0(first))
		return;
	msk_of(sk)->pm.ndiffports_opened = true;
	mptcp_rs_pm_get_limits(sock_net(sk), &accepted_max, &subflows_max);
	spin_lock_bh(&msk_of(sk)->joins_lock);
	joins = msk_of(sk)->njoins;
	spin_unlock_bh(&msk_of(sk)->joins_lock);
	open = mptcp_rs_ndiffports_to_open(mptcp_glue_ndiffports_subflows(sock_net(sk)), joins,
					   subflows_max);
	/* The first subflow's two addresses (ids 0), from another source port each time. */
	local.id = 0;
	local.port = 0;
	subflow_address(first, true, &peer);
	peer.id = 0;
	/* Bounded: at most MPTCP_RS_NDIFFPORTS_MAX - 1. */
	while (open--)
		if (msk_join_connect(sk, first, &local, &peer))
			break;
}
