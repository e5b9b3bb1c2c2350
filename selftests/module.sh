#!/bin/sh
# mptcp.ko loads and unloads cleanly, carries its autoload aliases, and leaves nothing
# behind: no sysctl directory, no sysfs entry, nothing kmemleak can find.
. "$(dirname "$0")/lib.sh"

tap_plan 8

unload_module
check "insmod succeeds" insmod "$MPTCP_KO"
check "module is listed in /sys/module" module_loaded
check "load message in the kernel log" sh -c 'dmesg | grep -q "MPTCP v1 loaded"'

aliases() {
	for a in net-pf-2-proto-262-type-1 net-pf-2-proto-262 net-pf-10-proto-262-type-1 net-pf-10-proto-262; do
		modinfo -F alias "$MPTCP_KO" | grep -qx "$a" || { echo "alias $a missing"; return 1; }
	done
}
check "IPPROTO_MPTCP autoload aliases for AF_INET and AF_INET6" aliases

check "rmmod succeeds" rmmod mptcp
check "sysctl directory gone after rmmod" sh -c '! [ -e /proc/sys/net/mptcp ]'

reload_loop() {
	i=0
	while [ $i -lt 5 ]; do
		insmod "$MPTCP_KO" || return 1
		rmmod mptcp || return 1
		i=$((i + 1))
	done
	! module_loaded
}
check "five load/unload cycles" reload_loop

# kmemleak only reports objects older than 5 s: wait that long, then scan. This is the
# detector's fixed age threshold, not a synchronisation sleep.
no_leaks() {
	[ -w /sys/kernel/debug/kmemleak ] || { echo "kmemleak unavailable"; return 1; }
	echo clear >/sys/kernel/debug/kmemleak
	insmod "$MPTCP_KO" && ip netns add leak1 && ip netns add leak2 &&
		ip netns del leak1 && ip netns del leak2 && rmmod mptcp || return 1
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	[ -z "$leaks" ] || { printf '%s\n' "$leaks" | head -n 30; return 1; }
}
if [ -w /sys/kernel/debug/kmemleak ]; then
	check "no kmemleak report after load, netns churn and unload" no_leaks
else
	skip "no kmemleak report after load, netns churn and unload" "kernel built without kmemleak"
fi

tap_done
