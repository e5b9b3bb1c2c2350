// SPDX-License-Identifier: GPL-2.0
/*
 * The "mptcp_pm" generic netlink family, as upstream's YNL spec
 * (Documentation/netlink/specs/mptcp_pm.yaml) defines it, for the in-kernel path manager:
 * endpoints (ADD_ADDR, DEL_ADDR, GET_ADDR do and dump, FLUSH_ADDRS, SET_FLAGS) and limits
 * (SET_LIMITS, GET_LIMITS), plus the "mptcp_pm_events" multicast group.
 *
 * This file only moves attributes: the policies check types and lengths, the parser below
 * the presence and family rules upstream applies, and every decision about the table (ids,
 * duplicates, flag combinations, limits) is the Rust core's (rust/pm.rs,
 * rust/proto/endpoints.rs), which hands back an errno and a static extack message.
 *
 * The userspace path manager's commands (ANNOUNCE, REMOVE, SUBFLOW_CREATE, SUBFLOW_DESTROY,
 * and GET_ADDR / SET_FLAGS with a token) are not built: genetlink answers -EOPNOTSUPP for
 * the unknown commands, and the token forms say so in the extack.
 *
 * Events go to the group with upstream's attributes: CREATED, ESTABLISHED and CLOSED of a
 * connection, LISTENER_CREATED and LISTENER_CLOSED (the msk glue says when).
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <uapi/linux/mptcp.h>
#include <uapi/linux/mptcp_pm.h>

#include "mptcp_glue.h"

enum {
	MPTCP_PM_CMD_GRP_OFFSET,
	MPTCP_PM_EV_GRP_OFFSET,
};

static const struct genl_multicast_group mptcp_pm_mcgrps[] = {
	[MPTCP_PM_CMD_GRP_OFFSET] = { .name = MPTCP_PM_CMD_GRP_NAME, },
	[MPTCP_PM_EV_GRP_OFFSET] = {
		.name = MPTCP_PM_EV_GRP_NAME,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static const struct nla_policy mptcp_pm_address_policy[MPTCP_PM_ADDR_ATTR_MAX + 1] = {
	[MPTCP_PM_ADDR_ATTR_FAMILY] = { .type = NLA_U16, },
	[MPTCP_PM_ADDR_ATTR_ID] = { .type = NLA_U8, },
	[MPTCP_PM_ADDR_ATTR_ADDR4] = { .type = NLA_BE32, },
	[MPTCP_PM_ADDR_ATTR_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[MPTCP_PM_ADDR_ATTR_PORT] = { .type = NLA_U16, },
	[MPTCP_PM_ADDR_ATTR_FLAGS] = { .type = NLA_U32, },
	[MPTCP_PM_ADDR_ATTR_IF_IDX] = { .type = NLA_S32, },
};

/* ADD_ADDR, DEL_ADDR and FLUSH_ADDRS: the endpoint, nested. */
static const struct nla_policy mptcp_pm_endpoint_policy[MPTCP_PM_ENDPOINT_ADDR + 1] = {
	[MPTCP_PM_ENDPOINT_ADDR] = NLA_POLICY_NESTED(mptcp_pm_address_policy),
};

/* GET_ADDR and SET_FLAGS (the remote address and token belong to the userspace manager). */
static const struct nla_policy mptcp_pm_addr_token_policy[MPTCP_PM_ATTR_ADDR_REMOTE + 1] = {
	[MPTCP_PM_ATTR_ADDR] = NLA_POLICY_NESTED(mptcp_pm_address_policy),
	[MPTCP_PM_ATTR_TOKEN] = { .type = NLA_U32, },
	[MPTCP_PM_ATTR_ADDR_REMOTE] = NLA_POLICY_NESTED(mptcp_pm_address_policy),
};

static const struct nla_policy mptcp_pm_limits_policy[MPTCP_PM_ATTR_SUBFLOWS + 1] = {
	[MPTCP_PM_ATTR_RCV_ADD_ADDRS] = { .type = NLA_U32, },
	[MPTCP_PM_ATTR_SUBFLOWS] = { .type = NLA_U32, },
};

static struct genl_family mptcp_pm_family;

/*
 * The extack message of a refusal from Rust: a static string, so it can be stored as the
 * NL_SET_ERR_MSG_ATTR() macro stores its literal.
 */
static void mptcp_pm_set_err(struct genl_info *info, const struct nlattr *attr, const char *msg)
{
	if (!info->extack || !msg)
		return;
	info->extack->_msg = msg;
	info->extack->bad_attr = attr;
}

/*
 * The nested endpoint @attr into @ep, as upstream's mptcp_pm_parse_entry(): the family is
 * optional unless @require_family, and when given it must be AF_INET or AF_INET6 with its
 * address attribute present.
 */
static int mptcp_pm_parse_endpoint(const struct nlattr *attr, struct genl_info *info,
				   bool require_family, struct mptcp_rs_endpoint *ep)
{
	struct nlattr *tb[MPTCP_PM_ADDR_ATTR_MAX + 1];
	int addr_type, err;
	u16 family;

	memset(ep, 0, sizeof(*ep));
	if (!attr) {
		GENL_SET_ERR_MSG(info, "missing address info");
		return -EINVAL;
	}
	err = nla_parse_nested_deprecated(tb, MPTCP_PM_ADDR_ATTR_MAX, attr,
					  mptcp_pm_address_policy, info->extack);
	if (err)
		return err;

	if (tb[MPTCP_PM_ADDR_ATTR_ID])
		ep->id = nla_get_u8(tb[MPTCP_PM_ADDR_ATTR_ID]);
	if (tb[MPTCP_PM_ADDR_ATTR_PORT])
		ep->port = nla_get_u16(tb[MPTCP_PM_ADDR_ATTR_PORT]);
	if (tb[MPTCP_PM_ADDR_ATTR_FLAGS])
		ep->flags = nla_get_u32(tb[MPTCP_PM_ADDR_ATTR_FLAGS]) & MPTCP_PM_ADDR_FLAGS_MASK;
	if (tb[MPTCP_PM_ADDR_ATTR_IF_IDX])
		ep->ifindex = nla_get_s32(tb[MPTCP_PM_ADDR_ATTR_IF_IDX]);

	if (!tb[MPTCP_PM_ADDR_ATTR_FAMILY]) {
		if (!require_family)
			return 0;
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "missing family");
		return -EINVAL;
	}
	family = nla_get_u16(tb[MPTCP_PM_ADDR_ATTR_FAMILY]);
	if (family != AF_INET && family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "unknown address family");
		return -EINVAL;
	}
	addr_type = family == AF_INET ? MPTCP_PM_ADDR_ATTR_ADDR4 : MPTCP_PM_ADDR_ATTR_ADDR6;
	if (!tb[addr_type]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "missing address data");
		return -EINVAL;
	}
	ep->family = family;
	if (family == AF_INET) {
		__be32 a = nla_get_in_addr(tb[addr_type]);

		memcpy(ep->addr, &a, sizeof(a));
	} else {
		struct in6_addr a = nla_get_in6_addr(tb[addr_type]);

		memcpy(ep->addr, &a, sizeof(a));
	}
	return 0;
}

/* The request's required endpoint attribute @type, parsed into @ep; *@attr is it, for extack. */
static int mptcp_pm_request_endpoint(struct genl_info *info, int type, bool require_family,
				     struct mptcp_rs_endpoint *ep, struct nlattr **attr)
{
	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	*attr = info->attrs[type];
	return mptcp_pm_parse_endpoint(*attr, info, require_family, ep);
}

/* The endpoint as upstream's mptcp_nl_fill_addr() puts it: nested MPTCP_PM_ATTR_ADDR. */
static int mptcp_pm_put_endpoint(struct sk_buff *skb, const struct mptcp_rs_endpoint *ep)
{
	struct nlattr *nest = nla_nest_start(skb, MPTCP_PM_ATTR_ADDR);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, MPTCP_PM_ADDR_ATTR_FAMILY, ep->family) ||
	    nla_put_u16(skb, MPTCP_PM_ADDR_ATTR_PORT, ep->port) ||
	    nla_put_u8(skb, MPTCP_PM_ADDR_ATTR_ID, ep->id) ||
	    nla_put_u32(skb, MPTCP_PM_ADDR_ATTR_FLAGS, ep->flags) ||
	    (ep->ifindex && nla_put_s32(skb, MPTCP_PM_ADDR_ATTR_IF_IDX, ep->ifindex)))
		goto cancel;
	if (ep->family == AF_INET) {
		__be32 a;

		memcpy(&a, ep->addr, sizeof(a));
		if (nla_put_in_addr(skb, MPTCP_PM_ADDR_ATTR_ADDR4, a))
			goto cancel;
	} else if (nla_put(skb, MPTCP_PM_ADDR_ATTR_ADDR6, 16, ep->addr)) {
		goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int mptcp_pm_refuse_token(struct genl_info *info)
{
	if (!info->attrs[MPTCP_PM_ATTR_TOKEN])
		return 0;
	NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[MPTCP_PM_ATTR_TOKEN],
			    "userspace path manager not supported");
	return -EOPNOTSUPP;
}

static int mptcp_pm_add_addr_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr;
	struct mptcp_rs_endpoint ep;
	const char *msg = NULL;
	int ret;

	ret = mptcp_pm_request_endpoint(info, MPTCP_PM_ENDPOINT_ADDR, true, &ep, &attr);
	if (ret)
		return ret;
	ret = mptcp_rs_pm_add(genl_info_net(info), &ep, &msg);
	if (ret < 0) {
		mptcp_pm_set_err(info, attr, msg);
		return ret;
	}
	/* Joins to an endpoint with a port arrive there: it is listened on (pm_listen.c). */
	if (ep.port) {
		ep.id = ret;
		ret = mptcp_glue_port_listener_add(genl_info_net(info), &ep);
		if (ret) {
			mptcp_rs_pm_del(genl_info_net(info), ep.id, &msg);
			GENL_SET_ERR_MSG_FMT(info, "create listen socket error: %d", ret);
			return ret;
		}
	}
	mptcp_glue_pm_endpoints_added(genl_info_net(info));
	return 0;
}

static int mptcp_pm_del_addr_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mptcp_rs_endpoint ep, gone;
	struct nlattr *attr;
	const char *msg = NULL;
	int ret;

	ret = mptcp_pm_request_endpoint(info, MPTCP_PM_ENDPOINT_ADDR, false, &ep, &attr);
	if (ret)
		return ret;
	/*
	 * Id 0 is each connection's initial address, never an endpoint: upstream withdraws it
	 * from the connections using the address and reports success.
	 */
	if (!ep.id) {
		if (ep.family != AF_UNSPEC)
			mptcp_glue_pm_endpoint_removed(genl_info_net(info), &ep, false);
		return 0;
	}
	/* What the connections using it need to know; the table's lock is not held across. */
	if (!mptcp_rs_pm_get(genl_info_net(info), ep.id, &gone))
		memset(&gone, 0, sizeof(gone));
	ret = mptcp_rs_pm_del(genl_info_net(info), ep.id, &msg);
	if (ret) {
		mptcp_pm_set_err(info, attr, msg);
		return ret;
	}
	if (gone.port)
		mptcp_glue_port_listener_del(genl_info_net(info), gone.id);
	if (gone.id)
		mptcp_glue_pm_endpoint_removed(genl_info_net(info), &gone, false);
	return 0;
}

static int mptcp_pm_get_addr_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr;
	struct mptcp_rs_endpoint ep;
	struct sk_buff *msg;
	void *reply;
	int ret;

	ret = mptcp_pm_refuse_token(info);
	if (ret)
		return ret;
	ret = mptcp_pm_request_endpoint(info, MPTCP_PM_ENDPOINT_ADDR, false, &ep, &attr);
	if (ret)
		return ret;
	if (!mptcp_rs_pm_get(genl_info_net(info), ep.id, &ep)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "address not found");
		return -EINVAL;
	}

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	reply = genlmsg_put_reply(msg, info, &mptcp_pm_family, 0, info->genlhdr->cmd);
	if (!reply || mptcp_pm_put_endpoint(msg, &ep)) {
		GENL_SET_ERR_MSG(info, "not enough space in Netlink message");
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, reply);
	return genlmsg_reply(msg, info);
}

/* One message per endpoint, by increasing id; cb->args[0] is the last id sent. */
static int mptcp_pm_get_addr_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_info *info = genl_info_dump(cb);
	struct net *net = sock_net(skb->sk);
	struct mptcp_rs_endpoint ep;
	u8 last = cb->args[0];

	if (info->attrs[MPTCP_PM_ATTR_TOKEN]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, info->attrs[MPTCP_PM_ATTR_TOKEN],
				    "userspace path manager not supported");
		return -EOPNOTSUPP;
	}
	while (mptcp_rs_pm_next(net, last, &ep)) {
		void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					&mptcp_pm_family, NLM_F_MULTI, MPTCP_PM_CMD_GET_ADDR);

		if (!hdr)
			break;
		if (mptcp_pm_put_endpoint(skb, &ep)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		last = ep.id;
	}
	cb->args[0] = last;
	return skb->len;
}

static int mptcp_pm_flush_addrs_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct mptcp_rs_endpoint ep;
	const char *msg;
	unsigned int i;

	/* One by one, so that each connection hears of each (bounded by the ids). */
	for (i = 0; i < 256 && mptcp_rs_pm_next(net, 0, &ep); i++)
		if (!mptcp_rs_pm_del(net, ep.id, &msg))
			mptcp_glue_pm_endpoint_removed(net, &ep, true);
	/* Ids are given from 1 again. */
	mptcp_rs_pm_flush(net);
	mptcp_glue_port_listeners_close(net);
	return 0;
}

static int mptcp_pm_set_limits_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *accepted_attr = info->attrs[MPTCP_PM_ATTR_RCV_ADD_ADDRS];
	struct nlattr *subflows_attr = info->attrs[MPTCP_PM_ATTR_SUBFLOWS];
	u32 accepted, subflows;
	const char *msg = NULL;
	int ret;

	if (accepted_attr)
		accepted = nla_get_u32(accepted_attr);
	if (subflows_attr)
		subflows = nla_get_u32(subflows_attr);
	ret = mptcp_rs_pm_set_limits(genl_info_net(info), accepted_attr ? &accepted : NULL,
				     subflows_attr ? &subflows : NULL, &msg);
	if (ret)
		mptcp_pm_set_err(info, NULL, msg);
	return ret;
}

static int mptcp_pm_get_limits_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 accepted, subflows;
	struct sk_buff *msg;
	void *reply;

	mptcp_rs_pm_get_limits(genl_info_net(info), &accepted, &subflows);
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	reply = genlmsg_put_reply(msg, info, &mptcp_pm_family, 0, MPTCP_PM_CMD_GET_LIMITS);
	if (!reply || nla_put_u32(msg, MPTCP_PM_ATTR_RCV_ADD_ADDRS, accepted) ||
	    nla_put_u32(msg, MPTCP_PM_ATTR_SUBFLOWS, subflows)) {
		GENL_SET_ERR_MSG(info, "not enough space in Netlink message");
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, reply);
	return genlmsg_reply(msg, info);
}

static int mptcp_pm_set_flags_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr;
	struct mptcp_rs_endpoint ep;
	const char *msg = NULL;
	u32 changed = 0;
	int ret;

	ret = mptcp_pm_refuse_token(info);
	if (ret)
		return ret;
	ret = mptcp_pm_request_endpoint(info, MPTCP_PM_ATTR_ADDR, false, &ep, &attr);
	if (ret)
		return ret;
	ret = mptcp_rs_pm_set_flags(genl_info_net(info), &ep, &changed, &msg);
	if (ret) {
		mptcp_pm_set_err(info, attr, msg);
		return ret;
	}
	if (changed)
		mptcp_glue_pm_endpoint_changed(genl_info_net(info), &ep, changed);
	return 0;
}

static const struct genl_ops mptcp_pm_ops[] = {
	{
		.cmd = MPTCP_PM_CMD_ADD_ADDR,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.doit = mptcp_pm_add_addr_doit,
		.policy = mptcp_pm_endpoint_policy,
		.maxattr = MPTCP_PM_ENDPOINT_ADDR,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MPTCP_PM_CMD_DEL_ADDR,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.doit = mptcp_pm_del_addr_doit,
		.policy = mptcp_pm_endpoint_policy,
		.maxattr = MPTCP_PM_ENDPOINT_ADDR,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MPTCP_PM_CMD_GET_ADDR,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.doit = mptcp_pm_get_addr_doit,
		.dumpit = mptcp_pm_get_addr_dumpit,
		.policy = mptcp_pm_addr_token_policy,
		.maxattr = MPTCP_PM_ATTR_TOKEN,
	},
	{
		.cmd = MPTCP_PM_CMD_FLUSH_ADDRS,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.doit = mptcp_pm_flush_addrs_doit,
		.policy = mptcp_pm_endpoint_policy,
		.maxattr = MPTCP_PM_ENDPOINT_ADDR,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MPTCP_PM_CMD_SET_LIMITS,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.doit = mptcp_pm_set_limits_doit,
		.policy = mptcp_pm_limits_policy,
		.maxattr = MPTCP_PM_ATTR_SUBFLOWS,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = MPTCP_PM_CMD_GET_LIMITS,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.doit = mptcp_pm_get_limits_doit,
		.policy = mptcp_pm_limits_policy,
		.maxattr = MPTCP_PM_ATTR_SUBFLOWS,
	},
	{
		.cmd = MPTCP_PM_CMD_SET_FLAGS,
		.validate = GENL_DONT_VALIDATE_STRICT,
		.doit = mptcp_pm_set_flags_doit,
		.policy = mptcp_pm_addr_token_policy,
		.maxattr = MPTCP_PM_ATTR_ADDR_REMOTE,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family mptcp_pm_family = {
	.name = MPTCP_PM_NAME,
	.version = MPTCP_PM_VER,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = mptcp_pm_ops,
	.n_ops = ARRAY_SIZE(mptcp_pm_ops),
	/* As upstream: strict validation for commands added after SUBFLOW_DESTROY. */
	.resv_start_op = MPTCP_PM_CMD_SUBFLOW_DESTROY + 1,
	.mcgrps = mptcp_pm_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mptcp_pm_mcgrps),
};

/* ---- the mptcp_pm_events group: what a userspace path manager follows ---- */

/*
 * Family, addresses, ports and address ids (@loc_id ours, @rem_id the peer's) of the subflow
 * @ssk, as upstream's mptcp_event_add_subflow().
 */
static int mptcp_pm_put_subflow(struct sk_buff *skb, const struct sock *ssk, u8 loc_id,
				u8 rem_id)
{
	const struct inet_sock *inet = inet_sk(ssk);

	if (nla_put_u16(skb, MPTCP_ATTR_FAMILY, ssk->sk_family))
		return -EMSGSIZE;
	/*
	 * The bound source address: set when a listener's child is cloned, before TCP fills
	 * inet_saddr; the same address once connected.
	 */
	if (ssk->sk_family == AF_INET) {
		if (nla_put_in_addr(skb, MPTCP_ATTR_SADDR4, inet->inet_rcv_saddr) ||
		    nla_put_in_addr(skb, MPTCP_ATTR_DADDR4, inet->inet_daddr))
			return -EMSGSIZE;
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		if (nla_put_in6_addr(skb, MPTCP_ATTR_SADDR6, &ssk->sk_v6_rcv_saddr) ||
		    nla_put_in6_addr(skb, MPTCP_ATTR_DADDR6, &ssk->sk_v6_daddr))
			return -EMSGSIZE;
#endif
	}
	if (nla_put_be16(skb, MPTCP_ATTR_SPORT, inet->inet_sport) ||
	    nla_put_be16(skb, MPTCP_ATTR_DPORT, inet->inet_dport))
		return -EMSGSIZE;
	if (nla_put_u8(skb, MPTCP_ATTR_LOC_ID, loc_id) || nla_put_u8(skb, MPTCP_ATTR_REM_ID, rem_id))
		return -EMSGSIZE;
	return 0;
}

/* A new event message, or NULL when nobody listens (the common case) or memory is short. */
static struct sk_buff *mptcp_pm_event_new(const struct net *net, int type, gfp_t gfp,
					  void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&mptcp_pm_family, (struct net *)net, MPTCP_PM_EV_GRP_OFFSET))
		return NULL;
	skb = nlmsg_new(NLMSG_DEFAULT_SIZE, gfp);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &mptcp_pm_family, 0, type);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void mptcp_pm_event_send(const struct net *net, struct sk_buff *skb, void *hdr, gfp_t gfp)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&mptcp_pm_family, (struct net *)net, skb, 0,
				MPTCP_PM_EV_GRP_OFFSET, gfp);
}

void mptcp_glue_event_conn(int type, const struct sock *ssk, u32 token, bool server_side,
			   gfp_t gfp)
{
	const struct net *net = sock_net(ssk);
	struct sk_buff *skb;
	void *hdr;

	skb = mptcp_pm_event_new(net, type, gfp, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, MPTCP_ATTR_TOKEN, token))
		goto cancel;
	/* As upstream: the flag, and the deprecated attribute, on the server side only. */
	if (server_side && (nla_put_u8(skb, MPTCP_ATTR_SERVER_SIDE, 1) ||
			    nla_put_u16(skb, MPTCP_ATTR_FLAGS, MPTCP_PM_EV_FLAG_SERVER_SIDE)))
		goto cancel;
	/* The first subflow uses address id 0 at both ends. */
	if (mptcp_pm_put_subflow(skb, ssk, 0, 0))
		goto cancel;
	mptcp_pm_event_send(net, skb, hdr, gfp);
	return;
cancel:
	nlmsg_free(skb);
}

void mptcp_glue_event_sub(int type, const struct sock *ssk, u32 token, gfp_t gfp)
{
	void *state = mptcp_glue_subflow_state(ssk);
	const struct net *net = sock_net(ssk);
	struct sk_buff *skb;
	bool backup;
	int rem_id;
	void *hdr;
	u8 loc_id;

	if (!state || !mptcp_rs_subflow_ids(state, &loc_id, &rem_id, &backup))
		return;
	skb = mptcp_pm_event_new(net, type, gfp, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, MPTCP_ATTR_TOKEN, token) ||
	    mptcp_pm_put_subflow(skb, ssk, loc_id, rem_id < 0 ? 0 : rem_id) ||
	    nla_put_u8(skb, MPTCP_ATTR_BACKUP, backup) ||
	    (ssk->sk_bound_dev_if && nla_put_s32(skb, MPTCP_ATTR_IF_IDX, ssk->sk_bound_dev_if))) {
		nlmsg_free(skb);
		return;
	}
	mptcp_pm_event_send(net, skb, hdr, gfp);
}

void mptcp_glue_event_announced(const struct net *net, u32 token,
				const struct mptcp_rs_endpoint *ann, __be16 dport, gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = mptcp_pm_event_new(net, MPTCP_EVENT_ANNOUNCED, gfp, &hdr);
	if (!skb)
		return;
	err = nla_put_u32(skb, MPTCP_ATTR_TOKEN, token) ||
	      nla_put_u8(skb, MPTCP_ATTR_REM_ID, ann->id) ||
	      nla_put_be16(skb, MPTCP_ATTR_DPORT, ann->port ? htons(ann->port) : dport);
	if (!err && ann->family == AF_INET)
		err = nla_put(skb, MPTCP_ATTR_DADDR4, 4, ann->addr);
	else if (!err)
		err = nla_put(skb, MPTCP_ATTR_DADDR6, 16, ann->addr);
	if (err) {
		nlmsg_free(skb);
		return;
	}
	mptcp_pm_event_send(net, skb, hdr, gfp);
}

void mptcp_glue_event_removed(const struct net *net, u32 token, u8 id, gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	skb = mptcp_pm_event_new(net, MPTCP_EVENT_REMOVED, gfp, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, MPTCP_ATTR_TOKEN, token) || nla_put_u8(skb, MPTCP_ATTR_REM_ID, id)) {
		nlmsg_free(skb);
		return;
	}
	mptcp_pm_event_send(net, skb, hdr, gfp);
}

void mptcp_glue_event_closed(const struct net *net, u32 token)
{
	struct sk_buff *skb;
	void *hdr;

	skb = mptcp_pm_event_new(net, MPTCP_EVENT_CLOSED, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, MPTCP_ATTR_TOKEN, token)) {
		nlmsg_free(skb);
		return;
	}
	mptcp_pm_event_send(net, skb, hdr, GFP_KERNEL);
}

void mptcp_glue_event_listener(int type, const struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	const struct net *net = sock_net(sk);
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = mptcp_pm_event_new(net, type, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	err = nla_put_u16(skb, MPTCP_ATTR_FAMILY, sk->sk_family) ||
	      nla_put_be16(skb, MPTCP_ATTR_SPORT, inet->inet_sport);
#if IS_ENABLED(CONFIG_IPV6)
	if (!err && sk->sk_family == AF_INET6)
		err = nla_put_in6_addr(skb, MPTCP_ATTR_SADDR6, &inet->pinet6->saddr);
	else
#endif
	if (!err)
		err = nla_put_in_addr(skb, MPTCP_ATTR_SADDR4, inet->inet_saddr);
	if (err) {
		nlmsg_free(skb);
		return;
	}
	mptcp_pm_event_send(net, skb, hdr, GFP_KERNEL);
}

int mptcp_glue_pm_netlink_register(void)
{
	return genl_register_family(&mptcp_pm_family);
}

void mptcp_glue_pm_netlink_unregister(void)
{
	genl_unregister_family(&mptcp_pm_family);
}
