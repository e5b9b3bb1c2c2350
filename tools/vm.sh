#!/usr/bin/env bash
# Boot a guest kernel under QEMU (TCG: KVM does not work on these machines) with the host's
# userland visible read-only over virtio-9p, run one command in it, and return its exit status.
#
#   tools/vm.sh [-k KERNEL_BUILD_DIR] [-t TIMEOUT_S] [-m MEM] [-c CPUS] [-o OUTDIR] [-q]
#               [-n NETDEV] -- CMD...
#
# -n adds a virtio NIC (eth0 in the guest) on a QEMU netdev, e.g.
# "socket,listen=127.0.0.1:PORT" in one guest and "socket,connect=127.0.0.1:PORT" in another:
# two guests joined by a link that is a TCP connection over the host's loopback.
#
# CMD runs with /bin/sh in the current directory. Its output streams to our stdout (with the
# kernel's warnings, which share the serial console) and is kept in OUTDIR/output.log. The run
# fails (exit 125) on any kernel oops, WARN, BUG, KASAN/UBSAN/lockdep report, panic, or a
# kmemleak report, even if CMD succeeded; the guest log is kept in OUTDIR/dmesg.log. Exit 124
# means the time limit was hit. No tty needed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

kernel="" timeout_s=600 mem=2G cpus=2 outdir="" quiet=0 netdev=""
while getopts "k:t:m:c:o:qn:" o; do
	case $o in
	k) kernel=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	o) outdir=$OPTARG ;;
	q) quiet=1 ;;
	n) netdev=$OPTARG ;;
	*) die "usage: $0 [-k kdir] [-t timeout] [-m mem] [-c cpus] [-o outdir] [-q] -- cmd..." ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || die "no command given"
[ -n "$kernel" ] || kernel=$("$here/kernel.sh" ours)
bzimage="$kernel/arch/x86/boot/bzImage"
[ -f "$bzimage" ] || die "no bzImage in $kernel"

if [ -z "$outdir" ]; then
	outdir=$(mktemp -d "${TMPDIR:-/tmp}/mptcp-vm.XXXXXX")
fi
mkdir -p "$outdir"
rm -f "$outdir"/{exit-status,output.log,dmesg.log,kmemleak.log,console.log}

# What the guest's init (tools/guest-init.sh) runs, and where: passed as files, since the
# kernel command line cannot carry arbitrary shell.
{
	printf 'cd %q\n' "$PWD"
	printf 'export MPTCP_REPO=%q MPTCP_CACHE=%q MPTCP_KDIR=%q\n' "$(dirname "$here")" "$MPTCP_CACHE" "$kernel"
	for v in $(compgen -e | grep -E '^(MPTCP_|SELFTESTS_|T$|V$)' || true); do
		[ "$v" = MPTCP_CACHE ] || printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf '%q ' "$@"
	echo
} >"$outdir/cmd.sh"
# The guest mounts tmpfs over /tmp, /run, /var/...: directories the command needs from there
# (a clone under /tmp, say) are shared again at the same path, read-only.
shares=()
for d in "$(dirname "$here")" "$MPTCP_CACHE" "$kernel" "$PWD"; do
	d=$(realpath "$d")
	case "$d" in
	/tmp | /tmp/* | /run | /run/* | /var/tmp* | /var/log* | /var/lib* | /mnt*) shares+=("$d") ;;
	esac
done
mapfile -t shares < <(printf '%s\n' "${shares[@]}" | awk 'NF' | sort -u)
: >"$outdir/mounts"
share_args=()
for i in "${!shares[@]}"; do
	share_args+=(-fsdev "local,id=share$i,path=${shares[$i]},security_model=none,readonly=on"
		-device "virtio-9p-pci,fsdev=share$i,mount_tag=share$i")
	echo "share$i ${shares[$i]}" >>"$outdir/mounts"
done

# Where the guest's modprobe finds this kernel's modules (tools/kernel.sh installs them).
echo "$kernel/mod-install/lib/modules" >"$outdir/modules"

# The guest's own limit is a little shorter so it can still collect its logs.
echo $((timeout_s > 60 ? timeout_s - 30 : timeout_s)) >"$outdir/timeout"

cmdline=(
	console=ttyS0 loglevel=4 panic=-1 oops=panic reboot=t
	root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro
	"init=$here/guest-init.sh"
)
qemu=(
	qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp "$cpus" -m "$mem"
	-no-reboot -display none -monitor none -serial stdio -nodefaults -no-user-config
	-kernel "$bzimage" -append "${cmdline[*]}"
	-fsdev local,id=root,path=/,security_model=none,readonly=on
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot
	-fsdev "local,id=out,path=$outdir,security_model=none"
	-device virtio-9p-pci,fsdev=out,mount_tag=vmout
	"${share_args[@]}"
)
if [ -n "$netdev" ]; then
	# A MAC derived from the spec, so the two ends of a link differ.
	mac=52:54:00:$(echo "$netdev" | sha256sum | sed 's/^\(..\)\(..\)\(..\).*/\1:\2:\3/')
	qemu+=(-netdev "$netdev,id=net0" -device "virtio-net-pci,netdev=net0,mac=$mac")
fi

start=$(date +%s)
set +e
if [ $quiet = 1 ]; then
	timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' >"$outdir/console.log"
else
	timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$outdir/console.log"
fi
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - start))

bad='(Oops|BUG:|WARNING:|Kernel panic|general protection fault|KASAN|UBSAN|possible recursive locking|possible circular locking|inconsistent lock state|INFO: task .* blocked|refcount_t: |kmemleak: [0-9]+ new suspected|Unable to handle kernel)'
problems=$(cat "$outdir/console.log" "$outdir/dmesg.log" 2>/dev/null | grep -E "$bad" | sort -u | head -n 20 || true)
if [ -s "$outdir/kmemleak.log" ]; then
	problems+=$'\n'"kmemleak: $(grep -c '^unreferenced object' "$outdir/kmemleak.log") unreferenced object(s), see $outdir/kmemleak.log"
fi

if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	log "guest timed out after ${timeout_s}s (log: $outdir/console.log)"
	rc=124
elif [ ! -f "$outdir/exit-status" ]; then
	log "guest died before the command finished (qemu exit $qemu_rc; log: $outdir/console.log)"
	rc=125
else
	rc=$(cat "$outdir/exit-status")
fi
if [ -n "${problems//[$'\n ']/}" ]; then
	log "kernel reported problems (full log: $outdir/dmesg.log):"
	echo "$problems" | sed '/^$/d; s/^/    /' >&2
	[ "$rc" = 124 ] || rc=125
fi
[ $quiet = 1 ] || log "guest exit status $rc after ${elapsed}s (logs in $outdir)"
exit "$rc"
