#!/usr/bin/env bash
# Fetch Debian's linux-source-7.3, apply our patch series, configure and build a guest kernel.
#
#   tools/kernel.sh ours       -> CONFIG_MPTCP=n, the kernel mptcp.ko loads into
#   tools/kernel.sh upstream   -> the same source with upstream's built-in MPTCP (baseline, peer)
#   tools/kernel.sh debug      -> ours plus KASAN, lockdep and other checkers (slow under TCG)
#
# Prints the build directory (O=) on stdout. Everything lives under $MPTCP_CACHE, keyed by the
# hash of its inputs (source package version, patches, config fragments, toolchain versions),
# so a cache hit costs a few seconds and a change to any input rebuilds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

flavor=${1:-ours}
[ -f "$here/kernel/$flavor.config" ] || die "unknown kernel flavor '$flavor' (ours|upstream|debug)"

# The version this project was tested with; the newest 7.3.x the archive has is the fallback.
pinned_version=${MPTCP_KERNEL_PKG_VERSION:-7.3.4-1~bpo13+1}
pkg=linux-source-7.3
jobs=${MPTCP_JOBS:-$(nproc)}
make_llvm=(LLVM="$MPTCP_LLVM")

mkdir -p "$MPTCP_CACHE/debs"
# Fetching and unpacking the shared source are serialised by one lock; each build directory
# has its own (below), so a cache hit for one flavour never waits for the other's build.
exec 9>"$MPTCP_CACHE/source.lock"
flock 9

# --- 1. the source package
deb_for() { echo "$MPTCP_CACHE/debs/${pkg}_${1//:/%3a}_all.deb"; }
fetch_source_deb() {
	local apt_dir="$MPTCP_CACHE/apt" mirror ver
	mirror=$(debian_mirror) || die "no Debian mirror configured in /etc/apt"
	mkdir -p "$apt_dir/lists/partial"
	# A private sources list: the source package comes from trixie-backports, which must never
	# be added to the system's sources (it would half-upgrade libc).
	cat >"$apt_dir/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main
SRC
	local opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$apt_dir/lists" -o APT::Get::List-Cleanup=0
		-o APT::Sandbox::User=root)
	log "apt-get update (private list for $pkg)"
	apt-get "${opts[@]}" update -qq >&2
	if apt-cache "${opts[@]}" show "$pkg=$pinned_version" >/dev/null 2>&1; then
		ver=$pinned_version
	else
		ver=$(apt-cache "${opts[@]}" madison "$pkg" | awk '{print $3}' | sort -V | tail -n1)
		[ -n "$ver" ] || die "$pkg is not in the archive"
		log "pinned $pkg $pinned_version is gone; using $ver"
	fi
	(cd "$MPTCP_CACHE/debs" && apt-get "${opts[@]}" download -qq "$pkg=$ver" >&2)
	echo "$ver"
}
if [ -f "$(deb_for "$pinned_version")" ]; then
	version=$pinned_version
elif [ -f "$MPTCP_CACHE/debs/fallback-version" ] && [ -f "$(deb_for "$(cat "$MPTCP_CACHE/debs/fallback-version")")" ]; then
	version=$(cat "$MPTCP_CACHE/debs/fallback-version")
else
	version=$(fetch_source_deb)
	[ "$version" = "$pinned_version" ] || echo "$version" >"$MPTCP_CACHE/debs/fallback-version"
fi
deb=$(deb_for "$version")
[ -f "$deb" ] || die "download of $pkg $version failed"

# --- 2. the patched source tree
series="$here/kernel/patches/series"
patches=$(grep -vE '^\s*(#|$)' "$series" || true)
patch_files=()
for p in $patches; do patch_files+=("$here/kernel/patches/$p"); done
src_key=$(hash_of "$series" "${patch_files[@]}" -- "$version")
src="$MPTCP_CACHE/src-$src_key"
if [ ! -f "$src/.mptcp-rs-ready" ]; then
	log "unpacking $pkg $version and applying ${#patch_files[@]} patch(es)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$src.tmp" --wildcards '*.tar.xz'
	tar -xJf "$src.tmp"/usr/src/linux-source-*.tar.xz -C "$src.tmp"
	mv "$src.tmp"/linux-source-* "$src"
	rm -rf "$src.tmp"
	for p in "${patch_files[@]}"; do
		log "  patch ${p##*/}"
		patch -d "$src" -p1 --batch --quiet <"$p" >&2 || die "patch ${p##*/} does not apply"
	done
	touch "$src/.mptcp-rs-ready"
fi

# --- 3. configure and build
toolchain="$(rustc --version) $(bindgen --version 2>/dev/null) $(clang$MPTCP_LLVM --version | head -n1)"
build_key=$(hash_of "$here/kernel/base.config" "$here/kernel/$flavor.config" -- "$src_key" "$toolchain")
build="$MPTCP_CACHE/build-$flavor-$build_key"
exec 9>&- 8>"$build.lock"
flock 8
if [ ! -f "$build/.mptcp-rs-built" ]; then
	log "building the '$flavor' kernel in $build (a cold build takes ~15 min on 2 cores)"
	start=$(date +%s)
	mkdir -p "$build"
	make -s -C "$src" O="$build" "${make_llvm[@]}" tinyconfig >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" \
		"$here/kernel/base.config" "$here/kernel/$flavor.config" >/dev/null
	make -s -C "$src" O="$build" "${make_llvm[@]}" olddefconfig >&2
	# olddefconfig silently drops or demotes options whose dependencies are missing: every
	# line of the fragments must survive as written.
	while IFS= read -r line; do
		opt=${line%%=*}
		if [ "${line#*=}" = n ]; then
			! grep -q "^$opt=" "$build/.config" || die "$opt is set in $build/.config; the fragments want it off"
		else
			grep -qx "$line" "$build/.config" || die "$line did not survive olddefconfig (got: $(grep "^$opt=" "$build/.config" || echo unset))"
		fi
	done < <(grep -hE '^CONFIG_[A-Z0-9_]+=' "$here/kernel/base.config" "$here/kernel/$flavor.config")
	make -s -C "$src" O="$build" "${make_llvm[@]}" -j"$jobs" >&2
	# uapi headers for the upstream selftest helpers
	make -s -C "$src" O="$build" "${make_llvm[@]}" headers >&2
	# The few =m options (legacy iptables tables) where the guest's modprobe finds them.
	make -s -C "$src" O="$build" "${make_llvm[@]}" INSTALL_MOD_PATH="$build/mod-install" modules_install >&2
	echo "$version" >"$build/.mptcp-rs-pkg-version"
	echo "$src" >"$build/.mptcp-rs-src"
	touch "$build/.mptcp-rs-built"
	log "kernel '$flavor' built in $(( $(date +%s) - start )) s"
fi
echo "$build"
