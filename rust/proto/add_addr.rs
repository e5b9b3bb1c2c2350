// SPDX-License-Identifier: GPL-2.0

//! ADD_ADDR (RFC 8684 section 3.4.1): announce an additional address of the sender.
//!
//! ```text
//!  kind | len | subtype 3, rsv (3 bits), E | address id
//!  address                 (4 octets for IPv4, 16 for IPv6)
//!  port                    (2 octets, optional)
//!  truncated HMAC          (8 octets, only when E = 0)
//! ```
//!
//! RFC 6824 (version 0) had an IPVer nibble where version 1 has three reserved bits and E.
//! Version 1 carries the address family only in the length, which together with E and the
//! optional port gives eight possible lengths, all distinct:
//!
//! | E | family | no port | port |
//! |---|--------|---------|------|
//! | 1 | IPv4   | 8       | 10   |
//! | 0 | IPv4   | 16      | 18   |
//! | 1 | IPv6   | 20      | 22   |
//! | 0 | IPv6   | 28      | 30   |

use super::{
    option::{EncodeError, ParseError, Subtype, TCPOPT_MPTCP},
    wire::{Reader, Writer}, //
};

/// Option lengths of the eight forms.
pub mod len {
    /// IPv4, echo.
    pub const V4_ECHO: u8 = 8;
    /// IPv4 and port, echo.
    pub const V4_ECHO_PORT: u8 = 10;
    /// IPv4 with HMAC.
    pub const V4: u8 = 16;
    /// IPv4 and port with HMAC.
    pub const V4_PORT: u8 = 18;
    /// IPv6, echo.
    pub const V6_ECHO: u8 = 20;
    /// IPv6 and port, echo.
    pub const V6_ECHO_PORT: u8 = 22;
    /// IPv6 with HMAC.
    pub const V6: u8 = 28;
    /// IPv6 and port with HMAC.
    pub const V6_PORT: u8 = 30;
}

/// Flag bits of the third byte (low nibble; the high nibble is the subtype).
pub mod flags {
    /// E: this option echoes an ADD_ADDR received from the peer (and carries no HMAC).
    pub const ECHO: u8 = 0x01;
}

/// Length of kind, length, subtype/flags and address id.
const BASE_LEN: usize = 4;
const PORT_LEN: usize = 2;
const HMAC_LEN: usize = 8;

/// An announced address, in network byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    /// An IPv4 address.
    V4([u8; 4]),
    /// An IPv6 address.
    V6([u8; 16]),
}

impl Address {
    const fn wire_len(&self) -> usize {
        match self {
            Self::V4(a) => a.len(),
            Self::V6(a) => a.len(),
        }
    }
}

/// A decoded ADD_ADDR option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddAddr {
    /// Flag E. An echo carries no HMAC, and an announcement always does, so this must equal
    /// `hmac.is_none()` for the option to be encodable.
    pub echo: bool,
    /// The sender's identifier for this address.
    pub addr_id: u8,
    /// The address.
    pub addr: Address,
    /// The port, when it differs from the one of the subflow this option arrives on.
    pub port: Option<u16>,
    /// The rightmost 64 bits of the HMAC over id, address and port, absent on an echo.
    pub hmac: Option<u64>,
}

impl AddAddr {
    /// Length on the wire.
    pub const fn encoded_len(&self) -> usize {
        BASE_LEN
            + self.addr.wire_len()
            + if self.port.is_some() { PORT_LEN } else { 0 }
            + if self.hmac.is_some() { HMAC_LEN } else { 0 }
    }

    /// Decodes `opt` (exactly the declared length, subtype already known to be 3).
    ///
    /// E and the length together must name one of the eight forms. Upstream Linux accepts
    /// ADD_ADDR on any segment, so the segment is not consulted here.
    pub(crate) fn parse(opt: &[u8]) -> Result<Self, ParseError> {
        let bad_length = ParseError::bad_length(Subtype::AddAddr, opt.len());
        let mut r = Reader::new(opt.get(2..).ok_or(bad_length)?);
        // The three bits above E were the IPVer field in version 0; now reserved and ignored.
        let echo = r.u8().ok_or(bad_length)? & flags::ECHO != 0;
        let declared = u8::try_from(opt.len()).map_err(|_| bad_length)?;
        let (v6, has_port) = match (echo, declared) {
            (true, len::V4_ECHO) | (false, len::V4) => (false, false),
            (true, len::V4_ECHO_PORT) | (false, len::V4_PORT) => (false, true),
            (true, len::V6_ECHO) | (false, len::V6) => (true, false),
            (true, len::V6_ECHO_PORT) | (false, len::V6_PORT) => (true, true),
            _ => return Err(bad_length),
        };

        let addr_id = r.u8().ok_or(bad_length)?;
        let addr = if v6 {
            Address::V6(r.bytes().ok_or(bad_length)?)
        } else {
            Address::V4(r.bytes().ok_or(bad_length)?)
        };
        let port = if has_port {
            Some(r.u16().ok_or(bad_length)?)
        } else {
            None
        };
        let hmac = if echo {
            None
        } else {
            Some(r.u64().ok_or(bad_length)?)
        };
        Ok(Self {
            echo,
            addr_id,
            addr,
            port,
            hmac,
        })
    }

    /// Writes the option at the start of `out`. Reserved bits are sent as zero.
    ///
    /// [`EncodeError::Invalid`] if `echo` and `hmac` disagree: the receiver tells the two
    /// apart by E and the length, so an echo with an HMAC (or an announcement without one)
    /// would be misread or dropped.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        if self.echo != self.hmac.is_none() {
            return Err(EncodeError::Invalid);
        }
        let mut w = Writer::new(out);
        w.u8(TCPOPT_MPTCP)?;
        w.u8(self.encoded_len() as u8)?;
        let mut first = (Subtype::AddAddr as u8) << 4;
        if self.echo {
            first |= flags::ECHO;
        }
        w.u8(first)?;
        w.u8(self.addr_id)?;
        match &self.addr {
            Address::V4(a) => w.bytes(a)?,
            Address::V6(a) => w.bytes(a)?,
        }
        if let Some(port) = self.port {
            w.u16(port)?;
        }
        if let Some(hmac) = self.hmac {
            w.u64(hmac)?;
        }
        Ok(w.written())
    }
}
