// SPDX-License-Identifier: GPL-2.0

//! The module's claim on the kernel's generic TCP extension hooks (`CONFIG_TCP_EXT_HOOKS`,
//! from this project's kernel patch series): the one registrant slot through which subflows
//! will write and read MPTCP options.

use crate::ffi;
use kernel::{error::to_result, prelude::*};

/// The hooks are claimed while this value lives.
///
/// # Invariants
///
/// `mptcp_glue_tcp_ext_register()` succeeded and its unregistration has not run yet.
pub(crate) struct TcpExtRegistration {
    _private: (),
}

impl TcpExtRegistration {
    /// Claims the hooks; fails with `EBUSY` if another module holds them.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: Registration has no preconditions; module init runs it once.
        to_result(unsafe { ffi::mptcp_glue_tcp_ext_register() })?;
        // INVARIANT: The registration above succeeded.
        Ok(Self { _private: () })
    }
}

impl Drop for TcpExtRegistration {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the registration succeeded and this is its only
        // unregistration.
        unsafe { ffi::mptcp_glue_tcp_ext_unregister() };
    }
}
