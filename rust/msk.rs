// SPDX-License-Identifier: GPL-2.0

//! `IPPROTO_MPTCP` sockets: the `struct proto` / `proto_ops` tables live in `rust/glue/msk.c`;
//! this module owns their registration.

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
