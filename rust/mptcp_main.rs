// SPDX-License-Identifier: GPL-2.0

//! Multipath TCP (RFC 8684) as a loadable module.
//!
//! Layout (see Documentation/design.md):
//! - [`proto`]: the pure protocol core, free of kernel types and shared with the userspace
//!   test crate (`rust/host`);
//! - `ffi`: the one place that declares the C glue functions (`rust/glue/*.c`), and `glue`,
//!   the safe ownership of their registrations;
//! - `crypto`: the kernel's SHA-256 / HMAC-SHA256 behind the core's `Digest` trait;
//! - `ctrl`: per-network-namespace state and the `net.mptcp` sysctls;
//! - `mib`: the `MPTcpExt*` counters and `/proc/net/mptcp_netstat`;
//! - `msk`: `IPPROTO_MPTCP` sockets (`rust/glue/msk.c`);
//! - `pm`: the in-kernel path manager's endpoints and limits, and the `mptcp_pm` netlink
//!   family that configures them (`rust/glue/pm_netlink.c`);
//! - `subflow`: the "mptcp" TCP ULP's per-subflow state;
//! - `tcp_ext`: the claim on the kernel's generic TCP extension hooks (our patch series);
//! - `transparent`: MPTCP for applications that ask for TCP (the socket protocol selector);
//! - `kunit`: the core's test vectors, run by KUnit when the module loads.
//!
//! What the module does today is listed honestly in the README's status table.

use kernel::prelude::*;

mod crypto;
mod ctrl;
mod ffi;
mod glue;
mod kunit;
mod mib;
mod msk;
mod pm;
pub mod proto;
mod subflow;
mod tcp_ext;
mod transparent;
mod tx;

module! {
    type: Mptcp,
    name: "mptcp",
    authors: ["mptcp-rs developers"],
    description: "Multipath TCP (RFC 8684)",
    license: "GPL",
    // `socket(AF_INET{,6}, SOCK_STREAM, IPPROTO_MPTCP)` asks for these (af_inet.c and
    // af_inet6.c try the -type- form first).
    alias: [
        "net-pf-2-proto-262-type-1",
        "net-pf-2-proto-262",
        "net-pf-10-proto-262-type-1",
        "net-pf-10-proto-262",
        // sock_diag asks for these when `ss -M` finds no handler (NETLINK_SOCK_DIAG, then
        // family AF_INET or AF_INET6, protocol IPPROTO_MPTCP).
        "net-pf-16-proto-4-type-2-262",
        "net-pf-16-proto-4-type-10-262",
    ],
}

/// The loaded module. Fields drop in declaration order on unload: socket(2) stops choosing
/// MPTCP, sockets can no longer be created, then the hooks are released, before the per-netns
/// state they read goes.
struct Mptcp {
    _selector: glue::GlueRegistration,
    _diag: glue::GlueRegistration,
    _sockets: glue::GlueRegistration,
    _tcp_ext: glue::GlueRegistration,
    _subflow_ulp: glue::GlueRegistration,
    _pm_netlink: glue::GlueRegistration,
    _pernet: glue::GlueRegistration,
}

impl kernel::Module for Mptcp {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let pernet = ctrl::register_pernet()?;
        let pm_netlink = pm::register_netlink()?;
        let subflow_ulp = subflow::register_ulp()?;
        let tcp_ext = tcp_ext::claim_hooks().inspect_err(|e| {
            pr_err!("cannot claim the TCP extension hooks: {:?}\n", e);
        })?;
        let sockets = msk::register_sockets()?;
        let diag = msk::register_diag()?;
        let selector = transparent::register_selector()?;
        pr_info!("MPTCP v{} loaded\n", proto::mp_capable::MPTCP_VERSION);
        Ok(Self {
            _selector: selector,
            _diag: diag,
            _sockets: sockets,
            _tcp_ext: tcp_ext,
            _subflow_ulp: subflow_ulp,
            _pm_netlink: pm_netlink,
            _pernet: pernet,
        })
    }
}

impl Drop for Mptcp {
    fn drop(&mut self) {
        pr_info!("MPTCP unloading\n");
    }
}
