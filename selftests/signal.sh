#!/bin/sh
# Address signalling between two namespaces running our module: the server's in-kernel path
# manager announces its second address (a "signal" endpoint, ADD_ADDR), the client echoes it
# and, within its add_addr_accepted limit, joins it. IPv4 and IPv6 (whose ADD_ADDR with HMAC
# fills a pure ACK's option space). Links are rate-limited so the transfer outlives the
# signalling.
. "$(dirname "$0")/lib.sh"

tap_plan 20

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
two_paths sig-c sig-s sveth 10.33 &&
	ip -n sig-c addr add dead:1::1/64 dev sveth1 nodad &&
	ip -n sig-s addr add dead:1::2/64 dev sveth1s nodad &&
	ip -n sig-c addr add dead:2::1/64 dev sveth2 nodad &&
	ip -n sig-s addr add dead:2::2/64 dev sveth2s nodad ||
	echo "# netns setup failed"

# The server announces its second addresses; the client takes one announcement.
ip -n sig-s mptcp endpoint add 10.33.2.2 id 1 signal &&
	ip -n sig-s mptcp endpoint add dead:2::2 id 2 signal &&
	ip -n sig-c mptcp limits set add_addr_accepted 1 subflows 1 ||
	echo "# endpoint setup failed"

tmp_joined=$(mktemp)

# transfer BYTES PORT SERVER_ADDR JOINED_ADDR FAMILY [JOINED_PORT]: client in sig-c to
# SERVER_ADDR (FAMILY 4 or 6), both ways intact; records in $tmp_joined whether the server had
# a subflow to JOINED_ADDR (at JOINED_PORT, default PORT) established during the transfer (it
# closes with the connection).
transfer() {
	: >"$tmp_joined"
	ip netns exec sig-s $peer server mptcp "$5" "$2" &
	spid=$!
	wait_listen sig-s "$2" $spid || return 1
	( for _ in $(seq 200); do
		if ip netns exec sig-s ss -Htn state established "( sport = :${6:-$2} )" |
			grep -qF " $4:" || ip netns exec sig-s ss -Htn state established "( sport = :${6:-$2} )" |
			grep -qF "[$4]:"; then
			echo up >"$tmp_joined"
			break
		fi
		sleep 0.2
	done ) &
	watch=$!
	out=$(ip netns exec sig-c $peer client mptcp "$3" "$2" "$1")
	rc=$?
	kill $watch 2>/dev/null
	wait $watch 2>/dev/null
	wait $spid || { echo "server failed"; return 1; }
	echo "$out"
	[ $rc -eq 0 ]
}

tmp_dir=$(mktemp -d)

# announced_echoed [N]: since the snap the server announced N addresses (default 1; each
# once, or twice if its echo came back after the RTO-based timer, as it can under TCG), and
# each ADD_ADDR was heard and echoed: AddAddrTx = the client's AddAddr = its EchoAddTx = the
# server's EchoAdd.
announced_echoed() {
	n=${1:-1}
	tx=$(grown sig-s AddAddrTx) echo_rx=$(grown sig-s EchoAdd)
	rx=$(grown sig-c AddAddr) echo_tx=$(grown sig-c EchoAddTx)
	echo "AddAddrTx +$tx, AddAddr +$rx, EchoAddTx +$echo_tx, EchoAdd +$echo_rx"
	[ "$tx" -ge "$n" ] && [ "$tx" -le $((2 * n)) ] && [ "$rx" -eq "$tx" ] &&
		[ "$echo_tx" -eq "$tx" ] && [ "$echo_rx" -eq "$tx" ]
}
joined_once() {
	rose sig-c MPJoinSynTx 1 MPJoinSynAckRx 1 && rose sig-s MPJoinAckRx 1 DSSNotMatching 0
}
# An IPv6 socket that is not v6-only takes subflows of either family (upstream's rule): the
# server announces both its second addresses, and the client (accepting 2) joins both.
v6_signalled() {
	announced_echoed 2 && rose sig-s AddAddrTxDrop 0 MPJoinAckRx 2 &&
		rose sig-c MPJoinSynAckRx 2 && grep -q up "$tmp_joined"
}
echoed_not_joined() {
	announced_echoed && rose sig-c MPJoinSynTx 0
}

snap sig-c sig-s
check "IPv4: a 16 MiB transfer arrives intact both ways" \
	transfer 16777216 7201 10.33.1.2 10.33.2.2 4
check "the server announced 10.33.2.2 and heard the echo (AddAddrTx, EchoAdd)" \
	announced_echoed
check "the client took the announcement and echoed it (AddAddr, EchoAddTx)" \
	rose sig-c AddAddr "$(grown sig-s AddAddrTx)" EchoAddTx "$(grown sig-s AddAddrTx)"
check "the client joined the announced address during the transfer" \
	grep -q up "$tmp_joined"
check "... with one MP_JOIN, which the server took; no broken mapping" \
	joined_once

ip -n sig-c mptcp limits set add_addr_accepted 2 subflows 2
snap sig-c sig-s
check "IPv6: a 16 MiB transfer arrives intact both ways" \
	transfer 16777216 7202 dead:1::2 dead:2::2 6
check "dead:2::2 (a 28-byte ADD_ADDR alone on an ACK) and 10.33.2.2 announced, echoed, joined" \
	v6_signalled

: with add_addr_accepted 0 the client echoes but does not join
ip -n sig-c mptcp limits set add_addr_accepted 0 subflows 1
snap sig-c sig-s
check "with add_addr_accepted 0 a transfer arrives intact" \
	transfer 4194304 7203 10.33.1.2 10.33.2.2 4
check "the client echoed the announcement and opened no subflow" \
	echoed_not_joined

events_of_removal() {
	ev_c=$(events sig-c) ev_s=$(events sig-s)
	cat "$ev_c" "$ev_s"
	[ "$(count "$ev_c" ANNOUNCED remid=1 daddr4=10.33.2.2)" -eq 1 ] &&
		[ "$(count "$ev_c" SF_ESTABLISHED daddr4=10.33.2.2 remid=1)" -eq 1 ] &&
		[ "$(count "$ev_c" REMOVED remid=1)" -eq 1 ] &&
		[ "$(count "$ev_c" SF_CLOSED daddr4=10.33.2.2)" -eq 1 ] &&
		[ "$(count "$ev_s" SF_ESTABLISHED saddr4=10.33.2.2)" -eq 1 ] &&
		[ "$(count "$ev_s" "CREATED] token")" -eq 1 ] &&
		[ "$(count "$ev_c" "CREATED] token")" -eq 1 ] &&
		[ "$(count "$ev_s" SF_CLOSED saddr4=10.33.2.2)" -eq 1 ]
}
info_after_add() {
	cat "$tmp_dir/ss-c" "$tmp_dir/ss-s"
	grep -q ' subflows:1 ' "$tmp_dir/ss-c" && grep -q ' add_addr_accepted:1 ' "$tmp_dir/ss-c" &&
		grep -q ' add_addr_signal:1 ' "$tmp_dir/ss-s" && grep -q ' subflows:1 ' "$tmp_dir/ss-s"
}

# mid_transfer PORT ACTION WAIT_BEFORE WAIT_AFTER: a 32 MiB transfer to 10.33.1.2:PORT;
# once WAIT_BEFORE holds, ACTION runs, then WAIT_AFTER must hold; the transfer intact.
mid_transfer() {
	ip netns exec sig-s $peer server mptcp 4 "$1" &
	spid=$!
	wait_listen sig-s "$1" $spid || return 1
	ip netns exec sig-c $peer client mptcp 10.33.1.2 "$1" 33554432 >"$tmp_dir/out" 2>&1 &
	cpid=$!
	ok=0
	wait_for "$3" sh -c "$3" && $2 && wait_for "$4" sh -c "$4" || ok=1
	# MPTCP_INFO over inet_diag, once the change took effect.
	ip netns exec sig-c ss -HMi >"$tmp_dir/ss-c"
	ip netns exec sig-s ss -HMi >"$tmp_dir/ss-s"
	wait $cpid || ok=1
	wait $spid || ok=1
	cat "$tmp_dir/out"
	return $ok
}

: the server removes its signal endpoint while its address is joined
ip -n sig-c mptcp limits set add_addr_accepted 1 subflows 1
has_join="ip netns exec sig-s ss -Htn state established '( sport = :7204 )' | grep -qF ' 10.33.2.2:'"
snap sig-c sig-s
monitor_start sig-c sig-s
check "an endpoint removed mid-transfer: its join closes, the transfer arrives intact" \
	mid_transfer 7204 "ip -n sig-s mptcp endpoint delete id 1" "$has_join" "! $has_join"
monitor_stop
check "the server withdrew it (RmAddrTx) and closed its subflow (RmSubflow)" \
	rose sig-s RmAddrTx 1 RmSubflow 1
check "the client took the withdrawal (RmAddr)" \
	rose sig-c RmAddr 1
check "events: the client saw it announced, joined, withdrawn and closed; the server closed it" \
	events_of_removal
check "MPTCP_INFO after the withdrawal: no extra subflow on either side" \
	sh -c "! grep -q ' subflows:' '$tmp_dir/ss-c' && ! grep -q ' subflows:' '$tmp_dir/ss-s'"

: an endpoint added to an established connection is announced and joined
has_conn="ip netns exec sig-s ss -Htn state established '( sport = :7205 )' | grep -qF ' 10.33.1.2:'"
has_join="ip netns exec sig-s ss -Htn state established '( sport = :7205 )' | grep -qF ' 10.33.2.2:'"
snap sig-c sig-s
check "an endpoint added mid-transfer is joined, the transfer arrives intact" \
	mid_transfer 7205 "ip -n sig-s mptcp endpoint add 10.33.2.2 id 3 signal" "$has_conn" "$has_join"
check "it was announced (AddAddrTx) and joined (MPJoinAckRx)" \
	announced_echoed && rose sig-s MPJoinAckRx 1
check "MPTCP_INFO: the client has one extra subflow and one accepted address, the server one announced" \
	info_after_add

: endpoints with a port: the client joins the announced address at that port
ip -n sig-s mptcp endpoint flush
ip -n sig-s mptcp endpoint add 10.33.2.2 id 5 port 10100 signal &&
	ip -n sig-s mptcp endpoint add dead:2::2 id 6 port 10101 signal ||
	echo "# port endpoint setup failed"
joined_at_port() {
	rose sig-c PortAdd "$(grown sig-c AddAddr)" MPJoinPortSynAckRx 1 &&
		rose sig-s MPJoinPortSynRx 1 MPJoinPortAckRx 1 MismatchPortSynRx 0
}
snap sig-c sig-s
check "an endpoint with a port: a 16 MiB transfer arrives intact, joined at 10.33.2.2:10100" \
	transfer 16777216 7206 10.33.1.2 10.33.2.2 4 10100
seen_joined_at_port() {
	grep -q up "$tmp_joined" && joined_at_port
}
check "... counted as a join at an announced port at each step (MPJoinPort*)" \
	seen_joined_at_port
snap sig-c sig-s
# As above, the IPv6 connection is announced both (and joins both, at their ports).
v6_port() {
	ip -n sig-c mptcp limits set add_addr_accepted 2 subflows 2 &&
		transfer 16777216 7207 dead:1::2 dead:2::2 6 10101 && grep -q up "$tmp_joined" &&
		rose sig-c PortAdd "$(grown sig-c AddAddr)" MPJoinPortSynAckRx 2 &&
		rose sig-s MPJoinPortSynRx 2 MPJoinPortAckRx 2 MismatchPortSynRx 0 &&
		announced_echoed 2 && rose sig-s AddAddrTxDrop 0
}
check "IPv6 with a port: its 30-byte ADD_ADDR goes without timestamps, joined at [dead:2::2]:10101" \
	v6_port

rm -rf "$tmp_joined" "$tmp_dir"
print_counters sig-c sig-s
cleanup_netns
tap_done
