#!/bin/sh
# The kernel's generic TCP extension hooks (our patch series): present, claimed by mptcp.ko
# while it is loaded, and safe to claim and release while TCP traffic is flowing (the static
# key flips under live sockets). vm.sh fails the run on any WARN or oops this provokes.
. "$(dirname "$0")/lib.sh"

tap_plan 4

check "kernel carries tcp_ext_register (CONFIG_TCP_EXT_HOOKS)" \
	sh -c 'grep -q " tcp_ext_register$" /proc/kallsyms'
check "kernel exports tcp_conn_request for the module's passive-open path" \
	sh -c 'grep -q " tcp_conn_request$" /proc/kallsyms'

unload_module
check "insmod claims the hooks" insmod "$MPTCP_KO"
unload_module

new_netns hkA
new_netns hkB
link_netns hkA hka 10.9.0.1/24 hkB hkb 10.9.0.2/24
ip netns exec hkA tc qdisc add dev hka root netem rate 100mbit

# 16 MiB at 100 Mbit/s takes over a second, long enough to flip the hooks several times.
flip_under_traffic() {
	head -c 16777216 /dev/urandom >/tmp/hooks.in
	ip netns exec hkB socat -u TCP-LISTEN:6001,bind=10.9.0.2,reuseaddr OPEN:/tmp/hooks.out,creat,trunc &
	srv=$!
	wait_listen hkB 6001 $srv || return 1
	ip netns exec hkA socat -u OPEN:/tmp/hooks.in TCP:10.9.0.2:6001 &
	cli=$!
	flips=0
	while kill -0 $cli 2>/dev/null && [ $flips -lt 20 ]; do
		insmod "$MPTCP_KO" || return 1
		rmmod mptcp || return 1
		flips=$((flips + 1))
	done
	wait $cli || { echo "client failed"; return 1; }
	wait $srv || { echo "server failed"; return 1; }
	[ "$(sha256sum </tmp/hooks.in)" = "$(sha256sum </tmp/hooks.out)" ] || { echo "data differs"; return 1; }
	[ $flips -gt 0 ] || { echo "transfer ended before the first flip"; return 1; }
	echo "flipped $flips times during the transfer"
}
check "claim/release during a TCP transfer: data intact" flip_under_traffic

tap_done
