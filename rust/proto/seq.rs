// SPDX-License-Identifier: GPL-2.0

//! Sequence-number arithmetic: 32-bit wire values expanded to the 64-bit data sequence space
//! (RFC 8684 section 3.3.1: a DSN or DATA_ACK may be sent as its low 32 bits).

const LOW_32: u64 = 0xffff_ffff;
const WRAP_32: u64 = 1 << 32;

/// Expands `short`, the low 32 bits of a 64-bit sequence number, to the 64-bit value nearest
/// to `reference` (the last value known in that space, e.g. the next expected DSN).
///
/// "Nearest" means within 2^31 either side, as 32-bit TCP sequence comparisons do, so both a
/// forward wrap (reference just below a 2^32 boundary, value just past it) and a reverse wrap
/// (a retransmission from just before the boundary) land in the right epoch. At the two ends
/// of the 64-bit space the result wraps, as the sequence space itself does.
pub const fn expand(reference: u64, short: u32) -> u64 {
    let candidate = (reference & !LOW_32) | short as u64;
    // Distance from the reference in 32-bit sequence terms: positive means "after".
    let delta = short.wrapping_sub(reference as u32) as i32;
    if delta >= 0 && short < reference as u32 {
        // After the reference, but the low half wrapped: the next epoch.
        candidate.wrapping_add(WRAP_32)
    } else if delta < 0 && short > reference as u32 {
        // Before the reference, across the boundary: the previous epoch.
        candidate.wrapping_sub(WRAP_32)
    } else {
        candidate
    }
}

/// `a` comes strictly before `b` in 64-bit sequence space (wrapping).
pub const fn before64(a: u64, b: u64) -> bool {
    (a.wrapping_sub(b) as i64) < 0
}
