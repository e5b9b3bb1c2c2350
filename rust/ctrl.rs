// SPDX-License-Identifier: GPL-2.0

//! Per-network-namespace state: the `net.mptcp.*` sysctls (upstream's names and ranges) and
//! the storage of the `MPTcpExt*` counters (see `mib`).
//!
//! The table itself is C (`rust/glue/pernet.c`): sysctl tables are static C data, and keeping
//! them there avoids hand-built `ctl_table`s in Rust.

use crate::{ffi, glue::GlueRegistration, mib};
use kernel::prelude::*;

/// Registers the per-netns state (sysctls, counters, `/proc/net/mptcp_netstat`) in every
/// current and future namespace, until the returned value drops.
pub(crate) fn register_pernet() -> Result<GlueRegistration> {
    extern "C" fn register() -> c_int {
        // SAFETY: No preconditions; the glue allocates `mib::COUNT` counters per namespace,
        // the number `mib` reads.
        unsafe { ffi::mptcp_glue_pernet_register(mib::COUNT) }
    }
    // SAFETY: `register` has no preconditions and returns 0 or -errno; unregistration undoes
    // it once, when nothing reads per-netns state any more (module exit).
    unsafe { GlueRegistration::new(register, ffi::mptcp_glue_pernet_unregister) }
}
