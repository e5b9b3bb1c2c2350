// SPDX-License-Identifier: GPL-2.0

//! `IPPROTO_MPTCP` sockets: the `struct proto` / `proto_ops` tables live in `rust/glue/msk.c`,
//! their inet_diag handler (`ss -M`) in `rust/glue/diag.c`; this module owns the
//! registrations.

use crate::{ffi, glue::GlueRegistration};
use kernel::prelude::*;

/// Makes `socket(AF_INET{,6}, SOCK_STREAM, IPPROTO_MPTCP)` work until the returned value
/// drops.
pub(crate) fn register_sockets() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; unregistration undoes
    // it once. Every socket pins the module (its proto and proto_ops name it as owner), so
    // none exists when the registration drops at unload.
    unsafe { GlueRegistration::new(ffi::mptcp_glue_msk_register, ffi::mptcp_glue_msk_unregister) }
}

/// Makes MPTCP sockets visible to inet_diag (`ss -M`, upstream's `mptcp_diag`) until the
/// returned value drops.
pub(crate) fn register_diag() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; unregistration undoes
    // it once and waits for running dumps (inet_diag takes the handler's module reference).
    unsafe {
        GlueRegistration::new(
            ffi::mptcp_glue_diag_register,
            ffi::mptcp_glue_diag_unregister,
        )
    }
}
