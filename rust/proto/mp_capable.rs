// SPDX-License-Identifier: GPL-2.0

//! MP_CAPABLE (RFC 8684 section 3.1), version 1 forms:
//!
//! ```text
//!  SYN              kind len=4  | subtype 0, version | flags
//!  SYN/ACK          ...  len=12 | ... | sender's key (8)
//!  third ACK        ...  len=20 | ... | sender's key | receiver's key
//!  first data ACK   ...  len=22 | ... | both keys | data-level length (2)
//!                   ...  len=24 | ... | both keys | data-level length | checksum (2)
//! ```

use super::{
    option::{EncodeError, ParseError, SegmentCtx, Subtype, TCPOPT_MPTCP},
    wire::{Reader, Writer}, //
};

/// The protocol version this implementation speaks (RFC 8684).
pub const MPTCP_VERSION: u8 = 1;

/// Option lengths of the v1 forms.
pub mod len {
    /// On a SYN: no key.
    pub const SYN: u8 = 4;
    /// On a SYN/ACK: the listener's key.
    pub const SYN_ACK: u8 = 12;
    /// On the third ACK: both keys.
    pub const ACK: u8 = 20;
    /// On the first data segment, without DSS checksum.
    pub const ACK_DATA: u8 = 22;
    /// On the first data segment, with DSS checksum.
    pub const ACK_DATA_CSUM: u8 = 24;
}

/// Flag bits of the fourth byte.
pub mod flags {
    /// A: DSS checksums are required.
    pub const CHECKSUM_REQUIRED: u8 = 0x80;
    /// B: extensibility; must be zero in this version, an option with it set is not used.
    pub const EXTENSIBILITY: u8 = 0x40;
    /// C: the sender does not accept new subflows to its initial address (id 0).
    pub const DENY_JOIN_ID0: u8 = 0x20;
    /// H: HMAC-SHA256 is the crypto algorithm; the only one defined, so it must be set.
    pub const HMAC_SHA256: u8 = 0x01;
}

/// The segment-dependent part of MP_CAPABLE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MpcForm {
    /// On the SYN (v1 sends no key here).
    Syn,
    /// On the SYN/ACK.
    SynAck {
        /// The listener's key.
        sender_key: u64,
    },
    /// On the third ACK.
    Ack {
        /// The key of the host sending this option.
        sender_key: u64,
        /// The key the peer sent.
        receiver_key: u64,
    },
    /// On the first segment carrying data, when the third ACK may have been lost.
    AckData {
        /// The key of the host sending this option.
        sender_key: u64,
        /// The key the peer sent.
        receiver_key: u64,
        /// Length of the implicit mapping starting at data sequence number IDSN + 1.
        data_len: u16,
        /// DSS checksum of that data, present when checksums were negotiated.
        checksum: Option<u16>,
    },
}

/// A decoded MP_CAPABLE option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MpCapable {
    /// The version field; [`MPTCP_VERSION`] except on a SYN from a newer peer.
    pub version: u8,
    /// Flag A.
    pub checksum_required: bool,
    /// Flag C.
    pub deny_join_id0: bool,
    /// The keys and data carried, by segment.
    pub form: MpcForm,
}

impl MpCapable {
    /// A v1 option with no flags beyond HMAC-SHA256.
    pub const fn new(form: MpcForm) -> Self {
        Self {
            version: MPTCP_VERSION,
            checksum_required: false,
            deny_join_id0: false,
            form,
        }
    }

    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        (match self.form {
            MpcForm::Syn => len::SYN,
            MpcForm::SynAck { .. } => len::SYN_ACK,
            MpcForm::Ack { .. } => len::ACK,
            MpcForm::AckData { checksum: None, .. } => len::ACK_DATA,
            MpcForm::AckData {
                checksum: Some(_), ..
            } => len::ACK_DATA_CSUM,
        }) as usize
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 0).
    ///
    /// Which form is expected follows from the segment, never from the length alone: a
    /// length that does not match the segment's form is [`ParseError::BadLength`].
    pub(crate) fn parse(opt: &[u8], seg: SegmentCtx) -> Result<Self, ParseError> {
        let declared = opt.len() as u8;
        let bad_length = ParseError::BadLength {
            subtype: Some(Subtype::MpCapable as u8),
            len: declared,
        };
        let length_ok = match (seg.syn, seg.ack) {
            (true, false) => declared == len::SYN,
            (true, true) => declared == len::SYN_ACK,
            // Checksum presence is checked against the negotiation later, by the caller:
            // RFC 8684 section 3.3.0 wants a reset for a mismatch, not a silently ignored option.
            (false, true) if seg.payload => {
                declared == len::ACK_DATA || declared == len::ACK_DATA_CSUM
            }
            (false, true) => declared == len::ACK,
            (false, false) => return Err(ParseError::UnexpectedSegment),
        };
        if !length_ok {
            return Err(bad_length);
        }

        let mut r = Reader::new(opt.get(2..).ok_or(ParseError::Truncated)?);
        let version = r.u8().ok_or(ParseError::Truncated)? & 0x0f;
        // A SYN from a newer peer is still answered (with our version); elsewhere the
        // version must be the one that was agreed.
        let version_ok = if seg.syn && !seg.ack {
            version >= MPTCP_VERSION
        } else {
            version == MPTCP_VERSION
        };
        if !version_ok {
            return Err(ParseError::UnsupportedVersion(version));
        }
        let f = r.u8().ok_or(ParseError::Truncated)?;
        if f & flags::HMAC_SHA256 == 0 || f & flags::EXTENSIBILITY != 0 {
            return Err(ParseError::UnsupportedFlags(f));
        }

        let form = match declared {
            len::SYN => MpcForm::Syn,
            len::SYN_ACK => MpcForm::SynAck {
                sender_key: r.u64().ok_or(ParseError::Truncated)?,
            },
            _ => {
                let sender_key = r.u64().ok_or(ParseError::Truncated)?;
                let receiver_key = r.u64().ok_or(ParseError::Truncated)?;
                if declared == len::ACK {
                    MpcForm::Ack {
                        sender_key,
                        receiver_key,
                    }
                } else {
                    let data_len = r.u16().ok_or(ParseError::Truncated)?;
                    let checksum = if r.remaining() >= 2 { r.u16() } else { None };
                    MpcForm::AckData {
                        sender_key,
                        receiver_key,
                        data_len,
                        checksum,
                    }
                }
            }
        };
        Ok(Self {
            version,
            checksum_required: f & flags::CHECKSUM_REQUIRED != 0,
            deny_join_id0: f & flags::DENY_JOIN_ID0 != 0,
            form,
        })
    }

    /// Writes the option at the start of `out`. Unassigned flag bits are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        if self.version > 0x0f {
            return Err(EncodeError::Invalid);
        }
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(self.encoded_len() as u8)?;
        w.u8(((Subtype::MpCapable as u8) << 4) | self.version)?;
        let mut f = flags::HMAC_SHA256;
        if self.checksum_required {
            f |= flags::CHECKSUM_REQUIRED;
        }
        if self.deny_join_id0 {
            f |= flags::DENY_JOIN_ID0;
        }
        w.u8(f)?;
        match self.form {
            MpcForm::Syn => {}
            MpcForm::SynAck { sender_key } => w.u64(sender_key)?,
            MpcForm::Ack {
                sender_key,
                receiver_key,
            } => {
                w.u64(sender_key)?;
                w.u64(receiver_key)?;
            }
            MpcForm::AckData {
                sender_key,
                receiver_key,
                data_len,
                checksum,
            } => {
                w.u64(sender_key)?;
                w.u64(receiver_key)?;
                w.u16(data_len)?;
                if let Some(csum) = checksum {
                    w.u16(csum)?;
                }
            }
        }
        Ok(w.written())
    }
}
