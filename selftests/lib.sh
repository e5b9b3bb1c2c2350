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
