#!/bin/bash
# Guest side of `make run`. Two hosts (network namespaces "client" and "server") joined by two
# paths (veth pairs 10.0.1.0/24 and 10.0.2.0/24, the second with 20 ms of netem delay).
# Moves real data over MPTCP and prints what works and, plainly, what does not work yet.
set -u
ko="$MPTCP_REPO/mptcp.ko"
step() { printf '\n== %s\n' "$*"; }

step "load mptcp.ko"
insmod "$ko" || exit 1
dmesg | grep -E 'MPTCP v' | sed 's/^/  dmesg: /'
modinfo -F alias "$ko" | sed 's/^/  autoload alias: /'
for r in /sys/kernel/debug/kunit/mptcp_*/results; do
	[ -r "$r" ] || continue
	suite=${r%/results}
	echo "  KUnit ${suite##*/}: $(grep -cE '^\s+ok ' "$r") passed, $(grep -cE '^\s+not ok ' "$r") failed"
done
echo "  counters: /proc/net/mptcp_netstat serves $(head -n1 /proc/net/mptcp_netstat | wc -w | awk '{print $1 - 1}') MPTcpExt names"
grep -q ' tcp_ext_register$' /proc/kallsyms && echo "  kernel: TCP extension hooks present (claimed by mptcp.ko)"

step "two hosts, two paths"
ip netns add client
ip netns add server
for ns in client server; do ip -n $ns link set lo up; done
for p in 1 2; do
	ip link add "c$p" netns client type veth peer name "s$p" netns server
	ip -n client addr add "10.0.$p.1/24" dev "c$p"
	ip -n server addr add "10.0.$p.2/24" dev "s$p"
	ip -n client link set "c$p" up
	ip -n server link set "s$p" up
done
ip netns exec client tc qdisc add dev c2 root netem delay 20ms
for p in 1 2; do
	if ip netns exec client ping -c1 -W5 "10.0.$p.2" >/dev/null; then
		echo "  path $p (10.0.$p.1 -> 10.0.$p.2): up"
	else
		echo "  path $p: DOWN"
	fi
done

step "per-namespace sysctl net.mptcp.enabled"
for ns in client server; do
	echo "  $ns: $(ip netns exec $ns sysctl -n net.mptcp.enabled)"
done

# counters NS: the namespace's non-zero MPTcpExt counters on one line.
counters() {
	ip netns exec "$1" awk 'NR == 1 { for (i = 2; i <= NF; i++) n[i] = $i }
		NR == 2 { for (i = 2; i <= NF; i++) if ($i != 0) printf " %s=%s", n[i], $i; print "" }' \
		/proc/net/mptcp_netstat
}

# transfer TITLE CLIENT-SOCAT-ADDRESS SERVER-SOCAT-ADDRESS PORT: 4 MiB client -> server.
transfer() {
	step "$1 (4 MiB, SHA-256 compared)"
	head -c 4194304 /dev/urandom >/tmp/demo.in
	ip netns exec server socat -u "$3:$4,bind=10.0.1.2,reuseaddr" OPEN:/tmp/demo.out,creat,trunc &
	srv=$!
	for _ in $(seq 50); do ip netns exec server ss -Htln "sport = :$4" | grep -q . && break; sleep 0.1; done
	ip netns exec client socat -u OPEN:/tmp/demo.in "$2:10.0.1.2:$4"
	wait $srv
	report
}

# report: whether /tmp/demo.out is /tmp/demo.in, and each side's counters.
report() {
	if [ "$(sha256sum </tmp/demo.in)" = "$(sha256sum </tmp/demo.out)" ]; then
		echo "  $(($(stat -c %s /tmp/demo.in) / 1048576)) MiB transferred intact"
	else
		echo "  transfer corrupted"
	fi
	echo "  client counters:$(counters client)"
	echo "  server counters:$(counters server)"
}

transfer "plain TCP over path 1, for reference" TCP TCP-LISTEN 5001

# socat has no MPTCP address type: an unmodified socat gets MPTCP from transparent mode.
for ns in client server; do ip netns exec $ns sysctl -qw net.mptcp.transparent=1; done
transfer "unmodified socat, MPTCP through transparent mode (net.mptcp.transparent=1)" \
	TCP TCP-LISTEN 5002
echo "  (MPCapable* counters: the handshake was MPTCP on both ends)"

# Several subflows: an application that asks for MPTCP itself (selftests/msk_peer.py:
# socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP), 16 MiB to the server, which sends it back
# with its SHA-256; its server keeps listening, which joins need: socat closes its listener
# after accept(), and a join to a port nobody listens on is reset, as with upstream).
for ns in client server; do ip netns exec $ns sysctl -qw net.mptcp.transparent=0; done
peer="python3 $MPTCP_REPO/selftests/msk_peer.py"
ip -n server mptcp endpoint add 10.0.2.2 dev s2 signal
ip -n client mptcp limits set add_addr_accepted 1 subflows 2
ip netns exec client tc qdisc add dev c1 root netem rate 20mbit
ip netns exec client tc qdisc change dev c2 root netem delay 5ms rate 20mbit
# subflows NS PORT: the namespace's TCP subflows on PORT with their byte counts.
subflows() {
	ip netns exec "$1" ss -Htni "( sport = :$2 or dport = :$2 )" | awk '
		/^[A-Z]/ { conn = $4 " -> " $5 }
		/bytes_/ { s = ""; for (i = 1; i <= NF; i++) if ($i ~ /^bytes_(acked|received):/) s = s " " $i
			print "    " conn s }'
}
# Both paths carry data (the msk's scheduler); then path 1, the first subflow's, is cut:
# what it held goes again over path 2 (MPTCP-level reinjection) and the data arrives intact.
step "the server announces 10.0.2.2, the client joins it; both paths carry data, then path 1 is cut"
ip netns exec server $peer server mptcp 4 5004 &
srv=$!
for _ in $(seq 50); do ip netns exec server ss -Htln "sport = :5004" | grep -q . && break; sleep 0.1; done
ip netns exec client $peer client mptcp 10.0.1.2 5004 16777216 >/tmp/demo.result &
cli=$!
# Cut once each path carried 2 MiB (polled, 60 s at most).
cut=no
for _ in $(seq 600); do
	sent=$(ip netns exec client ss -Htni "( dport = :5004 )" |
		sed -n 's/.*bytes_acked:\([0-9]*\).*/\1/p' | sort -n | head -n1)
	n=$(ip netns exec client ss -Htn "( dport = :5004 )" | wc -l)
	[ "$n" -ge 2 ] && [ "${sent:-0}" -ge 2097152 ] && cut=yes && break
	sleep 0.1
done
echo "  the client's subflows before the cut:"
subflows client 5004
if [ $cut = yes ]; then
	ip -n server link set s1 down
	echo "  path 1 is down (ip link set s1 down in the server's namespace)"
	sleep 3
	echo "  the client's subflows 3 s after the cut (path 1's stalled, path 2's carrying on):"
	subflows client 5004
else
	echo "  NOT CUT: the second subflow did not come up (or carried too little) in time"
fi
wait $cli
wait $srv
echo "  16 MiB each way: $(cat /tmp/demo.result) (sha-ok echo-ok: intact both ways)"
echo "  client counters:$(counters client)"
echo "  server counters:$(counters server)"
ip -n server link set s1 up

step "unload"
ip netns del client
ip netns del server
# The cut path's subflow may linger a while (retransmitting its FIN into a link that was
# down): each socket holds the module, so unloading waits for them (60 s at most).
for _ in $(seq 60); do
	rmmod mptcp 2>/dev/null && break
	sleep 1
done
lsmod | grep -q '^mptcp ' && echo "  mptcp.ko still in use after 60 s" && exit 1
echo "  mptcp.ko unloaded; net.mptcp present afterwards: $([ -e /proc/sys/net/mptcp ] && echo yes || echo no)"
