// SPDX-License-Identifier: GPL-2.0

//! MP_FASTCLOSE (RFC 8684 section 3.5): close the whole connection at once.
//!
//! ```text
//!  kind | len = 12 | subtype 7, reserved (12 bits) | option receiver's key (8)
//! ```

use super::{
    option::{EncodeError, ParseError, Subtype, TCPOPT_MPTCP},
    wire::{Reader, Writer}, //
};

/// The only option length.
pub const LEN: u8 = 12;

/// A decoded MP_FASTCLOSE option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastClose {
    /// The key of the host receiving this option, which authenticates the sender (only the
    /// two ends of the MP_CAPABLE handshake know it).
    pub receiver_key: u64,
}

impl FastClose {
    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        LEN as usize
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 7). It may
    /// arrive on an ACK or on a RST, so any segment is accepted, as upstream; the 12 reserved
    /// bits are ignored.
    pub(crate) fn parse(opt: &[u8]) -> Result<Self, ParseError> {
        let bad_length = ParseError::bad_length(Subtype::FastClose, opt.len());
        if opt.len() != usize::from(LEN) {
            return Err(bad_length);
        }
        let mut r = Reader::new(opt.get(4..).ok_or(bad_length)?);
        Ok(Self {
            receiver_key: r.u64().ok_or(bad_length)?,
        })
    }

    /// Writes the option at the start of `out`. Reserved bits are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(LEN)?;
        w.u8((Subtype::FastClose as u8) << 4)?;
        w.u8(0)?;
        w.u64(self.receiver_key)?;
        Ok(w.written())
    }
}
