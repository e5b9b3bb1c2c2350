# Shared helpers for the tools/ scripts. Sourced, not run.

# Where expensive artefacts (kernel source, kernel builds, selftest helpers) live: outside the
# clone, so a fresh clone on a warm machine reuses them. Keyed by hashes of their inputs below.
MPTCP_CACHE=${MPTCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mptcp-rs}
export MPTCP_CACHE

# The LLVM suffix the kernel and the module are built with (LLVM=-19 -> clang-19, ld.lld-19...).
MPTCP_LLVM=${MPTCP_LLVM:--19}
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm${MPTCP_LLVM}/lib}
export PATH="$HOME/.cargo/bin:$PATH"

log() { echo "${0##*/}: $*" >&2; }
die() { echo "${0##*/}: error: $*" >&2; exit 1; }

# The Debian archive mirror this machine's apt is already configured with (deb822 or one-line
# format). We reuse it rather than naming a mirror host in the repository.
debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "${uri%/}"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && { echo "${uri%/}"; return 0; }
	done
	return 1
}

# Short content hash of files and strings: hash_of FILE... -- STRING...
hash_of() {
	local files=() strings=()
	while [ $# -gt 0 ]; do
		[ "$1" = "--" ] && { shift; strings=("$@"); break; }
		files+=("$1"); shift
	done
	{
		[ ${#files[@]} -eq 0 ] || cat "${files[@]}"
		printf '%s\n' "${strings[@]}"
	} | sha256sum | cut -c1-16
}

# For tools that compare our kernel with upstream's (bench, interop): sets `ours` and
# `upstream` (kernel build directories), `helpers` (upstream's selftest helpers) and `out`
# (a fresh build/NAME directory in the repository).
two_kernel_setup() {
	local repo
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	ours=$("$repo/tools/kernel.sh" ours)
	upstream=$("$repo/tools/kernel.sh" upstream)
	helpers="$("$repo/tools/selftest-helpers.sh" "$ours")/net/mptcp"
	out="$repo/build/$1"
	rm -rf "$out"
	mkdir -p "$out"
}
