// SPDX-License-Identifier: GPL-2.0

//! Table-driven test vectors for the option codecs, shared by `cargo test` (rust/host) and
//! KUnit (rust/kunit.rs), so both builds judge the same cases.
//!
//! Each valid vector is also checked mechanically for its malformed neighbours: every
//! truncation, a declared length one longer and one shorter, and an output buffer one byte
//! too small. No allocation: the mutations are built in a stack buffer.

use super::{
    dss::{Dss, Mapping, SeqNum},
    mp_capable::{MpCapable, MpcForm},
    option::{parse, EncodeError, MptcpOption, ParseError, SegmentCtx, TcpOptions, TCPOPT_MPTCP},
};

/// One decoding case.
pub struct Vector {
    /// Name printed when the case fails.
    pub name: &'static str,
    /// The segment the option arrives on.
    pub seg: SegmentCtx,
    /// The option bytes, from the kind byte.
    pub bytes: &'static [u8],
    /// What decoding must return.
    pub expect: Result<MptcpOption, ParseError>,
    /// Whether encoding the decoded option gives `bytes` back (false where the input sets bits
    /// a receiver ignores and a sender must clear).
    pub canonical: bool,
}

/// How a vector failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Decoding returned something else.
    Decode(Result<MptcpOption, ParseError>),
    /// Encoding the decoded option failed or gave other bytes.
    Encode,
    /// Decoding the first `n` bytes did not report truncation.
    Prefix(usize),
    /// A declared length one too long was accepted.
    Oversized,
    /// A declared length one too short was accepted.
    Undersized,
    /// Encoding into a buffer one byte short did not report `NoSpace`.
    ShortBuffer,
}

const K1: u64 = 0x0102_0304_0506_0708;
const K2: u64 = 0x1112_1314_1516_1718;

const fn mpc(checksum_required: bool, deny_join_id0: bool, form: MpcForm) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::MpCapable(MpCapable { version: 1, checksum_required, deny_join_id0, form }))
}

const fn dss(data_fin: bool, data_ack: Option<SeqNum>, mapping: Option<Mapping>) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::Dss(Dss { data_fin, data_ack, mapping }))
}

const fn map(dsn: SeqNum, subflow_seq: u32, data_len: u16, checksum: Option<u16>) -> Option<Mapping> {
    Some(Mapping { dsn, subflow_seq, data_len, checksum })
}

const fn bad_len(subtype: u8, len: u8) -> Result<MptcpOption, ParseError> {
    Err(ParseError::BadLength { subtype: Some(subtype), len })
}

const fn v(
    name: &'static str,
    seg: SegmentCtx,
    bytes: &'static [u8],
    expect: Result<MptcpOption, ParseError>,
) -> Vector {
    Vector { name, seg, bytes, expect, canonical: true }
}

const fn non_canonical(mut vector: Vector) -> Vector {
    vector.canonical = false;
    vector
}

use SegmentCtx as S;

/// MP_CAPABLE cases (RFC 8684 section 3.1).
pub const MP_CAPABLE: &[Vector] = &[
    v("mpc syn", S::SYN, &[30, 4, 0x01, 0x01], mpc(false, false, MpcForm::Syn)),
    v("mpc syn csum+deny-id0", S::SYN, &[30, 4, 0x01, 0xa1], mpc(true, true, MpcForm::Syn)),
    v(
        "mpc syn-ack",
        S::SYN_ACK,
        &[30, 12, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        mpc(false, false, MpcForm::SynAck { sender_key: K1 }),
    ),
    v(
        "mpc ack",
        S::ACK,
        &[30, 20, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18],
        mpc(false, false, MpcForm::Ack { sender_key: K1, receiver_key: K2 }),
    ),
    v(
        "mpc ack+data",
        S::DATA,
        &[30, 22, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x05, 0xdc],
        mpc(false, false, MpcForm::AckData { sender_key: K1, receiver_key: K2, data_len: 1500, checksum: None }),
    ),
    v(
        "mpc ack+data+csum",
        S::DATA,
        &[
            30, 24, 0x01, 0x81, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x05, 0xdc,
            0xbe, 0xef,
        ],
        mpc(
            true,
            false,
            MpcForm::AckData { sender_key: K1, receiver_key: K2, data_len: 1500, checksum: Some(0xbeef) },
        ),
    ),
    v(
        "mpc syn from a newer version is answered",
        S::SYN,
        &[30, 4, 0x02, 0x01],
        Ok(MptcpOption::MpCapable(MpCapable {
            version: 2,
            checksum_required: false,
            deny_join_id0: false,
            form: MpcForm::Syn,
        })),
    ),
    non_canonical(v("mpc unassigned flags ignored", S::SYN, &[30, 4, 0x01, 0x1f], mpc(false, false, MpcForm::Syn))),
    v("mpc v0 syn", S::SYN, &[30, 4, 0x00, 0x01], Err(ParseError::UnsupportedVersion(0))),
    v("mpc v0-style syn with key", S::SYN, &[30, 12, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8], bad_len(0, 12)),
    v(
        "mpc syn-ack of another version",
        S::SYN_ACK,
        &[30, 12, 0x02, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        Err(ParseError::UnsupportedVersion(2)),
    ),
    v("mpc without hmac-sha256", S::SYN, &[30, 4, 0x01, 0x00], Err(ParseError::UnsupportedFlags(0x00))),
    v("mpc extensibility bit", S::SYN, &[30, 4, 0x01, 0x41], Err(ParseError::UnsupportedFlags(0x41))),
    v("mpc syn-ack form on ack", S::ACK, &[30, 12, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8], bad_len(0, 12)),
    v("mpc on neither syn nor ack", SegmentCtx { syn: false, ack: false, payload: false }, &[30, 4, 0x01, 0x01], Err(ParseError::UnexpectedSegment)),
    v(
        "mpc ack form on data",
        S::DATA,
        &[30, 20, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18],
        bad_len(0, 20),
    ),
    v(
        "mpc data form without data",
        S::ACK,
        &[30, 22, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x05, 0xdc],
        bad_len(0, 22),
    ),
    v("mpc length below header", S::SYN, &[30, 2, 0x01, 0x01], Err(ParseError::BadLength { subtype: None, len: 2 })),
    v("mpc declared past the buffer", S::ACK, &[30, 20, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8], Err(ParseError::Truncated)),
];

/// DSS cases (RFC 8684 section 3.3).
pub const DSS: &[Vector] = &[
    v("dss empty", S::ACK, &[30, 4, 0x20, 0x00], dss(false, None, None)),
    v("dss ack32", S::ACK, &[30, 8, 0x20, 0x01, 0, 0, 0x10, 0x00], dss(false, Some(SeqNum::Short(0x1000)), None)),
    v(
        "dss ack64",
        S::ACK,
        &[30, 12, 0x20, 0x03, 1, 2, 3, 4, 5, 6, 7, 8],
        dss(false, Some(SeqNum::Full(K1)), None),
    ),
    v(
        "dss map32",
        S::DATA,
        &[30, 14, 0x20, 0x04, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0x05, 0xa0],
        dss(false, None, map(SeqNum::Short(0xdead_beef), 1, 1440, None)),
    ),
    v(
        "dss map32+csum",
        S::DATA,
        &[30, 16, 0x20, 0x04, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0x05, 0xa0, 0x12, 0x34],
        dss(false, None, map(SeqNum::Short(0xdead_beef), 1, 1440, Some(0x1234))),
    ),
    v(
        "dss ack64+map64+csum",
        S::DATA,
        &[
            30, 28, 0x20, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0x12, 0x34,
        ],
        dss(false, Some(SeqNum::Full(K1)), map(SeqNum::Full(K2), u32::MAX, u16::MAX, Some(0x1234))),
    ),
    v(
        "dss ack32+map64",
        S::DATA,
        &[30, 22, 0x20, 0x0d, 0, 0, 0, 9, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0, 0, 0, 2, 0, 100],
        dss(false, Some(SeqNum::Short(9)), map(SeqNum::Full(K2), 2, 100, None)),
    ),
    v(
        "dss data_fin with ack and mapping",
        S::ACK,
        &[30, 18, 0x20, 0x15, 0, 0, 0, 9, 0, 0, 0, 7, 0, 0, 0, 0, 0, 1],
        dss(true, Some(SeqNum::Short(9)), map(SeqNum::Short(7), 0, 1, None)),
    ),
    v(
        "dss infinite mapping",
        S::DATA,
        &[30, 14, 0x20, 0x04, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0],
        dss(false, None, map(SeqNum::Short(5), 1, 0, None)),
    ),
    v("dss bare data_fin", S::ACK, &[30, 4, 0x20, 0x10], dss(true, None, None)),
    non_canonical(v("dss a without A ignored", S::ACK, &[30, 4, 0x20, 0x02], dss(false, None, None))),
    non_canonical(v("dss reserved bits ignored", S::ACK, &[30, 4, 0x2f, 0xe0], dss(false, None, None))),
    v("dss checksum room without mapping", S::ACK, &[30, 10, 0x20, 0x01, 0, 0, 0, 1, 0, 0], bad_len(2, 10)),
    v(
        "dss map32 one byte long",
        S::DATA,
        &[30, 15, 0x20, 0x04, 0, 0, 0, 5, 0, 0, 0, 1, 0, 10, 0],
        bad_len(2, 15),
    ),
    v("dss without flags byte", S::ACK, &[30, 3, 0x20], bad_len(2, 3)),
    v("dss ack64 declared as ack32", S::ACK, &[30, 8, 0x20, 0x03, 1, 2, 3, 4], bad_len(2, 8)),
    v("dss declared past the buffer", S::DATA, &[30, 14, 0x20, 0x04, 0, 0, 0, 5], Err(ParseError::Truncated)),
];

/// Cases that are not about one subtype.
pub const GENERIC: &[Vector] = &[
    v("empty buffer", S::ACK, &[], Err(ParseError::Truncated)),
    v("kind byte only", S::ACK, &[30], Err(ParseError::Truncated)),
    v("not kind 30", S::ACK, &[8, 10, 0, 0, 0, 1, 0, 0, 0, 2], Err(ParseError::NotMptcp)),
    v("unassigned subtype", S::ACK, &[30, 4, 0x90, 0x00], Err(ParseError::UnknownSubtype(9))),
    v("subtype 0xf", S::ACK, &[30, 4, 0xf0, 0x00], Err(ParseError::UnknownSubtype(15))),
    v(
        "mp_join not decoded yet",
        S::SYN,
        &[30, 12, 0x10, 0x00, 1, 2, 3, 4, 5, 6, 7, 8],
        Err(ParseError::Unimplemented(super::option::Subtype::MpJoin)),
    ),
];

const SCRATCH: usize = 64;

fn with_declared_len(bytes: &[u8], len: usize, scratch: &mut [u8; SCRATCH]) -> Option<usize> {
    let n = bytes.len().max(len);
    let dst = scratch.get_mut(..n)?;
    dst.fill(0);
    dst.get_mut(..bytes.len())?.copy_from_slice(bytes);
    *dst.get_mut(1)? = u8::try_from(len).ok()?;
    Some(n)
}

/// Checks one vector and, for valid options, its malformed neighbours.
pub fn check(vector: &Vector) -> Result<(), Failure> {
    let got = parse(vector.bytes, vector.seg);
    if got != vector.expect {
        return Err(Failure::Decode(got));
    }
    let Ok(option) = got else { return Ok(()) };
    let len = vector.bytes.len();

    let mut out = [0u8; SCRATCH];
    match option.encode(&mut out) {
        Ok(n) if n == option.encoded_len() => {
            let written = out.get(..n).ok_or(Failure::Encode)?;
            if vector.canonical && written != vector.bytes {
                return Err(Failure::Encode);
            }
            if parse(written, vector.seg) != Ok(option) {
                return Err(Failure::Encode);
            }
        }
        _ => return Err(Failure::Encode),
    }
    let short = out.get_mut(..option.encoded_len().saturating_sub(1)).ok_or(Failure::ShortBuffer)?;
    if option.encode(short) != Err(EncodeError::NoSpace) {
        return Err(Failure::ShortBuffer);
    }

    for n in 0..len {
        if parse(vector.bytes.get(..n).unwrap_or(&[]), vector.seg) != Err(ParseError::Truncated) {
            return Err(Failure::Prefix(n));
        }
    }
    let mut scratch = [0u8; SCRATCH];
    if let Some(n) = with_declared_len(vector.bytes, len + 1, &mut scratch) {
        if !matches!(parse(scratch.get(..n).unwrap_or(&[]), vector.seg), Err(ParseError::BadLength { .. })) {
            return Err(Failure::Oversized);
        }
    }
    if let Some(n) = with_declared_len(vector.bytes, len.saturating_sub(1), &mut scratch) {
        if !matches!(parse(scratch.get(..n).unwrap_or(&[]), vector.seg), Err(ParseError::BadLength { .. })) {
            return Err(Failure::Undersized);
        }
    }
    Ok(())
}

/// Checks a table; returns the name and failure of the first case that fails.
pub fn check_table(table: &[Vector]) -> Result<usize, (&'static str, Failure)> {
    for vector in table {
        check(vector).map_err(|f| (vector.name, f))?;
    }
    Ok(table.len())
}

/// Checks the TCP option-area walk: padding, end of list, and impossible lengths.
pub fn check_option_walk() -> Result<(), &'static str> {
    // NOP, NOP, timestamps (kind 8, len 10), MP_CAPABLE on a SYN, EOL, then garbage after EOL.
    let area: &[u8] = &[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 30, 4, 0x01, 0x01, 0, 0xff, 0xff];
    let mut walk = TcpOptions::new(area);
    match walk.next() {
        Some(Ok((8, opt))) if opt.len() == 10 => {}
        _ => return Err("timestamps option not found after padding"),
    }
    match walk.next() {
        Some(Ok((TCPOPT_MPTCP, opt))) if parse(opt, SegmentCtx::SYN).is_ok() => {}
        _ => return Err("MP_CAPABLE not found"),
    }
    if walk.next().is_some() {
        return Err("walk went past EOL");
    }

    let cases: &[(&[u8], ParseError)] = &[
        (&[30, 0, 1, 1], ParseError::BadLength { subtype: None, len: 0 }),
        (&[30, 1, 1, 1], ParseError::BadLength { subtype: None, len: 1 }),
        (&[1, 30], ParseError::Truncated),
        (&[30, 12, 0x01, 0x01], ParseError::Truncated),
    ];
    for (area, error) in cases {
        let mut walk = TcpOptions::new(area);
        if walk.next() != Some(Err(*error)) {
            return Err("malformed option length not reported");
        }
        if walk.next().is_some() {
            return Err("walk continued after a malformed option");
        }
    }
    Ok(())
}

/// `seq::expand` cases: (reference, low 32 bits received, expected 64-bit value).
pub const SEQ_EXPAND: &[(u64, u32, u64)] = &[
    (0, 0, 0),
    (100, 150, 150),
    (100, 50, 50),
    (0x1_0000_0100, 0x200, 0x1_0000_0200),
    // Forward wrap: reference just below a boundary, value just past it.
    (0x1_ffff_fff0, 0x10, 0x2_0000_0010),
    // Reverse wrap: reference just past a boundary, retransmission from before it.
    (0x2_0000_0010, 0xffff_fff0, 0x1_ffff_fff0),
    // Exactly half the space ahead still counts as ahead, one more is behind.
    (0x1_0000_0000, 0x7fff_ffff, 0x1_7fff_ffff),
    (0x1_0000_0000, 0x8000_0000, 0x0_8000_0000),
    // The first epoch has nothing before it: the 64-bit space wraps.
    (0x10, 0xffff_fff0, 0xffff_ffff_ffff_fff0),
    // The last epoch wraps forward to the first.
    (0xffff_ffff_ffff_fff0, 0x10, 0x10),
];

/// Checks [`SEQ_EXPAND`]; returns the index of the first failing case.
pub fn check_seq_expand() -> Result<usize, usize> {
    for (i, &(reference, short, want)) in SEQ_EXPAND.iter().enumerate() {
        if super::seq::expand(reference, short) != want {
            return Err(i);
        }
    }
    Ok(SEQ_EXPAND.len())
}
