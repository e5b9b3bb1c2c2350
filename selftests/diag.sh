#!/bin/sh
# MPTCP sockets over inet_diag (ss -M), the subflow's ULP info (ss -ti), the in-use count of
# /proc/net/protocols and the MPTcpExtMPCurrEstab gauge: what upstream's diag.sh and
# mptcp_join.sh read (make upstream-selftests T=diag.sh runs upstream's own script).
. "$(dirname "$0")/lib.sh"

peer="python3 $(dirname "$0")/diag_peer.py"
tap_plan 11

load_module
new_netns dg
out=$(ip netns exec dg $peer pair mptcp 2>&1)
val() { printf '%s\n' "$out" | sed -n "s/^$1=//p"; }
check "a listening msk is listed by ss -Ml with its port" expect_eq "$(val listeners)" 1
check "both ends of a connection are established msks" expect_eq "$(val msk_estab)" 2
# Each subflow reports the peer's token, then its own; the two msks report their own.
tokens_agree() {
	set -- $(val msk_tokens)
	[ $# -eq 2 ] || { echo "msk tokens: '$(val msk_tokens)'"; return 1; }
	expect_eq "$(val subflow_token_pairs)" "$(printf '%s\n' "$1/$2" "$2/$1" | sort | tr '\n' ' ' | sed 's/ $//')"
}
check "msk tokens match the subflows' local and remote tokens" tokens_agree
check "no fallback reported" expect_eq "$(val fallbacks)" 0
check "the msk's local port is the subflow's (dport filter finds the client)" \
	expect_eq "$(val client_sport_matches)" 1
check "/proc/net/protocols counts the listener and both ends" expect_eq "$(val inuse)" 3
check "MPCurrEstab counts both ends" expect_eq "$(val curr_estab)" 2
check "after close nothing is in use" expect_eq "$(val inuse_after_close)" 0
check "after close MPCurrEstab is 0" expect_eq "$(val curr_estab_after_close)" 0
[ -n "$(val inuse)" ] || printf '%s\n' "$out" | sed 's/^/# /'

out=$(ip netns exec dg $peer pair tcp 2>&1)
check "against a plain TCP listener the client msk reports fallback" expect_eq "$(val fallbacks)" 1
check "a fallen-back msk still counts as established" expect_eq "$(val curr_estab)" 1
tap_done
