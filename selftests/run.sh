#!/bin/sh
# Guest-side runner: runs our selftest scripts (all by default, or those named) one after the
# other and prints their TAP. Exit status: non-zero if any script failed.
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 1

if [ $# -eq 0 ]; then
	set -- module.sh sysctl.sh kunit.sh subflow.sh hooks.sh mib.sh tcp_ext.sh msk.sh transparent.sh pm_netlink.sh diag.sh join.sh signal.sh prio.sh failover.sh managers.sh
fi
failed=0
for t in "$@"; do
	echo "# selftest: $t"
	if ! sh "./$t"; then
		failed=$((failed + 1))
		echo "# selftest: $t FAILED"
	fi
done
[ $failed -eq 0 ]
