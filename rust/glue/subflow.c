// SPDX-License-Identifier: GPL-2.0
/*
 * The "mptcp" TCP ULP: it marks an ordinary kernel TCP socket as a subflow and carries the
 * subflow's state (rust/subflow.rs), whose pointer lives in icsk_ulp_data.
 *
 * As upstream, only sockets the kernel created itself (sock_create_kern()) may take it:
 * setsockopt(TCP_ULP, "mptcp") from userspace fails with EOPNOTSUPP. A listener's children
 * get state of their own from .clone, built from what the listener recorded in the request
 * (tcp_ext.c); children of SYNs without MP_CAPABLE are plain TCP and leave the hooks.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "mptcp_glue.h"

/*
 * What every TCP socket starts with as sk_data_ready (sock_def_readable(), not exported),
 * recorded from the first subflow; constant afterwards.
 */
static void (*mptcp_sf_default_data_ready)(struct sock *sk);

void *mptcp_glue_subflow_state(const struct sock *ssk)
{
	/* Set before the socket is visible and cleared at destruction: stable while locked. */
	return rcu_dereference_protected(inet_csk(ssk)->icsk_ulp_data, true);
}

/*
 * New data was queued (socket locked): it moves into the msk, which wakes its readers (the
 * subflow's sk_wq is the msk's). A listener's child before accept() has no msk yet: its
 * bytes wait in its queue.
 */
static void mptcp_sf_data_ready(struct sock *sk)
{
	if (!mptcp_glue_msk_data_ready(sk))
		mptcp_sf_default_data_ready(sk);
}

static int mptcp_subflow_ulp_init(struct sock *sk)
{
	void *state;

	if (!sk->sk_kern_sock)
		return -EOPNOTSUPP;

	state = mptcp_rs_subflow_new(sock_net(sk));
	if (!state)
		return -ENOMEM;
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, state);
	if (!READ_ONCE(mptcp_sf_default_data_ready))
		WRITE_ONCE(mptcp_sf_default_data_ready, sk->sk_data_ready);
	/* Children of a listener inherit this. */
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = mptcp_sf_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

static void mptcp_subflow_ulp_release(struct sock *sk)
{
	/* The socket is being destroyed: no reader can still hold the state. */
	void *state = rcu_dereference_protected(inet_csk(sk)->icsk_ulp_data, true);

	RCU_INIT_POINTER(inet_csk(sk)->icsk_ulp_data, NULL);
	sk->sk_data_ready = mptcp_sf_default_data_ready;
	mptcp_rs_subflow_free(state);
}

/* A listener's child, in softirq, before anyone else can see it. */
static void mptcp_subflow_ulp_clone(const struct request_sock *req, struct sock *newsk,
				    const gfp_t priority)
{
	const struct tcp_request_sock *treq = tcp_rsk(req);
	void *state;

	/* The child keeps the ULP ops, and tcp_cleanup_ulp() will put this reference. */
	__module_get(THIS_MODULE);
	/*
	 * A SYN cookie's child (no SYN/ACK of ours recorded words) may be a join's, kept by
	 * cookie. The request is this child's own (the cookie's, never hashed): its words and
	 * ext_drop_req (which keeps the join from accept()) are ours to set.
	 */
	if (!treq->ext_data[0] && !treq->ext_data[1]) {
		struct request_sock *own = (struct request_sock *)req;

		if (mptcp_glue_join_cookie_restore(sock_net(newsk), own))
			tcp_rsk(own)->ext_drop_req = true;
	}
	state = mptcp_rs_subflow_clone(sock_net(newsk), treq->ext_data, treq->snt_isn,
				       treq->rcv_isn);
	rcu_assign_pointer(inet_csk(newsk)->icsk_ulp_data, state);
	if (!state || !mptcp_rs_subflow_is_mptcp(state)) {
		tcp_sk(newsk)->tcp_ext = 0;
		return;
	}
	/* The connection exists from here on, accepted or not: tell the path managers. */
	mptcp_glue_subflow_accepted(newsk);
}

static struct tcp_ulp_ops mptcp_subflow_ulp = {
	.name = "mptcp",
	.owner = THIS_MODULE,
	.init = mptcp_subflow_ulp_init,
	.release = mptcp_subflow_ulp_release,
	.clone = mptcp_subflow_ulp_clone,
	/* INET_ULP_INFO_MPTCP in TCP diag dumps (diag.c). */
	.get_info = mptcp_glue_subflow_diag_info,
	.get_info_size = mptcp_glue_subflow_diag_info_size,
};

int mptcp_glue_subflow_ulp_register(void)
{
	return tcp_register_ulp(&mptcp_subflow_ulp);
}

void mptcp_glue_subflow_ulp_unregister(void)
{
	tcp_unregister_ulp(&mptcp_subflow_ulp);
}

int mptcp_glue_subflow_create(struct net *net, int family, struct socket **sockp)
{
	int err = mptcp_glue_subflow_create_kern(net, family, sockp);

	/* A kernel socket does not pin its namespace; one serving a user's msk must. */
	if (!err)
		sk_net_refcnt_upgrade((*sockp)->sk);
	return err;
}

int mptcp_glue_subflow_create_kern(struct net *net, int family, struct socket **sockp)
{
	struct socket *sock;
	int err;

	char ulp[] = "mptcp";

	err = sock_create_kern(net, family, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err)
		return err;
	err = sock->ops->setsockopt(sock, SOL_TCP, TCP_ULP, KERNEL_SOCKPTR(ulp), sizeof(ulp) - 1);
	if (err) {
		sock_release(sock);
		return err;
	}
	/* MPTCP options on its SYN (or SYN/ACKs, as a listener) and every segment after. */
	lock_sock(sock->sk);
	tcp_sk(sock->sk)->tcp_ext = 1;
	release_sock(sock->sk);
	*sockp = sock;
	return 0;
}

/*
 * After connect(AF_UNSPEC): the subflow starts over as a fresh active opener, with a new key,
 * a new connection-level state and nothing left of the path management of the old one.
 * Named after upstream's function for the same step, which upstream's selftests probe in
 * kallsyms to decide whether "full disconnect" is supported (mptcp_connect.sh).
 */
void mptcp_pm_data_reset(struct sock *sk)
{
	lock_sock(sk);
	mptcp_rs_subflow_restart(rcu_dereference_protected(inet_csk(sk)->icsk_ulp_data,
							   lockdep_sock_is_held(sk)),
				 sock_net(sk));
	release_sock(sk);
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * For KUnit: a kernel TCP socket takes the ULP through the ordinary setsockopt path and gets
 * subflow state; releasing the socket frees it (kmemleak checks that part).
 */
int mptcp_glue_test_kernel_subflow(void)
{
	char name[] = "mptcp";
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, PF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err)
		return err;
	err = sock->ops->setsockopt(sock, SOL_TCP, TCP_ULP, KERNEL_SOCKPTR(name),
				    sizeof(name) - 1);
	if (!err && (inet_csk(sock->sk)->icsk_ulp_ops != &mptcp_subflow_ulp ||
		     !rcu_access_pointer(inet_csk(sock->sk)->icsk_ulp_data)))
		err = -EBADE;
	sock_release(sock);
	return err;
}
#endif
