#!/bin/sh
# Path failure: two namespaces running our module, joined by two links; the client's in-kernel
# path manager opens a second subflow, and the msk's scheduler sends on both. One link goes
# down mid-transfer (the join's, then the first subflow's): the bytes the dead subflow held go
# again over the other (MPTCP-level reinjection), and the transfer arrives intact both ways.
. "$(dirname "$0")/lib.sh"

tap_plan 8

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
two_paths fo-c fo-s fveth 10.34 || echo "# netns setup failed"
ip -n fo-c mptcp endpoint add 10.34.2.1 dev fveth2 subflow || echo "# endpoint setup failed"

# sent_from NS ADDR: bytes acknowledged at the TCP level on NS's subflows from ADDR.
sent_from() {
	ip netns exec "$1" ss -Htni "( src $2 )" |
		sed -n 's/.*bytes_acked:\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }'
}

# cut_after NS_SIDE IF MIN_BYTES: once both of the client's subflows carried MIN_BYTES, the
# link IF in NS_SIDE goes down (polled every 0.1 s, 60 s at most); records what each carried.
cut_after() {
	for _ in $(seq 600); do
		a=$(sent_from fo-c 10.34.1.1) b=$(sent_from fo-c 10.34.2.1)
		if [ "$a" -ge "$3" ] && [ "$b" -ge "$3" ]; then
			ip -n "$1" link set "$2" down
			echo "$a $b" >"$tmp_cut"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# transfer_with_cut IF: a 16 MiB transfer both ways, the server's link IF going down once
# each client subflow carried 1 MiB; the link comes back afterwards.
transfer_with_cut() {
	: >"$tmp_cut"
	ip netns exec fo-s $peer server mptcp 4 "$2" &
	spid=$!
	wait_listen fo-s "$2" $spid || return 1
	cut_after fo-s "$1" 1048576 &
	cpid=$!
	out=$(ip netns exec fo-c $peer client mptcp 10.34.1.2 "$2" 16777216)
	rc=$?
	wait $cpid
	wait $spid || { echo "server failed"; rc=1; }
	ip -n fo-s link set "$1" up
	echo "$out; carried before the cut (first, join): $(cat "$tmp_cut")"
	[ $rc -eq 0 ] && [ -s "$tmp_cut" ]
}

tmp_cut=$(mktemp)
snap fo-c fo-s
check "the join's link cut mid-transfer: 16 MiB arrive intact both ways" \
	transfer_with_cut fveth2s 7201
check "both subflows carried the client's data before the cut" test -s "$tmp_cut"
check "what the dead join held went again over the first subflow (MPTCPRetrans)" \
	grew fo-c MPTCPRetrans
check "no subflow was reset for a broken mapping" \
	sh -c "[ $(counter fo-s DSSNotMatching) -eq 0 ] && [ $(counter fo-c DSSNotMatching) -eq 0 ]"

# The first subflow's link: the connection lives on over the join (the first subflow goes
# stale, and its bytes go over the join).
snap fo-c fo-s
check "the first subflow's link cut mid-transfer: 16 MiB arrive intact both ways" \
	transfer_with_cut fveth1s 7202
check "the client found its first subflow stale (SubflowStale)" grew fo-c SubflowStale
check "what it held went again over the join (MPTCPRetrans)" grew fo-c MPTCPRetrans
check "no subflow was reset for a broken mapping" \
	sh -c "[ $(counter fo-s DSSNotMatching) -eq 0 ] && [ $(counter fo-c DSSNotMatching) -eq 0 ]"
print_counters fo-c fo-s

rm -f "$tmp_cut"
tap_done
