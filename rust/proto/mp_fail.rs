// SPDX-License-Identifier: GPL-2.0

//! MP_FAIL (RFC 8684 section 3.7): a checksum failed; fall back from the given point.
//!
//! ```text
//!  kind | len = 12 | subtype 6, reserved (12 bits) | data sequence number (8)
//! ```

use super::{
    option::{EncodeError, ParseError, Subtype, TCPOPT_MPTCP},
    wire::{Reader, Writer}, //
};

/// The only option length.
pub const LEN: u8 = 12;

/// A decoded MP_FAIL option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MpFail {
    /// The full 64-bit data sequence number of the start of the failed mapping (always 8
    /// octets here, unlike in DSS).
    pub dsn: u64,
}

impl MpFail {
    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        LEN as usize
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 6). Valid on
    /// any segment, as upstream; the 12 reserved bits are ignored.
    pub(crate) fn parse(opt: &[u8]) -> Result<Self, ParseError> {
        let bad_length = ParseError::bad_length(Subtype::MpFail, opt.len());
        if opt.len() != usize::from(LEN) {
            return Err(bad_length);
        }
        let mut r = Reader::new(opt.get(4..).ok_or(bad_length)?);
        Ok(Self {
            dsn: r.u64().ok_or(bad_length)?,
        })
    }

    /// Writes the option at the start of `out`. Reserved bits are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(LEN)?;
        w.u8((Subtype::MpFail as u8) << 4)?;
        w.u8(0)?;
        w.u64(self.dsn)?;
        Ok(w.written())
    }
}
