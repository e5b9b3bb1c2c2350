// SPDX-License-Identifier: GPL-2.0

//! MP_TCPRST (RFC 8684 section 3.6): why a subflow is being reset.
//!
//! ```text
//!  kind | len = 4 | subtype 8, U V W T | reason
//! ```
//!
//! Only T is assigned; U, V and W are unassigned flags, ignored on receipt and sent as zero.

use super::{
    option::{EncodeError, ParseError, SegmentCtx, Subtype, TCPOPT_MPTCP},
    wire::Writer, //
};

/// The only option length.
pub const LEN: u8 = 4;

/// Flag bits of the third byte (low nibble; the high nibble is the subtype).
pub mod flags {
    /// T: the condition is transient, the subflow may be retried later.
    pub const TRANSIENT: u8 = 0x01;
}

/// Reason codes (RFC 8684 section 3.6, IANA "MPTCP MP_TCPRST Option Reason Codes"). Other
/// values are decoded as they are: the code is advisory.
pub mod reason {
    /// Unspecified error.
    pub const UNSPECIFIED: u8 = 0x00;
    /// MPTCP-specific error (e.g. a failed MP_JOIN authentication).
    pub const MPTCP_ERROR: u8 = 0x01;
    /// Lack of resources.
    pub const NO_RESOURCES: u8 = 0x02;
    /// Administratively prohibited.
    pub const PROHIBITED: u8 = 0x03;
    /// Too much outstanding data.
    pub const TOO_MUCH_OUTSTANDING: u8 = 0x04;
    /// Unacceptable performance.
    pub const BAD_PERFORMANCE: u8 = 0x05;
    /// Middlebox interference.
    pub const MIDDLEBOX: u8 = 0x06;
}

/// A decoded MP_TCPRST option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpRst {
    /// Flag T.
    pub transient: bool,
    /// The reason code (see [`reason`]).
    pub reason: u8,
}

impl TcpRst {
    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        LEN as usize
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 8).
    ///
    /// Only meaningful on a segment with RST set, and upstream Linux ignores it elsewhere, so
    /// anywhere else it is [`ParseError::UnexpectedSegment`].
    pub(crate) fn parse(opt: &[u8], seg: SegmentCtx) -> Result<Self, ParseError> {
        let bad_length = ParseError::bad_length(Subtype::TcpRst, opt.len());
        let [_, _, first, reason] = *opt else {
            return Err(bad_length);
        };
        if !seg.rst {
            return Err(ParseError::UnexpectedSegment);
        }
        Ok(Self {
            transient: first & flags::TRANSIENT != 0,
            reason,
        })
    }

    /// Writes the option at the start of `out`. Unassigned flags are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut first = (Subtype::TcpRst as u8) << 4;
        if self.transient {
            first |= flags::TRANSIENT;
        }
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(LEN)?;
        w.u8(first)?;
        w.u8(self.reason)?;
        Ok(w.written())
    }
}
