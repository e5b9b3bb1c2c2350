// SPDX-License-Identifier: GPL-2.0

//! REMOVE_ADDR (RFC 8684 section 3.4.2): withdraw one or more addresses by their ids.
//!
//! ```text
//!  kind | len = 3 + n | subtype 4, reserved | address id | ... (n ids, n >= 1)
//! ```

use core::fmt;

use super::{
    option::{EncodeError, ParseError, Subtype, TCPOPT_MPTCP},
    wire::Writer, //
};

/// Length of kind, length and subtype, before the first id.
pub const BASE_LEN: usize = 3;

/// Most ids one option may carry.
///
/// The RFC bounds n only by the option space (37), but upstream Linux drops a REMOVE_ADDR
/// with more than 8 ids (its `MPTCP_RM_IDS_MAX`), and it never sends more. Accepting more
/// would only let us send what the reference implementation ignores, so 8 it is.
pub const MAX_IDS: usize = 8;

/// A decoded REMOVE_ADDR option: 1 to [`MAX_IDS`] address ids.
///
/// Stored inline (no allocation); the slots past the count are always zero, so the derived
/// equality compares exactly the ids.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RemoveAddr {
    ids: [u8; MAX_IDS],
    count: u8,
}

impl RemoveAddr {
    /// An option removing `ids`, or `None` when there are none or more than [`MAX_IDS`].
    pub const fn new(ids: &[u8]) -> Option<Self> {
        if ids.is_empty() || ids.len() > MAX_IDS {
            return None;
        }
        let mut stored = [0u8; MAX_IDS];
        // Slice patterns walk both arrays without an index that could be out of bounds, and
        // keep this usable in the `const` test tables.
        let mut src = ids;
        let mut dst: &mut [u8] = &mut stored;
        while let ([id, src_rest @ ..], [slot, dst_rest @ ..]) = (src, dst) {
            *slot = *id;
            src = src_rest;
            dst = dst_rest;
        }
        Some(Self {
            ids: stored,
            count: ids.len() as u8,
        })
    }

    /// The address ids, in the order they were sent.
    pub fn ids(&self) -> &[u8] {
        self.ids.get(..usize::from(self.count)).unwrap_or(&[])
    }

    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        BASE_LEN + self.count as usize
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 4). The low
    /// nibble of the subtype byte is reserved and ignored; any segment is fine (as upstream).
    pub(crate) fn parse(opt: &[u8]) -> Result<Self, ParseError> {
        let bad_length = ParseError::bad_length(Subtype::RemoveAddr, opt.len());
        opt.get(BASE_LEN..).and_then(Self::new).ok_or(bad_length)
    }

    /// Writes the option at the start of `out`. Reserved bits are sent as zero.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(self.encoded_len() as u8)?;
        w.u8((Subtype::RemoveAddr as u8) << 4)?;
        w.bytes(self.ids())?;
        Ok(w.written())
    }
}

impl fmt::Debug for RemoveAddr {
    // Only the ids in use: the zero padding is an artefact of the fixed-size storage.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoveAddr")
            .field("ids", &self.ids())
            .finish()
    }
}
