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
