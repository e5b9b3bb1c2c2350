#!/usr/bin/env bash
# Build upstream's net/mptcp selftest helpers (mptcp_connect, pm_nl_ctl, mptcp_diag, ...) from
# the kernel source a build directory was made from, and install a scratch copy of the scripts
# with the two documented shims (architecture.md section 2):
#   1. an `nstat` wrapper (shim-bin/nstat, first in PATH) that adds the module's per-netns
#      counter file /proc/net/mptcp_netstat (MPTcpExt format) via PROC_NET_NETSTAT;
#   2. __mptcp_lib_kallsyms_has() in the copy of mptcp_lib.sh strips the "\t[module]" suffix
#      that module symbols carry in /proc/kallsyms, so "name$" probes can match them.
#
#   tools/selftest-helpers.sh KERNEL_BUILD_DIR     -> prints the install directory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kdir=${1:?kernel build directory}
src=$(cat "$kdir/.mptcp-rs-src")
sel="$src/tools/testing/selftests"
install_dir="$kdir/mptcp-selftests"

exec 9>"$kdir/.mptcp-selftests.lock"
flock 9
if [ ! -f "$install_dir/.mptcp-rs-ready" ]; then
	log "building upstream net/mptcp selftest helpers"
	rm -rf "$install_dir"
	make -s -C "$sel" O="$kdir" TARGETS=net/mptcp KSFT_INSTALL_PATH="$install_dir" install >&2
	lib="$install_dir/net/mptcp/mptcp_lib.sh"
	grep -q 'grep -q " ${sym}" /proc/kallsyms' "$lib" || die "mptcp_lib.sh changed: kallsyms shim needs updating"
	sed -i 's|grep -q " ${sym}" /proc/kallsyms|sed "s/\\t\\[[^]]*\\]$//" /proc/kallsyms \| grep -q " ${sym}"|' "$lib"
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
echo "$install_dir"
