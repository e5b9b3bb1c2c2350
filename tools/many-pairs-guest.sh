#!/bin/bash
# Guest side of a debugging aid (not part of any make target): N MPTCP connection pairs of
# upstream's mptcp_connect started at once over loopback in one namespace, as diag.sh's
# "many" step does; prints how far they got, TCP's and MPTCP's nonzero counters while they
# run and after all exited (retransmission timeouts, aborts and resets are what to look for).
# Runs on our kernel (loads mptcp.ko) or on upstream's (built-in MPTCP). Usage, from the host:
#   k=$(tools/kernel.sh ours)   # or upstream
#   tools/vm.sh -k "$k" -t 600 -- "$PWD/tools/many-pairs-guest.sh" \
#       "$k/mptcp-selftests/net/mptcp/mptcp_connect"      (build it: tools/selftest-helpers.sh "$k")
# MPTCP_PAIRS (default 100) and MPTCP_WAIT_S (each end's wait before it shuts down, default
# 20) tune it; tools/vm.sh passes MPTCP_* variables into the guest.
helper=$1
here=$(cd "$(dirname "$0")" && pwd)
[ -d /proc/sys/net/mptcp ] || insmod "$here/../mptcp.ko" || exit 1
n_pairs=${MPTCP_PAIRS:-100}
wait_s=${MPTCP_WAIT_S:-20}
ip netns add pairs
ip -n pairs link set lo up

counters() {
	ip netns exec pairs nstat -a | awk '$2 != 0 && $1 ~ /^Tcp/ { printf "%s=%s ", $1, $2 }'
	echo
	f=/proc/net/mptcp_netstat
	[ -f $f ] || f=/proc/net/netstat
	ip netns exec pairs awk '$1 ~ /^MPTcpExt/ && NR % 2 == 1 { split($0, n) }
		$1 ~ /^MPTcpExt/ && NR % 2 == 0 { for (i = 2; i <= NF; i++) if ($i != 0) printf "%s=%s ", n[i], $i }' $f
	echo
}

for i in $(seq 1 "$n_pairs"); do
	echo a | timeout 120 ip netns exec pairs "$helper" -p $((i + 10001)) -l -w "$wait_s" -t 60 \
		0.0.0.0 >/dev/null &
done
for t in $(seq 60); do
	up=$(ip netns exec pairs ss -Hltn | wc -l)
	[ "$up" -ge "$n_pairs" ] && break
	sleep 1
done
echo "listeners: $up after $t s"
ip netns exec pairs nstat -n
for i in $(seq 1 "$n_pairs"); do
	echo b | timeout 120 ip netns exec pairs "$helper" -p $((i + 10001)) -w "$wait_s" -t 60 \
		127.0.0.1 >/dev/null &
done
max=0
for t in $(seq 30); do
	msk=$(ss -inmHMN pairs | grep -c token:)
	[ "$msk" -gt "$max" ] && max=$msk
	[ "$msk" -ge $((2 * n_pairs)) ] && break
	sleep 1
done
echo "MPTCP sockets with a token: at most $max of $((2 * n_pairs)) (30 s)"
wait
echo "after all exited:"
counters
