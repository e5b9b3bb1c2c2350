// SPDX-License-Identifier: GPL-2.0

//! The kernel's SHA-256 and HMAC-SHA256 (`lib/crypto`) behind the pure core's
//! [`Digest`](crate::proto::crypto::Digest) trait, so token/IDSN and MP_JOIN / ADD_ADDR
//! HMACs are computed by the same core code in the module and in the host tests.

use crate::{
    ffi,
    proto::crypto::{Digest, DIGEST_LEN}, //
};

/// The kernel's crypto library. Usable in any context (no allocation, no sleeping).
pub(crate) struct KernelDigest;

impl Digest for KernelDigest {
    fn sha256(&self, data: &[u8]) -> [u8; DIGEST_LEN] {
        let mut out = [0u8; DIGEST_LEN];
        // SAFETY: `data` is a valid slice of `data.len()` bytes and `out` has room for the
        // 32 bytes `sha256` writes.
        unsafe { ffi::sha256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
        out
    }

    fn hmac_sha256(&self, key: &[u8], msg: &[u8]) -> [u8; DIGEST_LEN] {
        let mut out = [0u8; DIGEST_LEN];
        // SAFETY: `key` and `msg` are valid slices of their lengths and `out` has room for
        // the 32 bytes written.
        unsafe {
            ffi::hmac_sha256_usingrawkey(
                key.as_ptr(),
                key.len(),
                msg.as_ptr(),
                msg.len(),
                out.as_mut_ptr(),
            )
        };
        out
    }
}
