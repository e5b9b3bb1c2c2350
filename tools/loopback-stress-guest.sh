#!/bin/sh
# Guest side of a debugging aid (not part of any make target): upstream's mptcp_connect
# between two of our MPTCP sockets over loopback in one namespace, 15 times each over IPv4
# and IPv6, 3 MB and 2.5 MB each way at once; prints the failures and the namespace's
# nonzero MPTcpExt counters. Usage, from the host:
#   tools/vm.sh -k "$(tools/kernel.sh ours)" -t 600 -- "$PWD/tools/loopback-stress-guest.sh" \
#       "$(tools/kernel.sh ours)/mptcp-selftests/net/mptcp/mptcp_connect" "-m mmap" 0
# Arguments: the mptcp_connect binary, extra mptcp_connect options, 1 for DSS checksums.
helper=$1
extra=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
insmod "$here/../mptcp.ko" || exit 1
ip netns add stress
ip -n stress link set lo up
[ "${3:-0}" = 1 ] && ip netns exec stress sysctl -qw net.mptcp.checksum_enabled=1
head -c 3000000 /dev/urandom >/tmp/in1
head -c 2500000 /dev/urandom >/tmp/in2
fails=0
for i in $(seq 1 15); do
	for fam in 4 6; do
		port=$((12000 + i * 2 + fam))
		if [ $fam = 6 ]; then to=::1 f=-6 any=::; else to=127.0.0.1 f= any=0.0.0.0; fi
		ip netns exec stress timeout 60 "$helper" $f -l -p $port -s MPTCP -t 20 $extra $any \
			</tmp/in1 >/tmp/out1 2>/tmp/err1 &
		spid=$!
		sleep 0.3
		ip netns exec stress timeout 60 "$helper" $f -p $port -s MPTCP -t 20 $extra $to \
			</tmp/in2 >/tmp/out2 2>/tmp/err2
		crc=$?
		wait $spid
		src=$?
		if [ $crc != 0 ] || [ $src != 0 ] || ! cmp -s /tmp/in1 /tmp/out2 || ! cmp -s /tmp/in2 /tmp/out1; then
			fails=$((fails + 1))
			echo "FAIL $i v$fam: client $crc server $src; $(cat /tmp/err1 /tmp/err2 | tr '\n' ' ')"
		fi
	done
done
echo "$fails of 30 failed"
ip netns exec stress cat /proc/net/mptcp_netstat | awk 'NR == 1 { for (i = 2; i <= NF; i++) n[i] = $i }
	NR == 2 { for (i = 2; i <= NF; i++) if ($i != 0) printf "%s %s\n", n[i], $i }'
ip netns del stress
rmmod mptcp
[ $fails = 0 ]
