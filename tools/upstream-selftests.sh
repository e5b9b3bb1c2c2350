#!/usr/bin/env bash
# Run upstream's net/mptcp selftests (from the same Linux 7.3 source) against mptcp.ko in the
# guest, and print a scoreboard: one "<script>: N passed, N failed, N skipped" line each.
#
#   tools/upstream-selftests.sh [script.sh ...|all]     (default: every script but mptcp_join.sh)
#
# The scripts and C helpers are built from the downloaded source into a scratch copy under
# $MPTCP_CACHE and run unmodified, except for the two shims architecture.md section 2 names:
#   1. an `nstat` wrapper first in PATH that adds the module's per-netns counter file
#      (/proc/net/mptcp_netstat, MPTcpExt format) to /proc/net/netstat via PROC_NET_NETSTAT;
#   2. __mptcp_lib_kallsyms_has() in the copy of mptcp_lib.sh strips the "\t[module]" suffix
#      that module symbols carry in /proc/kallsyms, so "name$" probes can match them.
# Exit status: non-zero only when the run itself breaks (build failure, guest crash, kernel
# report); failing scripts are scored, not fatal, unless MPTCP_SELFTESTS_STRICT=1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
repo=$(dirname "$here")

kdir=$("$here/kernel.sh" ours)
src=$(cat "$kdir/.mptcp-rs-src")
sel="$src/tools/testing/selftests"
all_scripts=$(sed -n '/^TEST_PROGS/,/end of TEST_PROGS/p' "$sel/net/mptcp/Makefile" | grep -oE '[a-z_]+\.sh')

scripts=()
for a in "$@"; do
	[ -n "$a" ] || continue
	if [ "$a" = all ]; then scripts=($all_scripts); continue; fi
	grep -qx "$a" <<<"$all_scripts" || die "unknown upstream selftest '$a' (have: $(echo $all_scripts))"
	scripts+=("$a")
done
if [ ${#scripts[@]} -eq 0 ]; then
	# mptcp_join.sh alone takes ~30 min under TCG: run it by name.
	scripts=($(grep -vx mptcp_join.sh <<<"$all_scripts"))
fi

# --- build the helpers and install a scratch copy (cached per source tree)
install_dir="$kdir/mptcp-selftests"
if [ ! -f "$install_dir/.mptcp-rs-ready" ]; then
	log "building upstream net/mptcp selftest helpers"
	rm -rf "$install_dir"
	make -s -C "$sel" O="$kdir" TARGETS=net/mptcp KSFT_INSTALL_PATH="$install_dir" install >&2
	lib="$install_dir/net/mptcp/mptcp_lib.sh"
	grep -q 'grep -q " ${sym}" /proc/kallsyms' "$lib" || die "mptcp_lib.sh changed: kallsyms shim needs updating"
	# Shim 2 (see header): module symbols end in "\t[mptcp]"; strip it before matching.
	sed -i 's|grep -q " ${sym}" /proc/kallsyms|sed "s/\\t\\[[^]]*\\]$//" /proc/kallsyms \| grep -q " ${sym}"|' "$lib"
	# Shim 1: the nstat wrapper.
	mkdir -p "$install_dir/shim-bin"
	cat >"$install_dir/shim-bin/nstat" <<'NSTAT'
#!/bin/sh
# mptcp-rs shim: with CONFIG_MPTCP=n the kernel prints no MPTcpExt lines in /proc/net/netstat;
# the module serves them in /proc/net/mptcp_netstat. Feed both to the real nstat.
t=$(mktemp)
cat /proc/net/netstat /proc/net/mptcp_netstat >"$t" 2>/dev/null
PROC_NET_NETSTAT="$t" /usr/bin/nstat "$@"
rc=$?
rm -f "$t"
exit $rc
NSTAT
	chmod +x "$install_dir/shim-bin/nstat"
	touch "$install_dir/.mptcp-rs-ready"
fi
log "upstream selftests: ${scripts[*]}"
log "shims in use: nstat wrapper (PROC_NET_NETSTAT), kallsyms module-suffix strip in mptcp_lib.sh"

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
	f="$results/$s.log"
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
