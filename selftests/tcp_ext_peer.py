#!/usr/bin/env python3
"""Tiny TCP peer for tcp_ext.sh: optionally opts its socket into the tcpext_test ULP.

  tcp_ext_peer.py server ADDR PORT ULP|- OUTFILE   (accepts one connection)
  tcp_ext_peer.py client ADDR PORT ULP|- INFILE
"""
import socket
import sys

TCP_ULP = 31  # include/uapi/linux/tcp.h


def opt_in(sock, ulp):
    if ulp != "-":
        sock.setsockopt(socket.IPPROTO_TCP, TCP_ULP, ulp.encode())


def main():
    role, addr, port, ulp = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if role == "server":
        out = sys.argv[5]
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((addr, port))
        opt_in(srv, ulp)
        srv.listen(1)
        srv.settimeout(120)
        conn, _ = srv.accept()
        conn.settimeout(120)
        with open(out, "wb") as f:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                f.write(data)
        conn.close()
    else:
        data = open(sys.argv[5], "rb").read()
        cli = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        opt_in(cli, ulp)
        cli.settimeout(120)
        cli.connect((addr, port))
        cli.sendall(data)
        cli.shutdown(socket.SHUT_WR)
        cli.recv(1)
        cli.close()


if __name__ == "__main__":
    main()
