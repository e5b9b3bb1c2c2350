// SPDX-License-Identifier: GPL-2.0

//! Table-driven cases shared by `cargo test` (rust/host) and KUnit (rust/kunit.rs): the
//! helpers, [`Mapping::validate`], and scripted sessions of both tables across the 2^32 wrap.

use super::{
    Insert, Invalid, Mapping, Push, PushError, RxError, RxMappings, RxState, TxMappings, Validation,
};

const fn m(dsn: u64, ssn: u32, data_len: u16) -> Mapping {
    Mapping::new(dsn, ssn, data_len)
}

const fn fin(dsn: u64, ssn: u32, data_len: u16) -> Mapping {
    Mapping {
        data_fin: true,
        ..m(dsn, ssn, data_len)
    }
}

const fn sum(mapping: Mapping, field: u16) -> Mapping {
    Mapping {
        checksum: Some(field),
        ..mapping
    }
}

/// [`Mapping::dsn_of`] (and so [`Mapping::covers`]) for one subflow byte.
pub struct HelperCase {
    /// Name reported on failure.
    pub name: &'static str,
    /// The mapping.
    pub mapping: Mapping,
    /// The subflow byte asked about.
    pub ssn: u32,
    /// Its DSN, `None` if not covered.
    pub dsn_of: Option<u64>,
}

const fn h(name: &'static str, mapping: Mapping, ssn: u32, dsn_of: Option<u64>) -> HelperCase {
    HelperCase {
        name,
        mapping,
        ssn,
        dsn_of,
    }
}

/// Both sequence numbers wrap inside this mapping.
const WRAP: Mapping = m(0xffff_ffff_ffff_fff8, 0xffff_fffc, 16);
/// Four payload bytes and the DATA_FIN.
const FIN: Mapping = fin(100, 10, 5);

/// Cases for [`Mapping::dsn_of`].
pub const HELPERS: &[HelperCase] = &[
    h("first_byte", WRAP, 0xffff_fffc, Some(0xffff_ffff_ffff_fff8)),
    h("across_ssn_wrap", WRAP, 2, Some(0xffff_ffff_ffff_fffe)),
    h("across_dsn_wrap", WRAP, 4, Some(0)),
    h("last_byte", WRAP, 0xb, Some(7)),
    h("one_past_the_end", WRAP, 0xc, None),
    h("one_before_the_start", WRAP, 0xffff_fffb, None),
    h("last_byte_before_data_fin", FIN, 13, Some(103)),
    h("data_fin_takes_no_subflow_byte", FIN, 14, None),
    h(
        "data_fin_only_covers_nothing",
        Mapping::data_fin_only(100, None),
        0,
        None,
    ),
    h("infinite_covers_nothing", m(100, 10, 0), 10, None),
];

/// The ends of a mapping.
pub struct EndCase {
    /// Name reported on failure.
    pub name: &'static str,
    /// The mapping.
    pub mapping: Mapping,
    /// [`Mapping::ssn_end`].
    pub ssn_end: u32,
    /// [`Mapping::dsn_end`].
    pub dsn_end: u64,
    /// [`Mapping::data_fin_dsn`].
    pub data_fin_dsn: Option<u64>,
}

/// Cases for the ends of a mapping, DATA_FIN included.
pub const ENDS: &[EndCase] = &[
    EndCase {
        name: "ends_wrap",
        mapping: WRAP,
        ssn_end: 0xc,
        dsn_end: 8,
        data_fin_dsn: None,
    },
    EndCase {
        name: "data_fin_is_the_last_unit",
        mapping: FIN,
        ssn_end: 14,
        dsn_end: 105,
        data_fin_dsn: Some(104),
    },
    EndCase {
        name: "data_fin_only_ends",
        mapping: Mapping::data_fin_only(100, None),
        ssn_end: 0,
        dsn_end: 101,
        data_fin_dsn: Some(100),
    },
    EndCase {
        name: "infinite_ends",
        mapping: m(100, 10, 0),
        ssn_end: 10,
        dsn_end: 100,
        data_fin_dsn: None,
    },
];

/// One [`Mapping::validate`] case.
pub struct ValidateCase {
    /// Name reported on failure.
    pub name: &'static str,
    /// The received mapping.
    pub mapping: Mapping,
    /// The subflow.
    pub state: RxState,
    /// The mapping already held for overlapping bytes.
    pub known: Option<Mapping>,
    /// The verdict.
    pub expect: Validation,
}

const fn st(consumed: u32, checksums: bool) -> RxState {
    RxState {
        consumed,
        checksums,
    }
}

const fn v(
    name: &'static str,
    mapping: Mapping,
    state: RxState,
    known: Option<Mapping>,
    expect: Validation,
) -> ValidateCase {
    ValidateCase {
        name,
        mapping,
        state,
        known,
        expect,
    }
}

const PLAIN: RxState = st(1000, false);
const CSUM: RxState = st(1000, true);
const KNOWN: Mapping = m(5000, 1000, 100);
const CONFLICT: Validation = Validation::Invalid(Invalid::Conflict);

/// Cases for [`Mapping::validate`].
pub const VALIDATE: &[ValidateCase] = &[
    v("new_at_consumed", KNOWN, PLAIN, None, Validation::Accept),
    v(
        "new_out_of_order",
        m(5000, 2000, 100),
        PLAIN,
        None,
        Validation::Accept,
    ),
    v(
        "consumed_entirely",
        m(4900, 900, 100),
        PLAIN,
        None,
        Validation::Duplicate,
    ),
    v(
        "consumed_across_wrap",
        m(1, 0xffff_ff00, 16),
        st(10, false),
        None,
        Validation::Duplicate,
    ),
    v(
        "new_across_wrap",
        m(1, 0xffff_fff8, 16),
        st(0xffff_fff0, false),
        None,
        Validation::Accept,
    ),
    // As TCP's before(): 2^31 ahead counts as behind.
    v(
        "half_the_space_ahead_is_behind",
        m(1, 0x8000_0000, 16),
        st(0, false),
        None,
        Validation::Duplicate,
    ),
    v(
        "straddles_consumed_unknown",
        m(4950, 950, 100),
        PLAIN,
        None,
        Validation::Invalid(Invalid::PartlyConsumed),
    ),
    v(
        "straddles_consumed_known",
        m(4950, 950, 100),
        PLAIN,
        Some(m(4950, 950, 100)),
        Validation::Duplicate,
    ),
    v(
        "identical_to_known",
        KNOWN,
        PLAIN,
        Some(KNOWN),
        Validation::Duplicate,
    ),
    v(
        "adjacent_to_known",
        m(5100, 1100, 100),
        PLAIN,
        Some(KNOWN),
        Validation::Accept,
    ),
    v(
        "other_dsn",
        m(6000, 1000, 100),
        PLAIN,
        Some(KNOWN),
        CONFLICT,
    ),
    v(
        "other_length",
        m(5000, 1000, 50),
        PLAIN,
        Some(KNOWN),
        CONFLICT,
    ),
    // The overlapping bytes even get the same DSNs, but mappings must not be re-cut.
    v(
        "consistent_shift",
        m(5050, 1050, 100),
        PLAIN,
        Some(KNOWN),
        CONFLICT,
    ),
    v(
        "adds_data_fin",
        fin(5000, 1000, 101),
        PLAIN,
        Some(KNOWN),
        Validation::Accept,
    ),
    v(
        "keeps_data_fin",
        KNOWN,
        PLAIN,
        Some(fin(5000, 1000, 101)),
        Validation::Duplicate,
    ),
    v(
        "data_fin_in_place_of_a_byte",
        fin(5000, 1000, 100),
        PLAIN,
        Some(KNOWN),
        CONFLICT,
    ),
    v(
        "new_with_data_fin",
        fin(5000, 1000, 101),
        PLAIN,
        None,
        Validation::Accept,
    ),
    v("infinite", m(5000, 0, 0), PLAIN, None, Validation::Infinite),
    v(
        "infinite_with_data_fin",
        fin(5000, 0, 0),
        PLAIN,
        None,
        Validation::Infinite,
    ),
    v(
        "data_fin_only",
        Mapping::data_fin_only(7000, None),
        PLAIN,
        None,
        Validation::DataFinOnly,
    ),
    v(
        "data_fin_only_any_ssn",
        fin(7000, 1234, 1),
        PLAIN,
        None,
        Validation::DataFinOnly,
    ),
    v(
        "checksum_missing",
        KNOWN,
        CSUM,
        None,
        Validation::Invalid(Invalid::ChecksumMissing),
    ),
    v(
        "checksum_unexpected",
        sum(KNOWN, 0),
        PLAIN,
        None,
        Validation::Invalid(Invalid::ChecksumUnexpected),
    ),
    v(
        "checksum_missing_on_infinite",
        m(5000, 0, 0),
        CSUM,
        None,
        Validation::Invalid(Invalid::ChecksumMissing),
    ),
    v(
        "checksum_present",
        sum(KNOWN, 0xbeef),
        CSUM,
        None,
        Validation::Accept,
    ),
    // Upstream keeps the first and verifies the data against it.
    v(
        "checksum_value_differs_from_known",
        sum(KNOWN, 1),
        CSUM,
        Some(sum(KNOWN, 2)),
        Validation::Duplicate,
    ),
    v(
        "checksum_presence_differs_from_known",
        sum(KNOWN, 1),
        CSUM,
        Some(KNOWN),
        CONFLICT,
    ),
];

/// One step of a [`TxMappings`] session.
pub enum TxStep {
    /// Push, with the result.
    Push(Mapping, Result<Push, PushError>),
    /// Look up a subflow byte, with the mapping found.
    Lookup(u32, Option<Mapping>),
    /// Freeze the mapping covering a subflow byte, with the mapping frozen.
    Freeze(u32, Option<Mapping>),
    /// Whether the mapping covering a subflow byte is frozen.
    Frozen(u32, Option<bool>),
    /// Purge up to `snd_una`, with how many were dropped.
    Purge(u32, usize),
    /// The number of entries.
    Len(usize),
    /// Start over.
    Clear,
}

/// Capacity of the table [`TX_SCRIPT`] runs on.
pub const TX_CAPACITY: usize = 4;

const S0: u32 = 0xffff_fff0;
const D0: u64 = 0xffff_fff8;
/// The "hello" mapping of the checksum vectors, sent in two pieces.
const X: u64 = 0x0102_0304_0506_0708;

/// A sender's session: both sequence spaces wrap, extension stops at the freeze, DSN jumps
/// (other subflows carried the data in between), a full table, purges, DATA_FIN, and
/// checksummed extension (checksums from the `csum` vectors' Python computation).
pub const TX_SCRIPT: &[(&str, TxStep)] = &[
    ("first", TxStep::Push(m(D0, S0, 8), Ok(Push::New))),
    (
        "extend_unsent",
        TxStep::Push(m(D0 + 8, S0 + 8, 8), Ok(Push::Extended)),
    ),
    (
        "lookup_extended",
        TxStep::Lookup(0xffff_fffc, Some(m(D0, S0, 16))),
    ),
    ("not_frozen_yet", TxStep::Frozen(S0, Some(false))),
    ("freeze", TxStep::Freeze(S0, Some(m(D0, S0, 16)))),
    ("frozen", TxStep::Frozen(0xffff_ffff, Some(true))),
    (
        "frozen_is_not_extended",
        TxStep::Push(m(D0 + 16, 0, 100), Ok(Push::New)),
    ),
    (
        "lookup_past_ssn_wrap",
        TxStep::Lookup(0x10, Some(m(D0 + 16, 0, 100))),
    ),
    (
        "dsn_jump",
        TxStep::Push(m(D0 + 1000, 100, 50), Ok(Push::New)),
    ),
    (
        "extend_after_jump",
        TxStep::Push(m(D0 + 1050, 150, 50), Ok(Push::Extended)),
    ),
    (
        "gap",
        TxStep::Push(m(D0 + 1100, 201, 10), Err(PushError::Gap)),
    ),
    (
        "overlap",
        TxStep::Push(m(D0 + 1100, 199, 10), Err(PushError::Gap)),
    ),
    (
        "no_payload",
        TxStep::Push(m(D0 + 1100, 200, 0), Err(PushError::NoPayload)),
    ),
    (
        "data_fin_only_not_stored",
        TxStep::Push(
            Mapping::data_fin_only(D0 + 1100, None),
            Err(PushError::NoPayload),
        ),
    ),
    (
        "freeze_mid_mapping",
        TxStep::Freeze(150, Some(m(D0 + 1000, 100, 100))),
    ),
    ("fill", TxStep::Push(m(D0 + 3000, 200, 10), Ok(Push::New))),
    ("len_full", TxStep::Len(4)),
    (
        "extend_needs_no_entry",
        TxStep::Push(m(D0 + 3010, 210, 10), Ok(Push::Extended)),
    ),
    (
        "freeze_last",
        TxStep::Freeze(200, Some(m(D0 + 3000, 200, 20))),
    ),
    (
        "full",
        TxStep::Push(m(D0 + 4000, 220, 10), Err(PushError::Full)),
    ),
    ("lookup_before_first", TxStep::Lookup(S0 - 1, None)),
    ("lookup_past_last", TxStep::Lookup(220, None)),
    ("frozen_unknown", TxStep::Frozen(220, None)),
    ("purge_mid_head", TxStep::Purge(0xffff_fff8, 0)),
    (
        "lookup_partly_acked_head",
        TxStep::Lookup(0xffff_fff8, Some(m(D0, S0, 16))),
    ),
    ("purge_across_wrap", TxStep::Purge(0, 1)),
    ("purge_second", TxStep::Purge(150, 1)),
    ("len_after_purge", TxStep::Len(2)),
    (
        "room_again",
        TxStep::Push(m(D0 + 4000, 220, 10), Ok(Push::New)),
    ),
    (
        "extend_with_data_fin",
        TxStep::Push(fin(D0 + 4010, 230, 6), Ok(Push::Extended)),
    ),
    (
        "lookup_data_fin_mapping",
        TxStep::Lookup(234, Some(fin(D0 + 4000, 220, 16))),
    ),
    ("data_fin_has_no_subflow_byte", TxStep::Lookup(235, None)),
    (
        "after_data_fin",
        TxStep::Push(m(D0 + 4016, 235, 1), Err(PushError::AfterDataFin)),
    ),
    ("purge_all", TxStep::Purge(235, 3)),
    ("empty", TxStep::Len(0)),
    ("clear", TxStep::Clear),
    (
        "checksum_first",
        TxStep::Push(sum(m(X, 1, 2), 0x8783), Ok(Push::New)),
    ),
    (
        "checksum_extend",
        TxStep::Push(sum(m(X + 2, 3, 3), 0x1477), Ok(Push::Extended)),
    ),
    (
        "checksum_merged",
        TxStep::Lookup(5, Some(sum(m(X, 1, 5), 0xac13))),
    ),
    (
        "checksum_mixed_not_extended",
        TxStep::Push(m(X + 5, 6, 1), Ok(Push::New)),
    ),
    ("clear_again", TxStep::Clear),
    (
        "checksum_odd_first",
        TxStep::Push(sum(m(X, 1, 3), 0x1b82), Ok(Push::New)),
    ),
    (
        "checksum_odd_extend",
        TxStep::Push(sum(m(X + 3, 4, 2), 0x8373), Ok(Push::Extended)),
    ),
    (
        "checksum_odd_merged",
        TxStep::Lookup(1, Some(sum(m(X, 1, 5), 0xac13))),
    ),
    ("clear_once_more", TxStep::Clear),
    (
        "longest_mapping",
        TxStep::Push(m(0, 1, 0xffff), Ok(Push::New)),
    ),
    (
        "length_would_overflow",
        TxStep::Push(m(0xffff, 0x1_0000, 1), Ok(Push::New)),
    ),
    ("two_entries", TxStep::Len(2)),
];

/// One step of an [`RxMappings`] session.
pub enum RxStep {
    /// Insert, with the result.
    Insert(Mapping, Result<Insert, RxError>),
    /// Look up a subflow byte, with the mapping found.
    Lookup(u32, Option<Mapping>),
    /// The entry at a position, in subflow sequence order.
    Nth(usize, Option<Mapping>),
    /// Consume up to a subflow byte, with how many entries were dropped.
    Consume(u32, usize),
    /// The number of entries.
    Len(usize),
}

/// Capacity of the table [`RX_SCRIPT`] runs on.
pub const RX_CAPACITY: usize = 4;
/// Where [`RX_SCRIPT`]'s reader starts: just before the SSN wrap.
pub const RX_START: u32 = 0xffff_fff0;
const E: u64 = 0x5_0000_0000;
const R0: u32 = RX_START;
const RX_CONFLICT: Result<Insert, RxError> = Err(RxError::Invalid(Invalid::Conflict));

/// A receiver's session: retransmissions, out-of-order arrival, conflicts, a DATA_FIN
/// added to a known mapping, a full table, consumption across the wrap.
pub const RX_SCRIPT: &[(&str, RxStep)] = &[
    ("first", RxStep::Insert(m(E, R0, 16), Ok(Insert::Added))),
    (
        "repeated",
        RxStep::Insert(m(E, R0, 16), Ok(Insert::Duplicate)),
    ),
    (
        "out_of_order",
        RxStep::Insert(m(E + 48, 0x20, 16), Ok(Insert::Added)),
    ),
    (
        "fills_the_hole_across_wrap",
        RxStep::Insert(m(E + 16, 0, 32), Ok(Insert::Added)),
    ),
    ("sorted", RxStep::Nth(1, Some(m(E + 16, 0, 32)))),
    ("shorter", RxStep::Insert(m(E + 16, 0, 16), RX_CONFLICT)),
    ("other_dsn", RxStep::Insert(m(E + 50, 8, 8), RX_CONFLICT)),
    (
        "consistent_subrange",
        RxStep::Insert(m(E + 24, 8, 8), RX_CONFLICT),
    ),
    (
        "spans_two",
        RxStep::Insert(m(E + 8, 0xffff_fff8, 16), RX_CONFLICT),
    ),
    (
        "adds_data_fin",
        RxStep::Insert(fin(E + 48, 0x20, 17), Ok(Insert::DataFinAdded)),
    ),
    (
        "keeps_data_fin",
        RxStep::Insert(m(E + 48, 0x20, 16), Ok(Insert::Duplicate)),
    ),
    (
        "lookup_data_fin_mapping",
        RxStep::Lookup(0x2f, Some(fin(E + 48, 0x20, 17))),
    ),
    (
        "data_fin_only",
        RxStep::Insert(
            Mapping::data_fin_only(E + 64, None),
            Err(RxError::NoPayload),
        ),
    ),
    (
        "infinite",
        RxStep::Insert(m(E + 64, 0x30, 0), Err(RxError::NoPayload)),
    ),
    (
        "fourth",
        RxStep::Insert(sum(m(E + 300, 0x100, 10), 0x1234), Ok(Insert::Added)),
    ),
    (
        "full",
        RxStep::Insert(m(E + 400, 0x200, 10), Err(RxError::Full)),
    ),
    (
        "duplicate_needs_no_entry",
        RxStep::Insert(m(E, R0, 16), Ok(Insert::Duplicate)),
    ),
    (
        "other_checksum_value",
        RxStep::Insert(sum(m(E + 300, 0x100, 10), 0x4321), Ok(Insert::Duplicate)),
    ),
    (
        "first_checksum_kept",
        RxStep::Lookup(0x109, Some(sum(m(E + 300, 0x100, 10), 0x1234))),
    ),
    (
        "checksum_presence_differs",
        RxStep::Insert(m(E + 300, 0x100, 10), RX_CONFLICT),
    ),
    ("lookup_first", RxStep::Lookup(R0, Some(m(E, R0, 16)))),
    ("lookup_before", RxStep::Lookup(R0 - 1, None)),
    ("lookup_gap", RxStep::Lookup(0x30, None)),
    ("consume_mid_mapping", RxStep::Consume(0xffff_fff8, 0)),
    (
        "straddling_known",
        RxStep::Insert(m(E, R0, 16), Ok(Insert::Duplicate)),
    ),
    (
        "straddling_other",
        RxStep::Insert(m(E - 4, R0 - 4, 16), RX_CONFLICT),
    ),
    ("consume_across_wrap", RxStep::Consume(0, 1)),
    ("stale", RxStep::Insert(m(E, R0, 16), Ok(Insert::Duplicate))),
    ("consume_two", RxStep::Consume(0x30, 2)),
    (
        "partly_consumed",
        RxStep::Insert(
            m(E + 150, 0x2c, 8),
            Err(RxError::Invalid(Invalid::PartlyConsumed)),
        ),
    ),
    ("consume_backwards_ignored", RxStep::Consume(0x10, 0)),
    (
        "still_consumed",
        RxStep::Insert(m(E + 130, 0x28, 8), Ok(Insert::Duplicate)),
    ),
    (
        "before_the_front",
        RxStep::Insert(m(E + 64, 0x40, 16), Ok(Insert::Added)),
    ),
    ("front", RxStep::Nth(0, Some(m(E + 64, 0x40, 16)))),
    ("consume_all", RxStep::Consume(0x200, 2)),
    ("empty", RxStep::Len(0)),
];

fn tx_step(t: &mut TxMappings<TX_CAPACITY>, step: &TxStep) -> bool {
    match *step {
        TxStep::Push(mapping, want) => t.push(mapping) == want,
        TxStep::Lookup(ssn, want) => t.lookup(ssn).copied() == want,
        TxStep::Freeze(ssn, want) => t.freeze(ssn).copied() == want,
        TxStep::Frozen(ssn, want) => t.is_frozen(ssn) == want,
        TxStep::Purge(snd_una, want) => t.purge_acked(snd_una) == want,
        TxStep::Len(want) => t.len() == want && t.iter().count() == want,
        TxStep::Clear => {
            t.clear();
            t.is_empty()
        }
    }
}

fn rx_step(r: &mut RxMappings<RX_CAPACITY>, step: &RxStep) -> bool {
    match *step {
        RxStep::Insert(mapping, want) => r.insert(mapping) == want,
        RxStep::Lookup(ssn, want) => r.lookup(ssn).copied() == want,
        RxStep::Nth(pos, want) => r.iter().nth(pos).copied() == want,
        RxStep::Consume(ssn, want) => r.consume_up_to(ssn) == want,
        RxStep::Len(want) => r.len() == want && r.iter().count() == want,
    }
}

/// Runs every table and both scripts.
///
/// # Errors
///
/// The name of the first case or step that fails.
pub fn check_vectors() -> Result<usize, &'static str> {
    for case in HELPERS {
        let m = &case.mapping;
        if m.dsn_of(case.ssn) != case.dsn_of || m.covers(case.ssn) != case.dsn_of.is_some() {
            return Err(case.name);
        }
    }
    for case in ENDS {
        let m = &case.mapping;
        if m.ssn_end() != case.ssn_end
            || m.dsn_end() != case.dsn_end
            || m.data_fin_dsn() != case.data_fin_dsn
        {
            return Err(case.name);
        }
    }
    for case in VALIDATE {
        if case.mapping.validate(&case.state, case.known.as_ref()) != case.expect {
            return Err(case.name);
        }
    }
    let mut tx = TxMappings::<TX_CAPACITY>::new();
    for (name, step) in TX_SCRIPT {
        if !tx_step(&mut tx, step) {
            return Err(name);
        }
    }
    let mut rx = RxMappings::<RX_CAPACITY>::new(RX_START);
    for (name, step) in RX_SCRIPT {
        if !rx_step(&mut rx, step) {
            return Err(name);
        }
    }
    Ok(HELPERS.len() + ENDS.len() + VALIDATE.len() + TX_SCRIPT.len() + RX_SCRIPT.len())
}
