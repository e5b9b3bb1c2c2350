#!/usr/bin/env bash
# `make bench`: single-path bulk transfer, same guest settings (QEMU TCG, 2 vCPUs, 2 GiB),
# plain TCP vs upstream's built-in MPTCP (`make kernel-upstream`) vs our module. Several runs
# each; prints medians and ratios side by side. Figures only: nothing here is a pass/fail test.
# Under TCG absolute numbers are far below real hardware; compare ratios within one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

two_kernel_setup bench
export MPTCP_BENCH_HELPERS=$helpers
export MPTCP_BENCH_MB=${MPTCP_BENCH_MB:-128} MPTCP_BENCH_RUNS=${MPTCP_BENCH_RUNS:-5}

log "bench: ${MPTCP_BENCH_RUNS} runs of ${MPTCP_BENCH_MB} MiB per case"
MPTCP_BENCH_LOAD_MODULE=1 "$here/vm.sh" -q -k "$ours" -t 1800 -o "$out/ours" -- \
	"$here/bench-guest.sh" ours TCP MPTCP
"$here/vm.sh" -q -k "$upstream" -t 1800 -o "$out/upstream" -- \
	"$here/bench-guest.sh" upstream TCP MPTCP

cat "$out"/*/output.log | grep '^RESULT' >"$out/results.txt" || true
python3 - "$out/results.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
cases, notes = {}, []
for r in rows:
    label, mode = r[1], r[2]
    if r[3] in ("unavailable", "corrupt"):
        notes.append(f"{label} {mode}: {r[3]} {' '.join(r[4:]).replace('_', ' ')}")
        continue
    nbytes, ns, jiffies = int(r[4]), int(r[5]), int(r[6])
    cases.setdefault((label, mode), []).append((nbytes / ns * 1e9 / 2**20, jiffies / 100 / (nbytes / 2**30)))
base = cases.get(("ours", "TCP"))
base_mbs = statistics.median(x[0] for x in base) if base else None
print(f"{'kernel':<10}{'socket':<8}{'runs':>5}{'MiB/s (median)':>16}{'min-max':>13}{'vs TCP on ours':>16}{'CPU s/GiB':>11}")
for (label, mode), v in sorted(cases.items()):
    mbs = statistics.median(x[0] for x in v)
    cpu = statistics.median(x[1] for x in v)
    ratio = f"{mbs / base_mbs:.2f}" if base_mbs else "-"
    spread = f"{min(x[0] for x in v):.1f}-{max(x[0] for x in v):.1f}"
    print(f"{label:<10}{mode:<8}{len(v):>5}{mbs:>16.1f}{spread:>13}{ratio:>16}{cpu:>11.2f}")
for n in notes:
    print("note:", n)
PY
echo "raw results: $out/results.txt"
