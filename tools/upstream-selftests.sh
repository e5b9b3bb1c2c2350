#!/usr/bin/env bash
# Run upstream's net/mptcp selftests (from the same Linux 7.3 source) against mptcp.ko in the
# guest, and print a scoreboard: one "<script>: N passed, N failed, N skipped" line each.
#
#   tools/upstream-selftests.sh [script.sh[:arg...] ...|all]
#
# Default: every script but mptcp_join.sh. Arguments for a script follow its name, separated
# by colons: `pm_netlink.sh:-i` runs `pm_netlink.sh -i` (with `ip mptcp`), and
# `mptcp_join.sh:-f:-e` runs the groups -f and -e of mptcp_join.sh.
#
# The scripts and C helpers are built from the downloaded source into a scratch copy under
# $MPTCP_CACHE (tools/selftest-helpers.sh) and run unmodified, except for the two shims
# architecture.md section 2 names (nstat wrapper, kallsyms module-suffix strip). Opt-in:
# MPTCP_SELFTESTS_LIFT_GATES="symbol ..." also runs cases gated on upstream-internal symbols
# (tools/upstream-selftests-guest.sh).
# Exit status: non-zero only when the run itself breaks (build failure, guest crash, kernel
# report); failing scripts are scored, not fatal, unless MPTCP_SELFTESTS_STRICT=1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
repo=$(dirname "$here")

kdir=$("$here/kernel.sh" "${MPTCP_FLAVOR:-ours}")
src=$(cat "$kdir/.mptcp-rs-src")
all_scripts=$(sed -n '/^TEST_PROGS/,/end of TEST_PROGS/p' "$src/tools/testing/selftests/net/mptcp/Makefile" |
	grep -oE '[a-z_]+\.sh')

scripts=()
for a in "$@"; do
	[ -n "$a" ] || continue
	if [ "$a" = all ]; then scripts=($all_scripts); continue; fi
	grep -qx "${a%%:*}" <<<"$all_scripts" || die "unknown upstream selftest '${a%%:*}' (have: $(echo $all_scripts))"
	scripts+=("$a")
done
if [ ${#scripts[@]} -eq 0 ]; then
	# mptcp_join.sh alone takes ~30 min under TCG: run it by name.
	scripts=($(grep -vx mptcp_join.sh <<<"$all_scripts"))
fi

# --- the helpers and a scratch copy of the scripts, with the shims (cached per kernel build)
install_dir=$("$here/selftest-helpers.sh" "$kdir")
log "upstream selftests: ${scripts[*]}"
log "shims in use: nstat wrapper (PROC_NET_NETSTAT), kallsyms module-suffix strip in mptcp_lib.sh"
[ -z "${MPTCP_SELFTESTS_LIFT_GATES:-}" ] ||
	log "opt-in: kallsyms gates lifted for: $MPTCP_SELFTESTS_LIFT_GATES (cases upstream runs only on kernels with those functions)"

# --- run them all in one guest boot
out="$repo/build/upstream-selftests"
rm -rf "$out"
mkdir -p "$out"
per_script_timeout=$(sed -n 's/^timeout=//p' "$install_dir/net/mptcp/settings")
export MPTCP_SELFTESTS_DIR="$install_dir/net/mptcp"
export MPTCP_SELFTESTS_TIMEOUT=${per_script_timeout:-1800}
set +e
"$here/vm.sh" -k "$kdir" -t $((MPTCP_SELFTESTS_TIMEOUT * ${#scripts[@]} + 120)) -o "$out/vm" -q -- \
	"$here/upstream-selftests-guest.sh" "${scripts[@]}"
vm_rc=$?
set -e

# --- scoreboard, from each script's TAP
echo "upstream selftests (Linux $(cat "$kdir/.mptcp-rs-pkg-version")), mptcp.ko:"
any_failed=0
results="$out/vm/results"
for s in "${scripts[@]}"; do
	f="$results/$s.log"  # $s with its arguments: the guest names logs the same way
	if [ ! -f "$f" ]; then
		echo "$s: 0 passed, 0 failed, 0 skipped (did not run)"
		any_failed=1
		continue
	fi
	p=$(grep -cE '^ok [0-9]+ ' "$f" || true)
	sk=$(grep -cE '^ok [0-9]+ .*# SKIP' "$f" || true)
	fl=$(grep -cE '^not ok [0-9]+ ' "$f" || true)
	rc=$(cat "$results/$s.rc" 2>/dev/null || echo '?')
	note=""
	case $rc in
	0) ;;
	4) note=" (script skipped itself: $(grep -m1 -E 'SKIP' "$f" | sed 's/^[^A-Za-z]*//' | cut -c1-80))" ;;
	124) note=" (timed out after ${MPTCP_SELFTESTS_TIMEOUT}s)" ;;
	*) note=" (exit $rc)" ;;
	esac
	[ "$fl" -eq 0 ] && [ "$rc" = 0 ] || any_failed=1
	echo "$s: $((p - sk)) passed, $fl failed, $sk skipped$note"
done
echo "logs: $out"
if [ "$vm_rc" = 124 ] || [ "$vm_rc" = 125 ]; then
	die "the guest run broke (exit $vm_rc): see $out/vm"
fi
if [ "${MPTCP_SELFTESTS_STRICT:-0}" = 1 ] && [ $any_failed = 1 ]; then
	exit 1
fi
exit 0
