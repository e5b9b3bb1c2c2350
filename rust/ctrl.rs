// SPDX-License-Identifier: GPL-2.0

//! Per-network-namespace state and the `net.mptcp.*` sysctls (upstream's names and ranges).
//!
//! The table itself is C (`rust/glue/pernet.c`): sysctl tables are static C data, and keeping
//! them there avoids hand-built `ctl_table`s in Rust.

use crate::ffi;
use kernel::{error::to_result, prelude::*};

/// The per-netns state is registered for every network namespace while this value lives.
///
/// # Invariants
///
/// `mptcp_glue_pernet_register()` succeeded and its unregistration has not run yet.
pub(crate) struct PernetRegistration {
    _private: (),
}

impl PernetRegistration {
    /// Registers the per-netns state and sysctls in every current and future namespace.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: Registration has no preconditions; module init runs it once.
        to_result(unsafe { ffi::mptcp_glue_pernet_register() })?;
        // INVARIANT: The registration above succeeded.
        Ok(Self { _private: () })
    }
}

impl Drop for PernetRegistration {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the registration succeeded and this is the only
        // unregistration, and it runs at module exit after every user is gone.
        unsafe { ffi::mptcp_glue_pernet_unregister() };
    }
}
