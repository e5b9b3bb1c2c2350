// SPDX-License-Identifier: GPL-2.0

//! The module's claim on the kernel's generic TCP extension hooks (`CONFIG_TCP_EXT_HOOKS`,
//! from this project's kernel patch series): the one registrant slot through which subflows
//! will write and read MPTCP options.

use crate::{ffi, glue::GlueRegistration};
use kernel::prelude::*;

/// Claims the hooks until the returned value drops; fails with `EBUSY` if another module
/// holds them.
pub(crate) fn claim_hooks() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; unregistration
    // undoes it once and returns when no callback runs.
    unsafe {
        GlueRegistration::new(
            ffi::mptcp_glue_tcp_ext_register,
            ffi::mptcp_glue_tcp_ext_unregister,
        )
    }
}
