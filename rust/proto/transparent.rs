// SPDX-License-Identifier: GPL-2.0

//! Transparent mode: which `socket(2)` calls become MPTCP sockets although the application
//! asked for TCP (Documentation/transparent.md). The values are Linux's uapi numbers.

/// `AF_INET`.
pub const AF_INET: i32 = 2;
/// `AF_INET6`.
pub const AF_INET6: i32 = 10;
/// `SOCK_STREAM`.
pub const SOCK_STREAM: i32 = 1;
/// The type bits of a `socket(2)` type argument (the rest are flags such as `SOCK_NONBLOCK`).
pub const SOCK_TYPE_MASK: i32 = 0xf;
/// `IPPROTO_TCP`.
pub const IPPROTO_TCP: i32 = 6;
/// `IPPROTO_MPTCP`.
pub const IPPROTO_MPTCP: i32 = 262;

/// The protocol a `socket(family, ty, protocol)` call gets in a namespace whose
/// `net.mptcp.transparent` is `transparent` and `net.mptcp.enabled` is `enabled`: MPTCP for
/// TCP stream sockets of IPv4 and IPv6 when both are on, what was asked for otherwise (so
/// turning MPTCP off never breaks an application that asked for TCP).
pub const fn select_protocol(
    transparent: bool,
    enabled: bool,
    family: i32,
    ty: i32,
    protocol: i32,
) -> i32 {
    let tcp_stream = (family == AF_INET || family == AF_INET6)
        && ty & SOCK_TYPE_MASK == SOCK_STREAM
        && (protocol == 0 || protocol == IPPROTO_TCP);
    if transparent && enabled && tcp_stream {
        IPPROTO_MPTCP
    } else {
        protocol
    }
}
