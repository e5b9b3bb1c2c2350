// SPDX-License-Identifier: GPL-2.0

//! DSS, the Data Sequence Signal (RFC 8684 section 3.3):
//!
//! ```text
//!  kind | len | subtype 2, reserved | reserved |F|m|M|a|A|
//!  Data ACK            (4 or 8 octets, if A; 8 if a)
//!  Data Sequence Number (4 or 8 octets, if M; 8 if m)
//!  Subflow Sequence Number (4 octets, if M)
//!  Data-Level Length   (2 octets, if M)
//!  Checksum            (2 octets, if M and checksums were negotiated)
//! ```

use super::{
    option::{EncodeError, ParseError, Subtype, TCPOPT_MPTCP},
    wire::{Reader, Writer}, //
};

/// Flag bits of the fourth byte.
pub mod flags {
    /// A: a Data ACK is present.
    pub const DATA_ACK: u8 = 0x01;
    /// a: the Data ACK is 8 octets (only meaningful with A).
    pub const DATA_ACK_64: u8 = 0x02;
    /// M: a mapping (DSN, subflow sequence number, length, checksum) is present.
    pub const MAPPING: u8 = 0x04;
    /// m: the DSN is 8 octets (only meaningful with M).
    pub const DSN_64: u8 = 0x08;
    /// F: DATA_FIN.
    pub const DATA_FIN: u8 = 0x10;
}

/// Length of the fixed part (kind, length, subtype, flags).
pub const BASE_LEN: usize = 4;
/// Length of the DSS checksum field.
pub const CHECKSUM_LEN: usize = 2;

/// A sequence number as sent: the low 32 bits, or all 64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeqNum {
    /// 4 octets on the wire; the receiver expands it to 64 bits.
    Short(u32),
    /// 8 octets on the wire.
    Full(u64),
}

impl SeqNum {
    const fn wire_len(self) -> usize {
        match self {
            Self::Short(_) => 4,
            Self::Full(_) => 8,
        }
    }

    fn write(self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        match self {
            Self::Short(v) => w.u32(v)?,
            Self::Full(v) => w.u64(v)?,
        }
        Ok(())
    }

    fn read(r: &mut Reader<'_>, full: bool) -> Option<Self> {
        if full {
            r.u64().map(Self::Full)
        } else {
            r.u32().map(Self::Short)
        }
    }
}

/// A data sequence mapping: `data_len` bytes starting at `dsn` on the connection level map to
/// the subflow bytes starting at the relative subflow sequence number `subflow_seq`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// Data sequence number of the first byte.
    pub dsn: SeqNum,
    /// Subflow sequence number of the first byte, relative to the subflow's initial sequence.
    pub subflow_seq: u32,
    /// Bytes covered (a DATA_FIN counts as one). Zero means an infinite mapping (fallback).
    pub data_len: u16,
    /// DSS checksum, present when checksums were negotiated.
    pub checksum: Option<u16>,
}

impl Mapping {
    /// An infinite mapping (data-level length 0) announces fallback to plain TCP.
    pub const fn is_infinite(&self) -> bool {
        self.data_len == 0
    }

    const fn wire_len(&self) -> usize {
        self.dsn.wire_len()
            + 4
            + 2
            + if self.checksum.is_some() {
                CHECKSUM_LEN
            } else {
                0
            }
    }
}

/// A decoded DSS option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dss {
    /// Flag F.
    pub data_fin: bool,
    /// The cumulative connection-level acknowledgement, if present.
    pub data_ack: Option<SeqNum>,
    /// The mapping, if present.
    pub mapping: Option<Mapping>,
}

impl Dss {
    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        BASE_LEN
            + match self.data_ack {
                Some(ack) => ack.wire_len(),
                None => 0,
            }
            + match &self.mapping {
                Some(m) => m.wire_len(),
                None => 0,
            }
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 2).
    ///
    /// The length must equal what the flags announce, plus optionally the 2-byte checksum
    /// when a mapping is present: whether a checksum *should* be there depends on the
    /// connection's negotiation, which the caller enforces (RFC 8684 section 3.3.0 asks for a
    /// reset on mismatch, so the option must still be decoded here).
    pub(crate) fn parse(opt: &[u8]) -> Result<Self, ParseError> {
        let declared = opt.len();
        let bad_length = ParseError::BadLength {
            subtype: Some(Subtype::Dss as u8),
            len: declared as u8,
        };
        let f = *opt.get(3).ok_or(bad_length)?;
        let has_ack = f & flags::DATA_ACK != 0;
        let has_map = f & flags::MAPPING != 0;
        let ack64 = has_ack && f & flags::DATA_ACK_64 != 0;
        let dsn64 = has_map && f & flags::DSN_64 != 0;

        let mut expected = BASE_LEN;
        if has_ack {
            expected += if ack64 { 8 } else { 4 };
        }
        if has_map {
            expected += if dsn64 { 8 } else { 4 } + 4 + 2;
        }
        let has_csum = if declared == expected {
            false
        } else if has_map && declared == expected + CHECKSUM_LEN {
            true
        } else {
            return Err(bad_length);
        };

        let mut r = Reader::new(opt.get(BASE_LEN..).ok_or(bad_length)?);
        let data_ack = if has_ack {
            Some(SeqNum::read(&mut r, ack64).ok_or(bad_length)?)
        } else {
            None
        };
        let mapping = if has_map {
            let dsn = SeqNum::read(&mut r, dsn64).ok_or(bad_length)?;
            let subflow_seq = r.u32().ok_or(bad_length)?;
            let data_len = r.u16().ok_or(bad_length)?;
            let checksum = if has_csum {
                Some(r.u16().ok_or(bad_length)?)
            } else {
                None
            };
            Some(Mapping {
                dsn,
                subflow_seq,
                data_len,
                checksum,
            })
        } else {
            None
        };
        Ok(Self {
            data_fin: f & flags::DATA_FIN != 0,
            data_ack,
            mapping,
        })
    }

    /// Writes the option at the start of `out`. Reserved bits are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut f = 0;
        if self.data_fin {
            f |= flags::DATA_FIN;
        }
        if let Some(ack) = self.data_ack {
            f |= flags::DATA_ACK;
            if matches!(ack, SeqNum::Full(_)) {
                f |= flags::DATA_ACK_64;
            }
        }
        if let Some(m) = &self.mapping {
            f |= flags::MAPPING;
            if matches!(m.dsn, SeqNum::Full(_)) {
                f |= flags::DSN_64;
            }
        }
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(self.encoded_len() as u8)?;
        w.u8((Subtype::Dss as u8) << 4)?;
        w.u8(f)?;
        if let Some(ack) = self.data_ack {
            ack.write(&mut w)?;
        }
        if let Some(m) = &self.mapping {
            m.dsn.write(&mut w)?;
            w.u32(m.subflow_seq)?;
            w.u16(m.data_len)?;
            if let Some(csum) = m.checksum {
                w.u16(csum)?;
            }
        }
        Ok(w.written())
    }
}
