// SPDX-License-Identifier: GPL-2.0

//! The path managers the module ships, by the names `net.mptcp.path_manager` takes (upstream's
//! sysctl; `net.mptcp.available_path_managers` lists them), and how many subflows the
//! `ndiffports` one opens.
//!
//! - `kernel`: upstream's in-kernel manager, driven by the endpoint table (`ip mptcp endpoint`)
//!   and its limits.
//! - `fullmesh`, as in the multipath-tcp.org kernel: every address of the namespace's interfaces
//!   is announced, and the connection's initiator opens a subflow from each of its addresses
//!   to each address of the peer's it knows (the initial one and those announced).
//! - `ndiffports`, as in the multipath-tcp.org kernel: the initiator opens more subflows over
//!   the first subflow's pair of addresses, from other source ports (to spread a connection over
//!   ECMP paths), `net.mptcp.ndiffports_subflows` in all.
//!
//! Each connection keeps the manager its namespace named when it was created. The endpoint
//! table only drives `kernel`; every manager stays within the `subflows` limit.

/// One of the path managers, as the C glue stores it (`MPTCP_RS_PM_*` in mptcp_glue.h).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathManager {
    /// Upstream's endpoint-driven manager (the default).
    Kernel = 0,
    /// Every address to every address of the peer (multipath-tcp.org's `fullmesh`).
    Fullmesh = 1,
    /// Several subflows over the first pair of addresses (multipath-tcp.org's `ndiffports`).
    Ndiffports = 2,
}

/// The longest name, terminating NUL included: upstream's `MPTCP_PM_NAME_MAX`.
pub const NAME_MAX: usize = 16;

/// The default of `net.mptcp.ndiffports_subflows`: subflows per connection, the first included
/// (multipath-tcp.org's `num_subflows` default).
pub const NDIFFPORTS_DEFAULT: u8 = 2;
/// The largest `net.mptcp.ndiffports_subflows` accepts.
pub const NDIFFPORTS_MAX: u8 = 8;

impl PathManager {
    /// Every manager, in the order `available_path_managers` lists them.
    pub const ALL: [Self; 3] = [Self::Kernel, Self::Fullmesh, Self::Ndiffports];

    /// The name the sysctls use.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Kernel => "kernel",
            Self::Fullmesh => "fullmesh",
            Self::Ndiffports => "ndiffports",
        }
    }

    /// The manager a write of `net.mptcp.path_manager` names: exactly a name, or `None` (the
    /// sysctl answers `ENOENT`, as upstream's for a manager it does not have). A trailing
    /// newline, as `echo` writes, is not part of the name.
    pub fn from_name(input: &[u8]) -> Option<Self> {
        let name = input.strip_suffix(b"\n").unwrap_or(input);
        Self::ALL
            .into_iter()
            .find(|pm| pm.name().as_bytes() == name)
    }

    /// The manager the glue stored as `value`, if any.
    pub const fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Kernel),
            1 => Some(Self::Fullmesh),
            2 => Some(Self::Ndiffports),
            _ => None,
        }
    }

    /// `available_path_managers`: the names separated by spaces, as much as fits in `buf`
    /// (whole names only); the length written.
    pub fn write_available(buf: &mut [u8]) -> usize {
        let mut len = 0;
        for pm in Self::ALL {
            let sep = usize::from(len > 0);
            let name = pm.name().as_bytes();
            let Some(end) = buf.get_mut(len..len + sep + name.len()) else {
                break;
            };
            if sep == 1 {
                end[0] = b' ';
            }
            end[sep..].copy_from_slice(name);
            len += sep + name.len();
        }
        len
    }
}

/// How many more subflows `ndiffports` opens when a connection it initiated is established:
/// `wanted` in all (the first included, at least 1), within the `limit` of additional
/// subflows, of which `joins` exist already.
pub fn ndiffports_to_open(wanted: u8, joins: u32, limit: u32) -> u32 {
    let extra = u32::from(wanted.max(1)) - 1;
    extra.min(limit).saturating_sub(joins)
}
