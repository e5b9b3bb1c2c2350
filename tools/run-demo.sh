#!/usr/bin/env bash
# `make run`: boot our kernel, load mptcp.ko, build two network namespaces joined by two veth
# paths, and show what the module does today (see tools/demo-guest.sh). No tty needed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
repo=$(dirname "$here")
exec "$here/vm.sh" -k "$("$here/kernel.sh" "${MPTCP_FLAVOR:-ours}")" -t 600 -o "$repo/build/run" -- "$here/demo-guest.sh"
