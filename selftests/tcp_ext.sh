#!/bin/sh
# The kernel patch's TCP extension hooks, on the wire, with a test-only registrant
# (selftests/tcp_ext_test: an RFC 6994 experimental option on every segment of opted-in
# sockets; see its header). Checks option emission on SYN, SYN-ACK and data, that the
# `incoming` hook sees every segment with its header intact, that the option space is
# accounted for (data intact with SACK in play), and that other sockets are untouched.
. "$(dirname "$0")/lib.sh"

ko=$MPTCP_REPO/selftests/tcp_ext_test/tcp_ext_test.ko
stats=/sys/kernel/debug/tcp_ext_test/stats
peer="python3 $MPTCP_REPO/selftests/tcp_ext_peer.py"

tap_plan 8

unload_module # one registrant at a time
check "test registrant loads" insmod "$ko"

new_netns txA
new_netns txB
link_netns txA txa 10.8.0.1/24 txB txb 10.8.0.2/24
# Loss makes the receiver send SACK blocks, which must share the option space with ours.
ip netns exec txA tc qdisc add dev txa root netem loss 2% delay 1ms

head -c 4194304 /dev/urandom >/tmp/tx.in

# transfer PORT ULP|-: one connection, both ends opted in or not.
transfer() {
	rm -f /tmp/tx.out
	ip netns exec txB $peer server 10.8.0.2 "$1" "$2" /tmp/tx.out &
	srv=$!
	wait_listen txB "$1" $srv || return 1
	ip netns exec txA $peer client 10.8.0.2 "$1" "$2" /tmp/tx.in || { echo "client failed"; return 1; }
	wait $srv || { echo "server failed"; return 1; }
	[ "$(sha256sum </tmp/tx.in)" = "$(sha256sum </tmp/tx.out)" ] || { echo "data differs"; return 1; }
}

check "4 MiB through opted-in sockets over a lossy path, intact" transfer 7001 tcpext_test
# syn_tx synack_tx est_tx est_sized rx_with rx_without rx_bad_seq
set -- $(cat $stats)
echo "# stats: syn_tx=$1 synack_tx=$2 est_tx=$3 est_sized=$4 rx_with=$5 rx_without=$6 rx_bad_seq=$7"
check "option written on the SYN" test "$1" -ge 1
check "option written on the SYN-ACK" test "$2" -ge 1
check "option written on established segments, size queried without an skb" \
	sh -c "test $3 -gt 20 && test $4 -gt 0"
check "incoming hook saw our option on every segment, sequence echo intact" \
	sh -c "test $5 -gt 20 && test $6 -eq 0 && test $7 -eq 0"

untouched() {
	before=$(cat $stats)
	transfer 7002 - || return 1
	after=$(cat $stats)
	[ "$after" = "$before" ] || { echo "counters moved: $before -> $after"; return 1; }
}
check "sockets that did not opt in are untouched" untouched

close_and_unload() {
	i=0
	while ! rmmod tcp_ext_test 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 300 ] || { echo "module still in use"; return 1; }
		sleep 0.1
	done
}
check "test registrant unloads once its sockets are gone" close_and_unload

tap_done
