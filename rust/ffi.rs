// SPDX-License-Identifier: GPL-2.0

//! Declarations of the module's C glue (`rust/glue/*.c`; contract in `include/mptcp_glue.h`).
//!
//! This is the only file that declares foreign functions. Nothing outside the small safe
//! wrappers (`glue`, `ctrl`, `tcp_ext`, `crypto`, ...) may call them directly.

use core::{marker::PhantomData, marker::PhantomPinned};
use kernel::prelude::*;

/// `struct net`, only ever handled by pointer. (`kernel::bindings::net` exists, but one of
/// its members is a zero-sized array type that trips `improper_ctypes` at the FFI boundary.)
#[repr(C)]
pub(crate) struct Net {
    _opaque: [u8; 0],
    _not_send_sync_unpin: PhantomData<(*mut u8, PhantomPinned)>,
}

/// `struct sk_buff`, only ever handled by pointer.
#[repr(C)]
pub(crate) struct SkBuff {
    _opaque: [u8; 0],
    _not_send_sync_unpin: PhantomData<(*mut u8, PhantomPinned)>,
}

/// An entry of the host's token table (`rust/glue/token.c`), opaque here.
#[repr(C)]
pub(crate) struct Token {
    _private: [u8; 0],
}

/// What answering a join needs of the connection it names (`struct mptcp_rs_join_keys`).
#[repr(C)]
#[derive(Default)]
pub(crate) struct JoinKeys {
    pub(crate) local_key: u64,
    pub(crate) remote_key: u64,
    pub(crate) checksums: bool,
    /// The connection's local port (its msk's), 0 before it has one.
    pub(crate) local_port: u16,
    /// The connection's initial local address (its msk's; no family before it has one).
    pub(crate) local_addr: crate::pm::RawEndpoint,
}

extern "C" {
    /// A random 64-bit value from the kernel's CRNG. Any context.
    pub(crate) fn get_random_u64() -> u64;
    /// A random 32-bit value from the kernel's CRNG. Any context.
    pub(crate) fn get_random_u32() -> u32;

    /// Whether a connection of `net` holds `token`. Any context.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace.
    pub(crate) fn mptcp_glue_token_in_use(net: *const Net, token: u32) -> bool;
    /// Takes `token` in `net` for a new connection: NULL if it is held already or memory is
    /// short (`atomic`: in softirq). Any context.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace that outlives the entry.
    pub(crate) fn mptcp_glue_token_claim(net: *const Net, token: u32, atomic: bool) -> *mut Token;
    /// Gives back an entry from [`mptcp_glue_token_claim`] (NULL: nothing). Any context.
    ///
    /// # Safety
    ///
    /// `token` must be NULL or a claimed entry, not used afterwards.
    pub(crate) fn mptcp_glue_token_release(token: *mut Token);
    /// Leaves the connection's keys with its entry, for joins. Any context.
    ///
    /// # Safety
    ///
    /// `token` must be a claimed entry.
    pub(crate) fn mptcp_glue_token_set_keys(
        token: *mut Token,
        local_key: u64,
        remote_key: u64,
        checksums: bool,
    );
    /// Whether a connection with known keys has `token` in `net`: 0 (and its keys in `keys`)
    /// or `-ENOENT`. Whether it takes the subflow is decided at the third ACK. Any context.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace; `keys` valid for writes.
    pub(crate) fn mptcp_glue_join_lookup(net: *const Net, token: u32, keys: *mut JoinKeys)
        -> c_int;

    /// Whether the connection `token` names in `net` takes one more join now (checked at the
    /// SYN of a join answered with a SYN cookie). Any context.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace.
    pub(crate) fn mptcp_glue_join_has_room(net: *const Net, token: u32) -> bool;

    /// `net.mptcp.enabled` of `net`.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace whose per-netns state is registered.
    pub(crate) fn mptcp_glue_enabled(net: *const Net) -> bool;

    /// `net.mptcp.transparent` of `net`.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace whose per-netns state is registered.
    pub(crate) fn mptcp_glue_transparent(net: *const Net) -> bool;

    /// Registers the module as the kernel's socket protocol selector. Returns 0 or a negative
    /// errno (`-EBUSY` if another module is).
    pub(crate) fn mptcp_glue_selector_register() -> c_int;

    /// Undoes [`mptcp_glue_selector_register`]; returns once the callback cannot run.
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_selector_register`].
    pub(crate) fn mptcp_glue_selector_unregister();

    /// `net.mptcp.checksum_enabled` of `net`.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace whose per-netns state is registered.
    pub(crate) fn mptcp_glue_checksum_enabled(net: *const Net) -> bool;
    pub(crate) fn mptcp_glue_syn_retrans_before_fallback(net: *const Net) -> u8;
    /// `net.mptcp.allow_join_initial_addr_port` of `net` (as above).
    pub(crate) fn mptcp_glue_allow_join_id0(net: *const Net) -> bool;

    /// Adds one to counter `index` of namespace `net` (on this CPU). Any context.
    ///
    /// # Safety
    ///
    /// As [`mptcp_glue_mib_read`].
    pub(crate) fn mptcp_glue_mib_inc(net: *const Net, index: c_uint);

    /// The kernel's 32-bit partial checksum (`skb_checksum()`, host byte order) of all of
    /// `skb`'s data: the payload of a segment before its TCP header is pushed.
    ///
    /// # Safety
    ///
    /// `skb` must be a live skb not modified during the call.
    pub(crate) fn mptcp_glue_skb_payload_sum(skb: *const SkBuff) -> u32;

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

    /// Registers the per-netns state (the sysctl table, `mib_count` per-CPU counters and
    /// `/proc/net/mptcp_netstat`) in every namespace. Returns 0 or a negative errno.
    pub(crate) fn mptcp_glue_pernet_register(mib_count: c_uint) -> c_int;

    /// Undoes [`mptcp_glue_pernet_register`].
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_pernet_register`], when
    /// nothing can read per-netns state any more.
    pub(crate) fn mptcp_glue_pernet_unregister();

    /// Sum over CPUs of counter `index` of namespace `net`.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace whose per-netns state is registered, and `index` less
    /// than the `mib_count` given at registration.
    pub(crate) fn mptcp_glue_mib_read(net: *const Net, index: c_uint) -> c_ulong;

    /// The path manager's state of `net` (what `mptcp_rs_pm_new` returned in its init).
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace whose per-netns state is registered.
    pub(crate) fn mptcp_glue_pm(net: *const Net) -> *mut c_void;

    /// Registers MPTCP sockets with inet_diag (`ss -M`). Returns 0 or a negative errno.
    pub(crate) fn mptcp_glue_diag_register() -> c_int;

    /// Undoes [`mptcp_glue_diag_register`]; returns once no dump runs.
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_diag_register`].
    pub(crate) fn mptcp_glue_diag_unregister();

    /// Registers the `mptcp_pm` generic netlink family. Returns 0 or a negative errno.
    pub(crate) fn mptcp_glue_pm_netlink_register() -> c_int;

    /// Undoes [`mptcp_glue_pm_netlink_register`]; returns once no handler runs.
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_pm_netlink_register`].
    pub(crate) fn mptcp_glue_pm_netlink_unregister();

    /// Registers the "mptcp" TCP ULP. Returns 0 or a negative errno.
    pub(crate) fn mptcp_glue_subflow_ulp_register() -> c_int;

    /// Undoes [`mptcp_glue_subflow_ulp_register`].
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_subflow_ulp_register`].
    pub(crate) fn mptcp_glue_subflow_ulp_unregister();

    /// KUnit only: attaches the ULP to a new kernel TCP socket, checks the subflow state is
    /// there, releases the socket. Returns 0 or a negative errno.
    #[cfg(CONFIG_KUNIT = "y")]
    pub(crate) fn mptcp_glue_test_kernel_subflow() -> c_int;
    /// KUnit only: a token claimed in `init_net` cannot be claimed again until released.
    /// Returns 0 or a negative errno.
    #[cfg(CONFIG_KUNIT = "y")]
    pub(crate) fn mptcp_glue_test_token_table() -> c_int;

    /// Registers `IPPROTO_MPTCP` sockets for AF_INET and AF_INET6. Returns 0 or a negative
    /// errno.
    pub(crate) fn mptcp_glue_msk_register() -> c_int;

    /// Undoes [`mptcp_glue_msk_register`]; returns once no `socket()` call can reach it.
    ///
    /// # Safety
    ///
    /// Must be called exactly once after a successful [`mptcp_glue_msk_register`].
    pub(crate) fn mptcp_glue_msk_unregister();

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
