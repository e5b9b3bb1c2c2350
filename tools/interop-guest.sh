#!/bin/bash
# Guest side of tools/interop.sh. Both guests run this with their side's name; they share one
# virtio link (eth0) and walk the same case list in the same order, each playing server or
# client per case. Both ends send MPTCP_INTEROP_MB MiB (each guest its own random file) and
# report what they sent and received. Prints one line per case and role:
#   CASE <name> <role> <exit status> <sha256 sent> <sha256 received> [<counter delta>]
set -u
side=$1 # ours | upstream (the peer: upstream's kernel in a guest, or the host's own)
helper=$MPTCP_INTEROP_HELPERS/mptcp_connect
mb=${MPTCP_INTEROP_MB:-64}
# The link: eth0 in a guest; for the host as peer, a tap in a namespace made for the run.
dev=${MPTCP_INTEROP_DEV:-eth0}
net4=${MPTCP_INTEROP_NET4:-10.200.0} net6=${MPTCP_INTEROP_NET6:-fd00:200:}
tmp=${MPTCP_INTEROP_TMP:-/tmp}

if [ "$side" = ours ]; then
	insmod "$MPTCP_REPO/mptcp.ko" || exit 1
	me=$net4.1 peer=$net4.2 me6=$net6:1 peer6=$net6:2
else
	me=$net4.2 peer=$net4.1 me6=$net6:2 peer6=$net6:1
fi
ip link set "$dev" up
ip addr add $me/24 dev "$dev"
ip addr add $me6/64 dev "$dev" nodad
head -c $((mb * 1048576)) /dev/urandom >$tmp/send.bin
sent_sha=$(sha256sum <$tmp/send.bin | cut -d' ' -f1)

# Counter deltas come from the client's kernel: /proc/net/netstat (MPTcpExt lines) upstream,
# the module's /proc/net/mptcp_netstat on our side.
counter() {
	if [ "$side" = ours ]; then
		awk -v n="$1" 'NR == 1 { for (i = 2; i <= NF; i++) if ($i == n) c = i }
			NR == 2 { print $c + 0 }' /proc/net/mptcp_netstat
	else
		nstat -az "MPTcpExt$1" 2>/dev/null | awk -v c="MPTcpExt$1" '$1 == c { print $2 }'
	fi
}

# (A rate-limited link, as upstream's mptcp_join.sh uses, keeps a connection open long enough
# for the peer's path manager to add subflows.)
# name port family server-side server-socket client-socket counter-that-must-rise-on-the-client
# [counter-that-must-rise-on-the-server]
# (MPCapableSYNACKRX: the handshake was MPTCP; MPCapableFallbackSYNACK: it fell back)
# A line "netem ..." switches both guests' link to that netem setting from there on (or off:
# "netem off"); a line "sysctl K=V" sets K on both sides; "on SIDE COMMAND..." runs COMMAND on
# SIDE (ours, upstream or both); "later SIDE SECONDS COMMAND..." runs COMMAND on SIDE that many
# seconds into the next case (a path cut mid-transfer: the link is one, so a path is cut by
# dropping what one address pair sends).
cases="
tcp-to-ours 5001 4 ours TCP TCP -
tcp-to-upstream 5002 4 upstream TCP TCP -
mptcp-to-plain-ours-falls-back 5003 4 ours TCP MPTCP MPCapableFallbackSYNACK
mptcp-ours-to-plain-upstream-falls-back 5011 4 upstream TCP MPTCP MPCapableFallbackSYNACK
plain-upstream-to-mptcp-ours 5012 4 ours MPTCP TCP -
mptcp-ours-to-upstream 5004 4 upstream MPTCP MPTCP MPCapableSYNACKRX
mptcp-upstream-to-ours 5005 4 ours MPTCP MPTCP MPCapableSYNACKRX
mptcp-ours-to-upstream-v6 5006 6 upstream MPTCP MPTCP MPCapableSYNACKRX
mptcp-upstream-to-ours-v6 5007 6 ours MPTCP MPTCP MPCapableSYNACKRX
sysctl net.mptcp.checksum_enabled=1
mptcp-csum-ours-to-upstream 5013 4 upstream MPTCP MPTCP MPCapableSYNACKRX
mptcp-csum-upstream-to-ours 5014 4 ours MPTCP MPTCP MPCapableSYNACKRX
sysctl net.mptcp.checksum_enabled=0
netem delay 5ms reorder 25% 50% loss 1%
tcp-to-ours-lossy 5008 4 ours TCP TCP -
mptcp-ours-to-upstream-lossy 5009 4 upstream MPTCP MPTCP MPCapableSYNACKRX
mptcp-upstream-to-ours-lossy 5010 4 ours MPTCP MPTCP MPCapableSYNACKRX
netem rate 20mbit delay 1ms
on upstream ip addr add $net4.3/24 dev $dev
on upstream ip mptcp endpoint add $net4.3 dev $dev subflow
mptcp-upstream-joins-ours 5015 4 ours MPTCP MPTCP MPJoinSynAckRx MPJoinAckRx
on upstream ip mptcp endpoint flush
on ours ip addr add $net4.4/24 dev $dev
on ours ip mptcp endpoint add $net4.4 dev $dev subflow
mptcp-ours-joins-upstream 5016 4 upstream MPTCP MPTCP MPJoinSynAckRx MPJoinAckRx
on ours ip mptcp endpoint flush
on upstream ip mptcp endpoint add $net4.3 dev $dev signal
on ours ip mptcp limits set add_addr_accepted 1 subflows 2
mptcp-upstream-announces-to-ours 5017 4 upstream MPTCP MPTCP MPJoinSynAckRx EchoAdd
on upstream ip mptcp endpoint flush
on ours ip mptcp endpoint add $net4.4 dev $dev signal
on upstream ip mptcp limits set add_addr_accepted 1 subflows 2
mptcp-ours-announces-to-upstream 5018 4 ours MPTCP MPTCP MPJoinSynAckRx EchoAdd
on ours ip mptcp endpoint flush
on ours ip mptcp endpoint add $net4.4 dev $dev subflow
later upstream 4 iptables -A INPUT -s $net4.4 -j DROP
mptcp-ours-join-path-fails 5019 4 upstream MPTCP MPTCP MPTCPRetrans
on upstream iptables -F INPUT
later upstream 4 iptables -A INPUT -s $net4.1 -j DROP
mptcp-ours-first-path-fails 5020 4 upstream MPTCP MPTCP SubflowStale
on upstream iptables -F INPUT
on ours ip mptcp endpoint flush
netem off
"
# Can our side create MPTCP sockets at all? (Not until the data plane lands.)
our_mptcp=yes
if [ "$side" = ours ]; then
	python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)' 2>/dev/null ||
		our_mptcp=no
fi

# Lockstep: before each case the ours guest listens on a barrier port and tells the upstream
# guest "go" or "skip" (our side cannot take part); both wait at most 10 minutes.
barrier() {
	if [ "$side" = ours ]; then
		echo "$1" | timeout 600 nc -N -l "$me" "$2" >/dev/null
		echo "$1"
	else
		for _ in $(seq 600); do
			word=$(timeout 5 nc -w 5 "$peer" "$2" </dev/null 2>/dev/null)
			[ -n "$word" ] && { echo "$word"; return; }
			sleep 1
		done
		echo timeout
	fi
}

i=0
later=
echo "$cases" | while read -r name port family server ssock csock ctr sctr; do
	[ -n "$name" ] || continue
	if [ "$name" = later ]; then
		[ "$port" = both ] || [ "$port" = "$side" ] && later="$family $server $ssock $csock $ctr $sctr"
		continue
	fi
	if [ "$name" = netem ]; then
		if [ "$port" = off ]; then
			tc qdisc del dev "$dev" root 2>/dev/null
		else
			tc qdisc replace dev "$dev" root netem $port $family $server $ssock $csock $ctr
		fi
		continue
	fi
	if [ "$name" = sysctl ]; then
		sysctl -qw "$port"
		continue
	fi
	if [ "$name" = on ]; then
		if [ "$port" = both ] || [ "$port" = "$side" ]; then
			$family $server $ssock $csock $ctr $sctr || echo "# failed: $family $server $ssock $csock $ctr $sctr"
		fi
		continue
	fi
	# The counter that must rise on this side in this role.
	if [ "$server" = "$side" ]; then mine_ctr=${sctr:--}; else mine_ctr=$ctr; fi
	i=$((i + 1))
	# MPTCP_INTEROP_ONLY (a shell pattern) runs only the cases whose name matches.
	case $name in ${MPTCP_INTEROP_ONLY:-*}) ;; *) later=; continue ;; esac
	if [ "$server" = "$side" ]; then role=server mine=$ssock; else role=client mine=$csock; fi
	verdict=go
	[ "$side" = ours ] && [ "$mine" = MPTCP ] && [ $our_mptcp = no ] && verdict=skip
	verdict=$(barrier $verdict $((6000 + i)))
	if [ "$verdict" != go ]; then
		echo "CASE $name $role $verdict - -"
		later=
		continue
	fi
	if [ "$family" = 6 ]; then
		v=-6 any=:: to=$peer6
	else
		v= any=0.0.0.0 to=$peer
	fi
	# The connection's TCP state 45 s in (the helper gives up after 60 s without progress),
	# printed if the case fails.
	(sleep 45; ss -tnmi "( sport = :$port or dport = :$port )" >$tmp/ss 2>&1) &
	sspid=$!
	before=$([ "$mine_ctr" != - ] && counter "$mine_ctr")
	# Join cases keep the server's listener open for the joins (upstream's helper closes it
	# after accept() otherwise, now and then).
	extra=
	case $name in *joins* | *announces* | *fails*) extra=-j ;; esac
	# MPTCP_INTEROP_TCPDUMP=1: the case's SYN, FIN and RST segments, printed after it.
	if [ "${MPTCP_INTEROP_TCPDUMP:-0}" = 1 ]; then
		timeout 300 tcpdump -lnvi "$dev" -c 40 "tcp port $port and tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0" >$tmp/td 2>&1 &
		tdpid=$!
		sleep 1
	fi
	if [ -n "$later" ]; then
		# shellcheck disable=SC2086 # a command line from the case list
		(sleep ${later%% *}; ${later#* }) &
		later=
	fi
	if [ $role = server ]; then
		timeout 300 "$helper" $v $extra -l -p "$port" -s "$ssock" -t 60 $any <$tmp/send.bin >$tmp/recv.bin 2>$tmp/err
		rc=$?
	else
		rc=1
		# The server may not be listening yet: retry, bounded (30 tries, 1 s apart).
		for _ in $(seq 30); do
			timeout 300 "$helper" $v $extra -p "$port" -s "$csock" -t 60 "$to" <$tmp/send.bin >$tmp/recv.bin 2>$tmp/err
			rc=$?
			[ $rc = 0 ] && break
			sleep 1
		done
	fi
	delta=-
	[ "$mine_ctr" != - ] && delta=$mine_ctr=$(($(counter "$mine_ctr") - ${before:-0}))
	echo "CASE $name $role $rc $sent_sha $(sha256sum <$tmp/recv.bin | cut -d' ' -f1) $delta"
	[ $rc = 0 ] || sed "s/^/# $role: /" $tmp/err | head -n 3
	kill $sspid 2>/dev/null
	wait $sspid 2>/dev/null
	[ $rc = 0 ] || [ ! -s $tmp/ss ] || sed "s/^/# $role ss: /" $tmp/ss | head -n 12
	got=$(wc -c <$tmp/recv.bin)
	[ "$got" = "$(wc -c <$tmp/send.bin)" ] || echo "# $role: received $got bytes"
	if [ "${MPTCP_INTEROP_TCPDUMP:-0}" = 1 ]; then
		kill $tdpid 2>/dev/null
		wait $tdpid 2>/dev/null
		sed "s/^/# $role tcpdump: /" $tmp/td
	fi
	rm -f $tmp/ss
done
# Each side's non-zero MPTcpExt counters, for the record (and for tools/interop.sh, which
# fails the run on protocol-error counters).
if [ "$side" = ours ]; then
	cat /proc/net/mptcp_netstat
else
	grep '^MPTcpExt' /proc/net/netstat
fi | awk 'NR == 1 { for (i = 2; i <= NF; i++) n[i] = $i }
	NR == 2 { for (i = 2; i <= NF; i++) if ($i != 0) printf "# MPTcpExt%s %s\n", n[i], $i }'
[ "$side" = ours ] && rmmod mptcp
exit 0
