// SPDX-License-Identifier: GPL-2.0

//! Declarations of the module's C glue (`rust/glue/*.c`; contract in `include/mptcp_glue.h`).
//!
//! This is the only file that declares foreign functions. Nothing outside the small safe
//! wrappers (`glue`, `ctrl`, `tcp_ext`, `crypto`, ...) may call them directly.

use kernel::prelude::*;

extern "C" {
    /// `lib/crypto`'s one-shot SHA-256 (`include/crypto/sha2.h`): writes 32 bytes to `out`.
    /// Any context.
    ///
    /// # Safety
    ///
    /// `data` must be valid for reads of `len` bytes and `out` for writes of 32 bytes.
    pub(crate) fn sha256(data: *const u8, len: usize, out: *mut u8);

    /// `lib/crypto`'s one-shot HMAC-SHA256 with a raw key: writes 32 bytes to `out`. Any
    /// context.
    ///
    /// # Safety
    ///
    /// `key` must be valid for reads of `key_len` bytes, `data` for `data_len` bytes, and
    /// `out` for writes of 32 bytes.
    pub(crate) fn hmac_sha256_usingrawkey(
        key: *const u8,
        key_len: usize,
        data: *const u8,
        data_len: usize,
        out: *mut u8,
    );

    /// Registers the per-netns state and the `net.mptcp` sysctl table in every namespace.
    /// Returns 0 or a negative errno.
    pub(crate) fn mptcp_glue_pernet_register() -> c_int;

    /// Undoes [`mptcp_glue_pernet_register`].
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_pernet_register`], when
    /// nothing can read per-netns state any more.
    pub(crate) fn mptcp_glue_pernet_unregister();

    /// Claims the kernel's TCP extension hooks. Returns 0, or `-EBUSY` if another module
    /// holds them.
    pub(crate) fn mptcp_glue_tcp_ext_register() -> c_int;

    /// Undoes [`mptcp_glue_tcp_ext_register`]; returns once no hook callback runs.
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_tcp_ext_register`].
    pub(crate) fn mptcp_glue_tcp_ext_unregister();
}
