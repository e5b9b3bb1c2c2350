// SPDX-License-Identifier: GPL-2.0

//! TCP option kind 30 (MPTCP, RFC 8684 section 2): the walk over a TCP header's option
//! area, the subtype dispatch, and the error type shared by every subtype's decoder.

use super::{
    add_addr::AddAddr,
    dss::Dss,
    mp_capable::MpCapable,
    mp_fail::MpFail,
    mp_fastclose::FastClose,
    mp_join::MpJoin,
    mp_prio::MpPrio,
    mp_tcprst::TcpRst,
    remove_addr::RemoveAddr,
    wire::NoSpace, //
};

/// TCP option kind assigned to MPTCP.
pub const TCPOPT_MPTCP: u8 = 30;
/// TCP option kind "end of option list".
pub const TCPOPT_EOL: u8 = 0;
/// TCP option kind "no operation" (padding).
pub const TCPOPT_NOP: u8 = 1;
/// Room for options in a TCP header (60-byte header minus the 20-byte fixed part).
pub const MAX_TCP_OPTION_SPACE: usize = 40;
/// Every MPTCP option starts with kind, length and a byte holding the subtype.
pub const MPTCP_OPTION_HEADER_LEN: usize = 3;

/// MPTCP option subtypes (RFC 8684 section 7.3, IANA "MPTCP Option Subtypes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subtype {
    /// MP_CAPABLE: connection setup and key exchange.
    MpCapable = 0x0,
    /// MP_JOIN: a new subflow for an existing connection.
    MpJoin = 0x1,
    /// DSS: data sequence mapping, DATA_ACK and DATA_FIN.
    Dss = 0x2,
    /// ADD_ADDR: announce an address.
    AddAddr = 0x3,
    /// REMOVE_ADDR: withdraw addresses.
    RemoveAddr = 0x4,
    /// MP_PRIO: change a subflow's backup priority.
    MpPrio = 0x5,
    /// MP_FAIL: checksum failure fallback.
    MpFail = 0x6,
    /// MP_FASTCLOSE: abrupt connection close.
    FastClose = 0x7,
    /// MP_TCPRST: reason for a subflow reset.
    TcpRst = 0x8,
}

impl Subtype {
    /// The subtype carried in the high nibble of an option's third byte, if assigned.
    pub const fn from_nibble(nibble: u8) -> Option<Self> {
        Some(match nibble {
            0x0 => Self::MpCapable,
            0x1 => Self::MpJoin,
            0x2 => Self::Dss,
            0x3 => Self::AddAddr,
            0x4 => Self::RemoveAddr,
            0x5 => Self::MpPrio,
            0x6 => Self::MpFail,
            0x7 => Self::FastClose,
            0x8 => Self::TcpRst,
            _ => return None,
        })
    }
}

/// What the receiver knows about the segment an option arrived on. Several options are only
/// valid (or have a different length) on some segments, so decoding needs this context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentCtx {
    /// The SYN flag is set.
    pub syn: bool,
    /// The ACK flag is set.
    pub ack: bool,
    /// The segment carries payload.
    pub payload: bool,
    /// The RST flag is set (MP_TCPRST is only valid on a reset).
    pub rst: bool,
}

impl SegmentCtx {
    /// A SYN.
    pub const SYN: Self = Self {
        syn: true,
        ack: false,
        payload: false,
        rst: false,
    };
    /// A SYN/ACK.
    pub const SYN_ACK: Self = Self {
        syn: true,
        ack: true,
        payload: false,
        rst: false,
    };
    /// A pure ACK.
    pub const ACK: Self = Self {
        syn: false,
        ack: true,
        payload: false,
        rst: false,
    };
    /// An ACK carrying data.
    pub const DATA: Self = Self {
        syn: false,
        ack: true,
        payload: true,
        rst: false,
    };
    /// A reset with ACK set, the usual form of a reset on an established subflow.
    pub const RST: Self = Self {
        syn: false,
        ack: true,
        payload: false,
        rst: true,
    };
}

/// Why an option was rejected. Rejected options are treated by the caller as absent, which is
/// what RFC 8684 asks of a malformed or unsupported option (usually leading to a fallback).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The buffer ends before the option's declared length (or before its length byte).
    Truncated,
    /// The option is not TCP option kind 30.
    NotMptcp,
    /// The declared length is not one this subtype allows on this segment.
    BadLength {
        /// The subtype nibble, or `None` when the option is too short to carry one.
        subtype: Option<u8>,
        /// The declared option length.
        len: u8,
    },
    /// MP_CAPABLE with a version this implementation does not speak.
    UnsupportedVersion(u8),
    /// MP_CAPABLE whose flags require something unsupported (no HMAC-SHA256, or the
    /// extensibility bit set).
    UnsupportedFlags(u8),
    /// The subtype is not valid on this kind of segment (e.g. MP_CAPABLE or MP_JOIN without
    /// SYN or ACK, MP_TCPRST without RST).
    UnexpectedSegment,
    /// A subtype nibble IANA has not assigned (or 0xf, reserved for private use).
    UnknownSubtype(u8),
}

impl ParseError {
    /// [`ParseError::BadLength`] for an option of `subtype` whose body is `len` bytes long.
    pub(crate) const fn bad_length(subtype: Subtype, len: usize) -> Self {
        // `len` came from a one-byte length field, so it fits.
        Self::BadLength {
            subtype: Some(subtype as u8),
            len: len as u8,
        }
    }
}

/// Why an option could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The output buffer is smaller than [`MptcpOption::encoded_len`].
    NoSpace,
    /// A field has a value the wire format cannot carry.
    Invalid,
}

impl From<NoSpace> for EncodeError {
    fn from(_: NoSpace) -> Self {
        Self::NoSpace
    }
}

/// A decoded MPTCP option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MptcpOption {
    /// MP_CAPABLE (subtype 0).
    MpCapable(MpCapable),
    /// MP_JOIN (subtype 1).
    MpJoin(MpJoin),
    /// DSS (subtype 2).
    Dss(Dss),
    /// ADD_ADDR (subtype 3).
    AddAddr(AddAddr),
    /// REMOVE_ADDR (subtype 4).
    RemoveAddr(RemoveAddr),
    /// MP_PRIO (subtype 5).
    MpPrio(MpPrio),
    /// MP_FAIL (subtype 6).
    MpFail(MpFail),
    /// MP_FASTCLOSE (subtype 7).
    FastClose(FastClose),
    /// MP_TCPRST (subtype 8).
    TcpRst(TcpRst),
}

impl MptcpOption {
    /// Length on the wire, including kind and length bytes.
    pub const fn encoded_len(&self) -> usize {
        match self {
            Self::MpCapable(o) => o.encoded_len(),
            Self::MpJoin(o) => o.encoded_len(),
            Self::Dss(o) => o.encoded_len(),
            Self::AddAddr(o) => o.encoded_len(),
            Self::RemoveAddr(o) => o.encoded_len(),
            Self::MpPrio(o) => o.encoded_len(),
            Self::MpFail(o) => o.encoded_len(),
            Self::FastClose(o) => o.encoded_len(),
            Self::TcpRst(o) => o.encoded_len(),
        }
    }

    /// Writes the option (kind, length, body) at the start of `out`; returns the bytes written.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        match self {
            Self::MpCapable(o) => o.encode(out),
            Self::MpJoin(o) => o.encode(out),
            Self::Dss(o) => o.encode(out),
            Self::AddAddr(o) => o.encode(out),
            Self::RemoveAddr(o) => o.encode(out),
            Self::MpPrio(o) => o.encode(out),
            Self::MpFail(o) => o.encode(out),
            Self::FastClose(o) => o.encode(out),
            Self::TcpRst(o) => o.encode(out),
        }
    }
}

/// Decodes one MPTCP option. `opt` starts at the kind byte and may extend past the option
/// (the declared length bounds what is read); `seg` describes the segment it arrived on.
pub fn parse(opt: &[u8], seg: SegmentCtx) -> Result<MptcpOption, ParseError> {
    let (&kind, _) = opt.split_first().ok_or(ParseError::Truncated)?;
    if kind != TCPOPT_MPTCP {
        return Err(ParseError::NotMptcp);
    }
    let len = *opt.get(1).ok_or(ParseError::Truncated)?;
    let body = opt.get(..usize::from(len)).ok_or(ParseError::Truncated)?;
    let Some(&subtype_byte) = body.get(2) else {
        return Err(ParseError::BadLength { subtype: None, len });
    };
    let nibble = subtype_byte >> 4;
    match Subtype::from_nibble(nibble) {
        Some(Subtype::MpCapable) => MpCapable::parse(body, seg).map(MptcpOption::MpCapable),
        Some(Subtype::MpJoin) => MpJoin::parse(body, seg).map(MptcpOption::MpJoin),
        Some(Subtype::Dss) => Dss::parse(body).map(MptcpOption::Dss),
        Some(Subtype::AddAddr) => AddAddr::parse(body).map(MptcpOption::AddAddr),
        Some(Subtype::RemoveAddr) => RemoveAddr::parse(body).map(MptcpOption::RemoveAddr),
        Some(Subtype::MpPrio) => MpPrio::parse(body).map(MptcpOption::MpPrio),
        Some(Subtype::MpFail) => MpFail::parse(body).map(MptcpOption::MpFail),
        Some(Subtype::FastClose) => FastClose::parse(body).map(MptcpOption::FastClose),
        Some(Subtype::TcpRst) => TcpRst::parse(body, seg).map(MptcpOption::TcpRst),
        None => Err(ParseError::UnknownSubtype(nibble)),
    }
}

/// Iterator over the options in a TCP header's option area (the bytes after the fixed
/// 20-byte header). Yields `(kind, whole option)`; skips NOPs, stops at EOL, and yields one
/// [`ParseError`] then stops if an option's length is impossible.
pub struct TcpOptions<'a> {
    rest: &'a [u8],
}

impl<'a> TcpOptions<'a> {
    /// Walks `area`, the TCP option bytes.
    pub const fn new(area: &'a [u8]) -> Self {
        Self { rest: area }
    }
}

impl<'a> Iterator for TcpOptions<'a> {
    type Item = Result<(u8, &'a [u8]), ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (&kind, after_kind) = self.rest.split_first()?;
            match kind {
                TCPOPT_EOL => {
                    self.rest = &[];
                    return None;
                }
                TCPOPT_NOP => self.rest = after_kind,
                _ => {
                    let result = match after_kind.first() {
                        None => Err(ParseError::Truncated),
                        Some(&len) if len < 2 => Err(ParseError::BadLength { subtype: None, len }),
                        Some(&len) => self
                            .rest
                            .split_at_checked(usize::from(len))
                            .ok_or(ParseError::Truncated),
                    };
                    return Some(match result {
                        Ok((opt, tail)) => {
                            self.rest = tail;
                            Ok((kind, opt))
                        }
                        Err(e) => {
                            self.rest = &[];
                            Err(e)
                        }
                    });
                }
            }
        }
    }
}
