// SPDX-License-Identifier: GPL-2.0

//! Data sequence mappings (RFC 8684 section 3.3.1) and the per-subflow tables that hold them.
//!
//! A [`Mapping`] says that the data-level units starting at the 64-bit data sequence number
//! `dsn` travel in the subflow bytes starting at the relative subflow sequence number `ssn`.
//! In-tree MPTCP attaches mappings to skbs with an skb extension; a module cannot register one,
//! so each subflow keeps its mappings in tables keyed by subflow sequence number instead. That
//! key survives every split, merge, trim and retransmission TCP does to the skbs:
//!
//! - the sender's [`TxMappings`] answers "which mapping goes in the DSS option of the segment
//!   starting at this sequence number" (new data, retransmissions, partially acked heads);
//! - the receiver's [`RxMappings`] holds the mappings announced by DSS options, which may arrive
//!   out of order or repeated by retransmissions, and answers "which DSN has the byte at this
//!   sequence number" when the data is read.
//!
//! Both are fixed arrays sized by a const generic, so the module picks the capacity and nothing
//! here allocates. Sequence numbers are compared with [`before32`] / [`after32`], like TCP's
//! `before()` / `after()`, so both tables keep working across the 2^32 wrap of the subflow
//! sequence space.
//!
//! # Relative subflow sequence numbers
//!
//! `ssn` is relative to the subflow's initial sequence number (RFC 8684 section 3.3.1): the SYN
//! occupies 0, so the first data byte of every subflow has relative SSN 1.
//!
//! # DATA_FIN
//!
//! DATA_FIN takes one unit of data sequence space but no subflow byte. [`Mapping::data_len`] is
//! the data-level length exactly as the DSS option carries it, so when `data_fin` is set it
//! counts the DATA_FIN too: the mapping carries `data_len - 1` payload bytes
//! ([`Mapping::payload_len`]), the DATA_FIN has DSN `dsn + data_len - 1`
//! ([`Mapping::data_fin_dsn`]), and the DSS checksum's pseudo-header uses `data_len` unchanged.
//! A DATA_FIN sent on a segment without data is a mapping of length 1 (with SSN 0,
//! [`Mapping::data_fin_only`]) that covers no subflow byte, so neither table stores it.

use super::{
    csum,
    dss,
    mp_tcprst::reason,
    seq::expand, //
};

/// `a` comes strictly before `b` in 32-bit sequence space (TCP's `before()`): the distance
/// from `b` to `a`, taken as a signed 32-bit value, is negative.
pub const fn before32(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a` comes strictly after `b` in 32-bit sequence space (TCP's `after()`).
pub const fn after32(a: u32, b: u32) -> bool {
    before32(b, a)
}

/// A data sequence mapping with its DSN expanded to 64 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// Data sequence number of the first unit (the first payload byte, or the DATA_FIN of a
    /// [`data_fin_only`](Self::data_fin_only) mapping).
    pub dsn: u64,
    /// Relative subflow sequence number of the first payload byte.
    pub ssn: u32,
    /// Data-level length as on the wire: payload bytes plus one if `data_fin` is set. Zero is
    /// the infinite mapping (fallback, RFC 8684 section 3.7).
    pub data_len: u16,
    /// The last unit of the mapping is the DATA_FIN.
    pub data_fin: bool,
    /// The DSS checksum field, present when checksums were negotiated.
    pub checksum: Option<u16>,
}

impl Mapping {
    /// A placeholder for unused table slots; never visible through the tables' API.
    const EMPTY: Self = Self {
        dsn: 0,
        ssn: 0,
        data_len: 0,
        data_fin: false,
        checksum: None,
    };

    /// A mapping of `data_len` payload bytes, without DATA_FIN or checksum.
    pub const fn new(dsn: u64, ssn: u32, data_len: u16) -> Self {
        Self {
            dsn,
            ssn,
            data_len,
            data_fin: false,
            checksum: None,
        }
    }

    /// A DATA_FIN on a segment without data: RFC 8684 section 3.3.1 asks for subflow sequence
    /// number 0 and data-level length 1, `dsn` being the DATA_FIN's own DSN.
    pub const fn data_fin_only(dsn: u64, checksum: Option<u16>) -> Self {
        Self {
            dsn,
            ssn: 0,
            data_len: 1,
            data_fin: true,
            checksum,
        }
    }

    /// The mapping of a received DSS option. A 4-octet DSN is expanded to the 64-bit value
    /// nearest `expected_dsn` (use the next DSN expected at the connection level, as upstream
    /// does with its `ack_seq`); `data_fin` is the option's F flag.
    pub const fn from_option(opt: &dss::Mapping, data_fin: bool, expected_dsn: u64) -> Self {
        let dsn = match opt.dsn {
            dss::SeqNum::Full(v) => v,
            dss::SeqNum::Short(v) => expand(expected_dsn, v),
        };
        Self {
            dsn,
            ssn: opt.subflow_seq,
            data_len: opt.data_len,
            data_fin,
            checksum: opt.checksum,
        }
    }

    /// The option form, always with the 64-bit DSN (as upstream sends it: the receiver then
    /// never has to guess the epoch). The DATA_FIN flag belongs to the enclosing DSS option.
    pub const fn to_option(&self) -> dss::Mapping {
        dss::Mapping {
            dsn: dss::SeqNum::Full(self.dsn),
            subflow_seq: self.ssn,
            data_len: self.data_len,
            checksum: self.checksum,
        }
    }

    /// The infinite mapping (data-level length 0) announces fallback to plain TCP.
    pub const fn is_infinite(&self) -> bool {
        self.data_len == 0
    }

    /// A DATA_FIN that maps no payload (data-level length 1 with the F flag). Its SSN carries
    /// no meaning: like upstream, it is not checked against the RFC's 0.
    pub const fn is_data_fin_only(&self) -> bool {
        self.data_fin && self.data_len == 1
    }

    /// Payload bytes mapped: the data-level length without the DATA_FIN's unit. Saturates at 0
    /// for an (invalid) infinite mapping with the F flag.
    pub const fn payload_len(&self) -> u16 {
        if self.data_fin {
            self.data_len.saturating_sub(1)
        } else {
            self.data_len
        }
    }

    /// Relative SSN one past the last payload byte (wrapping).
    pub const fn ssn_end(&self) -> u32 {
        self.ssn.wrapping_add(self.payload_len() as u32)
    }

    /// DSN one past the mapping, DATA_FIN included: where the next mapping continues.
    pub const fn dsn_end(&self) -> u64 {
        self.dsn.wrapping_add(self.data_len as u64)
    }

    /// DSN of the DATA_FIN, if the mapping carries one.
    pub const fn data_fin_dsn(&self) -> Option<u64> {
        if self.data_fin {
            Some(self.dsn.wrapping_add(self.payload_len() as u64))
        } else {
            None
        }
    }

    /// The subflow byte `ssn` is one of the mapped payload bytes.
    pub const fn covers(&self, ssn: u32) -> bool {
        // The distance from the first byte, taken modulo 2^32, is below the length exactly
        // when the byte lies in the (possibly wrapping) range.
        ssn.wrapping_sub(self.ssn) < self.payload_len() as u32
    }

    /// The DSN of the subflow byte `ssn`, if this mapping covers it.
    pub const fn dsn_of(&self, ssn: u32) -> Option<u64> {
        if self.covers(ssn) {
            Some(self.dsn.wrapping_add(ssn.wrapping_sub(self.ssn) as u64))
        } else {
            None
        }
    }

    /// The DSN this mapping's offset gives the subflow byte `ssn`, whether or not it covers
    /// it (the signed 32-bit distance from its first byte, so wrapping works both ways).
    pub const fn dsn_at(&self, ssn: u32) -> u64 {
        self.dsn
            .wrapping_add(ssn.wrapping_sub(self.ssn) as i32 as i64 as u64)
    }

    /// The payload ranges of `self` and `other` share at least one subflow byte.
    pub const fn overlaps(&self, other: &Self) -> bool {
        self.payload_len() != 0
            && other.payload_len() != 0
            && before32(other.ssn, self.ssn_end())
            && before32(self.ssn, other.ssn_end())
    }

    /// `self` followed by `next` as one mapping, if they can be one: both carry payload,
    /// `next` continues `self` in both sequence spaces, `self` has no DATA_FIN, the sum fits
    /// the 16-bit data-level length, and either neither has a checksum or both do (the merged
    /// checksum is derived from the two, see [`csum::extend`]).
    pub fn extended(&self, next: &Self) -> Option<Self> {
        if self.data_fin
            || self.payload_len() == 0
            || next.payload_len() == 0
            || next.ssn != self.ssn_end()
            || next.dsn != self.dsn_end()
        {
            return None;
        }
        let mut merged = Self {
            dsn: self.dsn,
            ssn: self.ssn,
            data_len: self.data_len.checked_add(next.data_len)?,
            data_fin: next.data_fin,
            checksum: None,
        };
        merged.checksum = match (self.checksum, next.checksum) {
            (None, None) => None,
            (Some(_), Some(_)) => Some(csum::extend(self, next, &merged)?),
            _ => return None,
        };
        Some(merged)
    }

    /// Judges a received mapping against the receiving subflow (RFC 8684 sections 3.3, 3.3.1
    /// and 3.7, and upstream's rules in `get_mapping_status()`).
    ///
    /// `known` is a mapping already held for subflow bytes that overlap this one, if any
    /// ([`RxMappings::overlapping`] finds it). The checks, in order:
    ///
    /// 1. the checksum must be present exactly when checksums were negotiated (section 3.3,
    ///    before 3.3.1: otherwise the subflow MUST be reset);
    /// 2. data-level length 0 is the infinite mapping: the peer falls back;
    /// 3. a DATA_FIN without payload maps no byte: only the DATA_FIN is to be noted;
    /// 4. a mapping whose bytes were all consumed already is a retransmission: ignored;
    /// 5. against `known`: identical (DSN, SSN, payload length, checksum presence) is a
    ///    duplicate; identical but now with DATA_FIN adds the DATA_FIN; anything else maps the
    ///    same bytes twice, differently, which is a protocol error;
    /// 6. a mapping that starts before the consumed point (but ends after it) and is not the
    ///    known mapping claims bytes already delivered under another mapping: an error;
    /// 7. otherwise it is new.
    ///
    /// A different checksum on an otherwise identical mapping is a duplicate, not an error:
    /// the first one is kept and the data verified against it, as upstream does.
    pub const fn validate(&self, state: &RxState, known: Option<&Mapping>) -> Validation {
        match (state.checksums, self.checksum.is_some()) {
            (true, false) => return Validation::Invalid(Invalid::ChecksumMissing),
            (false, true) => return Validation::Invalid(Invalid::ChecksumUnexpected),
            _ => {}
        }
        if self.is_infinite() {
            return Validation::Infinite;
        }
        if self.is_data_fin_only() {
            return Validation::DataFinOnly;
        }
        if !after32(self.ssn_end(), state.consumed) {
            return Validation::Duplicate;
        }
        if let Some(known) = known {
            match relate(known, self) {
                Relation::Disjoint => {}
                Relation::Same => return Validation::Duplicate,
                Relation::AddsDataFin => return Validation::Accept,
                Relation::Conflict => return Validation::Invalid(Invalid::Conflict),
            }
        }
        if before32(self.ssn, state.consumed) {
            return Validation::Invalid(Invalid::PartlyConsumed);
        }
        Validation::Accept
    }
}

/// How a received mapping stands to one already held.
enum Relation {
    /// No subflow byte in common.
    Disjoint,
    /// The same mapping again (a retransmission, or another segment of the same mapping).
    Same,
    /// The same mapping, now also carrying the DATA_FIN (upstream adds the DATA_FIN to the
    /// final mapping when the application closes, after earlier segments went out without).
    AddsDataFin,
    /// The same bytes mapped differently.
    Conflict,
}

const fn relate(known: &Mapping, new: &Mapping) -> Relation {
    if !known.overlaps(new) {
        return Relation::Disjoint;
    }
    if known.dsn != new.dsn
        || known.ssn != new.ssn
        || known.payload_len() != new.payload_len()
        || known.checksum.is_some() != new.checksum.is_some()
    {
        return Relation::Conflict;
    }
    if new.data_fin && !known.data_fin {
        Relation::AddsDataFin
    } else {
        Relation::Same
    }
}

/// What the receiving subflow knows when a mapping arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RxState {
    /// Relative SSN of the next byte the reader will take (upstream: `copied_seq` minus the
    /// peer's initial sequence number).
    pub consumed: u32,
    /// DSS checksums were negotiated on this connection.
    pub checksums: bool,
}

/// Why a received mapping breaks the protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Checksums were negotiated but the mapping has none.
    ChecksumMissing,
    /// The mapping has a checksum although none was negotiated.
    ChecksumUnexpected,
    /// Bytes already mapped are mapped again, differently.
    Conflict,
    /// The mapping starts in bytes already consumed under another mapping.
    PartlyConsumed,
}

impl Invalid {
    /// The MP_TCPRST reason to reset the subflow with when it cannot fall back instead
    /// (upstream resets on every invalid mapping with "MPTCP-specific error").
    pub const fn reset_reason(self) -> u8 {
        reason::MPTCP_ERROR
    }
}

/// The verdict on a received mapping, so the glue can apply the RFC's behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validation {
    /// New information: store it ([`RxMappings::insert`]); note its DATA_FIN if it has one.
    Accept,
    /// Already known, or about bytes already consumed: ignore it.
    Duplicate,
    /// A DATA_FIN without payload: note the DATA_FIN at `dsn`, store nothing.
    DataFinOnly,
    /// The infinite mapping: the peer falls back to plain TCP (RFC 8684 section 3.7).
    Infinite,
    /// A protocol violation: fall back if still possible, otherwise reset the subflow with
    /// [`Invalid::reset_reason`].
    Invalid(Invalid),
}

/// The minimal operations both tables need from a fixed array used as a ring.
///
/// Elements are addressed by their position from the front; every access is bounds-checked,
/// and a capacity of 0 is a table that is always full.
#[derive(Clone, Copy)]
struct Ring<T: Copy, const N: usize> {
    slots: [T; N],
    head: usize,
    len: usize,
}

impl<T: Copy, const N: usize> Ring<T, N> {
    // Inlined, so that a table is built where it is stored rather than copied there (the
    // tables are kilobytes, built in softirq for a listener's child).
    #[inline(always)]
    const fn new(fill: T) -> Self {
        Self {
            slots: [fill; N],
            head: 0,
            len: 0,
        }
    }

    /// Array index of position `pos`; `None` only for `N == 0` (or an absurd `pos`).
    fn index(&self, pos: usize) -> Option<usize> {
        self.head.checked_add(pos)?.checked_rem(N)
    }

    fn get(&self, pos: usize) -> Option<&T> {
        if pos >= self.len {
            return None;
        }
        self.slots.get(self.index(pos)?)
    }

    fn get_mut(&mut self, pos: usize) -> Option<&mut T> {
        if pos >= self.len {
            return None;
        }
        let i = self.index(pos)?;
        self.slots.get_mut(i)
    }

    /// Writes position `pos`, which may be the one just past the end (used while shifting).
    fn put(&mut self, pos: usize, value: T) {
        if let Some(slot) = self.index(pos).and_then(|i| self.slots.get_mut(i)) {
            *slot = value;
        }
    }

    fn is_full(&self) -> bool {
        self.len >= N
    }

    fn back_mut(&mut self) -> Option<&mut T> {
        let last = self.len.checked_sub(1)?;
        self.get_mut(last)
    }

    fn pop_front(&mut self) {
        if self.len > 0 {
            self.head = self.index(1).unwrap_or(0);
            self.len = self.len.saturating_sub(1);
        }
    }

    /// Inserts at position `pos` (at most `len`), moving the later elements back by one.
    /// Returns false, changing nothing, when full.
    fn insert(&mut self, pos: usize, value: T) -> bool {
        if self.is_full() || pos > self.len {
            return false;
        }
        // Walk from the back so that every element is read before its slot is overwritten.
        let mut i = self.len;
        while i > pos {
            let prev = i.saturating_sub(1);
            if let Some(value) = self.index(prev).and_then(|k| self.slots.get(k)).copied() {
                self.put(i, value);
            }
            i = prev;
        }
        self.put(pos, value);
        self.len = self.len.saturating_add(1);
        true
    }

    /// Removes position `pos`, moving the later elements forward by one.
    fn remove(&mut self, pos: usize) {
        if pos >= self.len {
            return;
        }
        let mut i = pos;
        while i.saturating_add(1) < self.len {
            if let Some(value) = self.get(i.saturating_add(1)).copied() {
                self.put(i, value);
            }
            i = i.saturating_add(1);
        }
        self.len = self.len.saturating_sub(1);
    }

    fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        (0..self.len).filter_map(move |pos| self.get(pos))
    }
}

/// A sender-side entry: the mapping and whether it went out in an option already.
#[derive(Clone, Copy)]
struct TxSlot {
    mapping: Mapping,
    /// Sent in a DSS option: the receiver may hold it, so it must never change again.
    frozen: bool,
}

/// How [`TxMappings::push`] recorded a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Push {
    /// As a new entry.
    New,
    /// By growing the last entry, which had not been sent yet.
    Extended,
}

/// Why [`TxMappings::push`] refused a mapping. The table is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushError {
    /// No free entry: stop queueing data on this subflow until acknowledgements purge some.
    Full,
    /// The mapping does not start where the previous one ended in subflow sequence space.
    Gap,
    /// The mapping covers no subflow byte (infinite or DATA_FIN-only): such mappings are sent
    /// on their own and never looked up by sequence number.
    NoPayload,
    /// A mapping carrying the DATA_FIN was pushed already: no data may follow it.
    AfterDataFin,
}

/// The sender's mappings of one subflow, in subflow sequence order, contiguous in SSN.
///
/// Filled by [`push`](Self::push) as data is queued on the subflow, read by
/// [`lookup`](Self::lookup) / [`freeze`](Self::freeze) when a segment's DSS option is written
/// (the mapping covering the segment's first byte, so retransmissions, TSO splits and
/// partially acknowledged heads all find theirs), and trimmed by
/// [`purge_acked`](Self::purge_acked) as the subflow's `snd_una` advances.
///
/// When full, [`push`](Self::push) fails and the caller must stop queueing data on this
/// subflow until acknowledgements free entries; growing the last, still unsent mapping needs
/// no entry, so contiguous writes keep going as long as nothing was sent in between.
pub struct TxMappings<const N: usize> {
    ring: Ring<TxSlot, N>,
    /// SSN just past the last pushed mapping, which the next one must start at (kept across
    /// purges, which may empty the table).
    next_ssn: Option<u32>,
    /// A mapping with the DATA_FIN was pushed.
    fin_pushed: bool,
}

impl<const N: usize> Default for TxMappings<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> TxMappings<N> {
    /// An empty table.
    #[inline(always)]
    pub const fn new() -> Self {
        Self {
            ring: Ring::new(TxSlot {
                mapping: Mapping::EMPTY,
                frozen: false,
            }),
            next_ssn: None,
            fin_pushed: false,
        }
    }

    /// Records the mapping of data just queued on the subflow.
    ///
    /// It must start where the previous one ended in subflow sequence space. If the last entry
    /// has not been frozen (sent) yet and the new mapping also continues it in data sequence
    /// space (see [`Mapping::extended`]), the last entry grows instead of a new one being used.
    ///
    /// # Errors
    ///
    /// [`PushError`]; the table is unchanged.
    pub fn push(&mut self, mapping: Mapping) -> Result<Push, PushError> {
        if mapping.payload_len() == 0 {
            return Err(PushError::NoPayload);
        }
        if self.fin_pushed {
            return Err(PushError::AfterDataFin);
        }
        if self.next_ssn.is_some_and(|next| next != mapping.ssn) {
            return Err(PushError::Gap);
        }
        if let Some(last) = self.ring.back_mut() {
            if !last.frozen {
                if let Some(merged) = last.mapping.extended(&mapping) {
                    last.mapping = merged;
                    self.note_pushed(&merged);
                    return Ok(Push::Extended);
                }
            }
        }
        let slot = TxSlot {
            mapping,
            frozen: false,
        };
        if !self.ring.insert(self.ring.len, slot) {
            return Err(PushError::Full);
        }
        self.note_pushed(&mapping);
        Ok(Push::New)
    }

    fn note_pushed(&mut self, mapping: &Mapping) {
        self.next_ssn = Some(mapping.ssn_end());
        self.fin_pushed = mapping.data_fin;
    }

    /// Position of the entry covering `ssn`.
    ///
    /// The entries are contiguous, so their ends, as distances from the first entry's start,
    /// increase strictly: a binary search over those distances finds the first entry ending
    /// after `ssn`, which covers it if `ssn` is in the table at all.
    fn position(&self, ssn: u32) -> Option<usize> {
        let base = self.ring.get(0)?.mapping.ssn;
        let target = ssn.wrapping_sub(base);
        let (mut lo, mut hi) = (0, self.ring.len);
        while lo < hi {
            let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
            let end = self.ring.get(mid)?.mapping.ssn_end().wrapping_sub(base);
            if end <= target {
                lo = mid.saturating_add(1);
            } else {
                hi = mid;
            }
        }
        let found = self.ring.get(lo)?;
        found.mapping.covers(ssn).then_some(lo)
    }

    /// The mapping covering the subflow byte `ssn`, e.g. the first byte of a segment.
    pub fn lookup(&self, ssn: u32) -> Option<&Mapping> {
        Some(&self.ring.get(self.position(ssn)?)?.mapping)
    }

    /// Like [`lookup`](Self::lookup), and marks the mapping as sent, so that later pushes no
    /// longer extend it: call when writing it into a DSS option.
    pub fn freeze(&mut self, ssn: u32) -> Option<&Mapping> {
        let pos = self.position(ssn)?;
        let slot = self.ring.get_mut(pos)?;
        slot.frozen = true;
        Some(&slot.mapping)
    }

    /// Whether the mapping covering `ssn` was frozen, if there is one.
    pub fn is_frozen(&self, ssn: u32) -> Option<bool> {
        Some(self.ring.get(self.position(ssn)?)?.frozen)
    }

    /// Drops the mappings whose payload ends at or before `snd_una` (relative SSN of the
    /// first unacknowledged subflow byte), returning how many.
    pub fn purge_acked(&mut self, snd_una: u32) -> usize {
        let mut dropped: usize = 0;
        while let Some(front) = self.ring.get(0) {
            if after32(front.mapping.ssn_end(), snd_una) {
                break;
            }
            self.ring.pop_front();
            dropped = dropped.saturating_add(1);
        }
        dropped
    }

    /// Forgets everything (e.g. after fallback), including the SSN the next push must start
    /// at.
    pub fn clear(&mut self) {
        self.ring.clear();
        self.next_ssn = None;
        self.fin_pushed = false;
    }

    /// The mappings, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Mapping> + '_ {
        self.ring.iter().map(|slot| &slot.mapping)
    }

    /// Entries in use.
    pub fn len(&self) -> usize {
        self.ring.len
    }

    /// No entries in use.
    pub fn is_empty(&self) -> bool {
        self.ring.len == 0
    }

    /// No free entry.
    pub fn is_full(&self) -> bool {
        self.ring.is_full()
    }

    /// The capacity, `N`.
    pub const fn capacity(&self) -> usize {
        N
    }
}

/// How [`RxMappings::insert`] took a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insert {
    /// Stored as a new entry.
    Added,
    /// Already known, or about consumed bytes: nothing changed.
    Duplicate,
    /// The known identical mapping now carries the DATA_FIN too.
    DataFinAdded,
}

/// Why [`RxMappings::insert`] refused a mapping. The table is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RxError {
    /// No free entry (see [`RxMappings`] for what to do).
    Full,
    /// Infinite or DATA_FIN-only: covers no subflow byte, nothing to store
    /// ([`Mapping::validate`] tells which).
    NoPayload,
    /// A protocol violation, as [`Mapping::validate`] reports it.
    Invalid(Invalid),
}

/// The receiver's mappings of one subflow: disjoint, sorted by subflow sequence number, none
/// entirely before the consumed point.
///
/// Filled by [`insert`](Self::insert) as DSS options arrive (possibly out of order, possibly
/// repeated), queried by [`lookup`](Self::lookup) when data is read, trimmed by
/// [`consume_up_to`](Self::consume_up_to) as the reader advances.
///
/// When full, [`insert`](Self::insert) fails with [`RxError::Full`] and stores nothing; the
/// glue then drops the segment (the `incoming` hook returns false), so TCP neither queues nor
/// acknowledges its data and the peer retransmits it, with its mapping, later. Data TCP queued
/// therefore always has its mapping here. So that mappings of out-of-order data cannot take
/// every entry and starve the segment that fills the hole, the glue should also drop
/// out-of-order segments (mapping starting after `rcv_nxt`) while only one entry is free. A
/// subflow that still cannot make progress is reset with reason "lack of resources".
pub struct RxMappings<const N: usize> {
    ring: Ring<Mapping, N>,
    consumed: u32,
}

impl<const N: usize> RxMappings<N> {
    /// An empty table for a subflow whose reader takes the byte at relative SSN `consumed`
    /// next (1 on a new subflow).
    #[inline(always)]
    pub const fn new(consumed: u32) -> Self {
        Self {
            ring: Ring::new(Mapping::EMPTY),
            consumed,
        }
    }

    /// Relative SSN of the next byte the reader takes.
    pub const fn consumed(&self) -> u32 {
        self.consumed
    }

    fn overlapping_position(&self, mapping: &Mapping) -> Option<usize> {
        // Entries are disjoint, so a mapping identical to one of them overlaps no other: the
        // first overlapping entry is the one to compare with.
        (0..self.ring.len).find(|&pos| {
            self.ring
                .get(pos)
                .is_some_and(|entry| entry.overlaps(mapping))
        })
    }

    /// The first stored mapping sharing a subflow byte with `mapping`: the `known` argument
    /// of [`Mapping::validate`].
    pub fn overlapping(&self, mapping: &Mapping) -> Option<&Mapping> {
        self.ring.get(self.overlapping_position(mapping)?)
    }

    /// [`Mapping::validate`] against this table and the negotiated checksum use.
    pub fn validate(&self, mapping: &Mapping, checksums: bool) -> Validation {
        let state = RxState {
            consumed: self.consumed,
            checksums,
        };
        mapping.validate(&state, self.overlapping(mapping))
    }

    /// Stores a received mapping, with the checks of [`Mapping::validate`] except checksum
    /// negotiation, which the table does not know (call [`validate`](Self::validate) first).
    ///
    /// # Errors
    ///
    /// [`RxError`]; the table is unchanged.
    pub fn insert(&mut self, mapping: Mapping) -> Result<Insert, RxError> {
        match self.validate(&mapping, mapping.checksum.is_some()) {
            Validation::Accept => {}
            Validation::Duplicate => return Ok(Insert::Duplicate),
            Validation::DataFinOnly | Validation::Infinite => return Err(RxError::NoPayload),
            Validation::Invalid(why) => return Err(RxError::Invalid(why)),
        }
        // Accepted with an overlap means the identical mapping, now with DATA_FIN.
        if let Some(pos) = self.overlapping_position(&mapping) {
            if let Some(entry) = self.ring.get_mut(pos) {
                *entry = mapping;
                return Ok(Insert::DataFinAdded);
            }
        }
        let pos = (0..self.ring.len)
            .find(|&pos| {
                self.ring
                    .get(pos)
                    .is_some_and(|entry| before32(mapping.ssn, entry.ssn))
            })
            .unwrap_or(self.ring.len);
        if self.ring.insert(pos, mapping) {
            Ok(Insert::Added)
        } else {
            Err(RxError::Full)
        }
    }

    /// Stores the payload part of a received mapping for the reader, which needs only where
    /// each byte sits in the data sequence space: the DATA_FIN and the checksum are the
    /// caller's to note (and must be checked before).
    ///
    /// Unlike [`insert`](Self::insert), a mapping may overlap stored ones as long as it puts
    /// the shared bytes at the same DSNs (a sender that cuts a retransmission differently from
    /// the original, or one mapping per segment of a larger one): only the bytes no entry
    /// covers yet are added, and bytes already consumed are ignored. Contiguous entries are
    /// merged (up to the 16-bit length), so a bulk transfer takes few entries.
    ///
    /// # Errors
    ///
    /// [`RxError::Invalid`] when a stored entry places a shared byte elsewhere (the table is
    /// unchanged), [`RxError::NoPayload`] for a mapping without payload, [`RxError::Full`]
    /// when no entry is free (bytes stored before that stay: they are mapped correctly).
    ///
    /// With `checksums`, a mapping stored whole keeps its DATA_FIN flag and checksum, for
    /// [`mark_verified`](Self::mark_verified), and is not merged until verified; pieces of
    /// one (bytes next to stored entries) cannot be checked and are stored without.
    pub fn record(&mut self, mapping: &Mapping, checksums: bool) -> Result<Insert, RxError> {
        let end = mapping.ssn_end();
        if mapping.payload_len() == 0 {
            return Err(RxError::NoPayload);
        }
        let payload = Mapping::new(mapping.dsn, mapping.ssn, mapping.payload_len());
        let whole = if checksums && mapping.checksum.is_some() {
            *mapping
        } else {
            payload
        };
        if self
            .ring
            .iter()
            .any(|e| e.overlaps(&payload) && e.dsn_at(payload.ssn) != payload.dsn)
        {
            return Err(RxError::Invalid(Invalid::Conflict));
        }
        let mut start = if before32(payload.ssn, self.consumed) {
            self.consumed
        } else {
            payload.ssn
        };
        let mut added = false;
        // Each round skips one stored entry or adds one piece: bounded by the table's size.
        for _ in 0..N.saturating_mul(2).saturating_add(2) {
            if !before32(start, end) {
                break;
            }
            if let Some(covering) = self.lookup(start) {
                start = covering.ssn_end();
                continue;
            }
            let piece_end = self
                .ring
                .iter()
                .map(|e| e.ssn)
                .filter(|&s| after32(s, start) && before32(s, end))
                .min_by_key(|&s| s.wrapping_sub(start))
                .unwrap_or(end);
            let len = u16::try_from(piece_end.wrapping_sub(start)).unwrap_or(u16::MAX);
            let piece = if start == whole.ssn && piece_end == end {
                whole
            } else {
                Mapping::new(payload.dsn_at(start), start, len)
            };
            let pos = (0..self.ring.len)
                .find(|&pos| self.ring.get(pos).is_some_and(|e| before32(start, e.ssn)))
                .unwrap_or(self.ring.len);
            if !self.ring.insert(pos, piece) {
                return Err(RxError::Full);
            }
            added = true;
            start = piece.ssn_end();
        }
        if !added {
            return Ok(Insert::Duplicate);
        }
        let mut pos = 0;
        while pos < self.ring.len {
            if !self.merge_next(pos) {
                pos = pos.saturating_add(1);
            }
        }
        Ok(Insert::Added)
    }

    /// Merges the entry at `pos` with the one after it when they form one mapping; true if
    /// it did. Entries whose checksum is still to be checked stay as they came: a reader
    /// waiting for one whole mapping must not see it grow.
    fn merge_next(&mut self, pos: usize) -> bool {
        let next = pos.saturating_add(1);
        let merged = match (self.ring.get(pos), self.ring.get(next)) {
            (Some(a), Some(b)) if a.checksum.is_none() && b.checksum.is_none() => a.extended(b),
            _ => None,
        };
        if let (Some(merged), Some(entry)) = (merged, self.ring.get_mut(pos)) {
            *entry = merged;
            self.ring.remove(next);
            return true;
        }
        false
    }

    /// The DSS checksum of the mapping starting at `ssn` matched its data: it is dropped,
    /// which lets the mapping merge with verified neighbours.
    pub fn mark_verified(&mut self, ssn: u32) {
        let position = self.ring.iter().position(|e| e.ssn == ssn);
        if let Some(entry) = position.and_then(|pos| self.ring.get_mut(pos)) {
            entry.checksum = None;
        }
    }

    /// The mapping covering the subflow byte `ssn`.
    pub fn lookup(&self, ssn: u32) -> Option<&Mapping> {
        self.ring.iter().find(|entry| entry.covers(ssn))
    }

    /// The reader has taken every byte before `ssn`: drops the mappings that end at or before
    /// it, returning how many. Never moves the consumed point backwards.
    pub fn consume_up_to(&mut self, ssn: u32) -> usize {
        if after32(ssn, self.consumed) {
            self.consumed = ssn;
        }
        let mut dropped: usize = 0;
        while let Some(front) = self.ring.get(0) {
            if after32(front.ssn_end(), self.consumed) {
                break;
            }
            self.ring.pop_front();
            dropped = dropped.saturating_add(1);
        }
        dropped
    }

    /// Forgets every mapping and restarts at `consumed`.
    pub fn reset(&mut self, consumed: u32) {
        self.ring.clear();
        self.consumed = consumed;
    }

    /// The mappings in subflow sequence order.
    pub fn iter(&self) -> impl Iterator<Item = &Mapping> + '_ {
        self.ring.iter()
    }

    /// Entries in use.
    pub fn len(&self) -> usize {
        self.ring.len
    }

    /// No entries in use.
    pub fn is_empty(&self) -> bool {
        self.ring.len == 0
    }

    /// No free entry.
    pub fn is_full(&self) -> bool {
        self.ring.is_full()
    }

    /// The capacity, `N`.
    pub const fn capacity(&self) -> usize {
        N
    }
}

pub mod vectors;
