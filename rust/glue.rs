// SPDX-License-Identifier: GPL-2.0

//! Safe ownership of the C glue's registrations (`rust/glue/*.c`): each `register` has one
//! matching `unregister`, run by [`GlueRegistration`]'s `Drop`.

use kernel::{error::to_result, prelude::*};

/// A registration in the C glue, undone when this value drops.
///
/// # Invariants
///
/// The `register` function passed to [`GlueRegistration::new`] succeeded, and `unregister`
/// (its counterpart) has not run yet.
pub(crate) struct GlueRegistration {
    unregister: unsafe extern "C" fn(),
}

impl GlueRegistration {
    /// Calls `register`; on success returns the value whose drop calls `unregister`.
    ///
    /// # Safety
    ///
    /// `register` must have no preconditions and return 0 or a negative errno; `unregister`
    /// must undo a successful `register` and be safe to call exactly once after it.
    pub(crate) unsafe fn new(
        register: unsafe extern "C" fn() -> c_int,
        unregister: unsafe extern "C" fn(),
    ) -> Result<Self> {
        // SAFETY: The caller guarantees `register` has no preconditions.
        to_result(unsafe { register() })?;
        // INVARIANT: `register` succeeded.
        Ok(Self { unregister })
    }
}

impl Drop for GlueRegistration {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `register` succeeded and `unregister` has not run;
        // `drop` runs once.
        unsafe { (self.unregister)() };
    }
}
