// SPDX-License-Identifier: GPL-2.0

//! The connection level of the receiving side: where the bytes its subflows bring fit in the
//! peer's data stream (RFC 8684 sections 3.3.1 and 3.3.3).
//!
//! Each subflow maps its bytes to data sequence numbers ([`Conn::rx_place`]); the msk moves
//! them into its own receive queue. Bytes that continue the stream are appended (their old
//! head trimmed), bytes the stream already has are dropped (the peer sends data again under a
//! new mapping: reinjections, upstream's MPTCP-level window probe), and bytes beyond a hole
//! wait in the out-of-order queue for another subflow, or a reinjection, to fill it.
//!
//! The state is plain data shared with the C glue (`struct mptcp_rs_stream_rx`, kept in sync
//! by hand), which holds the msk's receive-queue lock around every call.
//!
//! [`Conn::rx_place`]: super::conn::Conn::rx_place

use super::seq::before64;

/// Where a piece of the peer's stream goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The stream already has all of it.
    Old,
    /// It continues the stream once its first `skip` bytes (already received) are dropped.
    Append {
        /// Bytes at the head of the piece the stream already has.
        skip: u32,
    },
    /// It starts beyond the next expected byte: out of order.
    Ahead,
}

/// The connection's receive position.
///
/// # Invariants
///
/// `ack_seq` is meaningful once `started`; `fin` once `fin_known`; `eof` implies `fin_known`
/// and `ack_seq == fin`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamRx {
    /// DSN of the next byte expected in order (the DATA_ACK point, the DATA_FIN not counted).
    ack_seq: u64,
    /// DSN of the peer's DATA_FIN.
    fin: u64,
    started: bool,
    fin_known: bool,
    eof: bool,
}

impl StreamRx {
    /// Nothing known yet: the stream starts when the peer's key is (see [`Self::start`]).
    pub const fn new() -> Self {
        Self {
            ack_seq: 0,
            fin: 0,
            started: false,
            fin_known: false,
            eof: false,
        }
    }

    /// The stream's first byte is `first` (the peer's IDSN + 1); later calls change nothing.
    pub fn start(&mut self, first: u64) {
        if !self.started {
            self.ack_seq = first;
            self.started = true;
        }
    }

    /// Whether [`Self::start`] was called.
    pub const fn started(&self) -> bool {
        self.started
    }

    /// The next DSN expected in order, once started.
    pub const fn ack_seq(&self) -> Option<u64> {
        if self.started {
            Some(self.ack_seq)
        } else {
            None
        }
    }

    /// Where the `len` bytes (more than 0) starting at `dsn` go. Before the start, all is
    /// ahead.
    pub fn place(&self, dsn: u64, len: u32) -> Placement {
        if !self.started {
            return Placement::Ahead;
        }
        let end = dsn.wrapping_add(u64::from(len));
        if !before64(self.ack_seq, end) {
            return Placement::Old;
        }
        if before64(self.ack_seq, dsn) {
            return Placement::Ahead;
        }
        // `ack_seq` is within [dsn, end), so the distance is below `len`.
        let skip = u32::try_from(self.ack_seq.wrapping_sub(dsn)).unwrap_or(0);
        Placement::Append { skip }
    }

    /// `len` more bytes were appended in order.
    pub fn appended(&mut self, len: u32) {
        if self.started && !self.eof {
            self.ack_seq = self.ack_seq.wrapping_add(u64::from(len));
        }
    }

    /// The peer's DATA_FIN is at `fin` (the first announcement counts).
    pub fn set_fin(&mut self, fin: u64) {
        if !self.fin_known {
            self.fin = fin;
            self.fin_known = true;
        }
    }

    /// Whether the stream just ended: true once, when every byte before the DATA_FIN is in.
    pub fn take_eof(&mut self) -> bool {
        if self.eof || !self.started || !self.fin_known || self.ack_seq != self.fin {
            return false;
        }
        self.eof = true;
        true
    }

    /// The stream ended (see [`Self::take_eof`]).
    pub const fn eof(&self) -> bool {
        self.eof
    }
}
