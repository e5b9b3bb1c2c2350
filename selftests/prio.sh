#!/bin/sh
# Backup subflows between two namespaces running our module: the B flag of an MP_JOIN SYN and
# SYN/ACK from backup endpoints, MP_PRIO telling the peer that the first subflow's address is
# a backup one (MP_CAPABLE cannot say it), and MP_PRIO for an endpoint changed mid-transfer
# (ip mptcp endpoint change), with the peer's SF_PRIO events. Links are rate-limited so the
# transfer outlives the changes.
. "$(dirname "$0")/lib.sh"

tap_plan 6

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
two_paths prio-c prio-s pveth 10.34 || echo "# netns setup failed"

# The client's first address is a backup endpoint (told with MP_PRIO once established), and
# so is its second, from which it joins the server's announced second address (the join's
# SYN says so); the server's second address is a backup endpoint too (its SYN/ACK says so).
ip -n prio-c mptcp endpoint add 10.34.1.1 id 1 backup &&
	ip -n prio-c mptcp endpoint add 10.34.2.1 id 2 backup &&
	ip -n prio-c mptcp limits set add_addr_accepted 1 subflows 1 &&
	ip -n prio-s mptcp endpoint add 10.34.2.2 id 7 signal backup ||
	echo "# endpoint setup failed"

has_join="ip netns exec prio-s ss -Htn state established '( src 10.34.2.2 and sport = :7301 )' | grep -q ."
tmp_out=$(mktemp)

# A 16 MiB transfer both ways; once the join is up and the first MP_PRIO arrived, the client
# makes its join's endpoint a regular one; the server must hear that too.
change_mid_transfer() {
	ip netns exec prio-s $peer server mptcp 4 7301 &
	spid=$!
	wait_listen prio-s 7301 $spid || return 1
	ip netns exec prio-c $peer client mptcp 10.34.1.2 7301 16777216 >"$tmp_out" 2>&1 &
	cpid=$!
	ok=0
	ev_s=$(events prio-s)
	wait_for "the join" sh -c "$has_join" &&
		wait_for "the first MP_PRIO" sh -c "grep -q 'SF_PRIO.* backup=1' '$ev_s'" &&
		ip -n prio-c mptcp endpoint change id 2 nobackup &&
		wait_for "the second MP_PRIO" sh -c "grep -q 'SF_PRIO.* backup=0' '$ev_s'" || ok=1
	wait $cpid || ok=1
	wait $spid || ok=1
	cat "$tmp_out"
	return $ok
}

join_flags() {
	rose prio-s MPJoinSynBackupRx 1 MPJoinAckRx 1 && rose prio-c MPJoinSynAckBackupRx 1
}
priorities() {
	rose prio-c MPPrioTx 2 MPPrioRx 0 && rose prio-s MPPrioRx 2 MPPrioTx 0
}
# The server's events: the first subflow (ids 0) made a backup, then the join (the client's
# endpoint 2) a regular one; the join's SF_ESTABLISHED on each side carries the other's wish.
priority_events() {
	ev_c=$(events prio-c) ev_s=$(events prio-s)
	grep -E 'SF_' "$ev_c" "$ev_s"
	[ "$(count "$ev_s" SF_PRIO locid=0 remid=0 saddr4=10.34.1.2 backup=1)" -eq 1 ] &&
		[ "$(count "$ev_s" SF_PRIO remid=2 daddr4=10.34.2.1 backup=0)" -eq 1 ] &&
		[ "$(count "$ev_s" SF_PRIO)" -eq 2 ] &&
		[ "$(count "$ev_s" SF_ESTABLISHED remid=2 locid=7 backup=1)" -eq 1 ] &&
		[ "$(count "$ev_c" SF_ESTABLISHED locid=2 remid=7 backup=1)" -eq 1 ] &&
		[ "$(count "$ev_c" SF_PRIO)" -eq 0 ]
}
# The endpoint keeps its new flags: ip mptcp endpoint show lists it without "backup".
endpoint_shown() {
	out=$(ip -n prio-c mptcp endpoint show id 2)
	echo "$out"
	printf '%s\n' "$out" | grep -q '^10.34.2.1 id 2' && ! printf '%s\n' "$out" | grep -q backup
}

snap prio-c prio-s
monitor_start prio-c prio-s
check "a 16 MiB transfer arrives intact both ways while a join's priority changes" \
	change_mid_transfer
monitor_stop
check "the join's SYN and SYN/ACK asked for a backup subflow (MPJoinSyn*BackupRx)" \
	join_flags
check "two MP_PRIO from the client: its first address at the start, the join's change" \
	priorities
check "events: SF_PRIO backup=1 for the first subflow, backup=0 for the join; SF_ESTABLISHED backup=1" \
	priority_events
check "the changed endpoint is shown without its backup flag" \
	endpoint_shown

: a change of an endpoint no connection uses sends nothing
snap prio-c prio-s
unused_change() {
	ip -n prio-s mptcp endpoint change id 7 nobackup && rose prio-s MPPrioTx 0
}
check "no MP_PRIO for an endpoint changed with no connection open" \
	unused_change

rm -f "$tmp_out"
print_counters prio-c prio-s
cleanup_netns
tap_done
