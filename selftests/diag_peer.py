#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What selftests/diag.sh checks, with sockets held open while ss looks at them.

  diag_peer.py pair [mptcp|tcp]   an MPTCP client connected to a listener (MPTCP, or plain
                                  TCP for a fallback); prints one "name=value" line per fact
                                  that ss, /proc/net/protocols and the counters report
"""
import re
import socket
import subprocess
import sys

IPPROTO_MPTCP = 262
PORT = 10555


def sh(*argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout


def inuse():
    for line in open("/proc/net/protocols"):
        f = line.split()
        if f and f[0] == "MPTCP":
            return int(f[2])
    return -1


def curr_estab():
    rows = [l.split() for l in open("/proc/net/mptcp_netstat")]
    return int(rows[1][rows[0].index("MPCurrEstab")])


def main():
    server_proto = IPPROTO_MPTCP if sys.argv[2:] != ["tcp"] else socket.IPPROTO_TCP
    lsk = socket.socket(socket.AF_INET, socket.SOCK_STREAM, server_proto)
    lsk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsk.bind(("127.0.0.1", PORT))
    lsk.listen(8)
    print(f"listeners={len(sh('ss', '-HMl', f'sport = :{PORT}').splitlines())}")
    cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    cli.settimeout(30)
    cli.connect(("127.0.0.1", PORT))
    srv, _ = lsk.accept()
    cli.sendall(b"x")
    srv.recv(1)
    srv.sendall(b"y")
    cli.recv(1)
    estab = sh("ss", "-HMin", "state", "established")
    # With a state filter ss prints no state column; socket lines are the unindented ones.
    sockets = [line for line in estab.splitlines() if line and not line[0].isspace()]
    print(f"msk_estab={len(sockets)}")
    print(f"msk_tokens={' '.join(sorted(re.findall(r'token:([0-9a-f]+)', estab)))}")
    print(f"fallbacks={estab.count('fallback')}")
    print(f"client_sport_matches={int(str(cli.getsockname()[1]) in sh('ss', '-HMn', f'dport = :{PORT}'))}")
    # Subflows: "token:REMOTE(id:0)/LOCAL(id:0)", as ss prints the ULP info.
    sub = sh("ss", "-Htin", f"( sport = :{PORT} or dport = :{PORT} )")
    pairs = re.findall(r"token:([0-9a-f]+)\(id:0\)/([0-9a-f]+)\(id:0\)", sub)
    print(f"subflow_token_pairs={' '.join(sorted(f'{r}/{l}' for r, l in pairs))}")
    print(f"inuse={inuse()}")
    print(f"curr_estab={curr_estab()}")
    for s in (cli, srv, lsk):
        s.close()
    print(f"inuse_after_close={inuse()}")
    print(f"curr_estab_after_close={curr_estab()}")


if __name__ == "__main__":
    main()
