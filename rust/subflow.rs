// SPDX-License-Identifier: GPL-2.0

//! Per-subflow state: what the "mptcp" TCP ULP context of a subflow (an ordinary kernel TCP
//! socket, see `rust/glue/subflow.c`) points to. It lives from the moment the ULP attaches
//! until the socket is destroyed.

use crate::{
    ffi,
    glue::GlueRegistration,
    proto::mapping::{RxMappings, TxMappings}, //
};
use kernel::prelude::*;

/// Mappings a subflow keeps before the data they describe is acknowledged (TX) or read (RX).
/// With ~1400-byte mappings this covers a window of roughly 90 KiB each way; the data path
/// stops pushing on a full TX table and drops (for retransmission) on a full RX table.
const TX_MAPPINGS: usize = 64;
const RX_MAPPINGS: usize = 64;

/// The state of one subflow.
#[expect(
    dead_code,
    reason = "the data path (issue 3) reads and fills the tables"
)]
pub(crate) struct Subflow {
    /// Mappings sent on this subflow and not yet acknowledged, looked up by the
    /// established-options hook for every (re)transmitted segment.
    tx: TxMappings<TX_MAPPINGS>,
    /// Mappings announced by the peer's DSS options, consumed as subflow data is read.
    rx: RxMappings<RX_MAPPINGS>,
}

/// Allocates a subflow's state when the ULP attaches (process context, socket locked).
/// Returns NULL when out of memory; the ULP attach then fails with ENOMEM.
#[no_mangle]
extern "C" fn mptcp_rs_subflow_new() -> *mut c_void {
    let state = Subflow {
        tx: TxMappings::new(),
        // Relative subflow sequence 1 is the first data byte (the SYN takes 0).
        rx: RxMappings::new(1),
    };
    match KBox::new(state, GFP_KERNEL) {
        Ok(boxed) => KBox::into_raw(boxed).cast(),
        Err(_) => core::ptr::null_mut(),
    }
}

/// Frees a subflow's state when the ULP is released (socket destruction).
///
/// # Safety
///
/// `state` must come from [`mptcp_rs_subflow_new`] and not have been freed; nothing may use
/// it afterwards.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_free(state: *mut c_void) {
    if state.is_null() {
        return;
    }
    // SAFETY: By the function's contract `state` is the pointer `KBox::into_raw` returned
    // for a `Subflow` and ownership comes back here exactly once.
    drop(unsafe { KBox::<Subflow>::from_raw(state.cast()) });
}

/// Registers the "mptcp" ULP until the returned value drops.
pub(crate) fn register_ulp() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; unregistration undoes
    // it once. Sockets carrying the ULP hold a reference on the module, so it cannot unload
    // while any exists.
    unsafe {
        GlueRegistration::new(
            ffi::mptcp_glue_subflow_ulp_register,
            ffi::mptcp_glue_subflow_ulp_unregister,
        )
    }
}
