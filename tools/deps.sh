#!/usr/bin/env bash
# Install what a fresh Debian bookworm machine lacks to build the kernel, the module and the
# guest tests. Idempotent: a stamp keyed by this file's hash makes a repeat run cost ~0 s, and
# each step checks for its result before doing anything. Needs root (apt), as on CI.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
stamp="$MPTCP_CACHE/deps.$(hash_of "$here/deps.sh").ok"
mkdir -p "$MPTCP_CACHE"

have_everything() {
	[ -f "$stamp" ] || return 1
	command -v bindgen >/dev/null || return 1
	command -v qemu-system-x86_64 >/dev/null || return 1
	[ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] || return 1
}
have_everything && exit 0

export DEBIAN_FRONTEND=noninteractive

# bookworm-backports: QEMU 10 and an iproute2 whose `ip mptcp` knows the newer endpoint flags.
# Safe to add system-wide (unlike trixie, which would half-upgrade libc).
bpo=/etc/apt/sources.list.d/mptcp-rs-bookworm-backports.sources
if [ ! -f "$bpo" ]; then
	mirror=$(debian_mirror) || die "no Debian mirror configured in /etc/apt"
	cat >"$bpo" <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

pkgs=(
	# kernel build
	build-essential flex bison bc libelf-dev libssl-dev cpio kmod xz-utils rsync
	# Rust-for-Linux: bindgen wants libclang >= 17; the kernel's Rust build uses LLVM tools
	clang-19 libclang-19-dev lld-19 llvm-19
	# guest and what the tests run inside it (the guest sees the host's userland over 9p)
	udev iproute2 ethtool iptables nftables socat tcpdump netcat-openbsd procps psmisc
	util-linux iputils-ping python3
	# mptcpize (Debian's mptcpd project: LD_PRELOAD to IPPROTO_MPTCP), for the transparent-mode tests
	mptcpize
	# upstream selftest helpers (mptcp_connect, pm_nl_ctl, mptcp_diag, ...)
	libmnl-dev pkg-config
)
log "apt-get install (${#pkgs[@]} packages)"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
apt-get install -y -qq --no-install-recommends -t bookworm-backports \
	qemu-system-x86 qemu-utils iproute2 >/dev/null

# The guest mounts its kernel's module tree here (tools/guest-init.sh); the host's root is
# read-only in the guest, so the mount point must exist on the host.
mkdir -p /lib/modules

log "rustup component add rust-src"
rustup component add rust-src >/dev/null 2>&1

if ! command -v bindgen >/dev/null || ! bindgen --version | grep -qE ' 0\.(7[1-9]|[89][0-9])'; then
	log "cargo install bindgen-cli (about 75 s)"
	cargo install --locked --quiet bindgen-cli@0.72.1
fi

touch "$stamp"
log "done"
