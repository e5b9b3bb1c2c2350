// SPDX-License-Identifier: GPL-2.0

//! MP_PRIO (RFC 8684 section 3.3.8): change the priority of the subflow it arrives on.
//!
//! ```text
//!  kind | len = 3 | subtype 5, rsv (3 bits), B
//! ```
//!
//! RFC 6824 allowed a fourth byte naming an address id, so that the priority of another
//! subflow could be changed; RFC 8684 dropped it. Upstream Linux accepts only length 3 (and
//! sends 3 plus a NOP), so the 4-byte form is rejected as a bad length here too.

use super::{
    option::{EncodeError, ParseError, Subtype, TCPOPT_MPTCP},
    wire::Writer, //
};

/// The only option length.
pub const LEN: u8 = 3;

/// Flag bits of the third byte (low nibble; the high nibble is the subtype).
pub mod flags {
    /// B: the sender wants this subflow used as a backup only.
    pub const BACKUP: u8 = 0x01;
}

/// A decoded MP_PRIO option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MpPrio {
    /// Flag B.
    pub backup: bool,
}

impl MpPrio {
    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        LEN as usize
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 5). Valid on
    /// any segment, as upstream.
    pub(crate) fn parse(opt: &[u8]) -> Result<Self, ParseError> {
        let bad_length = ParseError::bad_length(Subtype::MpPrio, opt.len());
        match *opt {
            [_, _, first] => Ok(Self {
                backup: first & flags::BACKUP != 0,
            }),
            _ => Err(bad_length),
        }
    }

    /// Writes the option at the start of `out`. Reserved bits are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut first = (Subtype::MpPrio as u8) << 4;
        if self.backup {
            first |= flags::BACKUP;
        }
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(LEN)?;
        w.u8(first)?;
        Ok(w.written())
    }
}
