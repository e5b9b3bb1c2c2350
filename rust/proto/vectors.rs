// SPDX-License-Identifier: GPL-2.0

//! Table-driven test vectors for the option codecs, shared by `cargo test` (rust/host) and
//! KUnit (rust/kunit.rs), so both builds judge the same cases.
//!
//! Each valid vector is also checked mechanically for its malformed neighbours: every
//! truncation, a declared length one longer and one shorter, and an output buffer one byte
//! too small. No allocation: the mutations are built in a stack buffer.

use super::{
    add_addr::{AddAddr, Address},
    dss::{Dss, Mapping, SeqNum},
    mp_capable::{MpCapable, MpcForm},
    mp_fail::MpFail,
    mp_fastclose::FastClose,
    mp_join::MpJoin,
    mp_prio::MpPrio,
    mp_tcprst::TcpRst,
    option::{parse, EncodeError, MptcpOption, ParseError, SegmentCtx, TcpOptions, TCPOPT_MPTCP},
    remove_addr::RemoveAddr,
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
    /// A declared length one too long was accepted (as something inconsistent, see [`check`]).
    Oversized,
    /// A declared length one too short was accepted (as something inconsistent, see [`check`]).
    Undersized,
    /// Encoding into a buffer one byte short did not report `NoSpace`.
    ShortBuffer,
}

const K1: u64 = 0x0102_0304_0506_0708;
const K2: u64 = 0x1112_1314_1516_1718;

const fn mpc(
    checksum_required: bool,
    deny_join_id0: bool,
    form: MpcForm,
) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::MpCapable(MpCapable {
        version: 1,
        checksum_required,
        deny_join_id0,
        form,
    }))
}

const fn dss(
    data_fin: bool,
    data_ack: Option<SeqNum>,
    mapping: Option<Mapping>,
) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::Dss(Dss {
        data_fin,
        data_ack,
        mapping,
    }))
}

const fn map(
    dsn: SeqNum,
    subflow_seq: u32,
    data_len: u16,
    checksum: Option<u16>,
) -> Option<Mapping> {
    Some(Mapping {
        dsn,
        subflow_seq,
        data_len,
        checksum,
    })
}

const fn mpj(join: MpJoin) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::MpJoin(join))
}

const fn add(
    echo: bool,
    addr_id: u8,
    addr: Address,
    port: Option<u16>,
    hmac: Option<u64>,
) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::AddAddr(AddAddr {
        echo,
        addr_id,
        addr,
        port,
        hmac,
    }))
}

const fn rm(ids: &[u8]) -> Result<MptcpOption, ParseError> {
    match RemoveAddr::new(ids) {
        Some(r) => Ok(MptcpOption::RemoveAddr(r)),
        // A table mistake (no ids, too many): an error `parse` never returns for subtype 4,
        // so the vector fails loudly instead of silently testing nothing.
        None => Err(ParseError::UnknownSubtype(4)),
    }
}

const fn prio(backup: bool) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::MpPrio(MpPrio { backup }))
}

const fn rst(transient: bool, reason: u8) -> Result<MptcpOption, ParseError> {
    Ok(MptcpOption::TcpRst(TcpRst { transient, reason }))
}

const fn bad_len(subtype: u8, len: u8) -> Result<MptcpOption, ParseError> {
    Err(ParseError::BadLength {
        subtype: Some(subtype),
        len,
    })
}

const fn v(
    name: &'static str,
    seg: SegmentCtx,
    bytes: &'static [u8],
    expect: Result<MptcpOption, ParseError>,
) -> Vector {
    Vector {
        name,
        seg,
        bytes,
        expect,
        canonical: true,
    }
}

const fn non_canonical(mut vector: Vector) -> Vector {
    vector.canonical = false;
    vector
}

use SegmentCtx as S;

/// A segment with neither SYN nor ACK (nor RST) set.
const NEITHER: SegmentCtx = SegmentCtx {
    syn: false,
    ack: false,
    payload: false,
    rst: false,
};
/// A reset without ACK (sent in answer to a segment that carried an ACK).
const RST_NO_ACK: SegmentCtx = SegmentCtx {
    syn: false,
    ack: false,
    payload: false,
    rst: true,
};

const V4: Address = Address::V4([192, 0, 2, 1]);
/// 2001:db8::1
const V6: Address = Address::V6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
/// The third-ACK HMAC used below: bytes 0x20 to 0x33.
const HMAC20: [u8; 20] = [
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33,
];

/// MP_CAPABLE cases (RFC 8684 section 3.1).
pub const MP_CAPABLE: &[Vector] = &[
    v(
        "mpc syn",
        S::SYN,
        &[30, 4, 0x01, 0x01],
        mpc(false, false, MpcForm::Syn),
    ),
    v(
        "mpc syn csum+deny-id0",
        S::SYN,
        &[30, 4, 0x01, 0xa1],
        mpc(true, true, MpcForm::Syn),
    ),
    v(
        "mpc syn-ack",
        S::SYN_ACK,
        &[30, 12, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        mpc(false, false, MpcForm::SynAck { sender_key: K1 }),
    ),
    v(
        "mpc ack",
        S::ACK,
        &[
            30, 20, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            0x18,
        ],
        mpc(
            false,
            false,
            MpcForm::Ack {
                sender_key: K1,
                receiver_key: K2,
            },
        ),
    ),
    v(
        "mpc ack+data",
        S::DATA,
        &[
            30, 22, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            0x18, 0x05, 0xdc,
        ],
        mpc(
            false,
            false,
            MpcForm::AckData {
                sender_key: K1,
                receiver_key: K2,
                data_len: 1500,
                checksum: None,
            },
        ),
    ),
    v(
        "mpc ack+data+csum",
        S::DATA,
        &[
            30, 24, 0x01, 0x81, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            0x18, 0x05, 0xdc, 0xbe, 0xef,
        ],
        mpc(
            true,
            false,
            MpcForm::AckData {
                sender_key: K1,
                receiver_key: K2,
                data_len: 1500,
                checksum: Some(0xbeef),
            },
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
    non_canonical(v(
        "mpc unassigned flags ignored",
        S::SYN,
        &[30, 4, 0x01, 0x1f],
        mpc(false, false, MpcForm::Syn),
    )),
    v(
        "mpc v0 syn",
        S::SYN,
        &[30, 4, 0x00, 0x01],
        Err(ParseError::UnsupportedVersion(0)),
    ),
    v(
        "mpc v0-style syn with key",
        S::SYN,
        &[30, 12, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        bad_len(0, 12),
    ),
    v(
        "mpc syn-ack of another version",
        S::SYN_ACK,
        &[30, 12, 0x02, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        Err(ParseError::UnsupportedVersion(2)),
    ),
    v(
        "mpc without hmac-sha256",
        S::SYN,
        &[30, 4, 0x01, 0x00],
        Err(ParseError::UnsupportedFlags(0x00)),
    ),
    v(
        "mpc extensibility bit",
        S::SYN,
        &[30, 4, 0x01, 0x41],
        Err(ParseError::UnsupportedFlags(0x41)),
    ),
    v(
        "mpc syn-ack form on ack",
        S::ACK,
        &[30, 12, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        bad_len(0, 12),
    ),
    v(
        "mpc on neither syn nor ack",
        NEITHER,
        &[30, 4, 0x01, 0x01],
        Err(ParseError::UnexpectedSegment),
    ),
    v(
        "mpc ack form on data",
        S::DATA,
        &[
            30, 20, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            0x18,
        ],
        bad_len(0, 20),
    ),
    v(
        "mpc data form without data",
        S::ACK,
        &[
            30, 22, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            0x18, 0x05, 0xdc,
        ],
        bad_len(0, 22),
    ),
    v(
        "mpc length below header",
        S::SYN,
        &[30, 2, 0x01, 0x01],
        Err(ParseError::BadLength {
            subtype: None,
            len: 2,
        }),
    ),
    v(
        "mpc declared past the buffer",
        S::ACK,
        &[30, 20, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        Err(ParseError::Truncated),
    ),
];

/// DSS cases (RFC 8684 section 3.3).
pub const DSS: &[Vector] = &[
    v(
        "dss empty",
        S::ACK,
        &[30, 4, 0x20, 0x00],
        dss(false, None, None),
    ),
    v(
        "dss ack32",
        S::ACK,
        &[30, 8, 0x20, 0x01, 0, 0, 0x10, 0x00],
        dss(false, Some(SeqNum::Short(0x1000)), None),
    ),
    v(
        "dss ack64",
        S::ACK,
        &[30, 12, 0x20, 0x03, 1, 2, 3, 4, 5, 6, 7, 8],
        dss(false, Some(SeqNum::Full(K1)), None),
    ),
    v(
        "dss map32",
        S::DATA,
        &[
            30, 14, 0x20, 0x04, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0x05, 0xa0,
        ],
        dss(false, None, map(SeqNum::Short(0xdead_beef), 1, 1440, None)),
    ),
    v(
        "dss map32+csum",
        S::DATA,
        &[
            30, 16, 0x20, 0x04, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0x05, 0xa0, 0x12, 0x34,
        ],
        dss(
            false,
            None,
            map(SeqNum::Short(0xdead_beef), 1, 1440, Some(0x1234)),
        ),
    ),
    v(
        "dss ack64+map64+csum",
        S::DATA,
        &[
            30, 28, 0x20, 0x0f, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x12, 0x34,
        ],
        dss(
            false,
            Some(SeqNum::Full(K1)),
            map(SeqNum::Full(K2), u32::MAX, u16::MAX, Some(0x1234)),
        ),
    ),
    v(
        "dss ack32+map64",
        S::DATA,
        &[
            30, 22, 0x20, 0x0d, 0, 0, 0, 9, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0, 0,
            0, 2, 0, 100,
        ],
        dss(
            false,
            Some(SeqNum::Short(9)),
            map(SeqNum::Full(K2), 2, 100, None),
        ),
    ),
    v(
        "dss data_fin with ack and mapping",
        S::ACK,
        &[30, 18, 0x20, 0x15, 0, 0, 0, 9, 0, 0, 0, 7, 0, 0, 0, 0, 0, 1],
        dss(
            true,
            Some(SeqNum::Short(9)),
            map(SeqNum::Short(7), 0, 1, None),
        ),
    ),
    v(
        "dss infinite mapping",
        S::DATA,
        &[30, 14, 0x20, 0x04, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0],
        dss(false, None, map(SeqNum::Short(5), 1, 0, None)),
    ),
    v(
        "dss bare data_fin",
        S::ACK,
        &[30, 4, 0x20, 0x10],
        dss(true, None, None),
    ),
    non_canonical(v(
        "dss a without A ignored",
        S::ACK,
        &[30, 4, 0x20, 0x02],
        dss(false, None, None),
    )),
    non_canonical(v(
        "dss reserved bits ignored",
        S::ACK,
        &[30, 4, 0x2f, 0xe0],
        dss(false, None, None),
    )),
    v(
        "dss checksum room without mapping",
        S::ACK,
        &[30, 10, 0x20, 0x01, 0, 0, 0, 1, 0, 0],
        bad_len(2, 10),
    ),
    v(
        "dss map32 one byte long",
        S::DATA,
        &[30, 15, 0x20, 0x04, 0, 0, 0, 5, 0, 0, 0, 1, 0, 10, 0],
        bad_len(2, 15),
    ),
    v(
        "dss without flags byte",
        S::ACK,
        &[30, 3, 0x20],
        bad_len(2, 3),
    ),
    v(
        "dss ack64 declared as ack32",
        S::ACK,
        &[30, 8, 0x20, 0x03, 1, 2, 3, 4],
        bad_len(2, 8),
    ),
    v(
        "dss declared past the buffer",
        S::DATA,
        &[30, 14, 0x20, 0x04, 0, 0, 0, 5],
        Err(ParseError::Truncated),
    ),
];

/// MP_JOIN cases (RFC 8684 section 3.2).
pub const MP_JOIN: &[Vector] = &[
    v(
        "mpj syn",
        S::SYN,
        &[
            30, 12, 0x10, 0x05, 0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        mpj(MpJoin::Syn {
            backup: false,
            addr_id: 5,
            token: 0xa1a2_a3a4,
            nonce: 0xb1b2_b3b4,
        }),
    ),
    v(
        "mpj syn backup",
        S::SYN,
        &[30, 12, 0x11, 0x00, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff],
        mpj(MpJoin::Syn {
            backup: true,
            addr_id: 0,
            token: 1,
            nonce: u32::MAX,
        }),
    ),
    v(
        "mpj syn-ack",
        S::SYN_ACK,
        &[
            30, 16, 0x11, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        mpj(MpJoin::SynAck {
            backup: true,
            addr_id: 7,
            truncated_hmac: K1,
            nonce: 0xb1b2_b3b4,
        }),
    ),
    v(
        "mpj syn-ack not backup",
        S::SYN_ACK,
        &[
            30, 16, 0x10, 0xff, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0, 0, 0, 0,
        ],
        mpj(MpJoin::SynAck {
            backup: false,
            addr_id: 255,
            truncated_hmac: K2,
            nonce: 0,
        }),
    ),
    v(
        "mpj third ack",
        S::ACK,
        &[
            30, 24, 0x10, 0x00, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a,
            0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
        ],
        mpj(MpJoin::Ack { hmac: HMAC20 }),
    ),
    v(
        "mpj third ack carrying data",
        S::DATA,
        &[
            30, 24, 0x10, 0x00, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a,
            0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
        ],
        mpj(MpJoin::Ack { hmac: HMAC20 }),
    ),
    non_canonical(v(
        "mpj syn reserved bits ignored",
        S::SYN,
        &[
            30, 12, 0x1e, 0x05, 0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        mpj(MpJoin::Syn {
            backup: false,
            addr_id: 5,
            token: 0xa1a2_a3a4,
            nonce: 0xb1b2_b3b4,
        }),
    )),
    non_canonical(v(
        "mpj third ack reserved bits ignored",
        S::ACK,
        &[
            30, 24, 0x1f, 0xff, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a,
            0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
        ],
        mpj(MpJoin::Ack { hmac: HMAC20 }),
    )),
    v(
        "mpj syn-ack form on syn",
        S::SYN,
        &[
            30, 16, 0x11, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        bad_len(1, 16),
    ),
    v(
        "mpj syn form on syn-ack",
        S::SYN_ACK,
        &[
            30, 12, 0x10, 0x05, 0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        bad_len(1, 12),
    ),
    v(
        "mpj syn form on ack",
        S::ACK,
        &[
            30, 12, 0x10, 0x05, 0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        bad_len(1, 12),
    ),
    v(
        "mpj syn-ack form on data",
        S::DATA,
        &[
            30, 16, 0x11, 0x07, 1, 2, 3, 4, 5, 6, 7, 8, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        bad_len(1, 16),
    ),
    v(
        "mpj third ack form on syn-ack",
        S::SYN_ACK,
        &[
            30, 24, 0x10, 0x00, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a,
            0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
        ],
        bad_len(1, 24),
    ),
    v(
        "mpj bare header on syn",
        S::SYN,
        &[30, 4, 0x10, 0x00],
        bad_len(1, 4),
    ),
    v(
        "mpj on neither syn nor ack",
        NEITHER,
        &[
            30, 12, 0x10, 0x05, 0xa1, 0xa2, 0xa3, 0xa4, 0xb1, 0xb2, 0xb3, 0xb4,
        ],
        Err(ParseError::UnexpectedSegment),
    ),
    v(
        "mpj declared past the buffer",
        S::SYN,
        &[30, 12, 0x10, 0x05, 0xa1, 0xa2],
        Err(ParseError::Truncated),
    ),
];

/// ADD_ADDR cases (RFC 8684 section 3.4.1): every combination of family, port and echo.
pub const ADD_ADDR: &[Vector] = &[
    v(
        "add_addr v4 echo",
        S::ACK,
        &[30, 8, 0x31, 0x02, 192, 0, 2, 1],
        add(true, 2, V4, None, None),
    ),
    v(
        "add_addr v4 echo port",
        S::ACK,
        &[30, 10, 0x31, 0x02, 192, 0, 2, 1, 0x1f, 0x90],
        add(true, 2, V4, Some(8080), None),
    ),
    v(
        "add_addr v4 hmac",
        S::ACK,
        &[30, 16, 0x30, 0x03, 192, 0, 2, 1, 1, 2, 3, 4, 5, 6, 7, 8],
        add(false, 3, V4, None, Some(K1)),
    ),
    v(
        "add_addr v4 port hmac",
        S::DATA,
        &[
            30, 18, 0x30, 0x03, 192, 0, 2, 1, 0x00, 0x50, 1, 2, 3, 4, 5, 6, 7, 8,
        ],
        add(false, 3, V4, Some(80), Some(K1)),
    ),
    v(
        "add_addr v6 echo",
        S::ACK,
        &[
            30, 20, 0x31, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ],
        add(true, 4, V6, None, None),
    ),
    v(
        "add_addr v6 echo port",
        S::ACK,
        &[
            30, 22, 0x31, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff,
            0xff,
        ],
        add(true, 4, V6, Some(u16::MAX), None),
    ),
    v(
        "add_addr v6 hmac",
        S::ACK,
        &[
            30, 28, 0x30, 0x05, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x11,
            0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        ],
        add(false, 5, V6, None, Some(K2)),
    ),
    v(
        "add_addr v6 port hmac",
        S::DATA,
        &[
            30, 30, 0x30, 0x05, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x01,
            0xbb, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        ],
        add(false, 5, V6, Some(443), Some(K2)),
    ),
    v(
        "add_addr port 0 is still a port field",
        S::ACK,
        &[30, 10, 0x31, 0x00, 10, 0, 0, 1, 0, 0],
        add(true, 0, Address::V4([10, 0, 0, 1]), Some(0), None),
    ),
    non_canonical(v(
        "add_addr reserved bits ignored (echo)",
        S::ACK,
        &[30, 8, 0x3f, 0x02, 192, 0, 2, 1],
        add(true, 2, V4, None, None),
    )),
    non_canonical(v(
        "add_addr reserved bits ignored (hmac)",
        S::ACK,
        &[30, 16, 0x3e, 0x03, 192, 0, 2, 1, 1, 2, 3, 4, 5, 6, 7, 8],
        add(false, 3, V4, None, Some(K1)),
    )),
    // Version 0 put IPVer (4 or 6) where version 1 has E: read as v1, E = 0 and the length
    // leaves no room for the HMAC.
    v(
        "add_addr v0 layout ipv4",
        S::ACK,
        &[30, 8, 0x34, 0x02, 192, 0, 2, 1],
        bad_len(3, 8),
    ),
    v(
        "add_addr v0 layout ipv6",
        S::ACK,
        &[
            30, 20, 0x36, 0x04, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        ],
        bad_len(3, 20),
    ),
    v(
        "add_addr echo with hmac room",
        S::ACK,
        &[30, 16, 0x31, 0x03, 192, 0, 2, 1, 1, 2, 3, 4, 5, 6, 7, 8],
        bad_len(3, 16),
    ),
    v(
        "add_addr no address",
        S::ACK,
        &[30, 4, 0x31, 0x02],
        bad_len(3, 4),
    ),
    v(
        "add_addr between the families",
        S::ACK,
        &[30, 12, 0x31, 0x02, 192, 0, 2, 1, 0, 0, 0, 0],
        bad_len(3, 12),
    ),
    v(
        "add_addr declared past the buffer",
        S::ACK,
        &[30, 16, 0x30, 0x03, 192, 0, 2, 1],
        Err(ParseError::Truncated),
    ),
];

/// REMOVE_ADDR cases (RFC 8684 section 3.4.2).
pub const REMOVE_ADDR: &[Vector] = &[
    v("rm_addr one id", S::ACK, &[30, 4, 0x40, 0x05], rm(&[5])),
    v("rm_addr id 0", S::ACK, &[30, 4, 0x40, 0x00], rm(&[0])),
    v(
        "rm_addr three ids",
        S::DATA,
        &[30, 6, 0x40, 1, 2, 3],
        rm(&[1, 2, 3]),
    ),
    v(
        "rm_addr eight ids",
        S::ACK,
        &[30, 11, 0x40, 1, 2, 3, 4, 5, 6, 7, 255],
        rm(&[1, 2, 3, 4, 5, 6, 7, 255]),
    ),
    non_canonical(v(
        "rm_addr reserved bits ignored",
        S::ACK,
        &[30, 5, 0x4f, 9, 8],
        rm(&[9, 8]),
    )),
    v("rm_addr no ids", S::ACK, &[30, 3, 0x40], bad_len(4, 3)),
    // RFC 8684 allows more, but upstream Linux drops more than 8 (see remove_addr::MAX_IDS).
    v(
        "rm_addr nine ids",
        S::ACK,
        &[30, 12, 0x40, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        bad_len(4, 12),
    ),
    v(
        "rm_addr declared past the buffer",
        S::ACK,
        &[30, 6, 0x40, 1, 2],
        Err(ParseError::Truncated),
    ),
];

/// MP_PRIO cases (RFC 8684 section 3.3.8).
pub const MP_PRIO: &[Vector] = &[
    v("mp_prio backup", S::ACK, &[30, 3, 0x51], prio(true)),
    v("mp_prio regular", S::ACK, &[30, 3, 0x50], prio(false)),
    v("mp_prio on data", S::DATA, &[30, 3, 0x51], prio(true)),
    non_canonical(v(
        "mp_prio reserved bits ignored",
        S::ACK,
        &[30, 3, 0x5e],
        prio(false),
    )),
    non_canonical(v(
        "mp_prio reserved bits ignored, backup",
        S::ACK,
        &[30, 3, 0x5f],
        prio(true),
    )),
    // RFC 6824's form with an address id; RFC 8684 and upstream Linux accept length 3 only.
    v(
        "mp_prio with address id",
        S::ACK,
        &[30, 4, 0x51, 0x03],
        bad_len(5, 4),
    ),
    v(
        "mp_prio declared past the buffer",
        S::ACK,
        &[30, 3],
        Err(ParseError::Truncated),
    ),
];

/// MP_FAIL cases (RFC 8684 section 3.7).
pub const MP_FAIL: &[Vector] = &[
    v(
        "mp_fail",
        S::ACK,
        &[30, 12, 0x60, 0x00, 1, 2, 3, 4, 5, 6, 7, 8],
        Ok(MptcpOption::MpFail(MpFail { dsn: K1 })),
    ),
    v(
        "mp_fail on data",
        S::DATA,
        &[
            30, 12, 0x60, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ],
        Ok(MptcpOption::MpFail(MpFail { dsn: u64::MAX })),
    ),
    v(
        "mp_fail on a reset",
        S::RST,
        &[30, 12, 0x60, 0x00, 1, 2, 3, 4, 5, 6, 7, 8],
        Ok(MptcpOption::MpFail(MpFail { dsn: K1 })),
    ),
    non_canonical(v(
        "mp_fail reserved bits ignored",
        S::ACK,
        &[30, 12, 0x6f, 0xff, 1, 2, 3, 4, 5, 6, 7, 8],
        Ok(MptcpOption::MpFail(MpFail { dsn: K1 })),
    )),
    v(
        "mp_fail with a 32-bit dsn",
        S::ACK,
        &[30, 8, 0x60, 0x00, 1, 2, 3, 4],
        bad_len(6, 8),
    ),
    v(
        "mp_fail without dsn",
        S::ACK,
        &[30, 4, 0x60, 0x00],
        bad_len(6, 4),
    ),
    v(
        "mp_fail declared past the buffer",
        S::ACK,
        &[30, 12, 0x60, 0x00, 1, 2, 3, 4],
        Err(ParseError::Truncated),
    ),
];

/// MP_FASTCLOSE cases (RFC 8684 section 3.5).
pub const MP_FASTCLOSE: &[Vector] = &[
    v(
        "fastclose on ack",
        S::ACK,
        &[
            30, 12, 0x70, 0x00, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        ],
        Ok(MptcpOption::FastClose(FastClose { receiver_key: K2 })),
    ),
    v(
        "fastclose on a reset",
        S::RST,
        &[
            30, 12, 0x70, 0x00, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        ],
        Ok(MptcpOption::FastClose(FastClose { receiver_key: K2 })),
    ),
    non_canonical(v(
        "fastclose reserved bits ignored",
        S::ACK,
        &[
            30, 12, 0x7a, 0x5a, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        ],
        Ok(MptcpOption::FastClose(FastClose { receiver_key: K2 })),
    )),
    v(
        "fastclose with both keys",
        S::ACK,
        &[
            30, 20, 0x70, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
            0x18,
        ],
        bad_len(7, 20),
    ),
    v(
        "fastclose without key",
        S::ACK,
        &[30, 4, 0x70, 0x00],
        bad_len(7, 4),
    ),
    v(
        "fastclose declared past the buffer",
        S::ACK,
        &[30, 12, 0x70, 0x00],
        Err(ParseError::Truncated),
    ),
];

/// MP_TCPRST cases (RFC 8684 section 3.6).
pub const MP_TCPRST: &[Vector] = &[
    v(
        "tcprst transient mptcp error",
        S::RST,
        &[30, 4, 0x81, 0x01],
        rst(true, 1),
    ),
    v(
        "tcprst permanent middlebox",
        S::RST,
        &[30, 4, 0x80, 0x06],
        rst(false, 6),
    ),
    v(
        "tcprst on a reset without ack",
        RST_NO_ACK,
        &[30, 4, 0x80, 0x00],
        rst(false, 0),
    ),
    v(
        "tcprst unassigned reason kept",
        S::RST,
        &[30, 4, 0x81, 0xff],
        rst(true, 0xff),
    ),
    non_canonical(v(
        "tcprst U V W ignored",
        S::RST,
        &[30, 4, 0x8e, 0x02],
        rst(false, 2),
    )),
    non_canonical(v(
        "tcprst U V W ignored, transient",
        S::RST,
        &[30, 4, 0x8f, 0x03],
        rst(true, 3),
    )),
    v(
        "tcprst without rst",
        S::ACK,
        &[30, 4, 0x81, 0x01],
        Err(ParseError::UnexpectedSegment),
    ),
    v(
        "tcprst on a syn",
        S::SYN,
        &[30, 4, 0x81, 0x01],
        Err(ParseError::UnexpectedSegment),
    ),
    v(
        "tcprst without reason",
        S::RST,
        &[30, 3, 0x81],
        bad_len(8, 3),
    ),
    v(
        "tcprst one byte long",
        S::RST,
        &[30, 5, 0x81, 0x01, 0x00],
        bad_len(8, 5),
    ),
    v(
        "tcprst declared past the buffer",
        S::RST,
        &[30, 4, 0x81],
        Err(ParseError::Truncated),
    ),
];

/// Cases that are not about one subtype.
pub const GENERIC: &[Vector] = &[
    v("empty buffer", S::ACK, &[], Err(ParseError::Truncated)),
    v("kind byte only", S::ACK, &[30], Err(ParseError::Truncated)),
    v(
        "not kind 30",
        S::ACK,
        &[8, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        Err(ParseError::NotMptcp),
    ),
    v(
        "unassigned subtype",
        S::ACK,
        &[30, 4, 0x90, 0x00],
        Err(ParseError::UnknownSubtype(9)),
    ),
    v(
        "subtype 0xf (private use)",
        S::ACK,
        &[30, 4, 0xf0, 0x00],
        Err(ParseError::UnknownSubtype(15)),
    ),
    v(
        "subtype 0xe",
        S::RST,
        &[30, 4, 0xe1, 0x01],
        Err(ParseError::UnknownSubtype(14)),
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
    let short = out
        .get_mut(..option.encoded_len().saturating_sub(1))
        .ok_or(Failure::ShortBuffer)?;
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
        if !neighbour_ok(scratch.get(..n).unwrap_or(&[]), vector, &option) {
            return Err(Failure::Oversized);
        }
    }
    if let Some(n) = with_declared_len(vector.bytes, len.saturating_sub(1), &mut scratch) {
        if !neighbour_ok(scratch.get(..n).unwrap_or(&[]), vector, &option) {
            return Err(Failure::Undersized);
        }
    }
    Ok(())
}

/// Judges a valid vector whose declared length was changed by one (`mutated`, padded with a
/// zero byte when lengthened).
///
/// Normally that must be [`ParseError::BadLength`]. But where one byte more or fewer is itself
/// a valid form (REMOVE_ADDR carries one address id per byte), a decode is accepted if it is a
/// different option that re-encodes to exactly the new declared length and decodes back to
/// itself; for canonical vectors the re-encoding must also be the mutated bytes. A decoder
/// that ignored the extra byte, or read past the shorter length, fails this: its result would
/// re-encode to the original length or to other bytes.
fn neighbour_ok(mutated: &[u8], vector: &Vector, original: &MptcpOption) -> bool {
    let Some(&declared) = mutated.get(1) else {
        return false;
    };
    let declared = usize::from(declared);
    match parse(mutated, vector.seg) {
        Err(ParseError::BadLength { .. }) => true,
        Ok(other) if other != *original && other.encoded_len() == declared => {
            let mut out = [0u8; SCRATCH];
            let Ok(n) = other.encode(&mut out) else {
                return false;
            };
            let written = out.get(..n).unwrap_or(&[]);
            n == declared
                && parse(written, vector.seg) == Ok(other)
                && (!vector.canonical || Some(written) == mutated.get(..declared))
        }
        _ => false,
    }
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
    let area: &[u8] = &[
        1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 30, 4, 0x01, 0x01, 0, 0xff, 0xff,
    ];
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
        (
            &[30, 0, 1, 1],
            ParseError::BadLength {
                subtype: None,
                len: 0,
            },
        ),
        (
            &[30, 1, 1, 1],
            ParseError::BadLength {
                subtype: None,
                len: 1,
            },
        ),
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
