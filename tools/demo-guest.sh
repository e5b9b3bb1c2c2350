#!/bin/bash
# Guest side of `make run`. Two hosts (network namespaces "client" and "server") joined by two
# paths (veth pairs 10.0.1.0/24 and 10.0.2.0/24, the second with 20 ms of netem delay).
# Prints what works and, plainly, what does not work yet.
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

step "plain TCP over path 1, for reference (1 MiB, SHA-256 compared)"
head -c 1048576 /dev/urandom >/tmp/demo.in
ip netns exec server socat -u TCP-LISTEN:5001,bind=10.0.1.2,reuseaddr OPEN:/tmp/demo.out,creat,trunc &
srv=$!
for _ in $(seq 50); do ip netns exec server ss -Htln 'sport = :5001' | grep -q . && break; sleep 0.1; done
ip netns exec client socat -u OPEN:/tmp/demo.in TCP:10.0.1.2:5001
wait $srv
if [ "$(sha256sum </tmp/demo.in)" = "$(sha256sum </tmp/demo.out)" ]; then
	echo "  1 MiB transferred intact"
else
	echo "  transfer corrupted"
fi

step "an unmodified application asks for MPTCP: socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)"
ip netns exec client python3 - <<'PY'
import errno, socket
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
    print("  socket created: fd", s.fileno())
except OSError as e:
    print(f"  socket() failed: {errno.errorcode.get(e.errno, e.errno)} ({e.strerror})")
    print("  -> not yet: the module does not register IPPROTO_MPTCP sockets (data plane, issue 3)")
PY

step "unload"
ip netns del client
ip netns del server
rmmod mptcp && echo "  mptcp.ko unloaded; net.mptcp present afterwards: $([ -e /proc/sys/net/mptcp ] && echo yes || echo no)"
