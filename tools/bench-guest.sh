#!/bin/bash
# Guest side of tools/bench.sh: one-way bulk transfers over one veth path between two network
# namespaces, with upstream's mptcp_connect helper (-s TCP or -s MPTCP), timed, with the
# guest's busy CPU time. Prints one line per run:
#   RESULT <label> <mode> <run> <bytes> <nanoseconds> <busy-jiffies>
# or "RESULT <label> <mode> unavailable <why>" when that socket type cannot be created.
set -u
label=$1
shift
helper=$MPTCP_BENCH_HELPERS/mptcp_connect
mb=${MPTCP_BENCH_MB:-128}
runs=${MPTCP_BENCH_RUNS:-3}

[ -n "${MPTCP_BENCH_LOAD_MODULE:-}" ] && { insmod "$MPTCP_REPO/mptcp.ko" || exit 1; }

ip netns add bA
ip netns add bB
ip link add ba netns bA type veth peer name bb netns bB
ip -n bA addr add 10.7.0.1/24 dev ba
ip -n bB addr add 10.7.0.2/24 dev bb
for ns in bA bB; do ip -n $ns link set lo up; done
ip -n bA link set ba up
ip -n bB link set bb up
head -c $((mb * 1048576)) /dev/urandom >/tmp/bench.in

busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

port=20000
for mode in "$@"; do
	for run in $(seq "$runs"); do
		port=$((port + 1))
		ip netns exec bB "$helper" -l -p $port -s "$mode" -t 120 0.0.0.0 </dev/null >/tmp/bench.out 2>/tmp/bench.err &
		srv=$!
		up=0
		for _ in $(seq 100); do
			ip netns exec bB ss -Htln "sport = :$port" | grep -q . && { up=1; break; }
			kill -0 $srv 2>/dev/null || break
			sleep 0.1
		done
		if [ $up = 0 ]; then
			echo "RESULT $label $mode unavailable $(head -n1 /tmp/bench.err | tr ' ' '_')"
			kill $srv 2>/dev/null
			wait $srv 2>/dev/null
			break
		fi
		c0=$(busy_jiffies)
		t0=$(date +%s%N)
		ip netns exec bA "$helper" -p $port -s "$mode" -t 120 10.7.0.2 </tmp/bench.in >/dev/null
		wait $srv
		t1=$(date +%s%N)
		c1=$(busy_jiffies)
		got=$(stat -c %s /tmp/bench.out)
		if ! cmp -s /tmp/bench.in /tmp/bench.out; then
			echo "RESULT $label $mode corrupt received_$got"
			continue
		fi
		echo "RESULT $label $mode $run $got $((t1 - t0)) $((c1 - c0))"
	done
done
[ -n "${MPTCP_BENCH_LOAD_MODULE:-}" ] && rmmod mptcp
exit 0
