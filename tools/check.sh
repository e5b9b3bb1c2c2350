#!/usr/bin/env bash
# `make check`: the pure core's cargo tests on the host, then one guest boot running KUnit
# (at insmod) and our selftests. Prints one summary line last: "N passed, N failed, N skipped".
# A kernel oops/WARN/leak seen by the guest runner counts as a failure even if every test
# line passed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
repo=$(dirname "$here")
out="$repo/build/check"
rm -rf "$out"
mkdir -p "$out"

passed=0 failed=0 skipped=0
check_start=$(date +%s)

echo "== cargo test (pure protocol core, host)"
(cd "$repo" && cargo test --quiet 2>&1) | tee "$out/cargo-test.log"
cargo_rc=${PIPESTATUS[0]}
while read -r p f; do
	passed=$((passed + p))
	failed=$((failed + f))
done < <(sed -nE 's/^test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' "$out/cargo-test.log")
if [ "$cargo_rc" -ne 0 ] && ! grep -qE '^test result: FAILED' "$out/cargo-test.log"; then
	echo "cargo test did not run (exit $cargo_rc)"
	failed=$((failed + 1))
fi

echo "== rustfmt (kernel settings, .rustfmt.toml)"
if (cd "$repo" && make -s fmtcheck >"$out/fmtcheck.log" 2>&1); then
	echo "ok: sources are rustfmt-clean"
	passed=$((passed + 1))
else
	echo "not ok: rustfmt would change these (run 'make fmt'):"
	sed 's/^/  /' "$out/fmtcheck.log" | head -n 40
	failed=$((failed + 1))
fi

echo "== guest: KUnit and selftests (tools/vm.sh)"
kdir=$("$here/kernel.sh" "${MPTCP_FLAVOR:-ours}")
"$here/vm.sh" -k "$kdir" -t "${MPTCP_CHECK_TIMEOUT:-1200}" -o "$out/vm" -- "$repo/selftests/run.sh"
vm_rc=$?
log="$out/vm/output.log"
if [ -f "$log" ]; then
	p=$(grep -cE '^ok [0-9]+ ' "$log" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+ ' "$log" | tr -d ' ')
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
	if [ "$s" -gt 0 ]; then
		echo "skipped:"
		grep -E '^ok [0-9]+ .*# SKIP' "$log" | sed 's/^/  /'
	fi
	if [ "$f" -gt 0 ]; then
		echo "failed:"
		grep -E '^not ok [0-9]+ ' "$log" | sed 's/^/  /'
	fi
fi
case $vm_rc in
0) ;;
124 | 125)
	echo "guest run failed (exit $vm_rc: timeout, crash or kernel report; see $out/vm)"
	failed=$((failed + 1))
	;;
*)
	# A script failed; its "not ok" lines are counted above. If none were printed the
	# failure happened outside a test: count it so it cannot pass unnoticed.
	if ! grep -qE '^not ok [0-9]+ ' "$log" 2>/dev/null; then
		echo "selftests exited $vm_rc without a failing test line"
		failed=$((failed + 1))
	fi
	;;
esac

echo "check: tests took $(($(date +%s) - check_start)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
