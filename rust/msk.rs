// SPDX-License-Identifier: GPL-2.0

//! `IPPROTO_MPTCP` sockets: the `struct proto` / `proto_ops` tables live in `rust/glue/msk.c`,
//! their inet_diag handler (`ss -M`) in `rust/glue/diag.c`; this module owns the
//! registrations.

use crate::{
    ffi,
    glue::GlueRegistration,
    proto::stream_rx::{Placement, StreamRx},
};
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

/// The msk's receive position (`struct mptcp_rs_stream_rx` in `include/mptcp_glue.h`).
///
/// # Safety
///
/// `rx` must point to a live `struct mptcp_rs_stream_rx` nobody else uses during the call
/// (the glue holds the msk's receive-queue lock).
unsafe fn stream<'a>(rx: *mut StreamRx) -> &'a mut StreamRx {
    // SAFETY: Per the function's contract; the C struct has the layout of `StreamRx`.
    unsafe { &mut *rx }
}

// The C mirror (two u64, three bools, padding) has this size; a zeroed one is
// `StreamRx::new()`.
const _: () = assert!(core::mem::size_of::<StreamRx>() == 24);

/// The stream starts at `first`. See [`StreamRx::start`].
///
/// # Safety
///
/// As [`stream`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_stream_start(rx: *mut StreamRx, first: u64) {
    // SAFETY: Per the function's contract.
    unsafe { stream(rx) }.start(first);
}

/// Where `len` bytes at `dsn` go: 0 old, 1 append after dropping `*skip` bytes, 2 ahead
/// (`enum mptcp_rs_placement`). See [`StreamRx::place`].
///
/// # Safety
///
/// As [`stream`]; `skip` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_stream_place(
    rx: *mut StreamRx,
    dsn: u64,
    len: u32,
    skip: *mut u32,
) -> c_int {
    // SAFETY: Per the function's contract.
    let (rx, skip) = unsafe { (stream(rx), &mut *skip) };
    *skip = 0;
    match rx.place(dsn, len) {
        Placement::Old => 0,
        Placement::Append { skip: n } => {
            *skip = n;
            1
        }
        Placement::Ahead => 2,
    }
}

/// `len` bytes were appended in order. See [`StreamRx::appended`].
///
/// # Safety
///
/// As [`stream`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_stream_appended(rx: *mut StreamRx, len: u32) {
    // SAFETY: Per the function's contract.
    unsafe { stream(rx) }.appended(len);
}

/// The peer's DATA_FIN is at `fin`: true if the stream ends now (once).
///
/// # Safety
///
/// As [`stream`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_stream_fin(rx: *mut StreamRx, fin: u64) -> bool {
    // SAFETY: Per the function's contract.
    let rx = unsafe { stream(rx) };
    rx.set_fin(fin);
    rx.take_eof()
}

/// Whether the stream just ended (its DATA_FIN known, every byte before it in). See
/// [`StreamRx::take_eof`].
///
/// # Safety
///
/// As [`stream`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_stream_take_eof(rx: *mut StreamRx) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { stream(rx) }.take_eof()
}

/// The next DSN expected in order, if the stream started (stored in `next`).
///
/// # Safety
///
/// As [`stream`]; `next` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_stream_next(rx: *mut StreamRx, next: *mut u64) -> bool {
    // SAFETY: Per the function's contract.
    let (rx, next) = unsafe { (stream(rx), &mut *next) };
    rx.ack_seq().map(|n| *next = n).is_some()
}
