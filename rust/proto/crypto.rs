// SPDX-License-Identifier: GPL-2.0

//! MPTCP's key derivations and HMACs (RFC 8684 sections 3.1, 3.2 and 3.4.1), over a digest
//! the caller supplies.
//!
//! The core has no hash of its own: the module supplies the kernel's lib/crypto SHA-256 and
//! HMAC-SHA256, the userspace tests supply RustCrypto's. What lives here is only what RFC 8684
//! adds on top: which bytes are hashed, in which order, and which part of the result is kept.
//! Those are the details two implementations disagree on, so they are pinned by the shared
//! vectors in [`vectors`], which `cargo test` and KUnit run against their own digest.
//!
//! All 64-bit keys and 32-bit nonces enter a hash in network byte order, as they travel in
//! MP_CAPABLE and MP_JOIN; a truncated HMAC is read back as a big-endian integer, so a `u64`
//! here is the value whose big-endian bytes the option carries.

use core::net::IpAddr;

/// Length of a SHA-256 digest, and so of an HMAC-SHA256.
pub const DIGEST_LEN: usize = 32;

/// Length of the HMAC in the third ACK of an MP_JOIN handshake (RFC 8684 section 3.2: the
/// leftmost 160 bits; the option predates SHA-256 and kept SHA-1's size).
pub const THIRD_ACK_HMAC_LEN: usize = 20;

/// SHA-256 and HMAC-SHA256, supplied by the caller.
///
/// Both take the whole input at once and return the digest by value, so an implementation
/// needs no allocation and the callers here need no streaming state: every MPTCP input is a
/// few dozen bytes at most (an 8-byte key, 8 bytes of nonces, or 1 + 16 + 2 bytes of
/// ADD_ADDR). The methods cannot fail: both kernel and RustCrypto primitives are infallible,
/// and an error path nobody can take would only invite mishandling.
pub trait Digest {
    /// SHA-256 of `data`.
    fn sha256(&self, data: &[u8]) -> [u8; DIGEST_LEN];

    /// HMAC-SHA256 (RFC 2104) of `msg` under `key`.
    ///
    /// MPTCP's keys are always 16 bytes (two 64-bit keys), but the key is a slice so the
    /// shared vectors can also run RFC 4231's cases, which check the primitive itself.
    fn hmac_sha256(&self, key: &[u8], msg: &[u8]) -> [u8; DIGEST_LEN];
}

/// What a 64-bit MPTCP key is hashed into (RFC 8684 sections 3.1 and 3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyHash {
    /// The connection token: the most significant 32 bits of SHA-256(key). A host names its
    /// connection to the peer by the token of the peer's key in MP_JOIN SYNs.
    pub token: u32,
    /// The initial data sequence number: the least significant 64 bits of SHA-256(key). The
    /// IDSN of a host's own key starts the data sequence space it sends in.
    pub idsn: u64,
}

/// Hashes `key` (in network byte order) into its token and IDSN.
pub fn key_hash<D: Digest + ?Sized>(d: &D, key: u64) -> KeyHash {
    let hash = d.sha256(&key.to_be_bytes());
    KeyHash {
        token: u32::from_be_bytes(leftmost(&hash)),
        idsn: u64::from_be_bytes(rightmost(&hash)),
    }
}

/// How many random keys a new connection tries before giving up on a token of its own
/// (upstream's `TOKEN_MAX_RETRIES` is 4): with 2^32 tokens a collision is already rare, and
/// four in a row mean the table is nearly full.
pub const KEY_TRIES: u32 = 4;

/// A new local key whose token is free: `random` draws keys and `claim` tries to take the
/// token of each for the connection (false when another connection of the host holds it;
/// RFC 8684 section 3.1: a token must name one connection). Returns the key and what
/// `claim` gave, or `None` after [`KEY_TRIES`] taken tokens, when the connection is to be
/// plain TCP (upstream's `MPFallbackTokenInit`).
pub fn unique_key<D: Digest + ?Sized, T>(
    d: &D,
    random: &mut dyn FnMut() -> u64,
    claim: &mut dyn FnMut(u32) -> Option<T>,
) -> Option<(u64, T)> {
    (0..KEY_TRIES).find_map(|_| {
        let key = random();
        claim(key_hash(d, key).token).map(|claimed| (key, claimed))
    })
}

/// HMAC-SHA256 under the 16-byte key `first || second`, each in network byte order.
fn hmac_under_keys<D: Digest + ?Sized>(
    d: &D,
    first: u64,
    second: u64,
    msg: &[u8],
) -> [u8; DIGEST_LEN] {
    // The big-endian bytes of (first << 64 | second) are first's followed by second's.
    let key = ((u128::from(first) << 64) | u128::from(second)).to_be_bytes();
    d.hmac_sha256(&key, msg)
}

/// The first `N` bytes of a digest.
fn leftmost<const N: usize>(hash: &[u8; DIGEST_LEN]) -> [u8; N] {
    // Checked when the crate is built, so a wrong length cannot reach run time.
    const { assert!(N <= DIGEST_LEN) };
    let mut out = [0u8; N];
    for (o, h) in out.iter_mut().zip(hash) {
        *o = *h;
    }
    out
}

/// The last `N` bytes of a digest.
fn rightmost<const N: usize>(hash: &[u8; DIGEST_LEN]) -> [u8; N] {
    const { assert!(N <= DIGEST_LEN) };
    let mut out = [0u8; N];
    for (o, h) in out.iter_mut().zip(hash.iter().skip(DIGEST_LEN - N)) {
        *o = *h;
    }
    out
}

/// Concatenates `parts` into exactly `N` bytes (the callers' lengths are constants that add
/// up to `N`; the vectors would catch a miscount as a wrong HMAC).
fn concat<const N: usize>(parts: &[&[u8]]) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(parts.iter().flat_map(|p| p.iter())) {
        *o = *b;
    }
    out
}

/// Compares two third-ACK HMACs without stopping at the first difference, so the time taken
/// does not tell an attacker how many leading bytes of a forged HMAC were right.
fn hmac_eq(a: &[u8; THIRD_ACK_HMAC_LEN], b: &[u8; THIRD_ACK_HMAC_LEN]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box hides the value from the optimiser (best effort, as any Rust constant-time
    // code), so it has no reason to turn the fold back into an early-exit compare.
    core::hint::black_box(diff) == 0
}

/// The inputs of an MP_JOIN handshake's authentication (RFC 8684 section 3.2).
///
/// The roles are those of this subflow, not of the connection: the initiator is the host that
/// sends the SYN with MP_JOIN (the RFC's Host A), whichever side opened the first subflow.
/// Each key is its owner's own key from the MP_CAPABLE exchange, so on the host sending the
/// SYN `initiator_key` is the local key, and on the host answering it the remote key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JoinAuth {
    /// Key-A: the MP_CAPABLE key of the host that sends the MP_JOIN SYN.
    pub initiator_key: u64,
    /// Key-B: the MP_CAPABLE key of the host that answers it with the SYN/ACK.
    pub listener_key: u64,
    /// R-A: the random number carried in the MP_JOIN SYN.
    pub initiator_nonce: u32,
    /// R-B: the random number carried in the MP_JOIN SYN/ACK.
    pub listener_nonce: u32,
}

impl JoinAuth {
    /// HMAC-A, the initiator's full HMAC: key = Key-A || Key-B, message = R-A || R-B.
    pub fn initiator_hmac<D: Digest + ?Sized>(&self, d: &D) -> [u8; DIGEST_LEN] {
        let msg = ((u64::from(self.initiator_nonce) << 32) | u64::from(self.listener_nonce))
            .to_be_bytes();
        hmac_under_keys(d, self.initiator_key, self.listener_key, &msg)
    }

    /// HMAC-B, the listener's full HMAC: key = Key-B || Key-A, message = R-B || R-A.
    pub fn listener_hmac<D: Digest + ?Sized>(&self, d: &D) -> [u8; DIGEST_LEN] {
        let msg = ((u64::from(self.listener_nonce) << 32) | u64::from(self.initiator_nonce))
            .to_be_bytes();
        hmac_under_keys(d, self.listener_key, self.initiator_key, &msg)
    }

    /// The truncated HMAC the listener sends in the MP_JOIN SYN/ACK: the leftmost 64 bits of
    /// HMAC-B. The initiator computes the same value to check the one it received.
    pub fn syn_ack_hmac<D: Digest + ?Sized>(&self, d: &D) -> u64 {
        u64::from_be_bytes(leftmost(&self.listener_hmac(d)))
    }

    /// The HMAC the initiator sends in the third ACK: the leftmost 160 bits of HMAC-A.
    pub fn third_ack_hmac<D: Digest + ?Sized>(&self, d: &D) -> [u8; THIRD_ACK_HMAC_LEN] {
        leftmost(&self.initiator_hmac(d))
    }

    /// Whether `received`, from a third ACK, is the initiator's HMAC; the listener's check
    /// before it accepts the subflow. Compared in constant time, as it authenticates the peer.
    pub fn third_ack_hmac_matches<D: Digest + ?Sized>(
        &self,
        d: &D,
        received: &[u8; THIRD_ACK_HMAC_LEN],
    ) -> bool {
        hmac_eq(&self.third_ack_hmac(d), received)
    }
}

/// Length of the ADD_ADDR HMAC message for an IPv4 address: id, address, port.
const ADD_ADDR_MSG_V4: usize = 1 + 4 + 2;
/// Length of the ADD_ADDR HMAC message for an IPv6 address: id, address, port.
const ADD_ADDR_MSG_V6: usize = 1 + 16 + 2;

/// The inputs of an ADD_ADDR option's HMAC (RFC 8684 section 3.4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddAddrAuth {
    /// The MP_CAPABLE key of the host sending the ADD_ADDR (first in the HMAC key).
    pub sender_key: u64,
    /// The MP_CAPABLE key of the host receiving it (second in the HMAC key).
    pub receiver_key: u64,
    /// The Address ID the option announces.
    pub id: u8,
    /// The address the option announces.
    pub addr: IpAddr,
    /// The port the option announces, if it carries one.
    pub port: Option<u16>,
}

impl AddAddrAuth {
    /// The option's Truncated HMAC: the rightmost 64 bits of HMAC-SHA256 with key =
    /// sender's key || receiver's key over the message Address ID || address || port.
    ///
    /// An option without a port still hashes two zero octets in its place, as the RFC says,
    /// so `port: None` and `port: Some(0)` give the same HMAC. The receiver checks an option
    /// by computing this with the peer's key as `sender_key` and comparing.
    pub fn hmac<D: Digest + ?Sized>(&self, d: &D) -> u64 {
        let port = self.port.unwrap_or(0).to_be_bytes();
        let id = [self.id];
        let hash = match self.addr {
            IpAddr::V4(a) => {
                let msg: [u8; ADD_ADDR_MSG_V4] = concat(&[&id, &a.octets(), &port]);
                hmac_under_keys(d, self.sender_key, self.receiver_key, &msg)
            }
            IpAddr::V6(a) => {
                let msg: [u8; ADD_ADDR_MSG_V6] = concat(&[&id, &a.octets(), &port]);
                hmac_under_keys(d, self.sender_key, self.receiver_key, &msg)
            }
        };
        u64::from_be_bytes(rightmost(&hash))
    }
}

/// Runs every case in [`vectors`] against `d` and returns how many there were. KUnit calls
/// this with the kernel's digest, `cargo test` with RustCrypto's, so both builds judge the
/// same data.
///
/// # Errors
///
/// The name of the first case that fails.
pub fn check_vectors<D: Digest + ?Sized>(d: &D) -> Result<usize, &'static str> {
    for case in vectors::SHA256 {
        if d.sha256(case.data) != case.digest {
            return Err(case.name);
        }
    }
    for case in vectors::HMAC_SHA256 {
        if d.hmac_sha256(case.key, case.msg) != case.mac {
            return Err(case.name);
        }
    }
    for case in vectors::KEYS {
        if key_hash(d, case.key)
            != (KeyHash {
                token: case.token,
                idsn: case.idsn,
            })
        {
            return Err(case.name);
        }
    }
    for case in vectors::JOIN {
        if !join_case_holds(d, case) {
            return Err(case.name);
        }
    }
    for case in vectors::ADD_ADDR {
        if case.auth.hmac(d) != case.hmac {
            return Err(case.name);
        }
        // The RFC's "two octets of value zero" for an absent port: an explicit zero must agree.
        if case.auth.port.is_none()
            && (AddAddrAuth {
                port: Some(0),
                ..case.auth
            })
            .hmac(d)
                != case.hmac
        {
            return Err(case.name);
        }
    }
    Ok(vectors::SHA256.len()
        + vectors::HMAC_SHA256.len()
        + vectors::KEYS.len()
        + vectors::JOIN.len()
        + vectors::ADD_ADDR.len())
}

/// Checks one MP_JOIN case: both full HMACs, both truncations, the third-ACK comparison, and
/// the role swap.
fn join_case_holds<D: Digest + ?Sized>(d: &D, case: &vectors::JoinCase) -> bool {
    let auth = &case.auth;
    if auth.initiator_hmac(d) != case.initiator_hmac || auth.listener_hmac(d) != case.listener_hmac
    {
        return false;
    }
    // The truncations, spelled out independently of leftmost(): the first 8 and 20 bytes.
    let [b0, b1, b2, b3, b4, b5, b6, b7, ..] = case.listener_hmac;
    if auth.syn_ack_hmac(d) != u64::from_be_bytes([b0, b1, b2, b3, b4, b5, b6, b7]) {
        return false;
    }
    let third = auth.third_ack_hmac(d);
    if case.initiator_hmac.get(..THIRD_ACK_HMAC_LEN) != Some(third.as_slice()) {
        return false;
    }
    if !auth.third_ack_hmac_matches(d, &third) {
        return false;
    }
    let mut forged = third;
    if let Some(last) = forged.last_mut() {
        *last ^= 1;
    }
    if auth.third_ack_hmac_matches(d, &forged) {
        return false;
    }
    // Seen from the other end the roles swap, and so must the two HMACs: this ties the
    // listener's ordering to data whose source gave only the initiator's.
    let swapped = JoinAuth {
        initiator_key: auth.listener_key,
        listener_key: auth.initiator_key,
        initiator_nonce: auth.listener_nonce,
        listener_nonce: auth.initiator_nonce,
    };
    if swapped.initiator_hmac(d) != case.listener_hmac
        || swapped.listener_hmac(d) != case.initiator_hmac
    {
        return false;
    }
    true
}

/// Known-answer data for [`check_vectors`], independent of any digest implementation.
///
/// Sources: FIPS 180-2 and RFC 4231 for the primitives; Linux's net/mptcp/crypto_test.c for
/// the MP_JOIN HMACs it covers; everything else computed outside this crate with Python's
/// `hashlib`/`hmac` from the byte layouts RFC 8684 gives (no published MPTCP token, IDSN or
/// ADD_ADDR examples were found to cite).
pub mod vectors {
    use super::{AddAddrAuth, JoinAuth, DIGEST_LEN};
    use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    /// A SHA-256 known answer.
    pub struct Sha256Case {
        /// Name reported on failure.
        pub name: &'static str,
        /// The input.
        pub data: &'static [u8],
        /// Its digest.
        pub digest: [u8; DIGEST_LEN],
    }

    /// An HMAC-SHA256 known answer.
    pub struct HmacCase {
        /// Name reported on failure.
        pub name: &'static str,
        /// The HMAC key.
        pub key: &'static [u8],
        /// The message.
        pub msg: &'static [u8],
        /// The full HMAC.
        pub mac: [u8; DIGEST_LEN],
    }

    /// A key with its token and IDSN.
    pub struct KeyCase {
        /// Name reported on failure.
        pub name: &'static str,
        /// The 64-bit key.
        pub key: u64,
        /// Its token.
        pub token: u32,
        /// Its IDSN.
        pub idsn: u64,
    }

    /// An MP_JOIN handshake with both full HMACs; the truncations are checked against these.
    pub struct JoinCase {
        /// Name reported on failure.
        pub name: &'static str,
        /// The keys and nonces.
        pub auth: JoinAuth,
        /// HMAC-A.
        pub initiator_hmac: [u8; DIGEST_LEN],
        /// HMAC-B.
        pub listener_hmac: [u8; DIGEST_LEN],
    }

    /// An ADD_ADDR with its Truncated HMAC.
    pub struct AddAddrCase {
        /// Name reported on failure.
        pub name: &'static str,
        /// The keys and the announced address.
        pub auth: AddAddrAuth,
        /// The Truncated HMAC, as the big-endian integer the option carries.
        pub hmac: u64,
    }

    /// SHA-256 of "" and "abc" (FIPS 180-2 appendix B.1), to check the digest itself.
    pub const SHA256: &[Sha256Case] = &[
        Sha256Case {
            name: "sha256 empty",
            data: b"",
            digest: [
                0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f,
                0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
                0x78, 0x52, 0xb8, 0x55,
            ],
        },
        Sha256Case {
            name: "sha256 abc",
            data: b"abc",
            digest: [
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
                0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
                0xf2, 0x00, 0x15, 0xad,
            ],
        },
    ];

    /// RFC 4231 test cases 1 and 2, to check the HMAC itself before MPTCP's use of it.
    pub const HMAC_SHA256: &[HmacCase] = &[
        HmacCase {
            name: "rfc4231 case 1",
            key: &[0x0b; 20],
            msg: b"Hi There",
            mac: [
                0xb0, 0x34, 0x4c, 0x61, 0xd8, 0xdb, 0x38, 0x53, 0x5c, 0xa8, 0xaf, 0xce, 0xaf, 0x0b,
                0xf1, 0x2b, 0x88, 0x1d, 0xc2, 0x00, 0xc9, 0x83, 0x3d, 0xa7, 0x26, 0xe9, 0x37, 0x6c,
                0x2e, 0x32, 0xcf, 0xf7,
            ],
        },
        HmacCase {
            name: "rfc4231 case 2",
            key: b"Jefe",
            msg: b"what do ya want for nothing?",
            mac: [
                0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95,
                0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9,
                0x64, 0xec, 0x38, 0x43,
            ],
        },
    ];

    const fn key(name: &'static str, key: u64, token: u32, idsn: u64) -> KeyCase {
        KeyCase {
            name,
            key,
            token,
            idsn,
        }
    }

    /// Tokens and IDSNs: edge keys (zero, one, top bit, all ones, so a byte-order or
    /// sign slip shows) and the keys used by the option vectors.
    pub const KEYS: &[KeyCase] = &[
        key("key 0", 0, 0xaf55_70f5, 0xe5b2_328d_e0e8_3dfc),
        key("key 1", 1, 0xcd26_6215, 0x19ec_5090_83d0_0a50),
        key(
            "key 0102..08",
            0x0102_0304_0506_0708,
            0x6684_0dda,
            0xf5a1_01d3_d29d_6f72,
        ),
        key(
            "key 1112..18",
            0x1112_1314_1516_1718,
            0xccad_45ac,
            0x535b_eea3_8e08_7c8e,
        ),
        key(
            "key top bit",
            0x8000_0000_0000_0000,
            0xb1b0_bee5,
            0x8e13_d367_c474_04a9,
        ),
        key("key all ones", u64::MAX, 0x12a3_ae44, 0x57fb_595b_bbac_f0ca),
        key(
            "key random",
            0x2cdf_64b2_a7e4_f2d1,
            0x1ec7_51f3,
            0x8500_e76f_8d76_2c33,
        ),
    ];

    /// MP_JOIN HMACs.
    ///
    /// The "linux" cases are net/mptcp/crypto_test.c's. Its hex-looking strings are used as
    /// raw ASCII bytes (it casts the strings, it does not parse them): the 16 key characters
    /// are Key-A || Key-B, the 8 message characters R-A || R-B, and its expected output is
    /// HMAC-A. HMAC-B for the same inputs is computed; the role swap in [`super::check_vectors`]
    /// ties it to Linux's data as well.
    pub const JOIN: &[JoinCase] = &[
        JoinCase {
            name: "linux crypto_test 1",
            auth: JoinAuth {
                initiator_key: u64::from_be_bytes(*b"0b0b0b0b"),
                listener_key: u64::from_be_bytes(*b"0b0b0b0b"),
                initiator_nonce: u32::from_be_bytes(*b"4869"),
                listener_nonce: u32::from_be_bytes(*b"2054"),
            },
            initiator_hmac: [
                0x83, 0x85, 0xe2, 0x4f, 0xb4, 0x23, 0x5a, 0xc3, 0x75, 0x56, 0xb6, 0xb8, 0x86, 0xdb,
                0x10, 0x62, 0x84, 0xa1, 0xda, 0x67, 0x16, 0x99, 0xf4, 0x6d, 0xb1, 0xf2, 0x35, 0xec,
                0x62, 0x2d, 0xca, 0xfa,
            ],
            listener_hmac: [
                0x41, 0xa4, 0x79, 0x91, 0x25, 0x2d, 0x98, 0x27, 0xdb, 0x78, 0xab, 0x6b, 0xe6, 0x3d,
                0xe3, 0xdb, 0x97, 0xf0, 0xba, 0x2c, 0x36, 0x7d, 0xe2, 0xda, 0x62, 0xa4, 0xee, 0xb5,
                0x0e, 0x8f, 0xe6, 0x99,
            ],
        },
        JoinCase {
            // Symmetric inputs, so HMAC-A and HMAC-B coincide.
            name: "linux crypto_test 2",
            auth: JoinAuth {
                initiator_key: u64::from_be_bytes(*b"aaaaaaaa"),
                listener_key: u64::from_be_bytes(*b"aaaaaaaa"),
                initiator_nonce: u32::from_be_bytes(*b"dddd"),
                listener_nonce: u32::from_be_bytes(*b"dddd"),
            },
            initiator_hmac: [
                0x2c, 0x5e, 0x21, 0x91, 0x64, 0xff, 0x1d, 0xca, 0x1c, 0x4a, 0x92, 0x31, 0x8d, 0x84,
                0x7b, 0xb6, 0xb9, 0xd4, 0x44, 0x92, 0x98, 0x4e, 0x1e, 0xb7, 0x1a, 0xff, 0x90, 0x22,
                0xf7, 0x10, 0x46, 0xe9,
            ],
            listener_hmac: [
                0x2c, 0x5e, 0x21, 0x91, 0x64, 0xff, 0x1d, 0xca, 0x1c, 0x4a, 0x92, 0x31, 0x8d, 0x84,
                0x7b, 0xb6, 0xb9, 0xd4, 0x44, 0x92, 0x98, 0x4e, 0x1e, 0xb7, 0x1a, 0xff, 0x90, 0x22,
                0xf7, 0x10, 0x46, 0xe9,
            ],
        },
        JoinCase {
            name: "linux crypto_test 3",
            auth: JoinAuth {
                initiator_key: u64::from_be_bytes(*b"01020304"),
                listener_key: u64::from_be_bytes(*b"05060708"),
                initiator_nonce: u32::from_be_bytes(*b"cdcd"),
                listener_nonce: u32::from_be_bytes(*b"cdcd"),
            },
            initiator_hmac: [
                0xe7, 0x3b, 0x9b, 0xa9, 0x96, 0x99, 0x69, 0xce, 0xfb, 0x04, 0xaa, 0x0d, 0x6d, 0xf1,
                0x8e, 0xc2, 0xfc, 0xc0, 0x75, 0xb6, 0xf2, 0x3b, 0x4d, 0x8c, 0x4d, 0xa7, 0x36, 0xa5,
                0xdb, 0xbc, 0x6e, 0x7d,
            ],
            listener_hmac: [
                0x64, 0x56, 0x80, 0x95, 0x33, 0x4c, 0xf7, 0x75, 0xd8, 0x4e, 0x07, 0x7c, 0x17, 0x71,
                0xf5, 0xc3, 0xda, 0xed, 0xb4, 0x63, 0xec, 0xbd, 0x88, 0xc6, 0x81, 0x29, 0xd8, 0x72,
                0xd3, 0xed, 0xc9, 0xed,
            ],
        },
        JoinCase {
            name: "join distinct keys and nonces",
            auth: JoinAuth {
                initiator_key: 0x0102_0304_0506_0708,
                listener_key: 0x1112_1314_1516_1718,
                initiator_nonce: 0x0123_4567,
                listener_nonce: 0x89ab_cdef,
            },
            initiator_hmac: [
                0x2c, 0x3a, 0x94, 0x7c, 0xa0, 0x6e, 0x1d, 0xf5, 0x76, 0x32, 0xab, 0x9a, 0xb9, 0x01,
                0x6b, 0x65, 0x62, 0x52, 0xba, 0x70, 0x11, 0xd4, 0x1d, 0x39, 0xa0, 0xd7, 0xe5, 0x04,
                0xf9, 0xb6, 0x89, 0x23,
            ],
            listener_hmac: [
                0x16, 0x82, 0x5f, 0x9f, 0xdc, 0x50, 0x71, 0x5e, 0xc1, 0xb6, 0x3c, 0x18, 0x3f, 0x5a,
                0x18, 0xdc, 0xab, 0x3d, 0xeb, 0x5c, 0xe4, 0x37, 0xdd, 0x74, 0x66, 0x7a, 0x67, 0xbc,
                0xd5, 0x5a, 0xdf, 0x23,
            ],
        },
        JoinCase {
            name: "join high bits set",
            auth: JoinAuth {
                initiator_key: 0xfedc_ba98_7654_3210,
                listener_key: 0x0f1e_2d3c_4b5a_6978,
                initiator_nonce: 0xdead_beef,
                listener_nonce: 0x0bad_f00d,
            },
            initiator_hmac: [
                0x2a, 0x33, 0xb8, 0xc4, 0x66, 0xee, 0xff, 0x4d, 0x9c, 0xa6, 0x2a, 0xfb, 0x67, 0xc7,
                0x4e, 0x0f, 0xfd, 0xe1, 0xd9, 0x7f, 0x64, 0x04, 0x9f, 0x6a, 0xec, 0xe7, 0x01, 0xd8,
                0x7b, 0xf8, 0xf1, 0x92,
            ],
            listener_hmac: [
                0x26, 0x29, 0x62, 0x07, 0x0a, 0xf3, 0x0d, 0x41, 0xaf, 0x80, 0x56, 0x83, 0xd1, 0x25,
                0xc1, 0x48, 0xf7, 0x7a, 0x92, 0x4c, 0x43, 0x95, 0xf9, 0x3d, 0x3f, 0x73, 0xc3, 0x98,
                0x41, 0xe0, 0x76, 0xb0,
            ],
        },
    ];

    const KEY_A: u64 = 0x0102_0304_0506_0708;
    const KEY_B: u64 = 0x1112_1314_1516_1718;
    const V4: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    const fn add_addr(
        name: &'static str,
        sender_key: u64,
        receiver_key: u64,
        id: u8,
        addr: IpAddr,
        port: Option<u16>,
        hmac: u64,
    ) -> AddAddrCase {
        AddAddrCase {
            name,
            auth: AddAddrAuth {
                sender_key,
                receiver_key,
                id,
                addr,
                port,
            },
            hmac,
        }
    }

    /// ADD_ADDR Truncated HMACs (rightmost 64 bits), with and without a port, for both
    /// families, and with the keys' roles exchanged.
    pub const ADD_ADDR: &[AddAddrCase] = &[
        add_addr(
            "add_addr v4",
            KEY_A,
            KEY_B,
            1,
            V4,
            None,
            0x4e42_b6a2_5d2d_16fb,
        ),
        add_addr(
            "add_addr v4 port",
            KEY_A,
            KEY_B,
            1,
            V4,
            Some(8080),
            0x6222_0c00_a0eb_2116,
        ),
        add_addr(
            "add_addr v4 other sender",
            KEY_B,
            KEY_A,
            1,
            V4,
            None,
            0xf703_ec3e_fc2f_29dd,
        ),
        add_addr(
            "add_addr v6",
            KEY_A,
            KEY_B,
            5,
            IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
            None,
            0xc861_db63_200c_1a82,
        ),
        add_addr(
            "add_addr v6 port",
            KEY_A,
            KEY_B,
            255,
            IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6)),
            Some(443),
            0x82c2_1ca8_1c44_62fc,
        ),
    ];
}
