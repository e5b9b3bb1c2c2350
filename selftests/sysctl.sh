#!/bin/sh
# net.mptcp.* sysctls: upstream's names, per network namespace, range-checked.
. "$(dirname "$0")/lib.sh"

tap_plan 9

load_module
en=/proc/sys/net/mptcp/enabled
check "net.mptcp.enabled exists in init_net" test -f $en
check "net.mptcp.enabled defaults to 1" expect_eq "$(cat $en)" 1
check "sysctl(8) reads it by name" expect_eq "$(sysctl -n net.mptcp.enabled)" 1

new_netns sysA
new_netns sysB
check "a new namespace gets its own enabled=1" expect_eq "$(ip netns exec sysA cat $en)" 1

ip netns exec sysA sh -c "echo 0 >$en"
check "writing 0 in one namespace" expect_eq "$(ip netns exec sysA cat $en)" 0
check "does not change init_net" expect_eq "$(cat $en)" 1
check "nor another namespace" expect_eq "$(ip netns exec sysB cat $en)" 1

out_of_range() {
	for bad in 2 -1 256 abc; do
		if sh -c "echo $bad >$en" 2>/dev/null; then
			echo "value '$bad' was accepted"
			return 1
		fi
		[ "$(cat $en)" = 1 ] || { echo "value changed to $(cat $en) after '$bad'"; return 1; }
	done
}
check "out-of-range values rejected, value unchanged" out_of_range

unload_with_netns() {
	rmmod mptcp || return 1
	if ip netns exec sysA test -e /proc/sys/net/mptcp; then
		echo "sysctl dir still present in a live namespace after rmmod"
		return 1
	fi
}
check "rmmod with live namespaces removes their tables" unload_with_netns

tap_done
