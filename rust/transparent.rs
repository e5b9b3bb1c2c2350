// SPDX-License-Identifier: GPL-2.0

//! Transparent mode: applications that ask for TCP get MPTCP in namespaces whose
//! `net.mptcp.transparent` is 1 (Documentation/transparent.md). The policy is the pure core's
//! [`select_protocol`](crate::proto::transparent::select_protocol); the kernel's socket
//! protocol selector (our second patch) asks it on every `socket(2)`.

use crate::{ffi, glue::GlueRegistration, proto::transparent::select_protocol};
use kernel::prelude::*;

/// Called by the selector for every userspace `socket(2)` (process context, RCU read side).
///
/// # Safety
///
/// `net` must be the caller's live network namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_select_protocol(
    net: *const ffi::Net,
    family: c_int,
    ty: c_int,
    protocol: c_int,
) -> c_int {
    // SAFETY: `net` is live (contract) and our per-netns state exists in every namespace
    // while the module is loaded.
    let (transparent, enabled) = unsafe {
        (
            ffi::mptcp_glue_transparent(net),
            ffi::mptcp_glue_enabled(net),
        )
    };
    select_protocol(transparent, enabled, family, ty, protocol)
}

/// Becomes the kernel's socket protocol selector until the returned value drops.
pub(crate) fn register_selector() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; unregistration
    // undoes it once and returns when the callback can no longer run.
    unsafe {
        GlueRegistration::new(
            ffi::mptcp_glue_selector_register,
            ffi::mptcp_glue_selector_unregister,
        )
    }
}
