#!/bin/sh
# Transparent mode: with net.mptcp.transparent=1 a namespace's TCP stream sockets are MPTCP
# sockets, through the kernel's socket protocol selector (our second kernel patch); other
# namespaces, other socket types and a namespace with MPTCP disabled are left alone. And
# mptcpize (LD_PRELOAD, from Debian's mptcpd project) works with our IPPROTO_MPTCP sockets.
. "$(dirname "$0")/lib.sh"

tap_plan 8

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
new_netns tr-a && new_netns tr-b &&
	link_netns tr-a veth-a 10.32.0.1/24 tr-b veth-b 10.32.0.2/24 ||
	echo "# netns setup failed"

# An unmodified client (protocol 0) to an unmodified server, both in transparent namespaces:
# the data must arrive intact and the handshake must have been MP_CAPABLE.
transfer_default() {
	before=$(counter tr-b MPCapableACKRX)
	ip netns exec tr-b $peer server default 4 7101 &
	spid=$!
	wait_listen tr-b 7101 $spid || return 1
	ip netns exec tr-a $peer client default 10.32.0.2 7101 1048576 || return 1
	wait $spid || return 1
	after=$(counter tr-b MPCapableACKRX)
	echo "MPCapableACKRX in tr-b: $before -> $after"
	[ $((after - before)) -eq 1 ]
}

check "transparent is 0 by default: socket(AF_INET, SOCK_STREAM, 0) is TCP" \
	expect_eq "$(ip netns exec tr-a $peer probe create 4 default)" protocol-6
ip netns exec tr-a sysctl -qw net.mptcp.transparent=1
ip netns exec tr-b sysctl -qw net.mptcp.transparent=1
check "transparent=1: socket(AF_INET, SOCK_STREAM, 0) and (AF_INET6, .., IPPROTO_TCP) are MPTCP" \
	expect_eq "$(ip netns exec tr-a $peer probe create 4 default) $(ip netns exec tr-a $peer probe create 6 tcp)" \
	"protocol-262 protocol-262"
check "datagram sockets and other namespaces are left alone" \
	expect_eq "$(ip netns exec tr-a $peer probe create 4 default dgram) $($peer probe create 4 default)" \
	"protocol-17 protocol-6"
check "an unmodified client and server move 1 MiB over MPTCP (MP_CAPABLE counted)" \
	transfer_default
ip netns exec tr-a sysctl -qw net.mptcp.enabled=0
check "with net.mptcp.enabled=0 the namespace's TCP sockets stay TCP (nothing breaks)" \
	expect_eq "$(ip netns exec tr-a $peer probe create 4 default)" protocol-6
ip netns exec tr-a sysctl -qw net.mptcp.enabled=1
unload_module
check "after rmmod, sockets are TCP again" \
	expect_eq "$($peer probe create 4 default)" protocol-6
load_module
check "a fresh load starts with transparent=0" \
	expect_eq "$(sysctl -n net.mptcp.transparent)" 0
if command -v mptcpize >/dev/null; then
	check "mptcpize run: an unmodified program gets an MPTCP socket" \
		expect_eq "$(mptcpize run $peer probe create 4 default 2>/dev/null)" protocol-262
else
	skip "mptcpize run: an unmodified program gets an MPTCP socket" \
		"mptcpize is not installed (make deps installs Debian's mptcpize package)"
fi

cleanup_netns
unload_module
tap_done
