#!/bin/sh
# Additional subflows (MP_JOIN) between two namespaces running our module: the client's
# in-kernel path manager opens a second subflow from its "subflow" endpoint, the server
# answers the join and takes the subflow's bytes into the connection's stream. Links are
# rate-limited (as upstream's mptcp_join.sh does) so the transfer outlives the handshake.
. "$(dirname "$0")/lib.sh"

tap_plan 13

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
two_paths join-c join-s jveth 10.32 || echo "# netns setup failed"

# The client's second address is a "subflow" endpoint; the server takes up to 2 more subflows
# (the default limit).
ip -n join-c mptcp endpoint add 10.32.2.1 dev jveth2 subflow ||
	echo "# endpoint setup failed"

# transfer BYTES PORT [ADDR]: client in join-c to the server's first address (or ADDR), both
# ways intact; records whether the server had the join from $join_from (default the client's
# second address) established meanwhile.
transfer() {
	ip netns exec join-s $peer server mptcp 4 "$2" &
	spid=$!
	wait_listen join-s "$2" $spid || return 1
	# The server's subflow from the client's second address, seen established during the
	# transfer (it closes with the connection). Our sender has no scheduler yet: both ends
	# send on their first subflow, and a join carries data only from an upstream peer
	# (tools/interop.sh).
	( for _ in $(seq 200); do
		if ip netns exec join-s ss -Htn state established "( dst ${join_from:-10.32.2.1} and sport = :$2 )" |
			grep -q .; then
			echo up >"$tmp_joined"
			break
		fi
		sleep 0.2
	done ) &
	watch=$!
	out=$(ip netns exec join-c $peer client mptcp "${3:-10.32.1.2}" "$2" "$1")
	rc=$?
	kill $watch 2>/dev/null
	wait $watch 2>/dev/null
	wait $spid || { echo "server failed"; return 1; }
	echo "$out"
	[ $rc -eq 0 ]
}

tmp_joined=$(mktemp)
c_syn=$(counter join-c MPJoinSynTx) c_synack=$(counter join-c MPJoinSynAckRx)
s_syn=$(counter join-s MPJoinSynRx) s_ack=$(counter join-s MPJoinAckRx)
check "a 24 MiB transfer with a second subflow arrives intact both ways" \
	transfer 25165824 7101
check "the client sent one MP_JOIN SYN and got a valid SYN/ACK" \
	sh -c "[ $(($(counter join-c MPJoinSynTx) - c_syn)) -eq 1 ] &&
		[ $(($(counter join-c MPJoinSynAckRx) - c_synack)) -eq 1 ]"
check "the server answered it and checked the third ACK's HMAC" \
	sh -c "[ $(($(counter join-s MPJoinSynRx) - s_syn)) -eq 1 ] &&
		[ $(($(counter join-s MPJoinAckRx) - s_ack)) -eq 1 ]"
check "the server had the joined subflow established during the transfer" \
	grep -q up "$tmp_joined"
check "no subflow was reset for a broken mapping" \
	sh -c "[ $(counter join-s DSSNotMatching) -eq 0 ] && [ $(counter join-c DSSNotMatching) -eq 0 ]"

# An IPv4-mapped connection (AF_INET6 sockets, IPv4 on the wire) joins from the IPv4 endpoint.
mapped_transfer() {
	c0=$(counter join-c MPJoinSynAckRx) s0=$(counter join-s MPJoinAckRx)
	transfer 8388608 7103 ::ffff:10.32.1.2 || return 1
	c1=$(counter join-c MPJoinSynAckRx) s1=$(counter join-s MPJoinAckRx)
	echo "client MPJoinSynAckRx +$((c1 - c0)), server MPJoinAckRx +$((s1 - s0))"
	[ $((c1 - c0)) -eq 1 ] && [ $((s1 - s0)) -eq 1 ]
}
check "an IPv4-mapped connection is joined from the IPv4 endpoint, transfer intact" \
	mapped_transfer
: as upstream, the server answers the SYN and refuses the join
# at its third ACK (a reset, "administratively prohibited"); the connection goes on over the
# first subflow.
ip -n join-s mptcp limits set subflows 0 add_addr_accepted 0
s_rej=$(counter join-s MPJoinRejected) s_ack=$(counter join-s MPJoinAckRx)
c_synack=$(counter join-c MPJoinSynAckRx)
check "with the server's subflow limit at 0 a transfer still arrives intact" \
	transfer 4194304 7102
check "the server refused the join at its third ACK (MPJoinRejected, no MPJoinAckRx)" \
	sh -c "[ $(($(counter join-s MPJoinRejected) - s_rej)) -eq 1 ] &&
		[ $(($(counter join-s MPJoinAckRx) - s_ack)) -eq 0 ] &&
		[ $(($(counter join-c MPJoinSynAckRx) - c_synack)) -eq 1 ]"

: a join the server resets leaves the connection, and the next endpoint takes its place
# (the client takes one join at a time; its first endpoint's SYN is answered with a reset).
next_endpoint() {
	ip -n join-s mptcp limits set subflows 2 add_addr_accepted 0 &&
		ip -n join-c mptcp limits set subflows 1 add_addr_accepted 0 &&
		ip -n join-c addr add 10.32.2.11/24 dev jveth2 &&
		ip -n join-c mptcp endpoint add 10.32.2.11 dev jveth2 subflow &&
		ip netns exec join-s iptables -A INPUT -s 10.32.2.1 -p tcp --dport 7104 \
			-j REJECT --reject-with tcp-reset || return 1
	: >"$tmp_joined"
	c0=$(counter join-c MPJoinSynTx) s0=$(counter join-s MPJoinAckRx)
	join_from=10.32.2.11 transfer 8388608 7104 || return 1
	c1=$(counter join-c MPJoinSynTx) s1=$(counter join-s MPJoinAckRx)
	echo "client MPJoinSynTx +$((c1 - c0)), server MPJoinAckRx +$((s1 - s0))"
	[ $((c1 - c0)) -eq 2 ] && [ $((s1 - s0)) -eq 1 ]
}
check "a join reset at its SYN is replaced by the next endpoint's, transfer intact" \
	next_endpoint
check "... whose join from 10.32.2.11 the server had established during the transfer" \
	grep -q up "$tmp_joined"
: with SYN cookies forced on the server, the join request is kept by cookie until its third ACK
# (no request socket); with no room for it, its SYN is dropped, as upstream does.
cookie_join() {
	ip netns exec join-s iptables -F INPUT &&
		ip netns exec join-s sysctl -qw net.ipv4.tcp_syncookies=2 || return 1
	: >"$tmp_joined"
	snap join-c join-s
	transfer 8388608 7105 && rose join-c MPJoinSynAckRx 1 && rose join-s MPJoinAckRx 1
}
check "a join answered with a SYN cookie is checked at its third ACK, transfer intact" \
	cookie_join
check "... and the server had it established during the transfer" \
	grep -q up "$tmp_joined"
cookie_full() {
	ip -n join-s mptcp limits set subflows 0 add_addr_accepted 0 || return 1
	snap join-c join-s
	transfer 4194304 7106 && rose join-c MPJoinSynAckRx 0 && grew join-s MPJoinRejected
}
check "with SYN cookies and no room, the join's SYN is dropped (MPJoinRejected), transfer intact" \
	cookie_full
rm -f "$tmp_joined"

print_counters join-c join-s
cleanup_netns
tap_done
