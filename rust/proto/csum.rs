// SPDX-License-Identifier: GPL-2.0

//! The DSS checksum (RFC 8684 section 3.3.1): the 16-bit one's-complement Internet checksum
//! (RFC 1071) of a pseudo-header followed by the mapped payload.
//!
//! ```text
//!  Data Sequence Number     8 octets, always the full 64 bits, whatever the option sent
//!  Subflow Sequence Number  4 octets, relative
//!  Data-Level Length        2 octets, as in the option (a DATA_FIN counts as one)
//!  Checksum                 2 octets of zero
//!  payload                  the mapping's payload bytes
//! ```
//!
//! The checksum field carries the complement of the folded sum, so a receiver adds the field
//! to its own sum of the same bytes and must get all ones ([`verify`]). The infinite mapping
//! carries a zero field that is not checked.
//!
//! Sums are one's-complement sums of big-endian 16-bit words, the values the option carries.
//! Only their value modulo 0xffff matters (2^16 is 1 modulo 0xffff: that is the end-around
//! carry), which is why they can be kept in wider integers and folded late. The kernel computes
//! the payload part with `skb_checksum()`, in its own byte order: [`from_native`] converts.

use super::mapping::Mapping;

/// Folds a 32-bit partial sum to 16 bits with end-around carry. Only a zero sum folds to 0.
const fn fold32(x: u32) -> u16 {
    // Neither addition can overflow: the first gives at most 0x1fffe, the second 0xffff.
    let x = (x & 0xffff) + (x >> 16);
    let x = (x & 0xffff) + (x >> 16);
    x as u16
}

/// Folds a 64-bit partial sum to 32 bits with end-around carry (2^32 is 1 modulo 0xffff).
const fn fold64(x: u64) -> u32 {
    let x = (x & 0xffff_ffff) + (x >> 32);
    let x = (x & 0xffff_ffff) + (x >> 32);
    x as u32
}

/// A one's-complement sum fed piece by piece.
///
/// Pieces may have any length: after an odd number of bytes, the next byte is the low half of
/// the word the previous piece began, exactly as if all pieces were one buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Csum {
    /// Sum of the big-endian words so far, with end-around carry.
    sum: u64,
    /// An odd number of bytes was added: the last one stands in the high half of its word.
    odd: bool,
}

impl Csum {
    /// The sum of nothing.
    pub const fn new() -> Self {
        Self { sum: 0, odd: false }
    }

    fn add(&mut self, value: u64) {
        let (sum, carry) = self.sum.overflowing_add(value);
        // After an overflow `sum` is below `value`, so adding the carry back cannot overflow.
        self.sum = sum.wrapping_add(u64::from(carry));
    }

    /// Adds the bytes that follow everything added so far.
    pub fn add_bytes(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        if self.odd {
            if let Some((&low, tail)) = rest.split_first() {
                self.add(u64::from(low));
                self.odd = false;
                rest = tail;
            }
        }
        let mut words = rest.chunks_exact(2);
        for word in &mut words {
            if let [high, low] = *word {
                self.add(u64::from(u16::from_be_bytes([high, low])));
            }
        }
        if let [high] = *words.remainder() {
            self.add(u64::from(high) << 8);
            self.odd = true;
        }
    }

    /// Adds a block of `len` bytes that follows everything added so far, given its own
    /// partial sum computed as if it started at an even offset (what `skb_checksum()` returns
    /// for any offset, once converted with [`from_native`]).
    ///
    /// After an odd number of bytes the block's bytes stand in the other halves of their
    /// words: swapping the bytes of its folded sum multiplies it by 2^8 modulo 0xffff, which
    /// is exactly that shift (the kernel's `csum_block_add()`).
    pub fn add_partial(&mut self, partial: u32, len: usize) {
        let folded = fold32(partial);
        let value = if self.odd {
            folded.swap_bytes()
        } else {
            folded
        };
        self.add(u64::from(value));
        if len % 2 == 1 {
            self.odd = !self.odd;
        }
    }

    /// The sum so far as a 32-bit partial sum, the form [`checksum`] and [`verify`] take.
    pub const fn partial(&self) -> u32 {
        fold64(self.sum)
    }

    /// The sum so far folded to 16 bits (not complemented).
    pub const fn fold(&self) -> u16 {
        fold32(fold64(self.sum))
    }

    /// An odd number of bytes was added.
    pub const fn is_odd(&self) -> bool {
        self.odd
    }
}

/// Converts a partial sum the kernel computed over memory in native byte order (`__wsum`,
/// e.g. from `skb_checksum()`) to the big-endian convention used here.
///
/// A one's-complement sum of little-endian words is the byte-swapped sum of the same bytes
/// taken as big-endian words, and folding commutes with that; so the folded value read as a
/// big-endian number is the answer on either kind of CPU.
pub const fn from_native(wsum: u32) -> u32 {
    u16::from_be(fold32(wsum)) as u32
}

/// Partial sum of the pseudo-header of `mapping` (checksum field zero).
pub const fn pseudo_header(mapping: &Mapping) -> u32 {
    let dsn = mapping.dsn;
    // Seven 16-bit words: at most 7 * 0xffff, no overflow.
    (dsn >> 48) as u32
        + ((dsn >> 32) & 0xffff) as u32
        + ((dsn >> 16) & 0xffff) as u32
        + (dsn & 0xffff) as u32
        + (mapping.ssn >> 16)
        + (mapping.ssn & 0xffff)
        + mapping.data_len as u32
}

/// The checksum field for `mapping` whose payload has the partial sum `payload` (its
/// `checksum` field is not read). Zero for the infinite mapping, as upstream sends it.
pub const fn checksum(mapping: &Mapping, payload: u32) -> u16 {
    if mapping.is_infinite() {
        return 0;
    }
    // Two values below 2^32 each are summed in 64 bits, then folded: no overflow.
    let total = fold64(pseudo_header(mapping) as u64 + payload as u64);
    !fold32(total)
}

/// Whether `received` is the right checksum field for `mapping` with payload partial sum
/// `payload`. The infinite mapping is not checked (its field is zero by convention).
///
/// The receiver's own sum plus the field must be all ones. Both encodings of one's-complement
/// zero are therefore accepted as the field when the data sums to zero, as upstream does.
pub const fn verify(mapping: &Mapping, payload: u32, received: u16) -> bool {
    if mapping.is_infinite() {
        return true;
    }
    let total = pseudo_header(mapping) as u64 + payload as u64 + received as u64;
    fold32(fold64(total)) == 0xffff
}

/// Partial sum of the payload of `mapping`, recovered from its checksum field `field`: the
/// field is the complement of pseudo-header plus payload, so subtracting the pseudo-header
/// (in one's complement, adding its complement) from the field's complement leaves the
/// payload's sum, modulo 0xffff, which is all a sum is.
pub const fn payload_sum(mapping: &Mapping, field: u16) -> u32 {
    let header = fold32(pseudo_header(mapping));
    fold32((!field) as u32 + (!header) as u32) as u32
}

/// Partial sum of `first` (of `first_len` bytes) followed by a block with partial sum
/// `second` computed on its own (see [`Csum::add_partial`]).
pub const fn concat(first: u32, first_len: usize, second: u32) -> u32 {
    let second = fold32(second);
    let second = if first_len % 2 == 1 {
        second.swap_bytes()
    } else {
        second
    };
    fold64(first as u64 + second as u64)
}

/// The checksum of `merged`, which is `first` followed by `next` (see
/// [`Mapping::extended`]), from the checksums the two carry, without the payload: lets the
/// sender grow a mapping after computing its checksum. `None` if either has no checksum.
///
/// The result is exactly what [`checksum`] over the whole payload gives: both fold a positive
/// total with the same value modulo 0xffff, and such a fold has a single result.
pub const fn extend(first: &Mapping, next: &Mapping, merged: &Mapping) -> Option<u16> {
    let (Some(a), Some(b)) = (first.checksum, next.checksum) else {
        return None;
    };
    let payload = concat(
        payload_sum(first, a),
        first.payload_len() as usize,
        payload_sum(next, b),
    );
    Some(checksum(merged, payload))
}

/// Known answers computed independently (Python's integers, RFC 1071 by hand), shared by
/// `cargo test` and KUnit.
pub mod vectors {
    use super::{checksum, from_native, verify, Csum, Mapping};

    /// A mapping, its payload, and the checksum field for them.
    pub struct Case {
        /// Name reported on failure.
        pub name: &'static str,
        /// The mapping, with `checksum` holding the expected field.
        pub mapping: Mapping,
        /// The payload (`mapping.payload_len()` bytes, at most [`MAX_PAYLOAD`]).
        pub payload: &'static [u8],
    }

    /// Longest payload in [`KNOWN`]: the checks copy payloads into a stack buffer this big.
    pub const MAX_PAYLOAD: usize = 256;

    // Only ever evaluated at compile time (for `PATTERN`): an index out of bounds would be a
    // build error, never a run-time panic.
    const fn pattern() -> [u8; MAX_PAYLOAD] {
        let mut out = [0; MAX_PAYLOAD];
        let mut i = 0;
        while i < MAX_PAYLOAD {
            out[i] = (i as u8).wrapping_mul(7).wrapping_add(3);
            i += 1;
        }
        out
    }

    /// `(i * 7 + 3) mod 256` for i in 0..256.
    pub const PATTERN: [u8; MAX_PAYLOAD] = pattern();

    const fn case(
        name: &'static str,
        dsn: u64,
        ssn: u32,
        data_len: u16,
        data_fin: bool,
        payload: &'static [u8],
        field: u16,
    ) -> Case {
        Case {
            name,
            mapping: Mapping {
                dsn,
                ssn,
                data_len,
                data_fin,
                checksum: Some(field),
            },
            payload,
        }
    }

    /// The known answers. Each was computed as the complement of the RFC 1071 sum of
    /// `struct.pack('>QIHH', dsn, ssn, data_len, 0) + payload`.
    pub const KNOWN: &[Case] = &[
        case(
            "hello",
            0x0102_0304_0506_0708,
            1,
            5,
            false,
            b"hello",
            0xac13,
        ),
        // Upstream's DATA_FIN on a segment without data: SSN 0, length 1, nothing else.
        case("data_fin_only", 0xffff_ffff, 0, 1, true, b"", 0xfffe),
        // Odd payload; the DATA_FIN counts in the length; the SSN range wraps.
        case(
            "odd_payload_with_data_fin",
            0xdead_beef_cafe_babe,
            0xffff_fff0,
            4,
            true,
            b"abc",
            0x184d,
        ),
        case("zeros", 0x10, 0x20, 4, false, &[0; 4], 0xffcb),
        // Pseudo-header sums to 4, the payload word to 0xfffb: the total is one's-complement
        // zero and the field 0x0000 (0xffff must be accepted too).
        case("sum_is_zero", 1, 1, 2, false, &[0xff, 0xfb], 0x0000),
        case(
            "pattern_256",
            0xfedc_ba98_7654_3210,
            0x7fff_ffff,
            256,
            false,
            &PATTERN,
            0xdd65,
        ),
    ];

    fn sum_of(parts: &[&[u8]]) -> u32 {
        let mut c = Csum::new();
        for part in parts {
            c.add_bytes(part);
        }
        c.partial()
    }

    /// The payload summed the way the kernel does on this CPU: native-order words, an odd
    /// last byte padded with zero.
    fn native_sum(payload: &[u8]) -> u32 {
        let mut sum: u32 = 0;
        for pair in payload.chunks(2) {
            let word = match *pair {
                [a, b] => u16::from_ne_bytes([a, b]),
                [a] => u16::from_ne_bytes([a, 0]),
                _ => 0,
            };
            sum = sum.wrapping_add(u32::from(word));
        }
        sum
    }

    fn check_case(case: &Case) -> bool {
        let m = &case.mapping;
        let Some(want) = m.checksum else {
            return false;
        };
        let payload = case.payload;
        if payload.len() != m.payload_len() as usize || payload.len() > MAX_PAYLOAD {
            return false;
        }
        let whole = sum_of(&[payload]);
        if checksum(m, whole) != want || !verify(m, whole, want) {
            return false;
        }
        // The other encoding of zero is accepted exactly when the field is zero.
        if verify(m, whole, !want) != (want == 0) {
            return false;
        }
        if checksum(m, from_native(native_sum(payload))) != want {
            return false;
        }
        for k in 0..=payload.len() {
            let (a, b) = payload.split_at(k);
            // Two pieces through `add_bytes`, and two blocks summed apart then combined.
            let mut blocks = Csum::new();
            blocks.add_partial(sum_of(&[a]), a.len());
            blocks.add_partial(sum_of(&[b]), b.len());
            if checksum(m, sum_of(&[a, b])) != want || checksum(m, blocks.partial()) != want {
                return false;
            }
            // The same split as two mappings merged by the sender.
            if k > 0 && k < payload.len() && !extension_holds(m, a, b) {
                return false;
            }
        }
        // Any single flipped payload bit must be caught.
        let mut buf = [0u8; MAX_PAYLOAD];
        let Some(copy) = buf.get_mut(..payload.len()) else {
            return false;
        };
        copy.copy_from_slice(payload);
        for bit in 0..payload.len().saturating_mul(8) {
            let Some(byte) = copy.get_mut(bit / 8) else {
                return false;
            };
            *byte ^= 1 << (bit % 8);
            let caught = !verify(m, sum_of(&[copy]), want);
            if let Some(byte) = copy.get_mut(bit / 8) {
                *byte ^= 1 << (bit % 8);
            }
            if !caught {
                return false;
            }
        }
        true
    }

    /// Splits `m` after `a` into two mappings with their own checksums and merges them back.
    fn extension_holds(m: &Mapping, a: &[u8], b: &[u8]) -> bool {
        let (Ok(a_len), Ok(b_len)) = (u16::try_from(a.len()), u16::try_from(b.len())) else {
            return false;
        };
        let mut first = Mapping {
            dsn: m.dsn,
            ssn: m.ssn,
            data_len: a_len,
            data_fin: false,
            checksum: None,
        };
        first.checksum = Some(checksum(&first, sum_of(&[a])));
        let mut next = Mapping {
            dsn: m.dsn.wrapping_add(u64::from(a_len)),
            ssn: m.ssn.wrapping_add(u32::from(a_len)),
            data_len: b_len.wrapping_add(u16::from(m.data_fin)),
            data_fin: m.data_fin,
            checksum: None,
        };
        next.checksum = Some(checksum(&next, sum_of(&[b])));
        first.extended(&next) == Some(*m)
    }

    /// Checks every case of [`KNOWN`]: one shot, every two-way split (as bytes and as
    /// separately summed blocks), the kernel's native-order sum, merging two mappings, and
    /// every single-bit corruption.
    ///
    /// # Errors
    ///
    /// The name of the first case that fails.
    pub fn check_vectors() -> Result<usize, &'static str> {
        for case in KNOWN {
            if !check_case(case) {
                return Err(case.name);
            }
        }
        Ok(KNOWN.len())
    }
}
