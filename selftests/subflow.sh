#!/bin/sh
# The "mptcp" TCP ULP (subflows are kernel TCP sockets carrying it): registered while the
# module is loaded, and, as upstream, refused to userspace sockets. The kernel-socket side is
# covered by the KUnit case mptcp_glue.kernel_socket_takes_subflow_ulp (kunit.sh), and its
# freeing by the kmemleak check in module.sh.
. "$(dirname "$0")/lib.sh"

tap_plan 3

# ulp_errno NAME: prints the errno name setsockopt(TCP_ULP, NAME) fails with, or "ok".
ulp_errno() {
	python3 - "$1" <<'PY'
import errno, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.setsockopt(socket.IPPROTO_TCP, 31, sys.argv[1].encode())  # TCP_ULP
    print("ok")
except OSError as e:
    # errorcode maps 95 to its alias ENOTSUP; name it as the kernel does.
    print("EOPNOTSUPP" if e.errno == errno.EOPNOTSUPP else errno.errorcode.get(e.errno, e.errno))
PY
}

load_module
check "userspace setsockopt(TCP_ULP, mptcp) is refused with EOPNOTSUPP" \
	expect_eq "$(ulp_errno mptcp)" EOPNOTSUPP
check "an unregistered ULP name fails differently (ENOENT)" \
	expect_eq "$(ulp_errno no-such-ulp)" ENOENT
unload_module
check "the ULP is gone after rmmod" expect_eq "$(ulp_errno mptcp)" ENOENT

tap_done
