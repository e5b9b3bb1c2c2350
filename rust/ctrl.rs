// SPDX-License-Identifier: GPL-2.0

//! Per-network-namespace state and the `net.mptcp.*` sysctls (upstream's names and ranges).
//!
//! The table itself is C (`rust/glue/pernet.c`): sysctl tables are static C data, and keeping
//! them there avoids hand-built `ctl_table`s in Rust.

use crate::{ffi, glue::GlueRegistration};
use kernel::prelude::*;

/// Registers the per-netns state and sysctls in every current and future namespace, until
/// the returned value drops.
pub(crate) fn register_pernet() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; unregistration
    // undoes it once, when nothing reads per-netns state any more (module exit).
    unsafe {
        GlueRegistration::new(
            ffi::mptcp_glue_pernet_register,
            ffi::mptcp_glue_pernet_unregister,
        )
    }
}
