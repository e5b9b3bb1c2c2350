#!/bin/sh
# IPPROTO_MPTCP sockets end to end: two namespaces joined by a veth pair, our module on both
# ends (it serves every namespace). Transfers are compared by SHA-256 both ways; the
# MPTcpExt counters of each namespace show which handshake happened (MP_CAPABLE or a
# fallback), so a transfer that silently went plain TCP fails.
. "$(dirname "$0")/lib.sh"

tap_plan 25

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
new_netns msk-a && new_netns msk-b &&
	link_netns msk-a veth-a 10.31.0.1/24 msk-b veth-b 10.31.0.2/24 &&
	ip -n msk-a addr add fd31::1/64 dev veth-a nodad &&
	ip -n msk-b addr add fd31::2/64 dev veth-b nodad ||
	echo "# netns setup failed"

# transfer CLIENT_PROTO SERVER_PROTO ADDR PORT BYTES [COUNTER-IN-A [COUNTER-IN-B]]: client in
# msk-a, server in msk-b; passes when the bytes arrive intact both ways and each counter
# named rose by exactly one.
transfer() {
	[ -z "${6:-}" ] || { a0=$(counter msk-a "$6"); b0=$(counter msk-b "${7:-MPCapableSYNRX}"); }
	fam=4
	case $3 in *:*) fam=6 ;; esac
	ip netns exec msk-b $peer server "$2" $fam "$4" &
	spid=$!
	wait_listen msk-b "$4" $spid || return 1
	out=$(ip netns exec msk-a $peer client "$1" "$3" "$4" "$5")
	rc=$?
	wait $spid || { echo "server failed"; return 1; }
	echo "$out"
	[ $rc -eq 0 ] || return 1
	[ -z "${6:-}" ] && return 0
	a1=$(counter msk-a "$6")
	echo "$6 in msk-a: $a0 -> $a1"
	[ $((a1 - a0)) -eq 1 ] || return 1
	[ -z "${7:-}" ] && return 0
	b1=$(counter msk-b "$7")
	echo "$7 in msk-b: $b0 -> $b1"
	[ $((b1 - b0)) -eq 1 ]
}

check "socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP) reports protocol 262" \
	expect_eq "$($peer probe create 4)" protocol-262
check "socket(AF_INET6, SOCK_STREAM, IPPROTO_MPTCP) reports protocol 262" \
	expect_eq "$($peer probe create 6)" protocol-262
check "MPTCP to MPTCP over IPv4: 4 MiB intact, MP_CAPABLE both ends" \
	transfer mptcp mptcp 10.31.0.2 7001 4194304 MPCapableSYNACKRX MPCapableACKRX
check "MPTCP to MPTCP over IPv6: 4 MiB intact, MP_CAPABLE both ends" \
	transfer mptcp mptcp fd31::2 7002 4194304 MPCapableSYNACKRX MPCapableACKRX
check "MPTCP over IPv4-mapped IPv6 addresses (AF_INET6 sockets, IPv4 on the wire)" \
	transfer mptcp mptcp ::ffff:10.31.0.2 7011 1048576 MPCapableSYNACKRX MPCapableACKRX
check "the active side sent MP_CAPABLE SYNs, the passive side received them" \
	sh -c "[ $(counter msk-a MPCapableSYNTX) -ge 3 ] && [ $(counter msk-b MPCapableSYNRX) -ge 3 ]"
check "MPTCP client to a plain TCP server falls back (MPCapableFallbackSYNACK)" \
	transfer mptcp tcp 10.31.0.2 7003 1048576 MPCapableFallbackSYNACK
# syn_drop: a middlebox drops SYNs carrying MPTCP options. After
# syn_retrans_before_tcp_fallback retransmissions (1 here) the client falls back and retries
# with plain SYNs (MPCapableSYNTXDrop), and the connection works as TCP.
syn_drop() {
	ip netns exec msk-b nft -f - <<-EOF || { echo "nft rule not accepted"; return 1; }
	table inet mptcp_drop {
		chain input { type filter hook input priority 0; tcp dport 7013 tcp flags syn tcp option mptcp exists drop; }
	}
	EOF
	ip netns exec msk-a sysctl -qw net.mptcp.syn_retrans_before_tcp_fallback=1
	transfer mptcp mptcp 10.31.0.2 7013 65536 MPCapableSYNTXDrop
	rc=$?
	ip netns exec msk-b nft delete table inet mptcp_drop
	ip netns exec msk-a sysctl -qw net.mptcp.syn_retrans_before_tcp_fallback=2
	return $rc
}
check "MP_CAPABLE SYNs dropped: fallback after syn_retrans_before_tcp_fallback retransmissions" \
	syn_drop
check "plain TCP client to an MPTCP server is served as TCP" \
	transfer tcp mptcp 10.31.0.2 7004 1048576
ip netns exec msk-b sysctl -qw net.mptcp.checksum_enabled=1
check "DSS checksums asked for by the server only: negotiated, data intact" \
	transfer mptcp mptcp 10.31.0.2 7005 2097152 MPCapableSYNACKRX MPCapableACKRX
# corrupted: a middlebox inverts one payload byte of the client's first large segment and
# fixes the TCP checksum (tc pedit + csum, as upstream's mptcp_join.sh "fail" tests). The
# DSS checksum catches it: the server delivers nothing of that mapping, counts DataCsumErr
# and resets the subflow with MP_FAIL and MP_TCPRST; the client sees the reset.
corrupted() {
	ip netns exec msk-a iptables -t mangle -A OUTPUT -o veth-a -p tcp --dport 7015 \
		-m length --length 1000:65535 -m statistic --mode nth --packet 0 --every 99999 \
		-j MARK --set-mark 42 || { echo "iptables mark rule not accepted"; return 1; }
	tc -n msk-a qdisc add dev veth-a clsact &&
		tc -n msk-a filter add dev veth-a egress protocol ip prio 1000 handle 42 fw \
			action pedit munge offset 148 u8 invert pipe csum tcp index 100 ||
		{ echo "tc pedit not available"; return 1; }
	err0=$(counter msk-b DataCsumErr)
	fail0=$(counter msk-b MPFailTx)
	rst0=$(counter msk-a MPRstRx)
	ip netns exec msk-b $peer server mptcp 4 7015 >/tmp/corrupted.server 2>&1 &
	spid=$!
	wait_listen msk-b 7015 $spid || return 1
	ip netns exec msk-a $peer client mptcp 10.31.0.2 7015 1048576 >/tmp/corrupted.client 2>&1
	crc=$?
	wait $spid
	src=$?
	tc -n msk-a qdisc del dev veth-a clsact
	ip netns exec msk-a iptables -t mangle -F OUTPUT
	err1=$(counter msk-b DataCsumErr)
	fail1=$(counter msk-b MPFailTx)
	rst1=$(counter msk-a MPRstRx)
	echo "client exit $crc, server exit $src; DataCsumErr $err0 -> $err1, MPFailTx $fail0 -> $fail1, client MPRstRx $rst0 -> $rst1"
	grep -h Error /tmp/corrupted.server /tmp/corrupted.client
	[ $crc -ne 0 ] && [ $src -ne 0 ] && grep -q ConnectionResetError /tmp/corrupted.server &&
		[ $((err1 - err0)) -ge 1 ] && [ $((fail1 - fail0)) -ge 1 ] && [ $((rst1 - rst0)) -ge 1 ]
}
ip netns exec msk-a sysctl -qw net.mptcp.checksum_enabled=1
check "a payload byte changed on the way: DSS checksum fails, reset with MP_FAIL, nothing delivered" \
	corrupted
ip netns exec msk-a sysctl -qw net.mptcp.checksum_enabled=0
ip netns exec msk-b sysctl -qw net.mptcp.checksum_enabled=0
tc -n msk-a qdisc add dev veth-a root netem delay 2ms reorder 25% 50% loss 1% 2>/dev/null
check "MPTCP over a lossy, reordering path (netem): 8 MiB intact, no fallback" \
	transfer mptcp mptcp 10.31.0.2 7006 8388608 MPCapableSYNACKRX MPCapableACKRX
tc -n msk-a qdisc del dev veth-a root 2>/dev/null
check "no mapping mismatch or fallback on data in any of the above" \
	sh -c "[ $(counter msk-a DSSNotMatching) -eq 0 ] && [ $(counter msk-b DSSNotMatching) -eq 0 ] &&
		[ $(counter msk-a MPCapableDataFallback) -eq 0 ] && [ $(counter msk-b MPCapableDataFallback) -eq 0 ]"
check "non-blocking connect to a closed port: POLLOUT, then SO_ERROR is ECONNREFUSED" \
	expect_eq "$(ip netns exec msk-a $peer probe refused 10.31.0.2 7999)" ECONNREFUSED
check "SOL_SOCKET and SOL_TCP options read back from the MPTCP socket" \
	expect_eq "$($peer probe sockopts)" ok
check "SO_KEEPALIVE and TCP_KEEPIDLE on the MPTCP socket apply to its subflow (ss timer)" \
	expect_eq "$(ip netns exec msk-a $peer probe keepalive 127.0.0.1 7009)" ok
check "MSG_PEEK, SIOCINQ, MSG_WAITALL and EOF on an MPTCP connection" \
	expect_eq "$(ip netns exec msk-a $peer probe peek-inq 127.0.0.1 7007)" ok
disconnect_twice() {
	before=$(counter msk-a MPCapableACKRX)
	out=$(ip netns exec msk-a $peer probe disconnect 127.0.0.1 7008) || return 1
	after=$(counter msk-a MPCapableACKRX)
	echo "$out; MPCapableACKRX: $before -> $after"
	[ "$out" = ok ] && [ $((after - before)) -eq 2 ]
}
check "connect(AF_UNSPEC) ends a connection; the socket connects again, MPTCP both times, data both ways each time" \
	disconnect_twice
# abort: close with unread data resets the connection; the RST carries MP_FASTCLOSE (one
# namespace holds both ends, so it counts both the sent and the received one).
abort() {
	tx0=$(counter msk-a MPFastcloseTx)
	rx0=$(counter msk-a MPFastcloseRx)
	out=$(ip netns exec msk-a $peer probe abort 127.0.0.1 7012) || return 1
	tx1=$(counter msk-a MPFastcloseTx)
	rx1=$(counter msk-a MPFastcloseRx)
	echo "$out; MPFastcloseTx: $tx0 -> $tx1; MPFastcloseRx: $rx0 -> $rx1"
	[ "$out" = ok ] && [ $((tx1 - tx0)) -eq 1 ] && [ $((rx1 - rx0)) -eq 1 ]
}
check "closing with unread data resets the connection with MP_FASTCLOSE" abort
check "a non-blocking writer never gets EAGAIN after POLLOUT, fills the connection, and all it wrote arrives" \
	expect_eq "$(ip netns exec msk-a $peer probe fill-drain 127.0.0.1 7017)" ok
check "O_ASYNC on an MPTCP socket: arriving data raises SIGIO" \
	expect_eq "$(ip netns exec msk-a $peer probe async 127.0.0.1 7014)" ok
# fastopen: two Fast Open connections in msk-a; the second carries data in its SYN. The first
# one's SYN/ACK carries the Fast Open cookie, which leaves room for MP_CAPABLE only without
# timestamps (upstream drops them too): both must count an MP_CAPABLE third ACK.
fastopen() {
	ip netns exec msk-a sysctl -qw net.ipv4.tcp_fastopen=3
	tfo0=$(ip netns exec msk-a nstat -az TcpExtTCPFastOpenPassive | awk '/TCPFastOpenPassive/ { print $2 }')
	ack0=$(counter msk-a MPCapableACKRX)
	out=$(ip netns exec msk-a $peer probe fastopen 127.0.0.1 7010) || return 1
	tfo1=$(ip netns exec msk-a nstat -az TcpExtTCPFastOpenPassive | awk '/TCPFastOpenPassive/ { print $2 }')
	ack1=$(counter msk-a MPCapableACKRX)
	echo "$out; TCPFastOpenPassive: $tfo0 -> $tfo1; MPCapableACKRX: $ack0 -> $ack1"
	[ "$out" = ok ] && [ "$tfo1" -gt "$tfo0" ] && [ $((ack1 - ack0)) -ge 2 ]
}
# big_writes_on_loopback: loopback's MSS (65483) is more than half of 64 KiB, and TCP grows
# an skb it is about to send by the next one (tcp_grow_skb()), so skbs of two MSS would form
# that no DSS can map (a 16-bit length): the module vetoes the merge (the tcp_ext
# can_collapse hook). Both ends write 8 MiB in one blocking send() at once (mptcp_connect's
# mmap mode), several times; the module warns if it ever sees such an skb, and the receiver
# would reset (DSSNotMatching) on the unmapped half.
big_writes_on_loopback() {
	bad0=$(counter msk-a DSSNotMatching)
	for round in 1 2 3 4 5 6; do
		out=$(ip netns exec msk-a $peer probe big-writes 127.0.0.1 $((7020 + round)) 8388608)
		echo "round $round: $out"
		[ "$out" = ok ] || return 1
	done
	bad1=$(counter msk-a DSSNotMatching)
	echo "DSSNotMatching: $bad0 -> $bad1"
	! dmesg | grep -q "more than one DSS maps" && [ "$bad1" -eq "$bad0" ]
}
check "big writes over loopback: no skb grows past what one DSS maps" big_writes_on_loopback
check "MPTCP_INFO: the sender's data sequence number is the receiver's, counts agree; fails after a fallback" \
	expect_eq "$(ip netns exec msk-a $peer probe info 127.0.0.1 7030)" ok
check "TCP Fast Open: data in the SYN of an MPTCP connection, MP_CAPABLE completed" fastopen
ip netns exec msk-a sysctl -qw net.mptcp.enabled=0
check "net.mptcp.enabled=0 makes socket() fail with ENOPROTOOPT, in that namespace only" \
	expect_eq "$(ip netns exec msk-a $peer probe create 4) $($peer probe create 4)" \
	"ENOPROTOOPT protocol-262"

cleanup_netns
unload_module
tap_done
