// SPDX-License-Identifier: GPL-2.0

//! Helpers shared by the integration tests.

/// xorshift64*: deterministic, so a failure reproduces from the seed in the test.
pub struct Rng(pub u64);

impl Rng {
    /// The next pseudo-random value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}
