#!/bin/sh
# net.mptcp.* sysctls: upstream's names, per network namespace, range-checked.
. "$(dirname "$0")/lib.sh"

tap_plan 14

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

# the other knobs: checksum_enabled (upstream's) and transparent (ours), 0 by default, 0..1
other_knobs() {
	for k in checksum_enabled transparent; do
		f=/proc/sys/net/mptcp/$k
		[ "$(cat $f)" = 0 ] || { echo "$k is $(cat $f) by default"; return 1; }
		echo 1 >$f && [ "$(cat $f)" = 1 ] || { echo "$k: 1 not accepted"; return 1; }
		! sh -c "echo 2 >$f" 2>/dev/null || { echo "$k: 2 accepted"; return 1; }
		echo 0 >$f
	done
}
check "checksum_enabled and transparent: default 0, accept 0..1 only" other_knobs
# syn_retrans_before_tcp_fallback: upstream's u8, default 2, any 0..255
syn_retrans() {
	f=/proc/sys/net/mptcp/syn_retrans_before_tcp_fallback
	[ "$(cat $f)" = 2 ] || { echo "default is $(cat $f)"; return 1; }
	for v in 0 255 2; do
		echo $v >$f && [ "$(cat $f)" = $v ] || { echo "$v not accepted"; return 1; }
	done
	! sh -c "echo 256 >$f" 2>/dev/null || { echo "256 accepted"; return 1; }
	[ "$(cat $f)" = 2 ]
}
check "syn_retrans_before_tcp_fallback: default 2, accepts 0..255" syn_retrans
# upstream's 0..1 knobs that default to 1
on_knobs() {
	for k in allow_join_initial_addr_port add_addr_v6_port_drop_ts; do
		f=/proc/sys/net/mptcp/$k
		[ "$(cat $f)" = 1 ] || { echo "$k is $(cat $f) by default"; return 1; }
		echo 0 >$f && [ "$(cat $f)" = 0 ] || { echo "$k: 0 not accepted"; return 1; }
		! sh -c "echo 2 >$f" 2>/dev/null || { echo "$k: 2 accepted"; return 1; }
		echo 1 >$f
	done
}
check "allow_join_initial_addr_port and add_addr_v6_port_drop_ts: default 1, accept 0..1 only" \
	on_knobs
# stale_loss_cnt: upstream's unsigned int, default 4
stale_loss() {
	f=/proc/sys/net/mptcp/stale_loss_cnt
	[ "$(cat $f)" = 4 ] || { echo "default is $(cat $f)"; return 1; }
	echo 1 >$f && [ "$(cat $f)" = 1 ] || { echo "1 not accepted"; return 1; }
	! sh -c "echo -1 >$f" 2>/dev/null || { echo "-1 accepted"; return 1; }
	echo 4 >$f
}
check "stale_loss_cnt: default 4, takes an unsigned count" stale_loss
check "they are per namespace too" \
	sh -c "echo 1 >/proc/sys/net/mptcp/transparent; v=\$(ip netns exec sysB cat /proc/sys/net/mptcp/transparent); echo 0 >/proc/sys/net/mptcp/transparent; [ \$v = 0 ]"

unload_with_netns() {
	rmmod mptcp || return 1
	if ip netns exec sysA test -e /proc/sys/net/mptcp; then
		echo "sysctl dir still present in a live namespace after rmmod"
		return 1
	fi
}
check "rmmod with live namespaces removes their tables" unload_with_netns

tap_done
