// SPDX-License-Identifier: GPL-2.0

//! Per-netns MIB counters with upstream's `MPTcpExt*` names, served in
//! `/proc/net/mptcp_netstat`.
//!
//! With `CONFIG_MPTCP=n` the kernel prints no `MPTcpExt` lines in `/proc/net/netstat`, so the
//! module serves the same two-line format in its own per-netns file (architecture.md section
//! 2); `nstat` reads both through `PROC_NET_NETSTAT`. The per-CPU storage lives in the C glue
//! (`rust/glue/pernet.c`); the names, their order and the output format live here, once.

use crate::ffi;
use kernel::{bindings, prelude::*, seq_file::SeqFile, seq_print};

macro_rules! counters {
    ($($name:ident),* $(,)?) => {
        /// A counter, by upstream's name (net/mptcp/mib.c), in upstream's order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        #[allow(dead_code, reason = "each counter is incremented by the feature that owns it")]
        pub(crate) enum Counter {
            $(
                #[doc = concat!("`MPTcpExt", stringify!($name), "`.")]
                $name,
            )*
        }

        /// Names in the order of [`Counter`]'s discriminants.
        const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

counters!(
    MPCapableSYNRX,
    MPCapableSYNTX,
    MPCapableSYNACKRX,
    MPCapableACKRX,
    MPCapableFallbackACK,
    MPCapableFallbackSYNACK,
    MPCapableSYNTXDrop,
    MPCapableSYNTXDisabled,
    MPCapableEndpAttempt,
    MPFallbackTokenInit,
    MPTCPRetrans,
    MPJoinNoTokenFound,
    MPJoinNoIdFound,
    MPJoinSynRx,
    MPJoinSynBackupRx,
    MPJoinSynAckRx,
    MPJoinSynAckBackupRx,
    MPJoinSynAckHMacFailure,
    MPJoinSynAckNoMPJoin,
    MPJoinAckRx,
    MPJoinAckHMacFailure,
    MPJoinAckNoMPJoin,
    MPJoinAckNoCtx,
    MPJoinRejected,
    MPJoinNotEstablished,
    MPJoinSynTx,
    MPJoinSynTxCreatSkErr,
    MPJoinSynTxBindErr,
    MPJoinSynTxConnectErr,
    DSSNotMatching,
    DSSCorruptionFallback,
    DSSCorruptionReset,
    InfiniteMapTx,
    InfiniteMapRx,
    DSSNoMatchTCP,
    DataCsumErr,
    OFOQueueTail,
    OFOQueue,
    OFOMerge,
    NoDSSInWindow,
    DuplicateData,
    AddAddr,
    AddAddrTx,
    AddAddrTxDrop,
    EchoAdd,
    EchoAddTx,
    EchoAddTxDrop,
    PortAdd,
    AddAddrDrop,
    MPJoinPortSynRx,
    MPJoinPortSynAckRx,
    MPJoinPortAckRx,
    MismatchPortSynRx,
    MismatchPortAckRx,
    RmAddr,
    RmAddrDrop,
    RmAddrTx,
    RmAddrTxDrop,
    RmSubflow,
    MPPrioTx,
    MPPrioRx,
    MPFailTx,
    MPFailRx,
    MPFastcloseTx,
    MPFastcloseRx,
    MPRstTx,
    MPRstRx,
    SubflowStale,
    SubflowRecover,
    SndWndShared,
    RcvWndShared,
    RcvWndConflictUpdate,
    RcvWndConflict,
    MPCurrEstab,
    Blackhole,
    MPCapableDataFallback,
    MD5SigFallback,
    MD5SigReset,
    DssFallback,
    DssReset,
    SimultConnectFallback,
    FallbackFailed,
    WinProbe,
    BacklogDrop,
    RcvPruned,
    OFOPruned,
);

/// Adds one to `counter` in `net`.
///
/// # Safety
///
/// `net` must be a live namespace (whose per-netns state is registered while the module is).
pub(crate) unsafe fn inc(net: *const ffi::Net, counter: Counter) {
    // SAFETY: `net` is live (caller) and every `Counter` discriminant is below `COUNT`.
    unsafe { ffi::mptcp_glue_mib_inc(net, counter as c_uint) };
}

/// How many counters each namespace keeps (the C glue allocates this many per CPU).
pub(crate) const COUNT: u32 = NAMES.len() as u32;

/// Prints the two `MPTcpExt:` lines (names, then values summed over CPUs) for `net`.
///
/// # Safety
///
/// `seq` must be the seq_file of a `/proc/net/mptcp_netstat` read in progress, used by no
/// other thread during the call, and `net` the namespace it belongs to, whose counters stay
/// allocated for the duration of the call (the proc file is removed before they are freed).
#[no_mangle]
unsafe extern "C" fn mptcp_rs_netstat_show(
    seq: *mut bindings::seq_file,
    net: *const ffi::Net,
) -> c_int {
    // SAFETY: The caller guarantees `seq` is valid and not shared for this call.
    let seq = unsafe { SeqFile::from_raw(seq) };
    seq_print!(seq, "MPTcpExt:");
    for name in NAMES {
        seq_print!(seq, " {}", name);
    }
    seq_print!(seq, "\nMPTcpExt:");
    for index in 0..COUNT {
        // SAFETY: `net`'s counters are allocated (caller) and `index < COUNT`, the number the
        // glue allocated.
        let value = unsafe { ffi::mptcp_glue_mib_read(net, index) };
        seq_print!(seq, " {}", value);
    }
    seq_print!(seq, "\n");
    0
}

/// Why opening a join failed before its SYN went out, as `rust/glue/msk.c` reports it.
const JOIN_CREATE: c_int = 0;
const JOIN_BIND: c_int = 1;

/// Counts a join the path manager could not open in `net`: the socket could not be created
/// (`MPJoinSynTxCreatSkErr`), bound to the endpoint (`MPJoinSynTxBindErr`) or connected
/// (`MPJoinSynTxConnectErr`), as `step` says.
///
/// # Safety
///
/// `net` must be a live namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_mib_join_open_failed(net: *const ffi::Net, step: c_int) {
    let counter = match step {
        JOIN_CREATE => Counter::MPJoinSynTxCreatSkErr,
        JOIN_BIND => Counter::MPJoinSynTxBindErr,
        _ => Counter::MPJoinSynTxConnectErr,
    };
    // SAFETY: `net` is live (contract).
    unsafe { inc(net, counter) };
}

/// Path-manager events the glue (`rust/glue/join.c`) counts, as it names them.
const PM_RM_ADDR: c_int = 0;
const PM_RM_SUBFLOW: c_int = 1;
const PM_ADD_ADDR_DROP: c_int = 2;
const PM_MPC_ENDP_ATTEMPT: c_int = 3;
const PM_JOIN_PORT_SYNACK_RX: c_int = 4;
const PM_JOIN_PORT_ACK_RX: c_int = 5;
const TX_REINJECTED: c_int = 6;
const TX_SUBFLOW_STALE: c_int = 7;
const TX_SUBFLOW_RECOVER: c_int = 8;

/// Counts one path-manager event in `net`: a withdrawn address id acted upon (`RmAddr`), a
/// subflow closed for a withdrawal (`RmSubflow`), an announcement dropped for want of room
/// (`AddAddrDrop`); and the msk's sending side's: bytes sent again on another subflow
/// (`MPTCPRetrans`), a subflow found stale or recovered (`SubflowStale`, `SubflowRecover`).
///
/// # Safety
///
/// `net` must be a live namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_mib_pm_event(net: *const ffi::Net, event: c_int) {
    let counter = match event {
        PM_RM_ADDR => Counter::RmAddr,
        PM_RM_SUBFLOW => Counter::RmSubflow,
        PM_ADD_ADDR_DROP => Counter::AddAddrDrop,
        PM_MPC_ENDP_ATTEMPT => Counter::MPCapableEndpAttempt,
        PM_JOIN_PORT_SYNACK_RX => Counter::MPJoinPortSynAckRx,
        PM_JOIN_PORT_ACK_RX => Counter::MPJoinPortAckRx,
        TX_REINJECTED => Counter::MPTCPRetrans,
        TX_SUBFLOW_STALE => Counter::SubflowStale,
        TX_SUBFLOW_RECOVER => Counter::SubflowRecover,
        _ => return,
    };
    // SAFETY: `net` is live (contract).
    unsafe { inc(net, counter) };
}

/// The index of `MPTcpExtMPCurrEstab`: a gauge, which the msk glue (`rust/glue/msk.c`) moves
/// up and down with each msk's state, as upstream's `mptcp_set_state()` does.
#[no_mangle]
extern "C" fn mptcp_rs_mib_curr_estab() -> c_uint {
    Counter::MPCurrEstab as c_uint
}
