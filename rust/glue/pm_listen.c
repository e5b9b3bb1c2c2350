// SPDX-License-Identifier: GPL-2.0
/*
 * Listeners on the ports of "signal" endpoints (ip mptcp endpoint add ADDR port P signal):
 * the peer is announced ADDR:P (ADD_ADDR with a port, RFC 8684 section 3.4.1) and joins
 * there, so something must listen on it. As upstream's, such a listener takes MP_JOIN SYNs
 * only: any other SYN is answered with a reset and counted (MPCapableEndpAttempt).
 *
 * Each is a kernel TCP socket carrying the module's subflow ULP, like an msk's first
 * subflow, so joins reaching it are answered and attached to their connection by the same
 * hooks (tcp_ext.c, join.c); it takes no reference on its namespace (the namespace's exit
 * closes it) and has no accept(): a join's child never enters the accept queue (its request
 * is dropped from there, ext_drop_req). Other SYNs are reset by its conn_request, which
 * wraps the family's own (a copy of the socket's inet_connection_sock_af_ops, as upstream's
 * subflow_specific wraps ipv4_specific); children inherit the copy, which differs from the
 * original in conn_request only, which only listeners call.
 *
 * The listener of an msk (listen() on an IPPROTO_MPTCP socket) gets such a copy too, whose
 * conn_request only drops a join's SYN that TCP would answer with a SYN cookie when the
 * connection takes no more subflows (upstream's subflow_check_req() does the same): the
 * cookie keeps nothing to refuse the join with at its third ACK.
 *
 * Locking: each namespace's list under its mutex (process context: netlink, namespace exit).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/rstreason.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <uapi/linux/mptcp.h>

#include "mptcp_glue.h"

/* As upstream's listeners on endpoint ports. */
#define PORT_LISTENER_BACKLOG	20

struct port_listener {
	struct list_head node;
	u8 id;			/* the endpoint's */
	struct socket *sock;
};

enum listener_kind {
	LISTENER_MSK,		/* an msk's (IPPROTO_MPTCP) */
	LISTENER_PORT,		/* an endpoint port's: joins only */
};

/* The family's own af_ops (0: IPv4, 1: IPv6), which the listeners' wrap. */
static const struct inet_connection_sock_af_ops *family_ops(int i)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (i)
		return &ipv6_specific;
#endif
	return &ipv4_specific;
}

/* The listeners' af_ops per kind and family, made at first use. */
static DEFINE_MUTEX(listener_ops_lock);
static struct inet_connection_sock_af_ops listener_ops[2][2];
static bool listener_ops_made[2];

/* Whether TCP will answer the SYN @skb on the listener @sk with a SYN cookie (as tcp_conn_request() decides). */
static bool syn_gets_cookie(const struct sock *sk, const struct sk_buff *skb)
{
#ifdef CONFIG_SYN_COOKIES
	u8 syncookies = READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_syncookies);

	/* A SYN that matched a TIME_WAIT socket skips the cookie checks. */
	if (TCP_SKB_CB(skb)->tcp_tw_isn)
		return false;
	return syncookies == 2 || (syncookies && inet_csk_reqsk_queue_is_full(sk));
#else
	return false;
#endif
}

static int msk_listener_conn_request(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	/* Dropped: TCP ignores what this returns and frees the SYN. */
	if (syn_gets_cookie(sk, skb) &&
	    !mptcp_rs_cookie_syn_admit(sock_net(sk), (const u8 *)(th + 1),
				       __tcp_hdrlen(th) - sizeof(*th)))
		return -EPERM;
	return family_ops(sk->sk_family == AF_INET6)->conn_request(sk, skb);
}

static int port_listener_conn_request(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (!mptcp_rs_syn_is_join((const u8 *)(th + 1), __tcp_hdrlen(th) - sizeof(*th))) {
		/* TCP ignores what this returns: the reset is ours to send, as upstream's is. */
		mptcp_rs_mib_pm_event(sock_net(sk), MPTCP_RS_PM_MPC_ENDP_ATTEMPT);
#if IS_ENABLED(CONFIG_IPV6)
		if (skb->protocol == htons(ETH_P_IPV6)) {
			tcp6_request_sock_ops.send_reset(sk, skb, SK_RST_REASON_MPTCP_RST_EPROHIBIT);
			return -EPERM;
		}
#endif
		tcp_request_sock_ops.send_reset(sk, skb, SK_RST_REASON_MPTCP_RST_EPROHIBIT);
		return -EPERM;
	}
	return msk_listener_conn_request(sk, skb);
}

/*
 * @sk (a locked TCP socket, not listening yet, with its family's own af_ops) takes @kind's
 * conn_request.
 */
static void listener_set_ops(struct sock *sk, enum listener_kind kind)
{
	int i = sk->sk_family == AF_INET6;

	mutex_lock(&listener_ops_lock);
	if (!listener_ops_made[i]) {
		listener_ops[LISTENER_MSK][i] = *family_ops(i);
		listener_ops[LISTENER_MSK][i].conn_request = msk_listener_conn_request;
		listener_ops[LISTENER_PORT][i] = *family_ops(i);
		listener_ops[LISTENER_PORT][i].conn_request = port_listener_conn_request;
		listener_ops_made[i] = true;
	}
	mutex_unlock(&listener_ops_lock);
	inet_csk(sk)->icsk_af_ops = &listener_ops[kind][i];
}

void mptcp_glue_msk_listener_set_ops(struct sock *ssk)
{
	lock_sock(ssk);
	/* Not a listener already, nor an IPv6 socket left with the IPv4-mapped ops. */
	if (ssk->sk_state == TCP_CLOSE &&
	    inet_csk(ssk)->icsk_af_ops == family_ops(ssk->sk_family == AF_INET6))
		listener_set_ops(ssk, LISTENER_MSK);
	release_sock(ssk);
}

static int port_listener_open(struct net *net, const struct mptcp_rs_endpoint *ep,
			      struct socket **sockp)
{
	struct sockaddr_storage ss = {};
	struct socket *sock;
	int len, err;

	err = mptcp_glue_subflow_create_kern(net, ep->family, &sock);
	if (err)
		return err;
	if (ep->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(ep->port);
		memcpy(&sin->sin_addr, ep->addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(ep->port);
		memcpy(&sin6->sin6_addr, ep->addr, 16);
		len = sizeof(*sin6);
	}
	lock_sock(sock->sk);
	listener_set_ops(sock->sk, LISTENER_PORT);
	release_sock(sock->sk);
	if (ep->ifindex)
		sock->sk->sk_bound_dev_if = ep->ifindex;
	/* Re-added soon after its removal, the port may still have joins in TIME_WAIT. */
	sock->sk->sk_reuse = SK_CAN_REUSE;
	err = kernel_bind(sock, (struct sockaddr_unsized *)&ss, len);
	if (!err)
		err = kernel_listen(sock, PORT_LISTENER_BACKLOG);
	if (err) {
		sock_release(sock);
		return err;
	}
	*sockp = sock;
	return 0;
}

int mptcp_glue_port_listener_add(struct net *net, const struct mptcp_rs_endpoint *ep)
{
	struct mptcp_rs_port_listeners *all = mptcp_glue_port_listeners(net);
	struct port_listener *l;
	int err;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	err = port_listener_open(net, ep, &l->sock);
	if (err) {
		kfree(l);
		return err;
	}
	l->id = ep->id;
	mutex_lock(&all->lock);
	list_add_tail(&l->node, &all->list);
	mutex_unlock(&all->lock);
	mptcp_glue_event_listener(MPTCP_EVENT_LISTENER_CREATED, l->sock->sk);
	return 0;
}

static void port_listener_close(struct port_listener *l)
{
	mptcp_glue_event_listener(MPTCP_EVENT_LISTENER_CLOSED, l->sock->sk);
	sock_release(l->sock);
	kfree(l);
}

void mptcp_glue_port_listener_del(struct net *net, u8 id)
{
	struct mptcp_rs_port_listeners *all = mptcp_glue_port_listeners(net);
	struct port_listener *l, *found = NULL;

	mutex_lock(&all->lock);
	list_for_each_entry(l, &all->list, node) {
		if (l->id == id) {
			list_del(&l->node);
			found = l;
			break;
		}
	}
	mutex_unlock(&all->lock);
	if (found)
		port_listener_close(found);
}

void mptcp_glue_port_listeners_close(struct net *net)
{
	struct mptcp_rs_port_listeners *all = mptcp_glue_port_listeners(net);
	struct port_listener *l, *tmp;
	LIST_HEAD(closing);

	mutex_lock(&all->lock);
	list_splice_init(&all->list, &closing);
	mutex_unlock(&all->lock);
	list_for_each_entry_safe(l, tmp, &closing, node)
		port_listener_close(l);
}
