// SPDX-License-Identifier: GPL-2.0
/*
 * The host's MPTCP connection tokens (RFC 8684 section 3.1: the token of a host's own key
 * names the connection in the MP_JOIN SYNs its peer sends), one entry per connection whose
 * key is settled, per namespace. A new connection draws keys until its token is free
 * (crypto::unique_key in the core).
 *
 * An active opener claims its token with its key (socket creation or a restart); a listener's
 * child claims the token of the key its SYN/ACK announced. The request in between only checks
 * that the token is free: a request socket has no destructor of ours to release a claim, and
 * a collision in that window (the same 32 bits drawn by two handshakes at once) leaves the
 * second connection without an entry, which only makes it unreachable for MP_JOIN.
 */
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/inet_sock.h>
#include <net/net_namespace.h>
#include <net/netns/hash.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "mptcp_glue.h"
#include "msk.h"

struct mptcp_rs_token {
	struct hlist_node node;
	possible_net_t net;
	u32 token;
	/* What answering an MP_JOIN SYN needs, once the peer's key is known. */
	bool keys_known;
	bool checksums;
	u64 local_key;
	u64 remote_key;
	/*
	 * The msk joins attach to, while it takes them; no reference: the msk clears it (under
	 * the table lock) before it closes, and a lookup holds it under the lock.
	 */
	struct sock *msk;
	/*
	 * Joins that arrived before there was an msk (a listener's child not accepted yet):
	 * handed to the msk when it is set, closed if the connection goes away first.
	 */
	struct list_head parked;
	unsigned int nparked;
};

/* 2^10 buckets: the table is keyed by a uniformly random 32-bit value. */
static DEFINE_HASHTABLE(mptcp_rs_tokens, 10);
/* Taken from process and softirq context (a listener's child is set up in softirq). */
static DEFINE_SPINLOCK(mptcp_rs_tokens_lock);

static struct mptcp_rs_token *token_find(const struct net *net, u32 token)
{
	struct mptcp_rs_token *t;

	hash_for_each_possible(mptcp_rs_tokens, t, node, token)
		if (t->token == token && net_eq(read_pnet(&t->net), net))
			return t;
	return NULL;
}

bool mptcp_glue_token_in_use(const struct net *net, u32 token)
{
	bool in_use;

	spin_lock_bh(&mptcp_rs_tokens_lock);
	in_use = token_find(net, token);
	spin_unlock_bh(&mptcp_rs_tokens_lock);
	return in_use;
}

struct mptcp_rs_token *mptcp_glue_token_claim(const struct net *net, u32 token, bool atomic)
{
	struct mptcp_rs_token *t = kmalloc(sizeof(*t), atomic ? GFP_ATOMIC : GFP_KERNEL);

	if (!t)
		return NULL;
	t->token = token;
	t->keys_known = false;
	t->msk = NULL;
	INIT_LIST_HEAD(&t->parked);
	t->nparked = 0;
	write_pnet(&t->net, (struct net *)net);
	spin_lock_bh(&mptcp_rs_tokens_lock);
	if (token_find(net, token)) {
		spin_unlock_bh(&mptcp_rs_tokens_lock);
		kfree(t);
		return NULL;
	}
	hash_add(mptcp_rs_tokens, &t->node, token);
	spin_unlock_bh(&mptcp_rs_tokens_lock);
	return t;
}

void mptcp_glue_token_release(struct mptcp_rs_token *t)
{
	struct mptcp_rs_join *join, *tmp;

	if (!t)
		return;
	spin_lock_bh(&mptcp_rs_tokens_lock);
	hash_del(&t->node);
	spin_unlock_bh(&mptcp_rs_tokens_lock);
	/* The connection ended before accept(): its parked joins have nobody to go to. */
	list_for_each_entry_safe(join, tmp, &t->parked, node) {
		mptcp_glue_subflow_dispose(join->ssk);
		kfree(join);
	}
	kfree(t);
}

void mptcp_glue_token_set_keys(struct mptcp_rs_token *t, u64 local_key, u64 remote_key,
			       bool checksums)
{
	spin_lock_bh(&mptcp_rs_tokens_lock);
	t->local_key = local_key;
	t->remote_key = remote_key;
	t->checksums = checksums;
	t->keys_known = true;
	spin_unlock_bh(&mptcp_rs_tokens_lock);
}

void mptcp_glue_token_set_msk(const struct net *net, u32 token, struct sock *msk,
			      struct sock *old, struct list_head *adopt)
{
	struct mptcp_rs_token *t;

	spin_lock_bh(&mptcp_rs_tokens_lock);
	t = token_find(net, token);
	if (t && t->msk == old) {
		t->msk = msk;
		if (msk && adopt) {
			list_splice_tail_init(&t->parked, adopt);
			t->nparked = 0;
		}
	}
	spin_unlock_bh(&mptcp_rs_tokens_lock);
}

struct sock *mptcp_glue_token_join(const struct net *net, u32 token,
				   struct mptcp_rs_join_keys *keys, unsigned int *parked)
{
	struct mptcp_rs_token *t;
	struct sock *msk = ERR_PTR(-ENOENT);

	spin_lock_bh(&mptcp_rs_tokens_lock);
	t = token_find(net, token);
	if (t && t->keys_known) {
		msk = t->msk;
		if (msk)
			sock_hold(msk);
		keys->local_key = t->local_key;
		keys->remote_key = t->remote_key;
		keys->checksums = t->checksums;
		/* Not known before accept(): joins then go unchecked, as to the port. */
		keys->local_port = msk ? ntohs(inet_sk(msk)->inet_sport) : 0;
		memset(&keys->local_addr, 0, sizeof(keys->local_addr));
		if (msk)
			subflow_address(msk, false, &keys->local_addr);
		*parked = t->nparked;
	}
	spin_unlock_bh(&mptcp_rs_tokens_lock);
	return msk;
}

int mptcp_glue_token_park_join(const struct net *net, u32 token, struct mptcp_rs_join *join,
			       unsigned int limit)
{
	struct mptcp_rs_token *t;
	int err = -ENOENT;

	spin_lock_bh(&mptcp_rs_tokens_lock);
	t = token_find(net, token);
	if (t && t->msk) {
		err = -EAGAIN;
	} else if (t && t->keys_known) {
		err = -EPERM;
		if (t->nparked < limit) {
			list_add_tail(&join->node, &t->parked);
			t->nparked++;
			err = 0;
		}
	}
	spin_unlock_bh(&mptcp_rs_tokens_lock);
	return err;
}

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * For KUnit: a token is held once per namespace, and free again once released. Uses a value
 * no random key is likely to hash to at the same moment, and puts it back.
 */
int mptcp_glue_test_token_table(void)
{
	const u32 token = 0x5eed1e55;
	struct mptcp_rs_token *first, *second;
	int err = 0;

	first = mptcp_glue_token_claim(&init_net, token, false);
	if (!first)
		return -EBUSY;
	second = mptcp_glue_token_claim(&init_net, token, false);
	if (second || !mptcp_glue_token_in_use(&init_net, token))
		err = -EBADE;
	mptcp_glue_token_release(second);
	mptcp_glue_token_release(first);
	if (!err && mptcp_glue_token_in_use(&init_net, token))
		err = -EBADE;
	return err;
}
#endif

/*
 * Joins answered with a SYN cookie: the listener keeps no request socket, so the request's
 * words wait here, by cookie, until the third ACK brings the cookie back (upstream's
 * join_entries). One entry per slot; a newer request in the same slot overwrites an older
 * one, whose third ACK then finds nothing and is refused, as if the SYN had been lost. The
 * join's HMAC, checked at the third ACK, is what authenticates it; the entry only carries
 * the nonces and ids.
 */
#define JOIN_COOKIE_SLOTS 1024

struct join_cookie {
	const struct net *net;	/* compared only, never dereferenced */
	u32 rcv_isn;		/* the SYN's sequence number */
	u32 snt_isn;		/* the cookie */
	__be16 rmt_port;
	u16 loc_port;
	bool valid;
	u64 words[2];
};

static struct join_cookie join_cookies[JOIN_COOKIE_SLOTS];
static DEFINE_SPINLOCK(join_cookies_lock);
static u32 join_cookie_secret __read_mostly;

static u32 join_cookie_slot(const struct net *net, const struct request_sock *req)
{
	net_get_random_once(&join_cookie_secret, sizeof(join_cookie_secret));
	return jhash_3words(tcp_rsk(req)->rcv_isn, tcp_rsk(req)->snt_isn, net_hash_mix(net),
			    join_cookie_secret) % JOIN_COOKIE_SLOTS;
}

static bool join_cookie_matches(const struct join_cookie *c, const struct net *net,
				const struct request_sock *req)
{
	return c->valid && c->net == net && c->rcv_isn == tcp_rsk(req)->rcv_isn &&
	       c->snt_isn == tcp_rsk(req)->snt_isn && c->rmt_port == inet_rsk(req)->ir_rmt_port &&
	       c->loc_port == inet_rsk(req)->ir_num;
}

void mptcp_glue_join_cookie_save(const struct net *net, const struct request_sock *req)
{
	struct join_cookie *c = &join_cookies[join_cookie_slot(net, req)];

	spin_lock_bh(&join_cookies_lock);
	c->net = net;
	c->rcv_isn = tcp_rsk(req)->rcv_isn;
	c->snt_isn = tcp_rsk(req)->snt_isn;
	c->rmt_port = inet_rsk(req)->ir_rmt_port;
	c->loc_port = inet_rsk(req)->ir_num;
	memcpy(c->words, tcp_rsk(req)->ext_data, sizeof(c->words));
	c->valid = true;
	spin_unlock_bh(&join_cookies_lock);
}

bool mptcp_glue_join_cookie_restore(const struct net *net, struct request_sock *req)
{
	struct join_cookie *c = &join_cookies[join_cookie_slot(net, req)];
	bool found;

	spin_lock_bh(&join_cookies_lock);
	found = join_cookie_matches(c, net, req);
	if (found) {
		memcpy(tcp_rsk(req)->ext_data, c->words, sizeof(c->words));
		c->valid = false;
	}
	spin_unlock_bh(&join_cookies_lock);
	return found;
}
