#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The mptcp_pm generic netlink family, spoken byte by byte: selftests/pm_netlink.sh's cases.

  pm_nl.py CASE      run one case (see CASES); exit 0 if it holds, else print why and exit 1
  pm_nl.py list      the case names

Unlike pm_nl_ctl and ip-mptcp, this client can send what they never would: wrong attribute
lengths, missing or unknown families, flags the kernel must refuse, an unprivileged caller.
Each refusal is checked for its errno and for the extended-ack message that explains it.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NETLINK_ADD_MEMBERSHIP = 1
IPPROTO_MPTCP = 262

# uapi/linux/mptcp_pm.h
CMD_ADD, CMD_DEL, CMD_GET, CMD_FLUSH, CMD_SET_LIMITS, CMD_GET_LIMITS, CMD_SET_FLAGS = range(1, 8)
CMD_ANNOUNCE = 8
ATTR_ADDR, ATTR_RCV_ADD_ADDRS, ATTR_SUBFLOWS, ATTR_TOKEN = 1, 2, 3, 4
A_FAMILY, A_ID, A_ADDR4, A_ADDR6, A_PORT, A_FLAGS, A_IF_IDX = range(1, 8)
F_SIGNAL, F_SUBFLOW, F_BACKUP, F_FULLMESH, F_IMPLICIT = 1, 2, 4, 8, 16


def attr(kind, payload):
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def nest(kind, *attrs):
    return attr(kind | NLA_F_NESTED, b"".join(attrs))


def u8(kind, v):
    return attr(kind, struct.pack("=B", v))


def u16(kind, v):
    return attr(kind, struct.pack("=H", v))


def u32(kind, v):
    return attr(kind, struct.pack("=I", v))


def s32(kind, v):
    return attr(kind, struct.pack("=i", v))


def v4(kind, text):
    return attr(kind, socket.inet_pton(socket.AF_INET, text))


def v6(kind, text):
    return attr(kind, socket.inet_pton(socket.AF_INET6, text))


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack_from("=HH", data)
        if length < 4:
            break
        out.setdefault(kind & 0x3FFF, []).append(data[4:length])
        data = data[(length + 3) & ~3:]
    return out


class Refused(Exception):
    def __init__(self, err, msg):
        super().__init__(f"errno {err} ({errno.errorcode.get(err, '?')}), extack {msg!r}")
        self.errno = err
        self.msg = msg


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.settimeout(30)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 0
        fam = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, b"mptcp_pm\0"))
        self.family = struct.unpack("=H", fam[0][CTRL_ATTR_FAMILY_ID][0])[0]
        groups = [parse_attrs(g) for gs in parse_attrs(fam[0][CTRL_ATTR_MCAST_GROUPS][0]).values()
                  for g in gs]
        self.group_ids = {g[CTRL_ATTR_MCAST_GRP_NAME][0].rstrip(b"\0").decode():
                          struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID][0])[0] for g in groups}
        self.groups = sorted(self.group_ids)

    def request(self, family, cmd, payload=b"", dump=False):
        """Sends one request; returns the replies' attributes, or raises Refused."""
        self.seq += 1
        flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        self.sock.send(struct.pack("=IHHII", 16 + len(body), family, flags, self.seq, 0) + body)
        replies = []
        for _ in range(10000):
            data = self.sock.recv(1 << 16)
            while len(data) >= 16:
                length, kind, mflags, seq, _pid = struct.unpack_from("=IHHII", data)
                msg, data = data[16:length], data[(length + 3) & ~3:]
                if seq != self.seq:
                    continue
                if kind == NLMSG_DONE:
                    return replies
                if kind == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", msg)[0]
                    if err == 0 and not dump:
                        return replies
                    text = None
                    if mflags & NLM_F_ACK_TLVS:
                        inner_len = struct.unpack_from("=I", msg, 4)[0]
                        # The echoed request is capped to its header on errors (NLM_F_CAPPED).
                        skip = 4 + (16 if mflags & 0x100 else inner_len)
                        tlvs = parse_attrs(msg[skip:])
                        if NLMSGERR_ATTR_MSG in tlvs:
                            text = tlvs[NLMSGERR_ATTR_MSG][0].rstrip(b"\0").decode()
                    if err:
                        raise Refused(err, text)
                    continue
                replies.append(parse_attrs(msg[4:]))
        raise RuntimeError("no end of the reply")

    def pm(self, cmd, payload=b"", dump=False):
        return self.request(self.family, cmd, payload, dump)


def endpoint(addr=None, family=None, **kw):
    parts = []
    if family is None and addr is not None:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if family is not None:
        parts.append(u16(A_FAMILY, family))
    if addr is not None:
        parts.append(v6(A_ADDR6, addr) if ":" in addr else v4(A_ADDR4, addr))
    for key, make, kind in (("id", u8, A_ID), ("port", u16, A_PORT), ("flags", u32, A_FLAGS),
                            ("ifindex", s32, A_IF_IDX)):
        if key in kw:
            parts.append(make(kind, kw[key]))
    return nest(ATTR_ADDR, *parts)


def decode_endpoint(reply):
    a = parse_attrs(reply[ATTR_ADDR][0])
    out = {
        "family": struct.unpack("=H", a[A_FAMILY][0])[0],
        "id": a[A_ID][0][0],
        "flags": struct.unpack("=I", a[A_FLAGS][0])[0],
        "port": struct.unpack("=H", a[A_PORT][0])[0],
        "ifindex": struct.unpack("=i", a[A_IF_IDX][0])[0] if A_IF_IDX in a else 0,
    }
    if A_ADDR4 in a:
        out["addr"] = socket.inet_ntop(socket.AF_INET, a[A_ADDR4][0])
    if A_ADDR6 in a:
        out["addr"] = socket.inet_ntop(socket.AF_INET6, a[A_ADDR6][0])
    return out


def limits(nl):
    r = nl.pm(CMD_GET_LIMITS)[0]
    return struct.unpack("=I", r[ATTR_RCV_ADD_ADDRS][0])[0], struct.unpack("=I", r[ATTR_SUBFLOWS][0])[0]


def dump(nl):
    return [decode_endpoint(r) for r in nl.pm(CMD_GET, dump=True)]


def expect_refusal(call, err, msg_part=None):
    try:
        call()
    except Refused as r:
        if r.errno != err:
            raise AssertionError(f"expected errno {errno.errorcode[err]}, got {r}") from None
        if msg_part is not None and (r.msg is None or msg_part not in r.msg):
            raise AssertionError(f"expected an extack with {msg_part!r}, got {r}") from None
        return
    raise AssertionError(f"accepted; expected {errno.errorcode[err]}")


def expect(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: expected {want!r}, got {got!r}")


# uapi/linux/mptcp_pm.h: events and their attributes
EV_CREATED, EV_ESTABLISHED, EV_CLOSED = 1, 2, 3
EV_LISTENER_CREATED, EV_LISTENER_CLOSED = 15, 16
EA_TOKEN, EA_FAMILY, EA_LOC_ID, EA_REM_ID, EA_SADDR4 = 1, 2, 3, 4, 5
EA_DADDR4, EA_SPORT, EA_DPORT, EA_FLAGS, EA_SERVER_SIDE = 7, 9, 10, 13, 18
EV_FLAG_SERVER_SIDE = 2


class Events:
    """A member of the mptcp_pm_events group."""

    def __init__(self, nl):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, nl.group_ids["mptcp_pm_events"])
        self.sock.settimeout(30)

    def collect(self, count):
        """The next `count` events as (type, attributes); fewer only after 30 s of silence."""
        out = []
        while len(out) < count:
            try:
                data = self.sock.recv(1 << 16)
            except socket.timeout:
                break
            while len(data) >= 20:
                length = struct.unpack_from("=I", data)[0]
                out.append((data[16], parse_attrs(data[20:length])))
                data = data[(length + 3) & ~3:]
        return out


def be16(attrs, kind):
    return struct.unpack("!H", attrs[kind][0])[0]


def ne32(attrs, kind):
    return struct.unpack("=I", attrs[kind][0])[0]


# --- cases -----------------------------------------------------------------------------------

def case_family(nl):
    """The family resolves with upstream's name, and both multicast groups exist."""
    expect(nl.groups, ["mptcp_pm_cmds", "mptcp_pm_events"], "multicast groups")


def case_roundtrip(nl):
    """What ADD stores, GET and a dump return: v4 with flags and ifindex, v6, ids given."""
    nl.pm(CMD_FLUSH)
    nl.pm(CMD_ADD, endpoint("10.7.0.1", flags=F_SUBFLOW | F_BACKUP, ifindex=1))
    nl.pm(CMD_ADD, endpoint("2001:db8::7", id=42, flags=F_SIGNAL))
    got = decode_endpoint(nl.pm(CMD_GET, endpoint(id=1))[0])
    expect(got, {"family": socket.AF_INET, "id": 1, "flags": F_SUBFLOW | F_BACKUP, "port": 0,
                 "ifindex": 1, "addr": "10.7.0.1"}, "GET 1")
    expect([(e["id"], e["addr"], e["family"]) for e in dump(nl)],
           [(1, "10.7.0.1", socket.AF_INET), (42, "2001:db8::7", socket.AF_INET6)], "dump")
    nl.pm(CMD_DEL, endpoint(id=42))
    expect([e["id"] for e in dump(nl)], [1], "dump after DEL 42")
    expect_refusal(lambda: nl.pm(CMD_GET, endpoint(id=42)), errno.EINVAL, "address not found")


def case_dump_many(nl):
    """A dump of 255 endpoints spans several messages and resumes without loss or repeat."""
    nl.pm(CMD_FLUSH)
    for i in range(1, 256):
        nl.pm(CMD_ADD, endpoint(f"10.8.{i // 100}.{i % 100 + 1}", id=i))
    expect([e["id"] for e in dump(nl)], list(range(1, 256)), "ids dumped")
    nl.pm(CMD_FLUSH)
    expect(dump(nl), [], "dump after FLUSH")


def case_bad_lengths(nl):
    """Attributes of the wrong size fail the policy (as upstream's: ERANGE for the exact-length
    IPv6 address and short fixed-size types, EINVAL for a truncated nest), and nothing is
    added."""
    nl.pm(CMD_FLUSH)
    short_v6 = nest(ATTR_ADDR, u16(A_FAMILY, socket.AF_INET6), attr(A_ADDR6, b"\x20" * 15))
    expect_refusal(lambda: nl.pm(CMD_ADD, short_v6), errno.ERANGE, "size out of range")
    byte_family = nest(ATTR_ADDR, attr(A_FAMILY, b"\x02"), v4(A_ADDR4, "10.7.0.2"))
    expect_refusal(lambda: nl.pm(CMD_ADD, byte_family), errno.ERANGE, "policy validation")
    short_flags = nest(ATTR_ADDR, u16(A_FAMILY, socket.AF_INET), v4(A_ADDR4, "10.7.0.3"),
                       attr(A_FLAGS, b"\x01\x00"))
    expect_refusal(lambda: nl.pm(CMD_ADD, short_flags), errno.ERANGE, "policy validation")
    truncated = endpoint("10.7.0.4")[:-4]
    expect_refusal(lambda: nl.pm(CMD_ADD, truncated), errno.EINVAL)
    expect_refusal(lambda: nl.pm(CMD_SET_LIMITS, attr(ATTR_SUBFLOWS, b"\x01")), errno.ERANGE)
    expect(dump(nl), [], "endpoints after the refusals")


def case_bad_families(nl):
    """Missing family, unknown family, family without its address: EINVAL with a message."""
    expect_refusal(lambda: nl.pm(CMD_ADD, nest(ATTR_ADDR, v4(A_ADDR4, "10.7.0.5"))),
                   errno.EINVAL, "missing family")
    expect_refusal(lambda: nl.pm(CMD_ADD, nest(ATTR_ADDR, u16(A_FAMILY, 99), v4(A_ADDR4, "10.7.0.5"))),
                   errno.EINVAL, "unknown address family")
    expect_refusal(lambda: nl.pm(CMD_ADD, nest(ATTR_ADDR, u16(A_FAMILY, socket.AF_INET),
                                               v6(A_ADDR6, "2001:db8::5"))),
                   errno.EINVAL, "missing address data")
    expect_refusal(lambda: nl.pm(CMD_ADD), errno.EINVAL)
    expect(dump(nl), [], "endpoints after the refusals")


def case_bad_flags(nl):
    """Flag combinations upstream refuses, with its messages; unknown flag bits are ignored."""
    nl.pm(CMD_FLUSH)
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("10.7.0.6", flags=F_IMPLICIT)),
                   errno.EINVAL, "IMPLICIT")
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("10.7.0.6", flags=F_SIGNAL | F_FULLMESH)),
                   errno.EINVAL, "signal and fullmesh")
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("10.7.0.6", flags=F_SUBFLOW, port=8000)),
                   errno.EINVAL, "when using port")
    # A port needs a listener there: not on an address this host does not have.
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("10.7.0.6", flags=F_SIGNAL, port=8000)),
                   errno.EADDRNOTAVAIL, "listen socket")
    nl.pm(CMD_ADD, endpoint("10.7.0.6", flags=F_SIGNAL | 0x8000_0000))
    expect([e["flags"] for e in dump(nl)], [F_SIGNAL], "flags stored")
    expect_refusal(lambda: nl.pm(CMD_SET_FLAGS, endpoint(id=1, flags=F_FULLMESH)),
                   errno.EINVAL, "invalid addr flags")
    expect_refusal(lambda: nl.pm(CMD_SET_FLAGS, endpoint(flags=F_BACKUP)),
                   errno.EOPNOTSUPP, "missing address ID")
    expect_refusal(lambda: nl.pm(CMD_SET_FLAGS, endpoint("10.7.9.9", flags=F_BACKUP)),
                   errno.EINVAL, "address not found")
    nl.pm(CMD_SET_FLAGS, endpoint("10.7.0.6", flags=F_BACKUP))
    expect([e["flags"] for e in dump(nl)], [F_SIGNAL | F_BACKUP], "flags after SET_FLAGS")
    nl.pm(CMD_FLUSH)


def case_duplicates(nl):
    """A duplicate address is EEXIST, a taken id EBUSY; the table is unchanged by either."""
    nl.pm(CMD_FLUSH)
    nl.pm(CMD_ADD, endpoint("10.7.0.7", id=3))
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("10.7.0.7")), errno.EEXIST)
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("::ffff:10.7.0.7")), errno.EEXIST)
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("10.7.0.8", id=3)), errno.EBUSY)
    expect([(e["id"], e["addr"]) for e in dump(nl)], [(3, "10.7.0.7")], "table")
    nl.pm(CMD_FLUSH)


def case_limits(nl):
    """Limits: upstream's defaults, 64 at most, a refused pair leaves both unchanged."""
    expect(limits(nl), (0, 2), "defaults")
    expect_refusal(lambda: nl.pm(CMD_SET_LIMITS, u32(ATTR_RCV_ADD_ADDRS, 1) + u32(ATTR_SUBFLOWS, 65)),
                   errno.EINVAL, "limit greater than maximum")
    expect(limits(nl), (0, 2), "after a refused pair")
    nl.pm(CMD_SET_LIMITS, u32(ATTR_SUBFLOWS, 64))
    expect(limits(nl), (0, 64), "after setting subflows only")
    nl.pm(CMD_SET_LIMITS, u32(ATTR_RCV_ADD_ADDRS, 8) + u32(ATTR_SUBFLOWS, 2))
    expect(limits(nl), (8, 2), "after setting both")


def case_userspace_forms(nl):
    """The userspace manager's forms say they are not supported (EOPNOTSUPP)."""
    expect_refusal(lambda: nl.pm(CMD_GET, endpoint(id=1) + u32(ATTR_TOKEN, 1)),
                   errno.EOPNOTSUPP, "userspace")
    expect_refusal(lambda: nl.pm(CMD_ANNOUNCE, endpoint("10.7.0.9") + u32(ATTR_TOKEN, 1)),
                   errno.EOPNOTSUPP)


def case_events(nl):
    """A connection and a listener as the events group reports them, with upstream's
    attributes: each end's CREATED, ESTABLISHED and CLOSED carry its own token and ports, the
    server's say so; a fallback connection reports nothing."""
    ev = Events(nl)
    lsk = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    lsk.bind(("127.0.0.1", 0))
    lsk.listen(4)
    port = lsk.getsockname()[1]
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    cli.settimeout(30)
    cli.connect(("127.0.0.1", port))
    srv, _ = lsk.accept()
    cport = cli.getsockname()[1]
    # The client is fully established once the server's first DSS confirms its key.
    cli.sendall(b"ping")
    srv.recv(4)
    srv.sendall(b"pong")
    cli.recv(4)
    cli.close()
    srv.close()
    lsk.close()
    got = ev.collect(8)
    expect(sorted(t for t, _ in got), sorted([EV_LISTENER_CREATED, EV_CREATED, EV_CREATED,
                                              EV_ESTABLISHED, EV_ESTABLISHED, EV_CLOSED,
                                              EV_CLOSED, EV_LISTENER_CLOSED]), "event types")
    listener = [a for t, a in got if t == EV_LISTENER_CREATED][0]
    expect((struct.unpack("=H", listener[EA_FAMILY][0])[0], be16(listener, EA_SPORT),
            socket.inet_ntoa(listener[EA_SADDR4][0])),
           (socket.AF_INET, port, "127.0.0.1"), "LISTENER_CREATED family, port, address")
    created = [a for t, a in got if t == EV_CREATED]
    server = [a for a in created if EA_SERVER_SIDE in a]
    client = [a for a in created if EA_SERVER_SIDE not in a]
    expect((len(server), len(client)), (1, 1), "server and client CREATED")
    server, client = server[0], client[0]
    expect((be16(client, EA_SPORT), be16(client, EA_DPORT)), (cport, port), "client ports")
    expect((be16(server, EA_SPORT), be16(server, EA_DPORT)), (port, cport), "server ports")
    expect(struct.unpack("=H", server[EA_FLAGS][0])[0], EV_FLAG_SERVER_SIDE, "server flags")
    expect((client[EA_LOC_ID][0][0], client[EA_REM_ID][0][0]), (0, 0), "address ids")
    tokens = sorted(ne32(a, EA_TOKEN) for a in (server, client))
    expect(tokens[0] != tokens[1], True, "each end has its own token")
    expect(sorted(ne32(a, EA_TOKEN) for t, a in got if t == EV_ESTABLISHED), tokens,
           "ESTABLISHED tokens")
    expect(sorted(ne32(a, EA_TOKEN) for t, a in got if t == EV_CLOSED), tokens, "CLOSED tokens")

    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    plain.listen(1)
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    cli.connect(plain.getsockname())
    plain.accept()[0].close()
    cli.close()
    # A marker that must come next: an event of the fallback connection would precede it.
    marker = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    marker.bind(("127.0.0.1", 0))
    marker.listen(1)
    marker.close()
    expect([t for t, _ in ev.collect(2)], [EV_LISTENER_CREATED, EV_LISTENER_CLOSED],
           "events after a fallback connection")


def listening(port):
    """Whether a TCP socket listens on 127.0.0.1:port (from /proc/net/tcp)."""
    with open("/proc/net/tcp") as f:
        return any(line.split()[1] == "0100007F:%04X" % port and line.split()[3] == "0A"
                   for line in f.readlines()[1:])


def mptcp_counter(name):
    with open("/proc/net/mptcp_netstat") as f:
        names, values = (line.split() for line in f.readlines()[:2])
    return int(values[names.index(name)])


def case_port_endpoint(nl):
    """A signal endpoint with a port is listened on while it exists; that listener takes
    MP_JOINs only: an MPTCP or TCP connection there is reset (MPCapableEndpAttempt)."""
    nl.pm(CMD_FLUSH)
    ev = Events(nl)
    nl.pm(CMD_ADD, endpoint("127.0.0.1", flags=F_SIGNAL, port=8007))
    expect(listening(8007), True, "listening after ADD_ADDR")
    expect([(e["port"], e["flags"]) for e in dump(nl)], [(8007, F_SIGNAL)], "endpoint stored")
    before = mptcp_counter("MPCapableEndpAttempt")
    for proto in (IPPROTO_MPTCP, 0):
        cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
        cli.settimeout(30)
        try:
            cli.connect(("127.0.0.1", 8007))
            raise AssertionError(f"connected (protocol {proto}) to an endpoint's listener")
        except ConnectionRefusedError:
            pass
        finally:
            cli.close()
    expect(mptcp_counter("MPCapableEndpAttempt") - before, 2, "MPCapableEndpAttempt")
    # A port another socket listens on: refused, and the endpoint is not kept.
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 8009))
    taken.listen(1)
    expect_refusal(lambda: nl.pm(CMD_ADD, endpoint("127.0.0.1", flags=F_SIGNAL, port=8009)),
                   errno.EADDRINUSE, "listen socket")
    taken.close()
    expect([e["port"] for e in dump(nl)], [8007], "endpoints after the refusal")
    nl.pm(CMD_DEL, endpoint(id=1))
    expect(listening(8007), False, "listening after DEL_ADDR")
    nl.pm(CMD_ADD, endpoint("127.0.0.1", flags=F_SIGNAL, port=8008))
    nl.pm(CMD_FLUSH)
    expect(listening(8008), False, "listening after FLUSH_ADDRS")
    got = [t for t, _ in ev.collect(4)]
    expect(got, [EV_LISTENER_CREATED, EV_LISTENER_CLOSED] * 2, "listener events")


def case_unprivileged(nl):
    """Without CAP_NET_ADMIN: changes are EPERM, the events group is closed, reads are
    allowed."""
    if os.fork() == 0:
        code = 1
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            nl2 = Genl()
            expect_refusal(lambda: nl2.pm(CMD_ADD, endpoint("10.7.0.10")), errno.EPERM)
            expect_refusal(lambda: nl2.pm(CMD_FLUSH), errno.EPERM)
            expect_refusal(lambda: nl2.pm(CMD_SET_LIMITS, u32(ATTR_SUBFLOWS, 1)), errno.EPERM)
            limits(nl2)
            dump(nl2)
            try:
                Events(nl2)
                raise AssertionError("joined the events group without CAP_NET_ADMIN")
            except PermissionError:
                pass
            code = 0
        except Exception as e:  # reported by the parent through the exit status
            print(f"unprivileged: {e}")
        os._exit(code)
    _pid, status = os.wait()
    expect(os.waitstatus_to_exitcode(status), 0, "unprivileged child")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    if sys.argv[1:] == ["list"]:
        print(" ".join(CASES))
        return 0
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print(__doc__)
        return 2
    try:
        CASES[sys.argv[1]](Genl())
    except (AssertionError, Refused, OSError) as e:
        print(f"{sys.argv[1]}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
