// SPDX-License-Identifier: GPL-2.0

//! Declarations of the module's C glue (`rust/glue/*.c`; contract in `include/mptcp_glue.h`).
//!
//! This is the only file that declares foreign functions. Nothing outside the small safe
//! wrappers (`ctrl`, ...) may call them directly.

use kernel::prelude::*;

extern "C" {
    /// Registers the per-netns state and the `net.mptcp` sysctl table in every namespace.
    /// Returns 0 or a negative errno.
    pub(crate) fn mptcp_glue_pernet_register() -> c_int;

    /// Undoes [`mptcp_glue_pernet_register`].
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_pernet_register`], when
    /// nothing can read per-netns state any more.
    pub(crate) fn mptcp_glue_pernet_unregister();
}
