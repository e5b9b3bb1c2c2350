// SPDX-License-Identifier: GPL-2.0

//! The msk's sending side, for `rust/glue/tx.c`: where the scheduler puts the stream's bytes
//! (each subflow's runs, [`crate::proto::tx_offsets`]), the peer's connection-level
//! acknowledgements as each subflow saw them, and the scheduler itself
//! ([`crate::proto::sched`]).

use crate::{
    proto::{
        sched::{self, Candidate, Scheduler},
        tx_offsets::Assign,
    },
    subflow::subflow,
};
use core::ffi::{c_int, c_void};

/// The path manager closes this subflow while joins carry the connection: its FIN is not
/// the stream's end (`Conn::close_path_only`).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_close_path_only(state: *mut c_void) {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.close_path_only();
}

/// Whether the msk may give the subflow data now. See `Conn::tx_ready`.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_ready(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.tx_ready()
}

/// The DSN the subflow's byte at `write_seq` carries unless told otherwise; false if none.
///
/// # Safety
///
/// As [`subflow`]; `dsn` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_next_dsn(
    state: *mut c_void,
    write_seq: u32,
    dsn: *mut u64,
) -> bool {
    // SAFETY: Per the function's contract.
    match unsafe { subflow(state) }.conn.tx_next_dsn(write_seq) {
        Some(next) => {
            // SAFETY: `dsn` is writable (contract).
            unsafe { *dsn = next };
            true
        }
        None => false,
    }
}

/// The bytes queued from `write_seq` on (`snd_una` the first unacknowledged) carry DSN `dsn`
/// onwards: 0 (they continue the last
/// run), 1 (a new run: the bytes queued before must not share their skb) or -1 (no room: not
/// recorded).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_assign(
    state: *mut c_void,
    write_seq: u32,
    snd_una: u32,
    dsn: u64,
) -> c_int {
    // SAFETY: Per the function's contract.
    match unsafe { subflow(state) }
        .conn
        .tx_assign(write_seq, snd_una, dsn)
    {
        Assign::Contiguous => 0,
        Assign::NewRun => 1,
        Assign::Full => -1,
    }
}

/// Whether the subflow would take bytes carrying `dsn` at `write_seq` now (a run to record
/// them). See `Conn::tx_room_for`.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_room_for(
    state: *mut c_void,
    write_seq: u32,
    snd_una: u32,
    dsn: u64,
) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }
        .conn
        .tx_room_for(write_seq, snd_una, dsn)
}

/// The msk's stream ends at `dsn`. See `Conn::set_data_fin`.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_set_data_fin(state: *mut c_void, dsn: u64) {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.set_data_fin(dsn);
}

/// The peer's DATA_ACK and window edge as this subflow saw them; false if unknown.
///
/// # Safety
///
/// As [`subflow`]; `acked` and `wnd_end` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_snd_level(
    state: *mut c_void,
    acked: *mut u64,
    wnd_end: *mut u64,
) -> bool {
    // SAFETY: Per the function's contract.
    match unsafe { subflow(state) }.conn.snd_level() {
        Some((a, e)) => {
            // SAFETY: Both are writable (contract).
            unsafe {
                *acked = a;
                *wnd_end = e;
            }
            true
        }
        None => false,
    }
}

/// One subflow for the scheduler (`struct mptcp_rs_sched_candidate`).
#[repr(C)]
pub(crate) struct CandidateC {
    usable: bool,
    room: bool,
    backup: bool,
    retransmits: u8,
    queued: u32,
    cwnd_bytes: u32,
    srtt_us: u32,
}

/// The index of the subflow the default scheduler picks among `n` candidates (for a
/// reinjection if `reinject`), or -1 for none.
///
/// # Safety
///
/// `candidates` points to `n` readable entries (or `n` is 0).
#[no_mangle]
unsafe extern "C" fn mptcp_rs_sched_pick(
    candidates: *const CandidateC,
    n: u32,
    reinject: bool,
) -> c_int {
    const MAX: usize = 16;
    let mut list = [Candidate::default(); MAX];
    let n = (n as usize).min(MAX);
    if n != 0 && candidates.is_null() {
        return -1;
    }
    for (i, slot) in list.iter_mut().take(n).enumerate() {
        // SAFETY: `i < n` entries are readable (contract).
        let c = unsafe { &*candidates.add(i) };
        *slot = Candidate {
            usable: c.usable,
            room: c.room,
            backup: c.backup,
            queued: c.queued,
            cwnd_bytes: c.cwnd_bytes,
            srtt_us: c.srtt_us,
            retransmits: c.retransmits,
        };
    }
    let subflows = list.get(..n).unwrap_or(&[]);
    let pick = if reinject {
        sched::Default.pick_reinject(subflows)
    } else {
        sched::Default.pick(subflows)
    };
    pick.and_then(|i| c_int::try_from(i).ok()).unwrap_or(-1)
}

/// The DSN of our stream's first byte. See `Conn::snd_stream_start`.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_stream_start(state: *mut c_void) -> u64 {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.snd_stream_start()
}

/// One period of the msk's reinjection timer, as upstream counts loss periods: with data
/// `outstanding` and the same receive timestamp `rcv_tstamp` as the last period, one more;
/// with progress, none (and a stale subflow recovers: `*recovered`). Returns the count.
///
/// # Safety
///
/// As [`subflow`]; `recovered` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_loss_tick(
    state: *mut c_void,
    outstanding: bool,
    rcv_tstamp: u32,
    recovered: *mut bool,
) -> u8 {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    let mut back = false;
    if outstanding {
        if sf.tx_loss_count == 0 {
            sf.tx_loss_stamp = rcv_tstamp;
            sf.tx_loss_count = 1;
        } else if sf.tx_loss_stamp == rcv_tstamp {
            sf.tx_loss_count = sf.tx_loss_count.saturating_add(1);
        } else {
            sf.tx_loss_count = 0;
            back = sf.tx_stale;
            sf.tx_stale = false;
        }
    }
    // SAFETY: `recovered` is writable (contract).
    unsafe { *recovered = back };
    sf.tx_loss_count
}

/// Marks the subflow stale; true if it was not.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_mark_stale(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    !core::mem::replace(&mut sf.tx_stale, true)
}

/// Whether the subflow is stale.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_stale(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.tx_stale
}
