// SPDX-License-Identifier: GPL-2.0

//! MP_JOIN (RFC 8684 section 3.2): the handshake of an additional subflow.
//!
//! ```text
//!  SYN        kind len=12 | subtype 1, rsv, B | address id | receiver's token (4) | sender's random (4)
//!  SYN/ACK    ...  len=16 | subtype 1, rsv, B | address id | truncated HMAC (8)  | sender's random (4)
//!  third ACK  ...  len=24 | subtype 1, reserved (12 bits)  | sender's HMAC (20)
//! ```

use super::{
    option::{EncodeError, ParseError, SegmentCtx, Subtype, TCPOPT_MPTCP},
    wire::{Reader, Writer}, //
};

/// Option lengths of the three forms.
pub mod len {
    /// On the SYN.
    pub const SYN: u8 = 12;
    /// On the SYN/ACK.
    pub const SYN_ACK: u8 = 16;
    /// On the third ACK.
    pub const ACK: u8 = 24;
}

/// Flag bits of the third byte (low nibble; the high nibble is the subtype).
pub mod flags {
    /// B: the sender wants this subflow used as a backup only.
    pub const BACKUP: u8 = 0x01;
}

/// Length of the full HMAC-SHA256 output carried on the third ACK (160 of its 256 bits).
pub const HMAC_LEN: usize = 20;

/// A decoded MP_JOIN option. The form is fixed by the segment it travels on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MpJoin {
    /// On the SYN of the new subflow.
    Syn {
        /// Flag B.
        backup: bool,
        /// The sender's identifier for the address this SYN comes from.
        addr_id: u8,
        /// Token of the connection to join, derived from the receiver's key.
        token: u32,
        /// The sender's random number for this handshake.
        nonce: u32,
    },
    /// On the SYN/ACK.
    SynAck {
        /// Flag B.
        backup: bool,
        /// The sender's identifier for the address this SYN/ACK comes from.
        addr_id: u8,
        /// The leftmost 64 bits of the sender's HMAC.
        truncated_hmac: u64,
        /// The sender's random number for this handshake.
        nonce: u32,
    },
    /// On the third ACK.
    Ack {
        /// The leftmost 160 bits of the sender's HMAC.
        hmac: [u8; HMAC_LEN],
    },
}

impl MpJoin {
    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        (match self {
            Self::Syn { .. } => len::SYN,
            Self::SynAck { .. } => len::SYN_ACK,
            Self::Ack { .. } => len::ACK,
        }) as usize
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 1).
    ///
    /// As with MP_CAPABLE, the segment decides which form is expected, so a form on the wrong
    /// segment is [`ParseError::BadLength`]. (Upstream Linux picks the form from the length
    /// alone but then only acts on the form matching the segment: the same outcome.) The third
    /// ACK's form is accepted whether or not the segment carries data.
    pub(crate) fn parse(opt: &[u8], seg: SegmentCtx) -> Result<Self, ParseError> {
        let bad_length = ParseError::bad_length(Subtype::MpJoin, opt.len());
        let expected = match (seg.syn, seg.ack) {
            (true, false) => len::SYN,
            (true, true) => len::SYN_ACK,
            (false, true) => len::ACK,
            (false, false) => return Err(ParseError::UnexpectedSegment),
        };
        if opt.len() != usize::from(expected) {
            return Err(bad_length);
        }

        let mut r = Reader::new(opt.get(2..).ok_or(bad_length)?);
        let first = r.u8().ok_or(bad_length)?;
        let backup = first & flags::BACKUP != 0;
        Ok(match expected {
            len::SYN => Self::Syn {
                backup,
                addr_id: r.u8().ok_or(bad_length)?,
                token: r.u32().ok_or(bad_length)?,
                nonce: r.u32().ok_or(bad_length)?,
            },
            len::SYN_ACK => Self::SynAck {
                backup,
                addr_id: r.u8().ok_or(bad_length)?,
                truncated_hmac: r.u64().ok_or(bad_length)?,
                nonce: r.u32().ok_or(bad_length)?,
            },
            _ => {
                // The second reserved byte completes the 12 reserved bits; ignored.
                r.u8().ok_or(bad_length)?;
                Self::Ack {
                    hmac: r.bytes().ok_or(bad_length)?,
                }
            }
        })
    }

    /// Writes the option at the start of `out`. Reserved bits are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let subtype = (Subtype::MpJoin as u8) << 4;
        let with_backup = |backup: bool| {
            if backup {
                subtype | flags::BACKUP
            } else {
                subtype
            }
        };
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(self.encoded_len() as u8)?;
        match *self {
            Self::Syn {
                backup,
                addr_id,
                token,
                nonce,
            } => {
                w.u8(with_backup(backup))?;
                w.u8(addr_id)?;
                w.u32(token)?;
                w.u32(nonce)?;
            }
            Self::SynAck {
                backup,
                addr_id,
                truncated_hmac,
                nonce,
            } => {
                w.u8(with_backup(backup))?;
                w.u8(addr_id)?;
                w.u64(truncated_hmac)?;
                w.u32(nonce)?;
            }
            Self::Ack { hmac } => {
                w.u8(subtype)?;
                w.u8(0)?;
                w.bytes(&hmac)?;
            }
        }
        Ok(w.written())
    }
}
