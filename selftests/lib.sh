#!/bin/sh
# Helpers for our kselftest-style scripts: TAP 13 output, module load/unload, netns
# bookkeeping. POSIX sh (dash): the guest runs them with the host's /bin/sh.
#
# A script sources this, calls `tap_plan N`, then `check`/`skip` once per test, and ends with
# `tap_done`. Each test asserts something that could fail; a skip always says why.

MPTCP_REPO=${MPTCP_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
MPTCP_KO=${MPTCP_KO:-$MPTCP_REPO/mptcp.ko}
_tap_n=0
_tap_fail=0
_tap_planned=0
_netns_list=""

tap_plan() {
	_tap_planned=$1
	echo "TAP version 13"
	echo "1..$1"
}

# check "description" command [args...]: passes when the command exits 0. The command's
# output follows as TAP diagnostics ("# ..."), which is where a test reports what it measured.
check() {
	_desc=$1
	shift
	_tap_n=$((_tap_n + 1))
	if _out=$("$@" 2>&1); then
		echo "ok $_tap_n $_desc"
	else
		echo "not ok $_tap_n $_desc"
		_tap_fail=$((_tap_fail + 1))
	fi
	[ -z "$_out" ] || printf '%s\n' "$_out" | head -n 40 | sed 's/^/# /'
}

skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $1 # SKIP $2"
}

tap_done() {
	if [ "$_tap_n" -ne "$_tap_planned" ]; then
		echo "# planned $_tap_planned tests, ran $_tap_n"
		_tap_fail=$((_tap_fail + 1))
	fi
	monitor_stop
	[ -z "$_snap_dir" ] || rm -rf "$_snap_dir"
	cleanup_netns
	[ "$_tap_fail" -eq 0 ]
}

# Fails with a message unless "$1" = "$2".
expect_eq() {
	[ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }
}

module_loaded() {
	[ -d /sys/module/mptcp ]
}

load_module() {
	module_loaded || insmod "$MPTCP_KO"
}

unload_module() {
	! module_loaded || rmmod mptcp
}

# new_netns NAME: a fresh namespace with lo up, removed by tap_done.
new_netns() {
	ip netns add "$1" && ip -n "$1" link set lo up && _netns_list="$_netns_list $1"
}

# link_netns NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair between two namespaces made by
# new_netns, addresses with prefix (10.9.0.1/24), both ends up.
link_netns() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" &&
		ip -n "$1" addr add "$3" dev "$2" && ip -n "$4" addr add "$6" dev "$5" &&
		ip -n "$1" link set "$2" up && ip -n "$4" link set "$5" up
}

# two_paths NS_C NS_S IF PREFIX: new namespaces NS_C and NS_S joined by two veth pairs,
# IF1/IF1s (PREFIX.1.1/24 in NS_C, PREFIX.1.2/24 in NS_S) and IF2/IF2s (PREFIX.2.x), each end
# rate-limited (20 Mbit/s, 1 ms) so that a transfer outlives the handshakes and signals, as
# upstream's mptcp_join.sh shapes its links.
two_paths() {
	new_netns "$1" && new_netns "$2" &&
		link_netns "$1" "${3}1" "$4.1.1/24" "$2" "${3}1s" "$4.1.2/24" &&
		link_netns "$1" "${3}2" "$4.2.1/24" "$2" "${3}2s" "$4.2.2/24" || return 1
	for _ns_if in "$1:${3}1" "$1:${3}2" "$2:${3}1s" "$2:${3}2s"; do
		ip netns exec "${_ns_if%%:*}" tc qdisc add dev "${_ns_if#*:}" root netem \
			rate 20mbit delay 1ms || return 1
	done
}

# wait_listen NS PORT [PID]: polls (0.1 s steps, 30 s at most) until a TCP listener on PORT
# exists in NS; fails early if PID (the server) has exited.
wait_listen() {
	_i=0
	until ip netns exec "$1" ss -Htln "sport = :$2" | grep -q .; do
		_i=$((_i + 1))
		[ $_i -lt 300 ] || { echo "no listener on port $2 in $1"; return 1; }
		[ -z "${3:-}" ] || kill -0 "$3" 2>/dev/null || { echo "server exited"; return 1; }
		sleep 0.1
	done
}

cleanup_netns() {
	for _ns in $_netns_list; do
		ip netns del "$_ns" 2>/dev/null
	done
	_netns_list=""
}

# --- counters and events of namespaces running the module

_snap_dir=""
_mon_pids=""

# counter NS NAME: the MPTcpExt counter NAME of NS now (0 if the module has no such counter).
counter() {
	ip netns exec "$1" awk -v n="$2" 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == n) c = i }
		NR == 2 { print $c + 0 }' /proc/net/mptcp_netstat
}

# snap NS...: the counters of each NS now, for rose() to compare with.
snap() {
	[ -n "$_snap_dir" ] || _snap_dir=$(mktemp -d) || return 1
	for _ns in "$@"; do
		ip netns exec "$_ns" cat /proc/net/mptcp_netstat >"$_snap_dir/$_ns" || return 1
	done
}

# grown NS COUNTER: how much COUNTER of NS rose since its snap.
grown() {
	_before=$(awk -v n="$2" 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == n) c = i }
		NR == 2 { print $c + 0 }' "$_snap_dir/$1")
	echo $(($(counter "$1" "$2") - _before))
}

# grew NS COUNTER: COUNTER of NS rose since its snap (by any amount).
grew() {
	_up=$(grown "$1" "$2")
	echo "$1 $2: +$_up"
	[ "$_up" -gt 0 ]
}

# rose NS COUNTER N...: each COUNTER of NS rose by exactly N since its snap (pairs repeat).
rose() {
	_ns=$1
	shift
	while [ $# -ge 2 ]; do
		_up=$(grown "$_ns" "$1")
		echo "$_ns $1: +$_up, expected +$2"
		[ "$_up" -eq "$2" ] || return 1
		shift 2
	done
}

# wait_for WHAT CMD...: polls CMD (every 0.2 s, 60 s at most) until it succeeds.
wait_for() {
	_what=$1
	shift
	for _ in $(seq 300); do
		"$@" && return 0
		sleep 0.2
	done
	echo "timed out waiting for $_what"
	return 1
}

# print_counters NS...: each namespace's non-zero MPTcpExt counters, for the record (TAP
# diagnostics).
print_counters() {
	for _ns in "$@"; do
		ip netns exec "$_ns" awk -v ns="$_ns" 'NR == 1 { for (i = 2; i <= NF; i++) n[i] = $i }
			NR == 2 { for (i = 2; i <= NF; i++) if ($i != 0) print "# " ns " " n[i] " " $i }' \
			/proc/net/mptcp_netstat
	done
}

# monitor_start NS...: `ip mptcp monitor` in each NS, into the file `events NS` names;
# returns once each reported an event (a short-lived MPTCP listener in each namespace makes
# one, LISTENER_CREATED; repeated, bounded, until all saw theirs).
monitor_start() {
	[ -n "$_snap_dir" ] || _snap_dir=$(mktemp -d) || return 1
	for _ns in "$@"; do
		ip netns exec "$_ns" ip mptcp monitor >"$_snap_dir/ev-$_ns" 2>&1 &
		_mon_pids="$_mon_pids $!"
	done
	for _ in $(seq 50); do
		_all=1
		for _ns in "$@"; do
			ip netns exec "$_ns" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.bind(("127.0.0.1", 0))
s.listen(1)
s.close()'
			grep -q LISTENER_CREATED "$_snap_dir/ev-$_ns" || _all=0
		done
		[ $_all -eq 0 ] || return 0
		sleep 0.1
	done
	echo "# the event monitors did not start"
}

monitor_stop() {
	[ -n "$_mon_pids" ] || return 0
	kill $_mon_pids 2>/dev/null
	wait $_mon_pids 2>/dev/null
	_mon_pids=""
}

# events NS: the file monitor_start writes NS's events to.
events() {
	echo "$_snap_dir/ev-$1"
}

# count FILE PATTERN...: lines of FILE matching every PATTERN (fixed strings).
count() {
	_f=$1
	shift
	_lines=$(cat "$_f")
	for _p in "$@"; do
		_lines=$(printf '%s\n' "$_lines" | grep -F -- "$_p")
	done
	printf '%s\n' "$_lines" | grep -c .
}
