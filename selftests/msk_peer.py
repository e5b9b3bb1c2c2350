#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Both ends of the transfers selftests/msk.sh runs, and its socket-API probes.

  msk_peer.py server PROTO FAMILY PORT         accept one connection, read to EOF, answer with
                                               the SHA-256 of what arrived, then the same bytes
  msk_peer.py client PROTO ADDR PORT BYTES [info]
                                               send BYTES random bytes, half-close, check the
                                               answer; prints "sha-ok echo-ok" (and, with
                                               "info", checks MPTCP_INFO's counts: "info-ok")
  msk_peer.py probe NAME [ARGS]                one socket-API check (see PROBES); prints a word

PROTO is "mptcp", "tcp", or "default" (protocol 0, as most applications ask). Every blocking call has a timeout, so a hang fails instead of
stalling the guest.
"""
import errno
import fcntl
import hashlib
import os
import select
import socket
import struct
import sys
import termios
import time

IPPROTO_MPTCP = 262
TIMEOUT_S = 120


def proto_of(name):
    return {"mptcp": IPPROTO_MPTCP, "tcp": socket.IPPROTO_TCP, "default": 0}[name]


def family_of(addr_or_family):
    return socket.AF_INET6 if ":" in addr_or_family or addr_or_family == "6" else socket.AF_INET


def recv_all(sock):
    chunks = []
    while True:
        b = sock.recv(1 << 16)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


# include/uapi/mptcp_rs.h: the connection's path manager by name (ours).
MPTCP_RS_PATH_MANAGER = 100


def _with_path_manager(sock):
    """The path manager $MPTCP_PEER_PM names, if set, for this socket's connections."""
    name = os.environ.get("MPTCP_PEER_PM")
    if name:
        sock.setsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER, name.encode())


def server(proto, family, port):
    fam = family_of(family)
    ls = socket.socket(fam, socket.SOCK_STREAM, proto_of(proto))
    ls.settimeout(TIMEOUT_S)
    _with_path_manager(ls)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", int(port)))
    ls.listen(1)
    conn, _ = ls.accept()
    conn.settimeout(TIMEOUT_S)
    data = recv_all(conn)
    conn.sendall(hashlib.sha256(data).digest() + data)
    conn.close()
    ls.close()


def client(proto, addr, port, nbytes, check_info=""):
    data = os.urandom(int(nbytes))
    s = socket.socket(family_of(addr), socket.SOCK_STREAM, proto_of(proto))
    s.settimeout(TIMEOUT_S)
    _with_path_manager(s)
    s.connect((addr, int(port)))
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    answer = recv_all(s)
    info_ok = True
    if check_info:
        # The connection's counts, whichever subflows carried the bytes: all of the answer
        # received, all of ours acknowledged (the answer only began once the server had it).
        ci = _mptcp_info(s)
        info_ok = ci["bytes_received"] == len(answer) and ci["bytes_acked"] >= len(data)
    s.close()
    sha_ok = answer[:32] == hashlib.sha256(data).digest()
    echo_ok = answer[32:] == data
    words = [f"{'sha-ok' if sha_ok else 'sha-BAD'} {'echo-ok' if echo_ok else 'echo-BAD'}"]
    if check_info:
        words.append("info-ok" if info_ok else
                     f"info-BAD(received {ci['bytes_received']} of {len(answer)},"
                     f" acked {ci['bytes_acked']} of {len(data)})")
    print(" ".join(words))
    return 0 if sha_ok and echo_ok and info_ok else 1


def errname(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def probe_create(family, proto="mptcp", sock_type="stream"):
    """The protocol a new socket reports (SO_PROTOCOL), or the errno name."""
    ty = socket.SOCK_STREAM if sock_type == "stream" else socket.SOCK_DGRAM
    try:
        s = socket.socket(family_of(family), ty, proto_of(proto))
    except OSError as e:
        return errname(e)
    proto = s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
    s.close()
    return f"protocol-{proto}"


def probe_refused(addr, port):
    """Non-blocking connect to a closed port: EINPROGRESS, then POLLOUT and SO_ERROR."""
    s = socket.socket(family_of(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.setblocking(False)
    rc = s.connect_ex((addr, int(port)))
    if rc not in (errno.EINPROGRESS, errno.ECONNREFUSED):
        return f"connect-{errno.errorcode.get(rc, rc)}"
    p = select.poll()
    p.register(s, select.POLLOUT)
    if not p.poll(TIMEOUT_S * 1000):
        return "poll-timeout"
    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    return errno.errorcode.get(err, str(err)) if err else "no-error"


def probe_sockopts():
    """Options set on the MPTCP socket read back, and apply to the connection."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    got = (
        s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
        s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
        s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) >= 65536,
        s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM,
    )
    s.close()
    return "ok" if got == (1, 1, True, True) else f"bad-{got}"


def probe_keepalive(addr, port):
    """SO_KEEPALIVE and TCP_KEEPIDLE set on the MPTCP socket reach the subflow: ss shows
    the subflow's keepalive timer."""
    import subprocess
    ls = socket.socket(family_of(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.bind((addr, int(port)))
    ls.listen(1)
    c = socket.socket(family_of(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 600)
    c.settimeout(TIMEOUT_S)
    c.connect((addr, int(port)))
    out = subprocess.run(["ss", "-Htno", "state", "established", "dport", "=", f":{port}"],
                         capture_output=True, text=True, timeout=TIMEOUT_S).stdout
    c.close()
    ls.close()
    return "ok" if "keepalive" in out else f"bad-{out.strip()}"


def probe_peek_inq(addr, port):
    """MSG_PEEK leaves data queued; SIOCINQ counts it; MSG_WAITALL gets it all; EOF reads 0."""
    ls = socket.socket(family_of(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.settimeout(TIMEOUT_S)
    ls.bind((addr, int(port)))
    ls.listen(1)
    c = socket.socket(family_of(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    c.settimeout(TIMEOUT_S)
    c.connect((addr, int(port)))
    a, _ = ls.accept()
    a.settimeout(TIMEOUT_S)
    c.sendall(b"x" * 1000)
    c.shutdown(socket.SHUT_WR)
    select.select([a], [], [], TIMEOUT_S)
    peeked = a.recv(10, socket.MSG_PEEK)
    inq = struct.unpack("i", fcntl.ioctl(a, termios.FIONREAD, b"\0" * 4))[0]
    whole = a.recv(1000, socket.MSG_WAITALL)
    eof = a.recv(10)
    for s in (a, c, ls):
        s.close()
    got = (peeked, inq, len(whole), eof)
    return "ok" if got == (b"x" * 10, 1000, 1000, b"") else f"bad-{got}"


def probe_disconnect(addr, port):
    """connect(AF_UNSPEC) ends a connection; the same socket then connects again, and both
    connections carry data both ways (nothing of the first one's stream, nor its end, is
    left for the second)."""
    fam = family_of(addr)
    ls = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.settimeout(TIMEOUT_S)
    ls.bind((addr, int(port)))
    ls.listen(2)
    c = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    c.settimeout(TIMEOUT_S)
    got = []
    for round_ in range(2):
        c.connect((addr, int(port)))
        a, _ = ls.accept()
        a.settimeout(TIMEOUT_S)
        payload = bytes([65 + round_]) * 100000
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)
        got.append(recv_all(a) == payload)
        reply = bytes([97 + round_]) * 50000
        a.sendall(reply)
        a.close()
        if recv_all(c) != reply:
            return f"bad-reply-{round_}"
        _disconnect(c)
    c.close()
    ls.close()
    return "ok" if got == [True, True] else f"bad-{got}"


def _connected_pair(addr, port):
    """A listening MPTCP socket, a client connected to it and the accepted socket."""
    fam = family_of(addr)
    ls = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.settimeout(TIMEOUT_S)
    ls.bind((addr, int(port)))
    ls.listen(1)
    c = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    c.settimeout(TIMEOUT_S)
    c.connect((addr, int(port)))
    a, _ = ls.accept()
    return ls, c, a


def probe_path_manager(addr, port):
    """setsockopt/getsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER): the namespace's manager at
    first, any available name taken before connect(), others refused (ENOENT, EINVAL) with the
    value kept, EISCONN once connected; an accepted socket has its listener's."""
    def get(sock):
        return sock.getsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER, 16).rstrip(b"\0").decode()

    def refused(sock, value):
        try:
            sock.setsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER, value)
            return "accepted"
        except OSError as e:
            return errname(e)

    bad = []
    s = socket.socket(family_of(addr), socket.SOCK_STREAM, IPPROTO_MPTCP)
    if get(s) != "kernel":
        bad.append(f"default-{get(s)}")
    # With or without a C string's NUL.
    for name, value in (("fullmesh", b"fullmesh"), ("ndiffports", b"ndiffports\0"),
                        ("kernel", b"kernel")):
        s.setsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER, value)
        if get(s) != name:
            bad.append(f"set-{name}-got-{get(s)}")
    for value, want in ((b"userspace", "ENOENT"), (b"\0", "ENOENT"), (b"kernel\0x", "EINVAL"),
                        (b"", "EINVAL"), (b"x" * 16, "EINVAL")):
        got = refused(s, value)
        if got != want or get(s) != "kernel":
            bad.append(f"{value!r}-{got}-{get(s)}")
    s.close()
    fam = family_of(addr)
    ls = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.settimeout(TIMEOUT_S)
    ls.bind((addr, int(port)))
    ls.listen(1)
    ls.setsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER, b"ndiffports")
    c = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    c.settimeout(TIMEOUT_S)
    c.connect((addr, int(port)))
    a, _ = ls.accept()
    if refused(c, b"fullmesh") != "EISCONN" or get(c) != "kernel":
        bad.append("after-connect")
    if get(a) != "ndiffports":
        bad.append(f"accepted-{get(a)}")
    for sock in (a, c, ls):
        sock.close()
    return "ok" if not bad else "bad-" + ",".join(bad)


def probe_fill_drain(addr, port):
    """A non-blocking writer fills the connection while the reader sleeps: a write poll()
    cleared never fails with EAGAIN, poll() stops clearing writes (0.5 s without POLLOUT)
    within the timeout, and every byte written arrives, in order, once the reader drains."""
    ls, c, a = _connected_pair(addr, port)
    c.setblocking(False)
    poller = select.poll()
    poller.register(c, select.POLLOUT)
    pattern = os.urandom(1 << 20)
    sent = 0
    bad = []
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        if time.monotonic() > deadline:
            bad.append("never-full")
            break
        if not poller.poll(500):
            break
        off = sent % len(pattern)
        try:
            sent += c.send(pattern[off:] + pattern[:off][:65536])
        except BlockingIOError:
            bad.append(f"EAGAIN-after-POLLOUT-at-{sent}")
            break
    c.setblocking(True)
    c.settimeout(TIMEOUT_S)
    c.shutdown(socket.SHUT_WR)
    got = recv_all(a)
    want = (pattern * (sent // len(pattern) + 1))[:sent]
    if got != want:
        bad.append(f"received-{len(got)}-of-{sent}")
    for s in (a, c, ls):
        s.close()
    return "ok" if not bad else "bad-" + ",".join(bad)


def probe_abort(addr, port):
    """Closing with unread data aborts the connection (RST): the peer sees ECONNRESET."""
    ls, c, a = _connected_pair(addr, port)
    c.sendall(b"y" * 1000)
    # Wait until the data is queued at the acceptor, then close without reading it.
    select.select([a], [], [], TIMEOUT_S)
    a.close()
    try:
        got = c.recv(10)
        result = f"no-reset-{got!r}"
    except ConnectionResetError:
        result = "ok"
    c.close()
    ls.close()
    return result


def probe_async(addr, port):
    """O_ASYNC on an MPTCP socket: data arriving raises SIGIO for the owner."""
    import signal
    ls, c, a = _connected_pair(addr, port)
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGIO])
    fcntl.fcntl(a, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(a, fcntl.F_SETFL, fcntl.fcntl(a, fcntl.F_GETFL) | os.O_ASYNC)
    quiet = signal.sigtimedwait([signal.SIGIO], 0.5)
    c.sendall(b"z")
    got = signal.sigtimedwait([signal.SIGIO], TIMEOUT_S)
    data = a.recv(1)
    for s in (a, c, ls):
        s.close()
    return "ok" if quiet is None and got is not None and data == b"z" else f"bad-{quiet}-{got}-{data!r}"


def probe_big_writes(addr, port, nbytes):
    """Both ends of one connection write `nbytes` in one blocking send() each, at the same
    time (as upstream's mptcp_connect does in mmap mode), and read what the other sent."""
    import threading
    ls, c, a = _connected_pair(addr, port)
    data = {c: os.urandom(int(nbytes)), a: os.urandom(int(nbytes))}
    got = {}

    def run(sock, peer):
        sock.settimeout(None)
        writer = threading.Thread(target=lambda: (sock.sendall(data[sock]), sock.shutdown(socket.SHUT_WR)))
        writer.start()
        got[sock] = recv_all(sock)
        writer.join()

    threads = [threading.Thread(target=run, args=(c, a)), threading.Thread(target=run, args=(a, c))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT_S)
    for s in (a, c, ls):
        s.close()
    ok = got.get(c) == data[a] and got.get(a) == data[c]
    return "ok" if ok else f"bad-{len(got.get(c, b''))}-{len(got.get(a, b''))}"


SOL_MPTCP, MPTCP_INFO = 284, 1
# struct mptcp_info (uapi/linux/mptcp.h), 96 bytes.
MPTCP_INFO_FMT = "=6B2xII3Q3BxI4Q4B3I"


def _mptcp_info(sock):
    raw = sock.getsockopt(SOL_MPTCP, MPTCP_INFO, struct.calcsize(MPTCP_INFO_FMT))
    f = struct.unpack(MPTCP_INFO_FMT, raw)
    return {"flags": f[6], "token": f[7], "write_seq": f[8], "snd_una": f[9], "rcv_nxt": f[10],
            "csum": f[13], "bytes_sent": f[16], "bytes_received": f[17], "bytes_acked": f[18],
            "subflows_total": f[19]}


def probe_info(addr, port):
    """getsockopt(SOL_MPTCP, MPTCP_INFO) on both ends after 1000 bytes went one way: the
    sender's data sequence number is the receiver's, and the counts agree. After a fallback
    it fails with EOPNOTSUPP, as upstream's does (TCP answers)."""
    ls, c, a = _connected_pair(addr, port)
    c.sendall(b"i" * 1000)
    got = b""
    while len(got) < 1000:
        got += a.recv(1000 - len(got))
    # The DATA_ACK reaches the client with the acceptor's next ACK: wait for it (bounded).
    deadline = time.monotonic() + TIMEOUT_S
    ci = _mptcp_info(c)
    while ci["bytes_acked"] != 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
        ci = _mptcp_info(c)
    ai = _mptcp_info(a)
    for s in (a, c, ls):
        s.close()
    bad = []
    if not ci["flags"] & 2 or not ai["flags"] & 2:
        bad.append("remote-key-flag")
    if ci["token"] == 0 or ai["token"] == 0 or ci["token"] == ai["token"]:
        bad.append("tokens")
    if ci["write_seq"] != ai["rcv_nxt"] or ci["snd_una"] != ci["write_seq"]:
        bad.append("seqs")
    if (ci["bytes_sent"], ci["bytes_acked"], ai["bytes_received"]) != (1000, 1000, 1000):
        bad.append("counts")
    if ci["subflows_total"] != 1:
        bad.append("subflows")
    # Fallen back to TCP (a plain TCP listener): the call fails as TCP answers it.
    fam = family_of(addr)
    pl = socket.socket(fam, socket.SOCK_STREAM, 0)
    pl.bind((addr, int(port) + 1))
    pl.listen(1)
    fc = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    fc.settimeout(TIMEOUT_S)
    fc.connect((addr, int(port) + 1))
    try:
        _mptcp_info(fc)
        bad.append("info-after-fallback")
    except OSError as e:
        if e.errno != errno.EOPNOTSUPP:
            bad.append(f"fallback-{errname(e)}")
    for s in (fc, pl):
        s.close()
    return "ok" if not bad else "bad-" + ",".join(bad) + f" {ci} {ai}"


def _disconnect(sock):
    """connect(AF_UNSPEC): Python's socket.connect() has no way to pass it, so use libc."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    addr = struct.pack("H", socket.AF_UNSPEC) + bytes(14)
    if libc.connect(sock.fileno(), addr, len(addr)) != 0:
        raise OSError(ctypes.get_errno(), "connect(AF_UNSPEC)")


def probe_fastopen(addr, port):
    """Two MPTCP connections with TCP Fast Open (the first fetches the cookie, the second
    carries data in its SYN); the server answers before reading to EOF."""
    import threading
    fam = family_of(addr)
    ls = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
    ls.settimeout(TIMEOUT_S)
    ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)
    ls.bind((addr, int(port)))
    ls.listen(2)
    results = []

    def serve():
        for _ in range(2):
            a, _ = ls.accept()
            a.settimeout(TIMEOUT_S)
            a.sendall(b"hello from the server")
            results.append(hashlib.sha256(recv_all(a)).digest())
            a.close()

    t = threading.Thread(target=serve)
    t.start()
    sent = []
    replies = []
    for i in range(2):
        data = bytes([48 + i]) * 5000
        c = socket.socket(fam, socket.SOCK_STREAM, IPPROTO_MPTCP)
        # Blocking: without a cookie yet, the call connects first, then sends.
        c.sendto(data, socket.MSG_FASTOPEN, (addr, int(port)))
        c.settimeout(TIMEOUT_S)
        c.shutdown(socket.SHUT_WR)
        replies.append(recv_all(c))
        sent.append(hashlib.sha256(data).digest())
        c.close()
    t.join(TIMEOUT_S)
    ls.close()
    ok = results == sent and replies == [b"hello from the server"] * 2
    return "ok" if ok else f"bad-{len(results)}-{replies}"


PROBES = {
    "fastopen": probe_fastopen,
    "keepalive": probe_keepalive,
    "disconnect": probe_disconnect,
    "abort": probe_abort,
    "async": probe_async,
    "create": probe_create,
    "refused": probe_refused,
    "sockopts": probe_sockopts,
    "peek-inq": probe_peek_inq,
    "big-writes": probe_big_writes,
    "info": probe_info,
    "path-manager": probe_path_manager,
    "fill-drain": probe_fill_drain,
}


def main(argv):
    if argv[1] == "server":
        server(*argv[2:5])
        return 0
    if argv[1] == "client":
        return client(*argv[2:7])
    print(PROBES[argv[2]](*argv[3:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
