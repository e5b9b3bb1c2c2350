#!/bin/bash
# Guest side of tools/upstream-selftests.sh: load mptcp.ko, run each named upstream script
# from the scratch copy with the nstat shim first in PATH, keep its output and exit status.
set -u
dir=$MPTCP_SELFTESTS_DIR
# Only the vmout share is writable from the guest; the host reads results/ from there.
out=/tmp/vmout/results
mkdir -p "$out"
insmod "$MPTCP_REPO/mptcp.ko" || { echo "insmod failed"; exit 1; }
export PATH="$dir/../../shim-bin:$PATH"
# Opt-in, never by default: MPTCP_SELFTESTS_LIFT_GATES="symbol ..." runs the cases upstream
# gates on the kallsyms presence of one of its own internal functions (a backport guard, e.g.
# subflow_rebuild_header), from a copy in the guest's /tmp with those probes replaced by true.
if [ -n "${MPTCP_SELFTESTS_LIFT_GATES:-}" ]; then
	rm -rf /tmp/lifted && cp -r "$dir/../.." /tmp/lifted || exit 1
	dir=/tmp/lifted/net/mptcp
	for sym in $MPTCP_SELFTESTS_LIFT_GATES; do
		sed -i "s/continue_if mptcp_lib_kallsyms_has \"$sym\\\$\"/true/" "$dir"/*.sh
		echo "gate lifted: $sym ($(cat "$dir"/*.sh | grep -c "kallsyms_has \"$sym") probes left)"
	done
fi
export SELFTESTS_MPTCP_LIB_EXPECT_ALL_FEATURES=${SELFTESTS_MPTCP_LIB_EXPECT_ALL_FEATURES:-0}
cd "$dir" || exit 1
# Each argument is a script name, then its own arguments after colons (pm_netlink.sh:-i).
for spec in "$@"; do
	IFS=: read -r -a argv <<<"$spec"
	echo "== ${argv[*]}"
	timeout -k 10 "$MPTCP_SELFTESTS_TIMEOUT" "./${argv[0]}" "${argv[@]:1}" \
		>"$out/$spec.log" 2>&1 </dev/null
	echo $? >"$out/$spec.rc"
	tail -n 3 "$out/$spec.log"
done
rmmod mptcp
