#!/bin/sh
# Path failure: two namespaces running our module, joined by two links; the client's in-kernel
# path manager opens a second subflow, and the msk's scheduler sends on both. One link goes
# down mid-transfer (the join's, then the first subflow's), or the first subflow is reset: the
# bytes the dead subflow held go again over the other (MPTCP-level reinjection), and the
# transfer arrives intact both ways.
. "$(dirname "$0")/lib.sh"

tap_plan 17

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
two_paths fo-c fo-s fveth 10.34 || echo "# netns setup failed"
ip -n fo-c mptcp endpoint add 10.34.2.1 dev fveth2 subflow || echo "# endpoint setup failed"

# sent_from NS ADDR: bytes acknowledged at the TCP level on NS's subflows from ADDR.
sent_from() {
	ip netns exec "$1" ss -Htni "( src $2 )" |
		sed -n 's/.*bytes_acked:\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}

# cut_after CMD MIN_BYTES: once both of the client's subflows carried MIN_BYTES, CMD runs
# (polled every 0.1 s, 60 s at most); records what each carried.
cut_after() {
	for _ in $(seq 600); do
		a=$(sent_from fo-c 10.34.1.1) b=$(sent_from fo-c 10.34.2.1)
		if [ "$a" -ge "$2" ] && [ "$b" -ge "$2" ]; then
			eval "$1"
			echo "$a $b" >"$tmp_cut"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# transfer_with_cut CUT UNDO PORT: a 16 MiB transfer both ways, CUT run once each client
# subflow carried 1 MiB, UNDO afterwards; the client's MPTCP_INFO counts every byte, whichever
# subflows carried them.
transfer_with_cut() {
	: >"$tmp_cut"
	ip netns exec fo-s $peer server mptcp 4 "$3" &
	spid=$!
	wait_listen fo-s "$3" $spid || return 1
	cut_after "$1" 1048576 &
	cpid=$!
	out=$(ip netns exec fo-c $peer client mptcp 10.34.1.2 "$3" 16777216 info)
	rc=$?
	wait $cpid
	wait $spid || { echo "server failed"; rc=1; }
	eval "$2"
	echo "$out; carried before the cut (first, join): $(cat "$tmp_cut")"
	[ $rc -eq 0 ] && [ -s "$tmp_cut" ]
}

# link_cut IF: the server's end of link IF goes down (and UNDO brings it up).
link_cut() {
	transfer_with_cut "ip -n fo-s link set $1 down" "ip -n fo-s link set $1 up" "$2"
}

tmp_cut=$(mktemp)
snap fo-c fo-s
check "the join's link cut mid-transfer: 16 MiB arrive intact both ways, MPTCP_INFO counts them" \
	link_cut fveth2s 7201
check "both subflows carried the client's data before the cut" test -s "$tmp_cut"
check "what the dead join held went again over the first subflow (MPTCPRetrans)" \
	grew fo-c MPTCPRetrans
check "no subflow was reset for a broken mapping" \
	sh -c "[ $(counter fo-s DSSNotMatching) -eq 0 ] && [ $(counter fo-c DSSNotMatching) -eq 0 ]"

# The first subflow's link: the connection lives on over the join (the first subflow goes
# stale, and its bytes go over the join).
snap fo-c fo-s
check "the first subflow's link cut mid-transfer: 16 MiB arrive intact both ways, MPTCP_INFO counts them" \
	link_cut fveth1s 7202
check "the client found its first subflow stale (SubflowStale)" grew fo-c SubflowStale
check "what it held went again over the join (MPTCPRetrans)" grew fo-c MPTCPRetrans
check "no subflow was reset for a broken mapping" \
	sh -c "[ $(counter fo-s DSSNotMatching) -eq 0 ] && [ $(counter fo-c DSSNotMatching) -eq 0 ]"

# The first subflow reset mid-transfer (the server's namespace answers what the client's
# first subflow sends with a RST, and the client's end, gone, resets the server's): neither
# msk takes the reset as its own end.
reset_first() {
	transfer_with_cut \
		"ip netns exec fo-s iptables -A INPUT -s 10.34.1.1 -p tcp -j REJECT --reject-with tcp-reset" \
		"ip netns exec fo-s iptables -F INPUT" 7203
}
snap fo-c fo-s
check "the first subflow reset mid-transfer: 16 MiB arrive intact both ways, MPTCP_INFO counts them" reset_first
check "what it held went again over the join (MPTCPRetrans)" grew fo-c MPTCPRetrans
check "no subflow was reset for a broken mapping" \
	sh -c "[ $(counter fo-s DSSNotMatching) -eq 0 ] && [ $(counter fo-c DSSNotMatching) -eq 0 ]"
# The path manager withdraws address id 0 (the first subflow's) mid-transfer, on either end
# (upstream's "remove id 0" cases): REMOVE_ADDR of id 0, the first subflow closes on both
# ends (FINs, no reset), and the transfer goes on over the join.
withdraw_id0() {
	transfer_with_cut "ip -n $1 mptcp endpoint delete id 0 $2" : "$3"
}
# withdrawn_by NS PEER: NS closed its first subflow, PEER was told, neither sent a reset.
withdrawn_by() {
	rose "$1" RmSubflow 1 MPRstTx 0 && rose "$2" RmAddr 1 MPRstTx 0
}
snap fo-c fo-s
check "the client withdraws address id 0 mid-transfer: 16 MiB arrive intact both ways, MPTCP_INFO counts them" \
	withdraw_id0 fo-c 10.34.1.1 7204
check "... the client closed its first subflow (RmSubflow), the server was told (RmAddr), no reset" \
	withdrawn_by fo-c fo-s
# For the server's, the join must go elsewhere than to its id 0 address: to its second one,
# which it announces (the client's own endpoint would join the server's first address).
ip -n fo-c mptcp endpoint flush
ip -n fo-c mptcp limits set add_addr_accepted 1 subflows 2
ip -n fo-s mptcp endpoint add 10.34.2.2 dev fveth2s signal || echo "# endpoint setup failed"
snap fo-c fo-s
check "the server withdraws address id 0 mid-transfer: 16 MiB arrive intact both ways, MPTCP_INFO counts them" \
	withdraw_id0 fo-s 10.34.1.2 7205
check "... the server closed its first subflow (RmSubflow), the client was told (RmAddr), no reset" \
	withdrawn_by fo-s fo-c
# Once withdrawn, the server's first address listed again goes out as address id 0 (the one
# the connection began with), which the client joins outside its add_addr_accepted limit (1,
# taken by the server's second address), as upstream's managers do; mid-transfer, intact.
first_closed() {
	[ "$(grown fo-s RmSubflow)" -ge 1 ]
}
rejoined() {
	[ "$(grown fo-c MPJoinSynAckRx)" -ge 2 ]
}
readd_id0() {
	transfer_with_cut "ip -n fo-s mptcp endpoint delete id 0 10.34.1.2 &&
		wait_for 'the first subflow closed' first_closed &&
		ip -n fo-s mptcp endpoint add 10.34.1.2 id 9 signal &&
		wait_for 'the client joined it' rejoined" \
		"ip -n fo-s mptcp endpoint delete id 9 2>/dev/null; true" 7206
}
# The client heard address id 0 announced with the first address, and joined it: two joins
# (the second address, then the first again), two announcements.
rejoined_id0() {
	ev_c=$(events fo-c)
	grep -E 'ANNOUNCED|SF_' "$ev_c"
	[ "$(count "$ev_c" ANNOUNCED remid=0 daddr4=10.34.1.2)" -eq 1 ] &&
		rose fo-c AddAddr 2 MPJoinSynAckRx 2 MPRstTx 0
}
snap fo-c fo-s
monitor_start fo-c
check "the server lists its withdrawn first address again mid-transfer: 16 MiB arrive intact both ways, MPTCP_INFO counts them" \
	readd_id0
monitor_stop
check "... announced as address id 0, joined again by the client over its add_addr_accepted limit" \
	rejoined_id0
print_counters fo-c fo-s

rm -f "$tmp_cut"
tap_done
