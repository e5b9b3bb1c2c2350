#!/usr/bin/env bash
# `make interop`: our kernel + mptcp.ko against upstream Linux MPTCP.
#
# 1. Against `make kernel-upstream` in a second guest: the two guests are joined by one virtio
#    link that QEMU carries over a TCP connection on the host's loopback.
# 2. Against the host's own kernel, when it has MPTCP: our guest's NIC is a tap in a network
#    namespace this script creates (and removes), where the host side of each case runs.
#
# Each case moves MPTCP_INTEROP_MB MiB (default 64) each way and compares SHA-256 on both ends
# (tools/interop-guest.sh has the case list). One line per case, the peers' diagnostics
# ("# ..."), and a closing "N passed, N failed" over both runs. For a quick look at some cases:
# MPTCP_INTEROP_ONLY='<shell pattern>' selects cases by name, MPTCP_INTEROP_HOST=0 skips run 2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

two_kernel_setup interop
export MPTCP_INTEROP_HELPERS=$helpers

# summarise LABEL OURS_LOG PEER_LOG OURS_RC PEER_RC: one line per case; "passed failed" last.
summarise() {
	python3 - "$@" <<'PY'
import sys
lines = {}
notes = []
label = sys.argv[1]
for side, path in (("ours", sys.argv[2]), ("peer", sys.argv[3])):
    try:
        for l in open(path):
            f = l.split()
            if f and f[0] == "CASE":
                lines[(f[1], f[2])] = f[3:]
            elif l.startswith("# "):
                notes.append(f"# {label}{side}: {l[2:].rstrip()}")
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
        print(f"FAIL: {label}{name} (our side cannot create MPTCP sockets)")
        failed += 1
        continue
    # Fields: status, sha256 sent, sha256 received, counter delta (or -).
    ok = bool(srv and cli and srv[0] == "0" and cli[0] == "0")
    to_server = ok and srv[2] == cli[1]
    to_client = ok and cli[2] == srv[1]
    ok = ok and to_server and to_client
    why = "" if ok else (f" (server {srv[0] if srv else 'missing'}, client {cli[0] if cli else 'missing'},"
                         f" client->server {'same' if to_server else 'differs'},"
                         f" server->client {'same' if to_client else 'differs'})")
    # The counters that must have risen (client's, then server's).
    for role, f in (("client", cli), ("server", srv)):
        if ok and len(f) > 3 and f[3] != "-":
            counter, delta = f[3].split("=")
            ok = int(delta) > 0
            why = "" if ok else f" (the {role}'s MPTcpExt{counter} did not rise)"
    print(f"{'ok' if ok else 'FAIL'}: {label}{name}{why}")
    passed += ok
    failed += not ok
# Errors either side counted: corrupted data, broken mappings, failures signalled.
errors = ("DataCsumErr", "DSSNotMatching", "DSSNoMatchTCP", "MPFailRx", "MPFailTx", "InfiniteMapRx",
          "DSSCorruptionFallback", "DSSCorruptionReset")
bad = [n for n in notes if any(f"MPTcpExt{e} " in n for e in errors)]
print(f"{'FAIL' if bad else 'ok'}: {label}no protocol errors counted on either side{': ' + '; '.join(bad) if bad else ''}")
passed += not bad
failed += bool(bad)
for side, rc in (("ours", sys.argv[4]), ("peer", sys.argv[5])):
    if rc != "0":
        print(f"FAIL: {label}{side} side exited {rc} (timeout, crash or kernel report)")
        failed += 1
print("\n".join(notes))
print(f"{passed} {failed}")
PY
}

# --- 1. upstream's kernel in a second guest
# A free loopback port for the link.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$here/vm.sh" -q -c 1 -k "$ours" -t 1500 -o "$out/ours" -n "socket,listen=127.0.0.1:$port" -- \
	env MPTCP_INTEROP_ONLY="${MPTCP_INTEROP_ONLY:-*}" MPTCP_INTEROP_TCPDUMP="${MPTCP_INTEROP_TCPDUMP:-0}" \
	"$here/interop-guest.sh" ours &
ours_pid=$!
# The listening side must be up before the other guest connects its end of the link.
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null && break
	sleep 0.2
done
set +e
"$here/vm.sh" -q -c 1 -k "$upstream" -t 1500 -o "$out/upstream" -n "socket,connect=127.0.0.1:$port" -- \
	env MPTCP_INTEROP_ONLY="${MPTCP_INTEROP_ONLY:-*}" "$here/interop-guest.sh" upstream
up_rc=$?
wait $ours_pid
ours_rc=$?
set -e
summarise "" "$out/ours/output.log" "$out/upstream/output.log" "$ours_rc" "$up_rc" >"$out/summary"
totals=$(tail -n 1 "$out/summary")
sed '$d' "$out/summary"

# --- 2. the host's own MPTCP
if [ "${MPTCP_INTEROP_HOST:-1}" = 0 ]; then
	echo "skip: our guest against the host's own MPTCP (MPTCP_INTEROP_HOST=0)"
elif [ "$(cat /proc/sys/net/mptcp/enabled 2>/dev/null)" = 1 ] && [ -c /dev/net/tun ]; then
	ns=mptcp-rs-interop-$$
	cleanup_host() { ip netns del "$ns" 2>/dev/null || true; }
	trap cleanup_host EXIT
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" tuntap add dev mrs-tap0 mode tap
	mkdir -p "$out/host-peer"
	ip netns exec "$ns" "$here/vm.sh" -q -c 1 -k "$ours" -t 1500 -o "$out/host-ours" \
		-n "tap,ifname=mrs-tap0,script=no,downscript=no" -- \
		env MPTCP_INTEROP_NET4=10.201.0 MPTCP_INTEROP_NET6=fd00:201: \
		MPTCP_INTEROP_ONLY="${MPTCP_INTEROP_ONLY:-*}" "$here/interop-guest.sh" ours &
	ours_pid=$!
	set +e
	MPTCP_INTEROP_DEV=mrs-tap0 MPTCP_INTEROP_NET4=10.201.0 MPTCP_INTEROP_NET6=fd00:201: \
		MPTCP_INTEROP_TMP="$out/host-peer" timeout 1500 \
		ip netns exec "$ns" "$here/interop-guest.sh" upstream >"$out/host-peer/output.log" 2>&1
	host_rc=$?
	wait $ours_pid
	ours_rc=$?
	set -e
	rm -f "$out/host-peer/send.bin" "$out/host-peer/recv.bin"
	summarise "host $(uname -r): " "$out/host-ours/output.log" "$out/host-peer/output.log" \
		"$ours_rc" "$host_rc" >"$out/summary"
	sed '$d' "$out/summary"
	read -r p1 f1 <<<"$totals"
	read -r p2 f2 < <(tail -n 1 "$out/summary")
	totals="$((p1 + p2)) $((f1 + f2))"
else
	echo "skip: our guest against the host's own MPTCP (the host kernel has no MPTCP, or no /dev/net/tun)"
fi
read -r passed failed <<<"$totals"
echo "$passed passed, $failed failed"
