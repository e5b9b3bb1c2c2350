/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The msk's object, shared by msk.c (the socket), join.c (its additional subflows) and
 * pm_kernel.c (the path manager that opens and closes them). Private to those three files.
 */
#ifndef _MPTCP_RS_MSK_H
#define _MPTCP_RS_MSK_H

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>

#include "mptcp_glue.h"

/*
 * Announcements from the peer, our endpoints removed, and those whose backup flag changed,
 * that the path manager has yet to act on.
 */
#define MSK_PM_REMOTES	8
#define MSK_PM_GONE	8
#define MSK_PM_PRIO	8
/* Our addresses the fullmesh manager uses besides the first subflow's (pm_mesh.c). */
#define MSK_PM_MESH	8

/* The in-kernel path manager's state of one connection (pm_kernel.c). */
struct msk_pm {
	/* The manager the connection took at creation (MPTCP_RS_PM_*, net.mptcp.path_manager). */
	u8 kind;
	/* fullmesh: our interface addresses (ids 1..nmesh), taken once (pm_mesh.c). */
	bool mesh_taken;
	u8 nmesh;
	struct mptcp_rs_endpoint mesh[MSK_PM_MESH];
	/* ndiffports opened its subflows (once per connection, pm_mesh.c). */
	bool ndiffports_opened;
	/* Our announcement waiting for its echo (its endpoint id), 0: none. */
	u8 announcing;
	/* ... the endpoint, and how often it was sent again (pm_retrans). */
	u8 retransmitted;
	struct mptcp_rs_endpoint announcing_ep;
	/* The signal endpoints announced (or passed over), by id. */
	DECLARE_BITMAP(announced, 256);
	/* The next signal endpoint is due: the echo came (or the first is). */
	bool announce_due;
	/* The "subflow" endpoints are to be looked at (at the start, when one is added, when a
	 * join closed); each is used once per connection, as upstream. */
	bool subflows_due;
	DECLARE_BITMAP(used, 256);
	/* A join closed (its state changed to TCP_CLOSE): it leaves the list. */
	bool reap_due;
	/* The peer's announcements acted upon (the add_addr_accepted limit). */
	u8 accepted;
	/* The peer's announcements to act upon, and its withdrawn address ids. */
	u8 nremotes;
	u8 nremoved;
	/* Our endpoints removed (or changed), whose subflows close and which the peer is told of. */
	u8 ngone;
	struct mptcp_rs_endpoint remotes[MSK_PM_REMOTES];
	u8 removed[8];
	struct msk_pm_gone {
		struct mptcp_rs_endpoint ep;
		enum msk_pm_gone_how {
			MSK_PM_DELETED,		/* DEL_ADDR */
			MSK_PM_FLUSHED,		/* FLUSH_ADDRS: withdrawn only if announced */
			MSK_PM_RECREATED,	/* its fullmesh flag changed: subflows again */
		} how;
	} gone[MSK_PM_GONE];
	/* The first subflow's endpoint is to be looked at: if backup, the peer is told. */
	bool mpc_prio_due;
	/* Our endpoints whose backup flag changed (SET_FLAGS), with their new flags. */
	u8 nprio;
	struct mptcp_rs_endpoint prio[MSK_PM_PRIO];
};

/*
 * The msk's sending side once it places its stream itself (msk_tx.c): every byte goes to the
 * subflow the scheduler picks, and stays in `chunks` until the peer acknowledges it at the
 * connection level, so that it can be sent again on another subflow.
 */
struct msk_tx {
	/* Under the msk's socket lock. */
	bool active;		/* taken over from the first subflow (never given back) */
	bool fin;		/* shut down: the DATA_FIN is at snd_nxt */
	u64 start;		/* DSN of the stream's first byte (MPTCP_INFO's counts) */
	u64 snd_nxt;		/* DSN of the next new byte */
	u64 bytes_sent;		/* every byte sent, again ones included (MPTCP_INFO) */
	struct list_head chunks;	/* struct msk_tx_chunk, in DSN order, from snd_una */
	u64 rtx_una;		/* snd_una when the reinjection timer last saw it move ... */
	unsigned long rtx_stamp;	/* ... and when */
	/* Writers of the first subflow's own (before the take-over, or plain TCP). */
	atomic_t direct_writers;
	/* Wake-ups of the msk's writer so far (one between looking and sleeping counts). */
	atomic_t wakes;
	/* Under lock (BH): the peer's acknowledgements, as its subflows bring them. */
	spinlock_t lock;
	u64 snd_una;		/* highest DATA_ACK */
	u64 wnd_end;		/* right edge of the connection-level window */
	/* Sends again what is not acknowledged in time (holds the msk while pending). */
	struct delayed_work retrans;
};

/* An msk: see msk.c. */
struct mptcp_rs_sock {
	/* First: inet_create() and generic code treat the object as an inet socket. */
	struct inet_connection_sock icsk;
	/*
	 * The first subflow; NULL only before init and after release. Set and cleared under
	 * mptcp_rs_msks_lock, which is how diag reaches it while the msk may be closing.
	 */
	struct socket *first;
	/* The subflow's own callbacks, chained to and restored on detach. */
	void (*sf_state_change)(struct sock *ssk);
	void (*sf_error_report)(struct sock *ssk);
	/* Asks the peer for the connection-level window a writer waits for (tx.c). */
	struct mptcp_rs_window_probe window_probe;
	/* The stream's bytes sent and not yet acknowledged at the connection level. */
	struct msk_tx tx;
	/* What the subflows received, in the connection's stream (rx.c). */
	struct mptcp_rs_msk_rx rx;
	/* In mptcp_rs_msks while the first subflow is attached; serial orders the list. */
	struct list_head node;
	u64 serial;
	/* MSK_* bits: what this msk is counted in, so each count is undone exactly once. */
	unsigned long counted;
	u32 token;		/* set with MSK_ANNOUNCED */
	/*
	 * Subflows the peer joined (MP_JOIN), each a struct mptcp_rs_join the msk owns (it
	 * closes them at its own close). joins_lock (BH) protects the list, njoins and
	 * joins_closed, which stops attaching once the msk is being destroyed.
	 */
	spinlock_t joins_lock;
	struct list_head joins;
	unsigned int njoins;
	bool joins_closed;
	/*
	 * The first subflow no longer carries the connection, its joins do: the path manager
	 * closed it (REMOVE_ADDR of address id 0, ours or the peer's), or the peer closed it
	 * before the stream's end (a FIN without DATA_FIN: it removed that path). Its state is
	 * no longer the msk's from then on. Set once.
	 */
	bool first_path_closed;
	/* The in-kernel path manager's work for this connection (opening subflows). */
	struct work_struct pm_work;
	/* What the path manager does next (pm_kernel.c), under joins_lock. */
	struct msk_pm pm;
	/* Sends an unechoed ADD_ADDR again (net.mptcp.add_addr_timeout); holds the msk. */
	struct delayed_work pm_retrans;
};

enum {
	MSK_INUSE,		/* /proc/net/protocols "sockets" (connect, listen or accept) */
	MSK_CURR_ESTAB,		/* MPTcpExtMPCurrEstab: ESTABLISHED or CLOSE_WAIT */
	MSK_ANNOUNCED,		/* MPTCP_EVENT_CREATED went out: MPTCP_EVENT_CLOSED is owed */
	MSK_PM_STARTED,		/* the path manager's work was queued for this connection */
};

static inline struct mptcp_rs_sock *msk_of(const struct sock *sk)
{
	return (struct mptcp_rs_sock *)sk;
}

/* join.c: a new msk's empty list of joins and its path-manager state. */
void msk_joins_init(struct sock *sk);
/* join.c, for pm_kernel.c: the joins list, one subflow at a time (see there). */
struct sock *msk_join_get(struct sock *sk, unsigned int n);
struct mptcp_rs_join *msk_unlink_join(struct sock *sk, struct sock *ssk);
void join_close_reported(struct sock *sk, struct mptcp_rs_join *join);
unsigned int msk_close_joins_from(struct sock *sk, const struct mptcp_rs_endpoint *ep);
int msk_join_connect(struct sock *sk, struct sock *first, const struct mptcp_rs_endpoint *ep,
		     const struct mptcp_rs_endpoint *remote);
void subflow_address(struct sock *ssk, bool peer, struct mptcp_rs_endpoint *ep);
bool same_address(const struct mptcp_rs_endpoint *a, const struct mptcp_rs_endpoint *b);
/* pm_kernel.c: a new msk's path-manager state. */
void msk_pm_init(struct sock *sk);
/* pm_kernel.c: a join of @sk closed (TCP_CLOSE): it leaves, the next may come. Any context. */
void msk_pm_join_closed(struct sock *sk);
/* join.c: the joins parked before the msk existed (@adopt) become its own. */
void msk_adopt_joins(struct sock *sk, struct list_head *adopt, bool can_sleep);
/* pm_kernel.c: the path manager starts for this connection (once). Any context. */
void msk_pm_start(struct sock *sk);
/* pm_kernel.c: the join @ssk of @sk (locked) progressed: SUB_ESTABLISHED once. Any context. */
void msk_pm_join_progress(struct sock *sk, struct sock *ssk);
/* pm_kernel.c: signals the subflow @ssk (locked) received, for the path manager. Any context. */
void msk_pm_signals(struct sock *sk, struct sock *ssk, const struct mptcp_rs_signals *sig);

/*
 * pm_kernel.c, shared with pm_mesh.c. A subflow of a connection as the fullmesh managers see
 * it: its two ends, and whether the peer's id for its address is known (a join still
 * connecting has none yet).
 */
struct subflow_pair {
	struct mptcp_rs_endpoint local;
	struct mptcp_rs_endpoint remote;	/* with the peer's id for its address */
	bool remote_id_known;
};
unsigned int msk_subflow_pairs(struct sock *sk, struct sock *first, struct subflow_pair *pairs,
			       unsigned int max);
bool subflow_pair_exists(const struct subflow_pair *pairs, unsigned int n,
			 const struct mptcp_rs_endpoint *local,
			 const struct mptcp_rs_endpoint *remote);
int msk_pm_fullmesh_from(struct sock *sk, struct sock *first,
			 const struct mptcp_rs_endpoint *ep);
bool peer_denies_join_id0(struct sock *first);

/*
 * pm_mesh.c, called from the path manager's work (pm_kernel.c); @ours is the first subflow's
 * address. fullmesh: our next address to announce (id above @after), subflows from our
 * addresses to the peer's first one, and to its announced address @remote; ndiffports: its
 * subflows over the first pair of addresses.
 */
bool msk_mesh_next_local(struct sock *sk, const struct mptcp_rs_endpoint *ours, u8 after,
			 struct mptcp_rs_endpoint *ep);
void msk_mesh_open_subflows(struct sock *sk, struct sock *first,
			    const struct mptcp_rs_endpoint *ours);
void msk_mesh_join_remote(struct sock *sk, struct sock *first,
			  const struct mptcp_rs_endpoint *ours,
			  const struct mptcp_rs_endpoint *remote);
void msk_ndiffports_open(struct sock *sk, struct sock *first,
			 const struct mptcp_rs_endpoint *ours);
struct mptcp_info;
/* pm_kernel.c: what MPTCP_INFO reports of the path manager (extra subflows, addresses, limits). */
void msk_pm_fill_info(struct sock *sk, struct mptcp_info *info);
/* pm_kernel.c: the path manager's timers stop (close, disconnect). */
void msk_pm_stop(struct sock *sk);
/* join.c: whether a join of @sk can still carry data both ways (any context). */
bool msk_has_live_join(struct sock *sk);
/* msk.c: a join of @sk closed: if it was the last way left, the connection fails. */
void msk_join_gone(struct sock *sk);
/*
 * msk.c: whether @sk's first subflow may be closed while the connection goes on (a join can
 * carry it, and the msk sends its stream itself, msk_tx_take_over_now()). Process context.
 */
bool msk_first_path_closable(struct sock *sk);
/*
 * msk.c: the path manager closes @sk's first subflow @first, msk_first_path_closable() (a
 * FIN on it; what it held goes again over the joins). Process context.
 */
void msk_close_first_path(struct sock *sk, struct sock *first);
/* join.c: the msk's joins close (abortively if @abort); none are taken afterwards. */
void msk_close_joins(struct sock *sk, bool abort);

/* msk_tx.c: a new msk's sending side. */
void msk_tx_init(struct sock *sk);
/*
 * msk_tx.c: sendmsg() once the msk places its stream itself; false (nothing done) while the
 * first subflow writes on its own (tx.c): before the connection is fully established, or
 * plain TCP.
 */
bool msk_tx_sendmsg(struct sock *sk, struct msghdr *msg, size_t len, int *ret);
/* msk_tx.c: a direct writer (msk_tx_sendmsg() returned false) is done. */
void msk_tx_direct_done(struct sock *sk);
/* msk_tx.c: the msk's sending side ends at snd_nxt (shutdown or close); msk locked. */
void msk_tx_shutdown(struct sock *sk);
/* msk_tx.c: no more reinjections (close). */
void msk_tx_stop(struct sock *sk);
/* msk_tx.c: the sending side is over (destroy) or starts afresh (disconnect). */
void msk_tx_reset(struct sock *sk);
/* msk_tx.c: poll()'s EPOLLOUT once the msk places its stream itself. */
bool msk_tx_writable(struct sock *sk);
/* msk_tx.c: MPTCP_INFO's sending-side numbers, once the msk places its stream itself. */
void msk_tx_fill_info(struct sock *sk, struct mptcp_info *info);
/* msk_tx.c: a subflow of @sk closed: what it held goes on the others at once. */
void msk_tx_subflow_closed(struct sock *sk);
/*
 * msk_tx.c: the msk sends its stream itself from now on, taking over from the first subflow
 * if it has not yet: whether it does. Before the first subflow's FIN, which would shift the
 * next DSN the first subflow's sequence numbers imply. Process context, msk not locked.
 */
bool msk_tx_take_over_now(struct sock *sk);
/* msk_tx.c: a subflow's write space wakes the msk's writer too (sk_callback_lock held). */
void msk_tx_hook_write_space(struct sock *ssk);
void msk_tx_unhook_write_space(struct sock *ssk);

/*
 * The msk of the subflow @ssk, while attached: the caller holds @ssk's sk_callback_lock for
 * reading (detaching takes it for writing), which keeps the msk alive.
 */
static inline struct sock *msk_of_subflow(struct sock *ssk)
{
	return __rcu_dereference_sk_user_data_with_flags(ssk, SK_USER_DATA_NOCOPY);
}

#endif /* _MPTCP_RS_MSK_H */
