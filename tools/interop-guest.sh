#!/bin/bash
# Guest side of tools/interop.sh. Both guests run this with their side's name; they share one
# virtio link (eth0) and walk the same case list in the same order, each playing server or
# client per case. Prints one line per case and role:
#   CASE <name> <role> <exit status> <sha256 of the bytes sent or received> [<counter delta>]
set -u
side=$1 # ours | upstream
helper=$MPTCP_INTEROP_HELPERS/mptcp_connect
mb=${MPTCP_INTEROP_MB:-64}

if [ "$side" = ours ]; then
	insmod "$MPTCP_REPO/mptcp.ko" || exit 1
	me=10.200.0.1 peer=10.200.0.2
else
	me=10.200.0.2 peer=10.200.0.1
fi
ip link set eth0 up
ip addr add $me/24 dev eth0
head -c $((mb * 1048576)) /dev/urandom >/tmp/send.bin
sent_sha=$(sha256sum </tmp/send.bin | cut -d' ' -f1)

# Counter deltas come from the upstream guest's /proc/net/netstat (MPTcpExt lines).
counter() { nstat -az "MPTcpExt$1" 2>/dev/null | awk -v c="MPTcpExt$1" '$1 == c { print $2 }'; }

# name port server-side server-socket client-socket [counter to report on the client]
cases="
tcp-to-ours 5001 ours TCP TCP -
tcp-to-upstream 5002 upstream TCP TCP -
mptcp-to-plain-ours-falls-back 5003 ours TCP MPTCP MPCapableFallbackSYNACK
mptcp-ours-to-upstream 5004 upstream MPTCP MPTCP -
mptcp-upstream-to-ours 5005 ours MPTCP MPTCP -
"
echo "$cases" | while read -r name port server ssock csock ctr; do
	[ -n "$name" ] || continue
	if [ "$server" = "$side" ]; then
		timeout 120 "$helper" -l -p "$port" -s "$ssock" -t 60 0.0.0.0 </dev/null >/tmp/recv.bin 2>/tmp/err
		rc=$?
		echo "CASE $name server $rc $(sha256sum </tmp/recv.bin | cut -d' ' -f1)"
	else
		before=$([ "$ctr" != - ] && counter "$ctr")
		rc=1
		# The server may not be listening yet: retry, bounded (30 tries, 1 s apart).
		for _ in $(seq 30); do
			timeout 120 "$helper" -p "$port" -s "$csock" -t 60 "$peer" </tmp/send.bin >/dev/null 2>/tmp/err
			rc=$?
			[ $rc = 0 ] && break
			sleep 1
		done
		delta=-
		[ "$ctr" != - ] && delta=$(($(counter "$ctr") - ${before:-0}))
		echo "CASE $name client $rc $sent_sha $delta"
		[ $rc = 0 ] || sed 's/^/# client: /' /tmp/err | head -n 3
	fi
done
[ "$side" = ours ] && rmmod mptcp
exit 0
