/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between mptcp.ko's Rust crate and its C glue objects (rust/glue/).
 *
 * Functions here are implemented in C and declared for Rust in rust/ffi.rs, which must be
 * kept in sync by hand. They return 0 or a negative errno unless stated otherwise.
 */
#ifndef _MPTCP_GLUE_H
#define _MPTCP_GLUE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/types.h>

struct net;
struct seq_file;
struct sk_buff;
struct msghdr;
struct sock;
struct socket;

/*
 * Per-network-namespace state (rust/glue/pernet.c): the net.mptcp sysctl table, mib_count
 * per-CPU counters and /proc/net/mptcp_netstat. Register once at module init; unregister
 * once at exit, after everything that reads per-netns state is gone.
 */
int mptcp_glue_pernet_register(unsigned int mib_count);
void mptcp_glue_pernet_unregister(void);

/* net.mptcp.enabled of @net. */
bool mptcp_glue_enabled(const struct net *net);

/* Adds @delta (negative for gauges going down) to counter @index of @net. Any context. */
void mptcp_glue_mib_add(const struct net *net, unsigned int index, long delta);
/* Implemented in Rust (rust/mib.rs): the index of MPTcpExtMPCurrEstab, a gauge C keeps. */
unsigned int mptcp_rs_mib_curr_estab(void);
/* Implemented in Rust (rust/mib.rs): a join could not be opened at @step (below). */
enum { MPTCP_RS_JOIN_CREATE, MPTCP_RS_JOIN_BIND, MPTCP_RS_JOIN_CONNECT };
void mptcp_rs_mib_join_open_failed(const struct net *net, int step);
/* Implemented in Rust (rust/mib.rs): a path-manager event (below) in @net. */
enum {
	MPTCP_RS_PM_RM_ADDR,
	MPTCP_RS_PM_RM_SUBFLOW,
	MPTCP_RS_PM_ADD_ADDR_DROP,
	MPTCP_RS_PM_MPC_ENDP_ATTEMPT,	/* a SYN without MP_JOIN on an endpoint's port */
	MPTCP_RS_PM_JOIN_PORT_SYNACK_RX, /* our join's SYN/ACK came from an announced port */
	MPTCP_RS_PM_JOIN_PORT_ACK_RX,	/* a join on an announced port completed */
	MPTCP_RS_TX_REINJECTED,		/* the msk sent unacknowledged bytes again */
	MPTCP_RS_TX_SUBFLOW_STALE,	/* a subflow stopped making progress */
	MPTCP_RS_TX_SUBFLOW_RECOVER,	/* ... and made progress again */
};
void mptcp_rs_mib_pm_event(const struct net *net, int event);

/* Sum over CPUs of counter @index (< mib_count) of @net. */
unsigned long mptcp_glue_mib_read(const struct net *net, unsigned int index);

/* Implemented in Rust (rust/mib.rs): prints /proc/net/mptcp_netstat for @net. */
int mptcp_rs_netstat_show(struct seq_file *seq, const struct net *net);

/*
 * The in-kernel path manager's configuration of @net (endpoints and limits), an object of
 * rust/pm.rs created by mptcp_rs_pm_new() in the per-netns init and freed by
 * mptcp_rs_pm_free() at its exit.
 */
void *mptcp_glue_pm(const struct net *net);
void *mptcp_rs_pm_new(void);
void mptcp_rs_pm_free(void *pm);

/*
 * The msks diag walks (msk.c): the next msk of @net after list position *@pos (start at 0),
 * held (sock_put() it), *@pos advanced; NULL at the end.
 */
struct sock *mptcp_glue_msk_next(const struct net *net, u64 *pos);
/* The first subflow of the msk @sk, held; NULL once the msk released it. */
struct sock *mptcp_glue_msk_first_get(struct sock *sk);
struct mptcp_info;
/*
 * MPTCP_INFO of the msk @sk (takes its subflow's lock): false after a fallback (only
 * MPTCP_INFO_FLAG_FALLBACK set) or once the msk released its subflow (all zero).
 */
bool mptcp_glue_msk_info(struct sock *sk, struct mptcp_info *info);
/* A listener's MPTCP child @ssk was just made (softirq): MPTCP_EVENT_CREATED (msk.c). */
void mptcp_glue_subflow_accepted(const struct sock *ssk);
/* A segment was processed on the subflow @ssk (locked): events it may complete (msk.c). */
void mptcp_glue_subflow_progress(struct sock *ssk);
/* MPTCP sockets in ss -M / inet_diag (rust/glue/diag.c). */
int mptcp_glue_diag_register(void);
void mptcp_glue_diag_unregister(void);
/* The subflow's INET_ULP_INFO_MPTCP for ss -ti (diag.c); the ULP's get_info ops. */
int mptcp_glue_subflow_diag_info(struct sock *ssk, struct sk_buff *skb, bool net_admin);
size_t mptcp_glue_subflow_diag_info_size(const struct sock *ssk, bool net_admin);

/* The "mptcp_pm" generic netlink family (rust/glue/pm_netlink.c). */
int mptcp_glue_pm_netlink_register(void);
void mptcp_glue_pm_netlink_unregister(void);
/*
 * Events to the mptcp_pm_events group of @ssk's namespace, when anyone listens: a
 * connection's MPTCP_EVENT_CREATED or _ESTABLISHED with its first subflow @ssk (any context,
 * @gfp to match), its _CLOSED (process context), a listener's _LISTENER_CREATED or
 * _LISTENER_CLOSED from the msk @sk (process context).
 */
void mptcp_glue_event_conn(int type, const struct sock *ssk, u32 token, bool server_side,
			   gfp_t gfp);
void mptcp_glue_event_closed(const struct net *net, u32 token);
void mptcp_glue_event_listener(int type, const struct sock *sk);
struct mptcp_rs_endpoint;
/* The peer announced @ann (port 0: the subflow's, @dport) or withdrew address @id. */
void mptcp_glue_event_announced(const struct net *net, u32 token,
				const struct mptcp_rs_endpoint *ann, __be16 dport, gfp_t gfp);
void mptcp_glue_event_removed(const struct net *net, u32 token, u8 id, gfp_t gfp);
/* SUB_ESTABLISHED or SUB_CLOSED of the join @ssk (locked by the caller, or in softirq). */
void mptcp_glue_event_sub(int type, const struct sock *ssk, u32 token, gfp_t gfp);

/*
 * An endpoint as the netlink glue hands it to Rust and back (struct RawEndpoint in
 * rust/pm.rs; keep in sync).
 */
struct mptcp_rs_endpoint {
	u8 id;
	u8 family;	/* AF_INET, AF_INET6, or AF_UNSPEC when the request named none */
	u16 port;	/* host byte order, 0: none */
	u32 flags;	/* MPTCP_PM_ADDR_FLAG_* */
	s32 ifindex;
	u8 addr[16];	/* the first 4 bytes for AF_INET */
};

/*
 * Implemented in Rust (rust/pm.rs), process context. The refusals return a negative errno
 * and store a static extack message in *@msg.
 */
/* Adds @ep (family AF_INET or AF_INET6); returns the id given (> 0). */
int mptcp_rs_pm_add(const struct net *net, const struct mptcp_rs_endpoint *ep, const char **msg);
/* Removes the endpoint @id (> 0). */
int mptcp_rs_pm_del(const struct net *net, u8 id, const char **msg);
/* Copies the endpoint @id to @out: false if none. */
bool mptcp_rs_pm_get(const struct net *net, u8 id, struct mptcp_rs_endpoint *out);
/* Copies the endpoint with the smallest id above @after to @out: false if none. */
bool mptcp_rs_pm_next(const struct net *net, u8 after, struct mptcp_rs_endpoint *out);
void mptcp_rs_pm_flush(const struct net *net);
/* Sets the non-NULL limits, or neither. */
int mptcp_rs_pm_set_limits(const struct net *net, const u32 *add_addr_accepted,
			   const u32 *subflows, const char **msg);
void mptcp_rs_pm_get_limits(const struct net *net, u32 *add_addr_accepted, u32 *subflows);
/*
 * The next endpoint (id above @after) to open an additional subflow from, for a connection
 * whose first subflow left from @first's address: flagged "subflow", same family, another
 * address unless that first subflow is closed (@first_closed). False if none. Any context.
 */
bool mptcp_rs_pm_next_subflow(const struct net *net, u8 after,
			      const struct mptcp_rs_endpoint *first, bool first_closed,
			      struct mptcp_rs_endpoint *out);
/*
 * The endpoint table of @net changed (join.c): every connection's path manager looks at the
 * endpoints added, and those using the removed endpoint @gone close its subflows and tell the
 * peer (REMOVE_ADDR; after a flush, @flushed, only of announced addresses, as upstream).
 * Process context.
 */
void mptcp_glue_pm_endpoints_added(struct net *net);
void mptcp_glue_pm_endpoint_removed(struct net *net, const struct mptcp_rs_endpoint *gone,
				    bool flushed);
/*
 * The endpoint @ep's @changed flags changed (SET_FLAGS), as upstream's
 * mptcp_pm_nl_set_flags_all(): backup: each connection's first subflow from its address tells
 * the peer (MP_PRIO); fullmesh, of a "subflow" endpoint: its subflows are opened again.
 */
void mptcp_glue_pm_endpoint_changed(struct net *net, const struct mptcp_rs_endpoint *ep,
				    u32 changed);
/* The number of endpoints with every flag of @mask. */
unsigned int mptcp_rs_pm_count(const struct net *net, u32 mask);
/*
 * The next endpoint (id above @after) with every flag of @mask, of @remote's family, to join
 * @remote from ("laminar" or "fullmesh" ones).
 */
bool mptcp_rs_pm_next_flagged(const struct net *net, u8 after, u32 mask,
			      const struct mptcp_rs_endpoint *remote, struct mptcp_rs_endpoint *out);
/*
 * The next endpoint (id above @after) to announce (ADD_ADDR), as above for "signal"; of any
 * family if @any_family (an IPv6 connection that is not v6-only).
 */
bool mptcp_rs_pm_next_signal(const struct net *net, u8 after,
			     const struct mptcp_rs_endpoint *first, bool any_family,
			     bool first_closed, struct mptcp_rs_endpoint *out);
/*
 * Our address @local for a subflow leaving from it takes its endpoint's id and flags; if none
 * is listed, a new implicit endpoint's (@implicit: else it is left as it is). A negative
 * errno if the table is full. Any context.
 */
int mptcp_rs_pm_local_endpoint(const struct net *net, struct mptcp_rs_endpoint *local,
			       bool implicit);
/*
 * The endpoint @ep names (by id if its family is AF_UNSPEC, else by address) takes the
 * backup and fullmesh flags of @ep->flags; @ep becomes the endpoint as it now is, @changed
 * the flags that changed.
 */
int mptcp_rs_pm_set_flags(const struct net *net, struct mptcp_rs_endpoint *ep, u32 *changed,
			  const char **msg);

/*
 * Claim the kernel's TCP extension hooks (rust/glue/tcp_ext.c). -EBUSY if another module
 * holds them. Unregistering waits until no callback runs.
 */
int mptcp_glue_tcp_ext_register(void);
void mptcp_glue_tcp_ext_unregister(void);

/* The "mptcp" TCP ULP that carries a subflow's state (rust/glue/subflow.c). */
int mptcp_glue_subflow_ulp_register(void);
void mptcp_glue_subflow_ulp_unregister(void);
/*
 * A new subflow: a kernel TCP socket of @family in @net that holds a reference on @net (it
 * serves a user's msk). Process context.
 */
int mptcp_glue_subflow_create(struct net *net, int family, struct socket **sockp);
/* The same without the reference: for the module's own sockets, closed at namespace exit. */
int mptcp_glue_subflow_create_kern(struct net *net, int family, struct socket **sockp);
/*
 * Listeners on the ports of "signal" endpoints that have one (rust/glue/pm_listen.c): each
 * takes MP_JOINs only (other SYNs are reset, MPCapableEndpAttempt). Added with the endpoint
 * (0 or -errno), closed with it, all closed at namespace exit. Process context.
 */
struct mptcp_rs_port_listeners {
	struct mutex lock;
	struct list_head list;
};
int mptcp_glue_port_listener_add(struct net *net, const struct mptcp_rs_endpoint *ep);
void mptcp_glue_port_listener_del(struct net *net, u8 id);
void mptcp_glue_port_listeners_close(struct net *net);
/* The namespace's list of them (pernet.c). */
struct mptcp_rs_port_listeners *mptcp_glue_port_listeners(const struct net *net);
/* Whether the SYN's options (@len bytes at @opts) carry MP_JOIN (rust/subflow.rs). */
bool mptcp_rs_syn_is_join(const u8 *opts, unsigned int len);
/*
 * A SYN that TCP is about to answer with a SYN cookie reached an MPTCP listener in @net:
 * false if it must be dropped (rust/subflow.rs).
 */
bool mptcp_rs_cookie_syn_admit(const struct net *net, const u8 *opts, unsigned int len);
/*
 * The msk listener's subflow @ssk (not listening yet) drops join SYNs it could only refuse
 * too late (pm_listen.c). Process context.
 */
void mptcp_glue_msk_listener_set_ops(struct sock *ssk);
/*
 * Reset the subflow @sk with MP_TCPRST (its state must be in the reset phase), from a work
 * item: callers may hold the socket lock or run in softirq (tcp_ext.c).
 */
void mptcp_glue_subflow_reset(struct sock *sk);
/* The same for a joined subflow nobody owns any more: it is closed afterwards too. */
void mptcp_glue_subflow_dispose(struct sock *sk);
/*
 * The msk's receive position (struct StreamRx in rust/proto/stream_rx.rs; keep in sync):
 * zeroed, it is a stream not started yet. Used under the msk's receive-queue lock.
 */
struct mptcp_rs_stream_rx {
	u64 ack_seq;
	u64 fin;
	bool started;
	bool fin_known;
	bool eof;
};

/*
 * The receiving side of an msk (rx.c): subflows' bytes are moved into the msk's own
 * sk_receive_queue (in order) and ooo (beyond a hole, by DSN). The msk's
 * sk_receive_queue.lock protects all of it; the reader holds the msk's socket lock too.
 */
struct mptcp_rs_msk_rx {
	struct mptcp_rs_stream_rx stream;
	struct sk_buff_head ooo;
	u64 queued;	/* bytes ever appended to sk_receive_queue */
	u64 copied;	/* bytes the reader took from it */
	bool stalled;	/* a move stopped (for room, for the keys): to be tried again */
	bool multipath;	/* a subflow joined: only the DATA_FIN ends the stream */
};
void mptcp_glue_rx_init(struct mptcp_rs_msk_rx *rx);
/* Frees what the msk still holds (at destruction, once no subflow moves anything in). */
void mptcp_glue_rx_purge(struct sock *sk, struct mptcp_rs_msk_rx *rx);
/* Back to a stream not started, nothing queued (the subflow was disconnected). */
void mptcp_glue_rx_reset(struct sock *sk, struct mptcp_rs_msk_rx *rx);
/*
 * Moves what the subflow @ssk received into the msk @sk, as far as the msk's buffer allows,
 * and wakes its readers: true if anything moved (or the stream ended). Subflow locked, any
 * context.
 */
bool mptcp_glue_rx_move(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk);
/* The subflow @ssk moves what it held back into the msk @sk (reader's context, msk locked). */
void mptcp_glue_rx_refill_subflow(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk);
/*
 * recvmsg() of the msk @sk, whose subflow is @ssk: TCP's reading rules applied to the msk's
 * receive queue. Takes the msk's lock (and the subflow's to move more).
 */
int mptcp_glue_rx_recvmsg(struct sock *sk, struct mptcp_rs_msk_rx *rx, struct sock *ssk,
			  struct msghdr *msg, size_t len, int flags);
/* Bytes the reader may take now (SIOCINQ, TCP_INQ). Any context. */
u32 mptcp_glue_rx_inq(const struct mptcp_rs_msk_rx *rx);
/*
 * MPTCP_INFO's receiving side from the msk's own stream (rcv_nxt, bytes_received), whichever
 * subflows brought the bytes; left as is until the stream started.
 */
void mptcp_glue_rx_fill_info(struct sock *sk, struct mptcp_rs_msk_rx *rx,
			     struct mptcp_info *info);
/* The msk has unread data (what an abortive close throws away). */
bool mptcp_glue_rx_unread(struct sock *sk, struct mptcp_rs_msk_rx *rx);
/*
 * The subflow @ssk of an msk has new data or news (socket locked): moved into its msk.
 * False if it has no msk (a listener's child before accept()).
 */
bool mptcp_glue_msk_data_ready(struct sock *ssk);
/*
 * Whether the msk @sk lives on over its joins whatever becomes of its first subflow (one
 * joined, and one can still carry data both ways): the first subflow's reset or close is
 * then a path failing, not the connection's end. Any context.
 */
bool mptcp_glue_msk_lives_on(struct sock *sk);
/* Whether the first subflow of @sk no longer carries the connection (msk.h). */
bool mptcp_glue_msk_first_path_closed(const struct sock *sk);
/* The largest TCP window any subflow of @sk (@ssk among them) advertises now. Any context. */
u32 mptcp_glue_msk_max_rcv_wnd(struct sock *sk, const struct sock *ssk);

/*
 * While a writer waits for the connection-level window, the peer is asked for it now and
 * then (tx.c): it may owe us the DATA_ACK that opens it. One per msk, for its subflow.
 */
struct mptcp_rs_window_probe {
	struct timer_list timer;
	struct sock *ssk;	/* the subflow, from start to stop */
	unsigned long interval;	/* jiffies until the next probe */
	bool msk_blocked;	/* the msk's writer waits for the window (msk_tx.c) */
};
void mptcp_glue_window_probe_start(struct mptcp_rs_window_probe *wp, struct sock *ssk);
/* Process context; no probe runs or is pending afterwards. */
void mptcp_glue_window_probe_stop(struct mptcp_rs_window_probe *wp);
/*
 * Whether a writer of @sk (locked) may sleep with @timeo left: 0, or the error to return
 * (pending error, shut down, non-blocking, signal), as TCP's writers check (tx.c).
 */
int mptcp_glue_tx_may_wait(struct sock *sk, long timeo);
/* The msk's own writer waits (@blocked) for the window, or no longer does. */
void mptcp_glue_window_probe_blocked(struct mptcp_rs_window_probe *wp, bool blocked);
/*
 * sendmsg() of an msk into its subflow @ssk, within the connection-level window the peer
 * advertises (tx.c). Takes the subflow's lock.
 */
int mptcp_glue_msk_sendmsg(struct sock *ssk, struct mptcp_rs_window_probe *wp,
			   struct msghdr *msg, size_t len);
/*
 * Whether sendmsg() on the msk of @ssk may queue something now as far as the connection-level
 * window goes; a closed one wakes the writer when it opens (tx.c). Subflow locked.
 */
bool mptcp_glue_tx_window_open(struct sock *ssk, struct mptcp_rs_window_probe *wp);
/*
 * The host's connection tokens, per namespace (token.c). A claim fails (NULL) if another
 * connection holds the token or memory is short; @atomic in softirq. Any context.
 */
struct mptcp_rs_token;
bool mptcp_glue_token_in_use(const struct net *net, u32 token);
struct mptcp_rs_token *mptcp_glue_token_claim(const struct net *net, u32 token, bool atomic);
void mptcp_glue_token_release(struct mptcp_rs_token *t);
/* What answering a join needs of the connection it names (struct JoinKeys, rust/ffi.rs). */
struct mptcp_rs_join_keys {
	u64 local_key;
	u64 remote_key;
	bool checksums;
	u16 local_port;	/* the connection's own (its msk's), 0 if it has no msk yet */
	/* The connection's initial local address (its msk's), family 0 if it has no msk yet. */
	struct mptcp_rs_endpoint local_addr;
};
/* The connection's keys, once both are known: joins to it can be answered. */
void mptcp_glue_token_set_keys(struct mptcp_rs_token *t, u64 local_key, u64 remote_key,
			       bool checksums);
/*
 * A subflow joined to a connection (MP_JOIN): kept by its msk, or by the connection's token
 * entry while there is no msk yet. @sock is the kernel socket the msk opened it with, NULL
 * for a listener's child.
 */
struct mptcp_rs_join {
	struct list_head node;
	struct sock *ssk;
	struct socket *sock;
};
/*
 * The msk that @token names becomes @msk if it was @old (NULL: none). Setting one moves the
 * joins parked so far to @adopt (if not NULL), for the msk to take. Any context.
 */
void mptcp_glue_token_set_msk(const struct net *net, u32 token, struct sock *msk,
			      struct sock *old, struct list_head *adopt);
/*
 * The connection @token names: its keys in @keys and the joins parked in *@parked, and its
 * msk, held; NULL while it has none (not accepted yet); ERR_PTR(-ENOENT) if no connection
 * with known keys has the token. Any context.
 */
struct sock *mptcp_glue_token_join(const struct net *net, u32 token,
				   struct mptcp_rs_join_keys *keys, unsigned int *parked);
/*
 * Parks @join with the connection @token names until it has an msk (at most @limit joins):
 * 0, -EPERM (limit), -EAGAIN (it has an msk now) or -ENOENT. Any context.
 */
int mptcp_glue_token_park_join(const struct net *net, u32 token, struct mptcp_rs_join *join,
			       unsigned int limit);
/*
 * Whether a connection with known keys has @token (msk.c): 0 and its keys in @keys, or
 * -ENOENT. Its subflow limit is applied at the third ACK, as upstream does. Any context.
 */
int mptcp_glue_join_lookup(const struct net *net, u32 token, struct mptcp_rs_join_keys *keys);
/*
 * Whether the connection @token names takes one more join now (a join through a SYN cookie
 * is refused at its SYN when it does not, as upstream does: nothing is kept to refuse it
 * with later). Any context.
 */
bool mptcp_glue_join_has_room(const struct net *net, u32 token);
struct request_sock;
/*
 * A join request answered with a SYN cookie (@req->syncookie, its words recorded): its words
 * kept, by cookie, for the child the third ACK makes (token.c). Softirq.
 */
void mptcp_glue_join_cookie_save(const struct net *net, const struct request_sock *req);
/*
 * A SYN cookie's request @req (its words all zero): the words of the join request its
 * cookie answered, if kept, into @req; whether there were. Softirq.
 */
bool mptcp_glue_join_cookie_restore(const struct net *net, struct request_sock *req);
/*
 * The listener's join child @ssk (locked, softirq) passed its third ACK: it becomes a subflow
 * of the msk @token names, which closes it at its own close. False if it cannot take it.
 */
bool mptcp_glue_msk_attach_join(struct sock *ssk, u32 token);
/* The reader made room: the msk @sk's joined subflows move what they hold back (rx.c). */
void mptcp_glue_msk_refill_joins(struct sock *sk);
/* KUnit only: claims, a second claim, release; 0 or -errno. */
int mptcp_glue_test_token_table(void);
/* The subflow state the "mptcp" ULP carries (NULL if none); subflow locked (subflow.c). */
void *mptcp_glue_subflow_state(const struct sock *ssk);
/* The subflow @sk was disconnected (connect(AF_UNSPEC)); it may connect again. */
void mptcp_pm_data_reset(struct sock *sk);
/* KUnit only: attach the ULP to a kernel socket and release it; 0 or -errno. */
int mptcp_glue_test_kernel_subflow(void);

/*
 * IPPROTO_MPTCP sockets for AF_INET and AF_INET6 (rust/glue/msk.c). Unregistering waits
 * until no socket() can reach them; existing sockets pin the module.
 */
int mptcp_glue_msk_register(void);
void mptcp_glue_msk_unregister(void);

/* net.mptcp.transparent of @net. */
bool mptcp_glue_transparent(const struct net *net);

/*
 * Transparent mode (rust/glue/transparent.c): the kernel's socket protocol selector, whose
 * policy is implemented in Rust (rust/transparent.rs).
 */
int mptcp_glue_selector_register(void);
void mptcp_glue_selector_unregister(void);
int mptcp_rs_select_protocol(const struct net *net, int family, int type, int protocol);

/* net.mptcp.checksum_enabled of @net. */
bool mptcp_glue_checksum_enabled(const struct net *net);
/* net.mptcp.syn_retrans_before_tcp_fallback of @net. */
u8 mptcp_glue_syn_retrans_before_fallback(const struct net *net);
/* net.mptcp.add_addr_timeout of @net, in jiffies (0: no retransmission). */
unsigned int mptcp_glue_add_addr_timeout(const struct net *net);
/* net.mptcp.allow_join_initial_addr_port of @net: 0 sets the C flag in our MP_CAPABLEs. */
bool mptcp_glue_allow_join_id0(const struct net *net);
/* net.mptcp.stale_loss_cnt of @net: RTOs in a row that make a subflow stale. */
unsigned int mptcp_glue_stale_loss_cnt(const struct net *net);
/* net.mptcp.add_addr_v6_port_drop_ts of @net: a long ADD_ADDR may go without timestamps. */
bool mptcp_glue_add_addr_v6_port_drop_ts(const struct net *net);
/* The path managers (rust/proto/managers.rs, enum PathManager): net.mptcp.path_manager. */
enum {
	MPTCP_RS_PM_KERNEL = 0,
	MPTCP_RS_PM_FULLMESH = 1,
	MPTCP_RS_PM_NDIFFPORTS = 2,
};
#define MPTCP_RS_PM_NAME_MAX		16
#define MPTCP_RS_NDIFFPORTS_DEFAULT	2
#define MPTCP_RS_NDIFFPORTS_MAX		8
/* The manager net.mptcp.path_manager of @net names, for connections created now. */
u8 mptcp_glue_path_manager(const struct net *net);
/* net.mptcp.ndiffports_subflows of @net. */
u8 mptcp_glue_ndiffports_subflows(const struct net *net);
/* The manager @name (NUL-terminated) names: MPTCP_RS_PM_*, or -ENOENT. */
int mptcp_rs_pm_manager_by_name(const char *name);
/* The name of manager @kind (MPTCP_RS_PM_*; "" if none), NUL-terminated, into @buf. */
void mptcp_rs_pm_manager_name(u8 kind, char *buf, size_t len);
/* The managers' names, space-separated, NUL-terminated, into @buf of @len bytes. */
void mptcp_rs_pm_managers_available(char *buf, size_t len);
/* Adds one to counter @index of @net. Any context. */
void mptcp_glue_mib_inc(const struct net *net, unsigned int index);
/* skb_checksum() of all of @skb's data (a segment's payload before its header is pushed). */
u32 mptcp_glue_skb_payload_sum(const struct sk_buff *skb);

/*
 * Implemented in Rust (rust/subflow.rs): a subflow's state and the hook callbacks on it.
 * Except for _new and _clone, callers hold the subflow's socket lock.
 */
void *mptcp_rs_subflow_new(const struct net *net);
void *mptcp_rs_subflow_clone(const struct net *net, const u64 *req_words, u32 isn, u32 irs);
bool mptcp_rs_subflow_is_mptcp(void *state);
void mptcp_rs_subflow_free(void *state);

/* An outgoing segment (all zero for a size query). */
struct mptcp_rs_out_seg {
	u32 seq;
	u32 payload;
	u32 snd_una;
	/* the last bytes of the buffer, only if the segment leaves out its timestamps */
	u32 ts_room;
	bool fin;
	bool rst;
};

/* An incoming segment. */
struct mptcp_rs_in_seg {
	u32 seq;
	u32 payload;
	u32 rcv_nxt;
	u32 wnd;	/* the advertised window, scaled */
	u32 ack_seq;	/* the acknowledgment number */
	bool syn;
	bool ack;
	bool fin;
	bool rst;
};

enum mptcp_rs_verdict {
	MPTCP_RS_ACCEPT = 0,
	MPTCP_RS_ACK_NOW = 1,
	MPTCP_RS_RESET = 2,
	MPTCP_RS_DROP = 3,
	MPTCP_RS_JOINED = 4,	/* a join's third ACK checked out: attach it to its msk */
	/* or'ed with the above: ADD_ADDR or REMOVE_ADDR arrived (mptcp_rs_subflow_take_signals) */
	MPTCP_RS_SIGNALLED = 0x10,
};

/* What arrived on a subflow for the path manager (struct RawSignals in rust/subflow.rs). */
struct mptcp_rs_signals {
	bool announced;		/* the peer announced @announcement (HMAC checked, echoed) */
	bool echoed;		/* the peer echoed our announcement @echo */
	u8 nremoved;		/* the peer withdrew the address ids @removed[0..nremoved) */
	u8 removed[8];
	struct mptcp_rs_endpoint announcement;
	struct mptcp_rs_endpoint echo;
	bool prio_changed;	/* the peer sent MP_PRIO: it asks for @backup use (or not) */
	bool backup;
};

void mptcp_rs_subflow_take_signals(void *state, struct mptcp_rs_signals *out);
/* Queue an ADD_ADDR of @ep, or a REMOVE_ADDR of @ids, for the next pure ACK. Locked. */
bool mptcp_rs_subflow_announce(void *state, const struct mptcp_rs_endpoint *ep);
bool mptcp_rs_subflow_withdraw(void *state, const u8 *ids, unsigned int n);
bool mptcp_rs_subflow_signal_pending(void *state);
/* The announcement that just arrived is not taken: no echo for it (the peer sends it again). */
void mptcp_rs_subflow_cancel_echo(void *state);
/* Whether the peer's MP_CAPABLE denied joins to its initial address (C flag). Locked. */
bool mptcp_rs_subflow_peer_denies_join_id0(void *state);
/* Whether the subflow is a listener's child (the connection's passive end). */
bool mptcp_rs_subflow_server_side(void *state);
/* How many more subflows "ndiffports" opens (rust/proto/managers.rs, ndiffports_to_open). */
u32 mptcp_rs_ndiffports_to_open(u8 wanted, u32 joins, u32 limit);
/* Whether our announcement was dropped for want of room since the last call. Locked. */
bool mptcp_rs_subflow_announce_dropped(void *state);
/* Queue an MP_PRIO (backup or regular) for the next pure ACK; false unless established. */
bool mptcp_rs_subflow_set_backup(void *state, bool backup);
/* The backup wishes on a subflow: ours, and the peer's (a scheduler avoids it). Locked. */
void mptcp_rs_subflow_backup(void *state, bool *ours, bool *peer);
/*
 * A subflow's ids (0 at both ends for the first) and the peer's backup wish, for events
 * (*@rem -1: not known yet); false if it does not speak MPTCP.
 */
bool mptcp_rs_subflow_ids(void *state, u8 *loc, int *rem, bool *backup);
/* True once, when a join is first seen established: its SUB_ESTABLISHED is due. Locked. */
bool mptcp_rs_join_established_once(void *state);
/* The peer's id of its address on a join, -1 if not known. Locked. */
int mptcp_rs_subflow_peer_id(void *state);
/* The subflow @ssk (locked, softirq) received signals: its msk's path manager acts (msk.c). */
void mptcp_glue_subflow_signals(struct sock *ssk, void *state);

/* Where a subflow's received bytes go (rust/proto/conn.rs, Place). */
enum mptcp_rs_place {
	MPTCP_RS_PLACE_BROKEN = 0,	/* unmapped: reset */
	MPTCP_RS_PLACE_STREAM = 1,	/* bytes of the stream at a DSN */
	MPTCP_RS_PLACE_IN_ORDER = 2,	/* plain TCP, Fast Open SYN data: in order as they are */
	MPTCP_RS_PLACE_VERIFY = 3,	/* a DSS checksum to check first */
	MPTCP_RS_PLACE_WAIT = 4,	/* the keys are not known yet */
};

unsigned int mptcp_rs_syn_options(void *state, const struct net *net, u32 isn, u8 *buf,
				  unsigned int remaining);
/*
 * @local: the address the SYN reached (read with @syn_opts only); @syncookie: the request is
 * answered with a SYN cookie (not kept).
 */
unsigned int mptcp_rs_synack_options(const struct net *net, u64 *req_words,
				     const u8 *syn_opts, unsigned int syn_len,
				     const struct mptcp_rs_endpoint *local, bool syncookie,
				     u8 *buf, unsigned int remaining);
unsigned int mptcp_rs_established_options(void *state, const struct net *net,
					  const struct mptcp_rs_out_seg *seg,
					  const struct sk_buff *skb, u8 *buf,
					  unsigned int remaining);
void mptcp_rs_subflow_restart(void *state, const struct net *net);
/* @rcv_nxt: past the SYN's data, which the reader gets before the stream. */
void mptcp_rs_fastopen_synack(void *state, const struct net *net, const u64 *req_words,
			      u32 rcv_nxt);
int mptcp_rs_incoming(void *state, const struct net *net, const struct mptcp_rs_in_seg *seg,
		      const u8 *opts, unsigned int len);
/* Where the @avail bytes at @seq go: *@len of them (at *@dsn for stream bytes). */
int mptcp_rs_rx_place(void *state, u32 seq, u32 avail, u64 *dsn, u32 *len);
/* Everything before @seq left the subflow; the stream's next DSN is @next if @next_known. */
void mptcp_rs_rx_moved(void *state, u32 seq, bool next_known, u64 next);
/* The peer's first DSN, once its key is known. */
bool mptcp_rs_rx_stream_start(void *state, u64 *start);
/* The peer's DATA_FIN, once announced. */
bool mptcp_rs_rx_data_fin(void *state, u64 *fin);
/* Implemented in Rust (rust/msk.rs): the msk's receive position, under its lock. */
void mptcp_rs_stream_start(struct mptcp_rs_stream_rx *rx, u64 first);
/* 0: old; 1: append, the first *@skip bytes dropped; 2: ahead (out of order). */
int mptcp_rs_stream_place(struct mptcp_rs_stream_rx *rx, u64 dsn, u32 len, u32 *skip);
void mptcp_rs_stream_appended(struct mptcp_rs_stream_rx *rx, u32 len);
/* The DATA_FIN is at @fin: true when the stream ends now (once). */
bool mptcp_rs_stream_fin(struct mptcp_rs_stream_rx *rx, u64 fin);
/* Whether the stream just ended, its DATA_FIN known already (true once). */
bool mptcp_rs_stream_take_eof(struct mptcp_rs_stream_rx *rx);
bool mptcp_rs_stream_next(struct mptcp_rs_stream_rx *rx, u64 *next);
/* @sum (skb_checksum()) of the bytes a piece asked to verify at @seq: true if they match. */
bool mptcp_rs_rx_verify(void *state, const struct net *net, u32 seq, u32 sum);
bool mptcp_rs_rx_broken(void *state, const struct net *net);
/* The request words are a join's (answered or refused): its child never reaches accept(). */
bool mptcp_rs_req_is_join(const u64 *words);
/* The token a listener's join child names. */
u32 mptcp_rs_join_token(void *state);
/* Its connection took it: counted (MPJoinAckRx). */
void mptcp_rs_join_accepted(const struct net *net);
/* Its msk could not take it: reset it ("administratively prohibited"); false if resetting. */
bool mptcp_rs_join_refuse(void *state, const struct net *net);
/* A listener's join child no msk owns: whoever resets it closes it too. */
bool mptcp_rs_subflow_unowned(void *state);
/* An additional subflow (MP_JOIN). */
bool mptcp_rs_subflow_is_join(void *state);
/* Both ends hold both keys: the path manager may add subflows. */
bool mptcp_rs_fully_established(void *state);
/*
 * The msk opens the subflow as a join of the connection with @keys, from its endpoint
 * @addr_id (@backup): its state becomes the MP_JOIN initiator's. Locked, before connect().
 */
void mptcp_rs_subflow_make_join(void *state, const struct mptcp_rs_join_keys *keys, u8 addr_id,
				bool backup);
/*
 * False when only TCP limits what may be queued; otherwise *@allowed bytes may enter TCP's
 * send queue at @write_seq (0 while the connection-level window is closed).
 */
bool mptcp_rs_snd_allowance(void *state, u32 write_seq, u32 *allowed);
/* A writer waiting for the connection-level window must be woken. */
bool mptcp_rs_snd_wakeup(void *state, u32 write_seq);
/* The data level MPTCP_INFO reports (rust/subflow.rs fills it). */
struct mptcp_rs_info {
	u64 write_seq;
	u64 snd_una;
	u64 rcv_nxt;
	u64 bytes_sent;
	u64 bytes_acked;
	u64 bytes_received;
	u32 token;		/* ours (0 until our key is settled) */
	u32 remote_token;	/* the peer's (0 until its key is known) */
	bool remote_key_received;
	bool checksums;
};
/* False once the connection fell back to TCP. */
bool mptcp_rs_info(void *state, u32 write_seq, u32 snd_nxt, struct mptcp_rs_info *out);
/*
 * The path-manager event due (MPTCP_EVENT_CREATED once @may_create and MPTCP, then
 * MPTCP_EVENT_ESTABLISHED once the peer's key is known), or 0; fills @token (ours) and
 * @server_side. Each is returned once.
 */
int mptcp_rs_event_due(void *state, bool may_create, u32 *token, bool *server_side);
/* A writer found the connection-level window closed, and it has not opened since. */
bool mptcp_rs_snd_blocked(void *state);

/* May TCP merge the queued skb of @len bytes at @seq with the @next_len bytes after it? */
bool mptcp_rs_tx_can_merge(void *state, u32 seq, u32 len, u32 next_len);

/* ---- The msk's sending side (rust/tx.rs), subflow locked ---- */

/* May the msk give this subflow data now? */
bool mptcp_rs_tx_ready(void *state);
void mptcp_rs_subflow_close_path_only(void *state);
/* The DSN the subflow's byte at @write_seq carries unless told otherwise; false if none. */
bool mptcp_rs_tx_next_dsn(void *state, u32 write_seq, u64 *dsn);
/*
 * The bytes queued from @write_seq carry DSN @dsn onwards: 0 (as before), 1 (a new run: the
 * tail skb must be closed first) or -1 (no room to record it: send elsewhere).
 */
int mptcp_rs_tx_assign(void *state, u32 write_seq, u32 snd_una, u64 dsn);
/* Whether the subflow could record bytes at @write_seq carrying @dsn now (a run free). */
bool mptcp_rs_tx_room_for(void *state, u32 write_seq, u32 snd_una, u64 dsn);
/* The msk's stream ends at @dsn: the DATA_FIN goes on this subflow until acknowledged. */
void mptcp_rs_tx_set_data_fin(void *state, u64 dsn);
/* The peer's DATA_ACK and window edge as this subflow saw them; false if unknown. */
bool mptcp_rs_tx_snd_level(void *state, u64 *acked, u64 *wnd_end);
/* The DSN of our stream's first byte (IDSN + 1); 0 before the keys. */
u64 mptcp_rs_tx_stream_start(void *state);
/*
 * One reinjection-timer period: loss periods counted as upstream does (data @outstanding and
 * nothing received since the last, @rcv_tstamp); progress clears them and a stale subflow
 * recovers (@recovered). Returns the count.
 */
u8 mptcp_rs_tx_loss_tick(void *state, bool outstanding, u32 rcv_tstamp, bool *recovered);
/* Marks the subflow stale; true if it was not. */
bool mptcp_rs_tx_mark_stale(void *state);
bool mptcp_rs_tx_stale(void *state);
/*
 * The subflow @ssk (locked) received a segment: the peer's acknowledgements it carried reach
 * its msk, whose writer wakes if the window opened (msk_tx.c).
 */
void mptcp_glue_msk_snd_level(struct sock *ssk, void *state);

/* A subflow as the scheduler sees it (rust/proto/sched.rs). */
struct mptcp_rs_sched_candidate {
	bool usable;		/* established at both levels, not closing */
	bool room;		/* its send buffer takes more */
	bool backup;		/* either end's wish */
	u8 retransmits;		/* TCP's RTO backoff */
	u32 queued;		/* bytes not acknowledged at the TCP level */
	u32 cwnd_bytes;
	u32 srtt_us;
};
/* The candidate to send on (a reinjection if @reinject), or -1. At most 16 are looked at. */
int mptcp_rs_sched_pick(const struct mptcp_rs_sched_candidate *c, u32 n, bool reinject);

#endif /* _MPTCP_GLUE_H */
