#!/bin/sh
# The path managers selectable by net.mptcp.path_manager (upstream's sysctl; the names
# available_path_managers lists): "kernel" (the endpoint table), and multipath-tcp.org's
# "ndiffports" (more subflows over the first pair of addresses, from other source ports) and
# "fullmesh" (every interface address announced, a subflow from each of the initiator's
# addresses to each of the peer's), with no endpoint configured.
. "$(dirname "$0")/lib.sh"

tap_plan 19

peer="python3 $(dirname "$0")/msk_peer.py"
load_module
pm=/proc/sys/net/mptcp/path_manager
avail=/proc/sys/net/mptcp/available_path_managers
nd=/proc/sys/net/mptcp/ndiffports_subflows

check "path_manager is \"kernel\" by default" expect_eq "$(cat $pm)" kernel
check "available_path_managers lists the three" \
	expect_eq "$(cat $avail)" "kernel fullmesh ndiffports"

# refused NS FILE VALUE ERRNO: writing VALUE (and a newline, as echo does) to FILE in NS fails
# with ERRNO (its name), and the value stays as it was.
refused() {
	before=$(ip netns exec "$1" cat "$2")
	got=$(ip netns exec "$1" python3 -c 'import errno, sys
try:
    with open(sys.argv[1], "w") as f:
        f.write(sys.argv[2] + "\n")
    print("accepted")
except OSError as e:
    print(errno.errorcode[e.errno])' "$2" "$3")
	after=$(ip netns exec "$1" cat "$2")
	echo "'$3': $got, expected $4; '$before' before, '$after' after"
	[ "$got" = "$4" ] && [ "$after" = "$before" ]
}
new_netns pmA
new_netns pmB
selects_each() {
	for name in fullmesh ndiffports kernel; do
		ip netns exec pmA sh -c "echo $name >$pm" || return 1
		[ "$(ip netns exec pmA cat $pm)" = $name ] || return 1
	done
}
check "each available name is taken and read back" selects_each
ip netns exec pmA sh -c "echo ndiffports >$pm"
check "a manager the module does not have (\"userspace\") is refused: ENOENT, unchanged" \
	refused pmA $pm userspace ENOENT
others_refused() {
	refused pmA $pm Kernel ENOENT && refused pmA $pm "kernel x" ENOENT &&
		refused pmA $pm "" ENOENT
}
check "so is any other string (\"Kernel\", \"kernel x\", empty)" others_refused
check "per namespace: another one still has \"kernel\"" \
	expect_eq "$(ip netns exec pmB cat $pm)" kernel
check "available_path_managers is read-only" \
	sh -c "! ip netns exec pmA sh -c 'echo kernel >$avail' 2>/dev/null"
ndiffports_range() {
	[ "$(ip netns exec pmA cat $nd)" = 2 ] || { echo "default $(ip netns exec pmA cat $nd)"; return 1; }
	refused pmA $nd 0 EINVAL && refused pmA $nd 9 EINVAL &&
		ip netns exec pmA sh -c "echo 8 >$nd" && [ "$(ip netns exec pmA cat $nd)" = 8 ]
}
check "ndiffports_subflows: 2 by default, 1..8" ndiffports_range
check "the socket option MPTCP_RS_PATH_MANAGER: set before connect(), inherited from the listener, checked" \
	expect_eq "$(ip netns exec pmB $peer probe path-manager 127.0.0.1 7410)" ok
cleanup_netns

two_paths mg-c mg-s mveth 10.35 || echo "# netns setup failed"

# pairs_seen NS PORT FILE N: the address pairs ("local-peer") of NS's subflows established on
# PORT, gathered into FILE every 0.2 s (60 s at most) until N distinct ones were seen.
pairs_seen() {
	: >"$3"
	for _ in $(seq 300); do
		ip netns exec "$1" ss -Htn state established "( sport = :$2 )" |
			awk '{ l = $(NF - 1); p = $NF; sub(/:[0-9]+$/, "", l); sub(/:[0-9]+$/, "", p)
				print l "-" p }' >>"$3"
		sort -u -o "$3" "$3"
		[ "$(grep -c . "$3")" -lt "$4" ] || return 0
		sleep 0.2
	done
	return 1
}

# ports_seen NS PORT N: N subflows of NS established on PORT at once, all between its first
# addresses (10.35.1.x), each from another client port (60 s at most).
ports_seen() {
	for _ in $(seq 300); do
		n=$(ip netns exec "$1" ss -Htn state established "( sport = :$2 )" |
			awk -v l="10.35.1.2:$2" '$(NF - 1) == l && index($NF, "10.35.1.1:") == 1' |
			grep -c .)
		[ "$n" -lt "$3" ] || return 0
		sleep 0.2
	done
	echo "never $3 subflows at once (last $n)"
	return 1
}

tmp_pairs=$(mktemp)
# transfer PORT WATCH: a 16 MiB transfer both ways from mg-c to mg-s, intact with the client's
# MPTCP_INFO counting it, while WATCH (a command) succeeds; the client's socket asks for the
# path manager $client_pm if set (MPTCP_RS_PATH_MANAGER).
transfer() {
	ip netns exec mg-s $peer server mptcp 4 "$1" &
	spid=$!
	wait_listen mg-s "$1" $spid || return 1
	eval "$2" &
	wpid=$!
	out=$(ip netns exec mg-c env ${client_pm:+MPTCP_PEER_PM=$client_pm} \
		$peer client mptcp 10.35.1.2 "$1" 16777216 info)
	rc=$?
	wait $wpid || { echo "watch failed"; rc=1; }
	wait $spid || { echo "server failed"; rc=1; }
	echo "$out"
	return $rc
}

# ndiffports on the client (3 subflows in all), the kernel manager with no endpoint on the
# server (its default limit: 2 more subflows).
ip netns exec mg-c sh -c "echo ndiffports >$pm && echo 3 >$nd" || echo "# sysctl setup failed"
snap mg-c mg-s
check "ndiffports: 3 subflows over the first pair of addresses at once, 16 MiB intact both ways" \
	transfer 7401 "ports_seen mg-s 7401 3"
ndiffports_counters() {
	rose mg-c MPJoinSynAckRx 2 AddAddr 0 && rose mg-s MPJoinAckRx 2 AddAddrTx 0
}
check "... two joins, no announcement" ndiffports_counters
# The same asked for by the client's socket alone, its namespace back to "kernel".
ip netns exec mg-c sh -c "echo kernel >$pm" || echo "# sysctl setup failed"
snap mg-c mg-s
client_pm=ndiffports
check "ndiffports asked for by the socket (MPTCP_RS_PATH_MANAGER): 3 subflows, 16 MiB intact" \
	transfer 7403 "ports_seen mg-s 7403 3"
client_pm=
check "... two joins, no announcement" ndiffports_counters
# A server that takes no more subflows refuses the joins: each is tried once, not again.
ip -n mg-s mptcp limits set subflows 0 || echo "# limits setup failed"
snap mg-c mg-s
client_pm=ndiffports
check "ndiffports against a server that takes no join: 16 MiB intact over the first subflow" \
	transfer 7404 true
client_pm=
ndiffports_refused() {
	rose mg-c MPJoinSynTx 2 && rose mg-s MPJoinRejected 2 MPJoinAckRx 0
}
check "... each of its two subflows tried once and refused" ndiffports_refused
ip -n mg-s mptcp limits set subflows 2 || echo "# limits setup failed"

# fullmesh on both ends, no endpoint, add_addr_accepted 0 (the kernel manager's limit, which
# fullmesh does not read), 4 subflows allowed: each end announces its second address and the
# client opens the three other pairs.
for ns in mg-c mg-s; do
	ip netns exec $ns sh -c "echo fullmesh >$pm" &&
		ip -n $ns mptcp limits set add_addr_accepted 0 subflows 4 ||
		echo "# fullmesh setup failed"
done
snap mg-c mg-s
check "fullmesh: all four address pairs carry a subflow, 16 MiB intact both ways" \
	transfer 7402 "pairs_seen mg-s 7402 $tmp_pairs 4"
mesh_pairs() {
	cat "$tmp_pairs"
	[ "$(tr '\n' ' ' <"$tmp_pairs")" = \
		"10.35.1.2-10.35.1.1 10.35.1.2-10.35.2.1 10.35.2.2-10.35.1.1 10.35.2.2-10.35.2.1 " ]
}
check "... the pairs: each of the client's addresses to each of the server's" mesh_pairs
mesh_counters() {
	rose mg-c AddAddrTx 1 AddAddr 1 MPJoinSynAckRx 3 MPJoinAckRx 0 &&
		rose mg-s AddAddrTx 1 AddAddr 1 MPJoinAckRx 3 MPJoinSynAckRx 0
}
check "... each end announced its other address, only the initiator joined (3 joins)" \
	mesh_counters
no_endpoints() {
	[ -z "$(ip -n mg-c mptcp endpoint show)" ] && [ -z "$(ip -n mg-s mptcp endpoint show)" ]
}
check "no endpoint was configured on either end" no_endpoints
print_counters mg-c mg-s

rm -f "$tmp_pairs"
tap_done
