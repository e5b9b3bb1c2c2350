#!/bin/sh
# /proc/net/mptcp_netstat: upstream's MPTcpExt counter names, in upstream's order and format,
# per network namespace, readable by nstat through PROC_NET_NETSTAT (how the upstream
# selftests' nstat shim consumes it).
. "$(dirname "$0")/lib.sh"

tap_plan 6

f=/proc/net/mptcp_netstat
load_module
check "$f exists in init_net" test -r $f

format() {
	[ "$(wc -l <$f)" -eq 2 ] || { echo "expected 2 lines"; cat $f; return 1; }
	names=$(sed -n 1p $f | wc -w)
	values=$(sed -n 2p $f | wc -w)
	[ "$names" -eq "$values" ] || { echo "$names names but $values values"; return 1; }
	cut -d' ' -f1 $f | sort -u | grep -qx 'MPTcpExt:' || { echo "lines must start with MPTcpExt:"; return 1; }
	sed -n 2p $f | cut -d' ' -f2- | tr ' ' '\n' | grep -qvE '^[0-9]+$' && { echo "non-numeric value"; return 1; }
	return 0
}
check "two MPTcpExt: lines, as many values as names" format

# The authority on names and order: upstream's net/mptcp/mib.c in the source we built from.
upstream_names() {
	src=$(cat "$MPTCP_KDIR/.mptcp-rs-src" 2>/dev/null) || return 1
	grep -o 'SNMP_MIB_ITEM("[A-Za-z0-9_]*"' "$src/net/mptcp/mib.c" | sed 's/SNMP_MIB_ITEM("//; s/"$//'
}
same_names() {
	want=$(upstream_names) || { echo "cannot read upstream's mib.c"; return 1; }
	got=$(sed -n 1p $f | cut -d' ' -f2- | tr ' ' '\n')
	[ "$want" = "$got" ] || { echo "names differ from upstream:"; printf '%s\n' "$want" >/tmp/mib.want;
		printf '%s\n' "$got" >/tmp/mib.got; diff /tmp/mib.want /tmp/mib.got | head -20; return 1; }
}
if [ -n "${MPTCP_KDIR:-}" ] && [ -r "$MPTCP_KDIR/.mptcp-rs-src" ]; then
	check "names and order are upstream's (net/mptcp/mib.c)" same_names
else
	skip "names and order are upstream's (net/mptcp/mib.c)" "kernel source location unknown (MPTCP_KDIR unset)"
fi

new_netns mibA
check "each namespace has its own file" ip netns exec mibA test -r $f

via_nstat() {
	t=$(mktemp)
	cat /proc/net/netstat $f >"$t"
	out=$(PROC_NET_NETSTAT="$t" NSTAT_HISTORY=/tmp/mib.nstat nstat -az MPTcpExtMPCapableSYNRX)
	rm -f "$t"
	echo "$out" | grep -qE '^MPTcpExtMPCapableSYNRX[[:space:]]+[0-9]+' || { echo "nstat printed: $out"; return 1; }
}
check "nstat reads MPTcpExt counters through PROC_NET_NETSTAT" via_nstat

unload_module
check "file removed with the module" sh -c "! test -e $f"

tap_done
