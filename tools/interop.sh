#!/usr/bin/env bash
# `make interop`: our kernel + mptcp.ko against upstream Linux MPTCP (`make kernel-upstream`),
# two guests joined by one virtio link that QEMU carries over a TCP connection on the host's
# loopback. Each case moves MPTCP_INTEROP_MB MiB (default 64) each way and compares SHA-256 on
# both ends.
# One line per case, the guests' diagnostics ("# ..."), and a closing "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

two_kernel_setup interop
export MPTCP_INTEROP_HELPERS=$helpers

# A free loopback port for the link.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$here/vm.sh" -q -c 1 -k "$ours" -t 1500 -o "$out/ours" -n "socket,listen=127.0.0.1:$port" -- \
	"$here/interop-guest.sh" ours &
ours_pid=$!
# The listening side must be up before the other guest connects its end of the link.
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null && break
	sleep 0.2
done
set +e
"$here/vm.sh" -q -c 1 -k "$upstream" -t 1500 -o "$out/upstream" -n "socket,connect=127.0.0.1:$port" -- \
	"$here/interop-guest.sh" upstream
up_rc=$?
wait $ours_pid
ours_rc=$?
set -e

python3 - "$out/ours/output.log" "$out/upstream/output.log" "$ours_rc" "$up_rc" <<'PY'
import sys
lines = {}
notes = []
for side, path in (("ours", sys.argv[1]), ("upstream", sys.argv[2])):
    try:
        for l in open(path):
            f = l.split()
            if f and f[0] == "CASE":
                lines[(f[1], f[2])] = f[3:]
            elif l.startswith("# "):
                notes.append(f"# {side}: {l[2:].rstrip()}")
    except OSError:
        pass
names = []
for (name, _role) in lines:
    if name not in names:
        names.append(name)
passed = failed = 0
for name in names:
    srv, cli = lines.get((name, "server")), lines.get((name, "client"))
    if (srv and srv[0] == "skip") or (cli and cli[0] == "skip"):
        print(f"FAIL: {name} (our side cannot create MPTCP sockets yet)")
        failed += 1
        continue
    # Fields: status, sha256 sent, sha256 received[, counter delta on the client].
    ok = bool(srv and cli and srv[0] == "0" and cli[0] == "0")
    to_server = ok and srv[2] == cli[1]
    to_client = ok and cli[2] == srv[1]
    ok = ok and to_server and to_client
    why = "" if ok else (f" (server {srv[0] if srv else 'missing'}, client {cli[0] if cli else 'missing'},"
                         f" client->server {'same' if to_server else 'differs'},"
                         f" server->client {'same' if to_client else 'differs'})")
    if ok and cli[3] != "-":
        counter, delta = cli[3].split("=")
        ok = int(delta) > 0
        why = "" if ok else f" (the client's MPTcpExt{counter} did not rise)"
    print(f"{'ok' if ok else 'FAIL'}: {name}{why}")
    passed += ok
    failed += not ok
for side, rc in (("ours", sys.argv[3]), ("upstream", sys.argv[4])):
    if rc != "0":
        print(f"FAIL: guest '{side}' exited {rc} (timeout, crash or kernel report)")
        failed += 1
print("\n".join(notes))
print(f"{passed} passed, {failed} failed")
PY
