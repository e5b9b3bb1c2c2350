/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * What mptcp.ko offers applications beyond upstream's uapi (<linux/mptcp.h>, whose SOL_MPTCP
 * options it answers as upstream does). Numbers are chosen far from upstream's SOL_MPTCP
 * options so that new upstream ones never collide.
 */
#ifndef _UAPI_MPTCP_RS_H
#define _UAPI_MPTCP_RS_H

#ifndef SOL_MPTCP
#define SOL_MPTCP		284
#endif

/*
 * setsockopt/getsockopt(SOL_MPTCP, MPTCP_RS_PATH_MANAGER): the path manager of this socket's
 * connection by name, one of net.mptcp.available_path_managers ("kernel", "fullmesh",
 * "ndiffports"), instead of the namespace's net.mptcp.path_manager. Set before connect(), or
 * on a listener for the connections it accepts from then on (EISCONN otherwise). The value is
 * the name's bytes, a terminating NUL allowed; an unknown name: ENOENT; an empty value, one of
 * 16 bytes or more, or bytes after a NUL: EINVAL. getsockopt() answers the name,
 * NUL-terminated.
 */
#define MPTCP_RS_PATH_MANAGER	100

#endif /* _UAPI_MPTCP_RS_H */
