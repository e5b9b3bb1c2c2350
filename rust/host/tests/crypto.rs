// SPDX-License-Identifier: GPL-2.0

//! The shared crypto vectors (also run by KUnit with the kernel's digest) over RustCrypto, and
//! random-input comparisons against the RFC 8684 byte layouts written out here by hand, with
//! `sha2`/`hmac` used directly rather than through the core's code.

mod common;
use common::{Rng, RustCrypto};

use hmac::{Hmac, KeyInit, Mac};
use mptcp_proto::crypto::{
    self, key_hash, unique_key, AddAddrAuth, Digest, JoinAuth, KeyHash, DIGEST_LEN, KEY_TRIES,
    THIRD_ACK_HMAC_LEN,
};
use sha2::{Digest as _, Sha256};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn hmac_direct(key: &[u8], msg: &[u8]) -> [u8; DIGEST_LEN] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

#[test]
fn shared_vectors() {
    let d = RustCrypto;
    let total = crypto::vectors::SHA256.len()
        + crypto::vectors::HMAC_SHA256.len()
        + crypto::vectors::KEYS.len()
        + crypto::vectors::JOIN.len()
        + crypto::vectors::ADD_ADDR.len();
    assert_eq!(crypto::check_vectors(&d), Ok(total));
    // The provider is usable as a trait object too, as the kernel side may want.
    assert_eq!(crypto::check_vectors(&d as &dyn Digest), Ok(total));
}

/// RFC 4231 test case 2, straight against the host provider (the shared table has it too,
/// but this one does not depend on the table being right).
#[test]
fn host_hmac_is_rfc4231() {
    let mac = RustCrypto.hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

fn token_idsn_direct(key: u64) -> KeyHash {
    let hash = Sha256::digest(key.to_be_bytes());
    KeyHash {
        token: u32::from_be_bytes(hash[..4].try_into().unwrap()),
        idsn: u64::from_be_bytes(hash[24..].try_into().unwrap()),
    }
}

#[test]
fn token_and_idsn_match_direct_sha256() {
    let mut rng = Rng(0x6d70_7463_706b_6579);
    let keys = [0, 1, u64::MAX, 1 << 63]
        .into_iter()
        .chain((0..2000).map(|_| rng.next()));
    for key in keys {
        assert_eq!(
            crypto::key_hash(&RustCrypto, key),
            token_idsn_direct(key),
            "key {key:#018x}"
        );
    }
    // And the shared table agrees with this independent computation.
    for case in crypto::vectors::KEYS {
        assert_eq!(
            token_idsn_direct(case.key),
            KeyHash {
                token: case.token,
                idsn: case.idsn
            },
            "{}",
            case.name
        );
    }
}

#[test]
fn join_hmacs_match_rfc_layout() {
    let d = RustCrypto;
    let mut rng = Rng(0x6a6f_696e);
    for _ in 0..1000 {
        let (ka, kb, nonces) = (rng.next(), rng.next(), rng.next());
        let (ra, rb) = ((nonces >> 32) as u32, nonces as u32);
        let auth = JoinAuth {
            initiator_key: ka,
            listener_key: kb,
            initiator_nonce: ra,
            listener_nonce: rb,
        };

        // HMAC-A = HMAC(Key-A || Key-B, R-A || R-B); HMAC-B = HMAC(Key-B || Key-A, R-B || R-A).
        let hmac_a = hmac_direct(
            &[ka.to_be_bytes(), kb.to_be_bytes()].concat(),
            &[ra.to_be_bytes(), rb.to_be_bytes()].concat(),
        );
        let hmac_b = hmac_direct(
            &[kb.to_be_bytes(), ka.to_be_bytes()].concat(),
            &[rb.to_be_bytes(), ra.to_be_bytes()].concat(),
        );
        assert_eq!(auth.initiator_hmac(&d), hmac_a);
        assert_eq!(auth.listener_hmac(&d), hmac_b);
        assert_eq!(auth.syn_ack_hmac(&d).to_be_bytes(), hmac_b[..8]);
        assert_eq!(auth.third_ack_hmac(&d), hmac_a[..THIRD_ACK_HMAC_LEN]);

        let mut received: [u8; THIRD_ACK_HMAC_LEN] =
            hmac_a[..THIRD_ACK_HMAC_LEN].try_into().unwrap();
        assert!(auth.third_ack_hmac_matches(&d, &received));
        let bit = (rng.next() % (THIRD_ACK_HMAC_LEN as u64 * 8)) as usize;
        received[bit / 8] ^= 1 << (bit % 8);
        assert!(
            !auth.third_ack_hmac_matches(&d, &received),
            "flipped bit {bit} accepted"
        );
    }
}

fn add_addr_direct(sender: u64, receiver: u64, id: u8, addr: IpAddr, port: Option<u16>) -> u64 {
    let mut msg = vec![id];
    match addr {
        IpAddr::V4(a) => msg.extend_from_slice(&a.octets()),
        IpAddr::V6(a) => msg.extend_from_slice(&a.octets()),
    }
    // RFC 8684 section 3.4.1: without a port, two zero octets are hashed all the same.
    msg.extend_from_slice(&port.unwrap_or(0).to_be_bytes());
    let mac = hmac_direct(
        &[sender.to_be_bytes(), receiver.to_be_bytes()].concat(),
        &msg,
    );
    u64::from_be_bytes(mac[DIGEST_LEN - 8..].try_into().unwrap())
}

#[test]
fn add_addr_hmac_matches_rfc_layout() {
    let d = RustCrypto;
    let mut rng = Rng(0x6164_6461_6464_7200);
    for i in 0..1000 {
        let (sender_key, receiver_key, r) = (rng.next(), rng.next(), rng.next());
        let addr = if i % 2 == 0 {
            IpAddr::V4(Ipv4Addr::from(r as u32))
        } else {
            IpAddr::V6(Ipv6Addr::from(
                (u128::from(r) << 64) | u128::from(rng.next()),
            ))
        };
        let port = if i % 3 == 0 {
            None
        } else {
            Some((r >> 40) as u16)
        };
        let id = (r >> 56) as u8;
        let auth = AddAddrAuth {
            sender_key,
            receiver_key,
            id,
            addr,
            port,
        };
        assert_eq!(
            auth.hmac(&d),
            add_addr_direct(sender_key, receiver_key, id, addr, port),
            "{auth:?}"
        );
    }
}

/// The role of each key matters: swapping them changes every HMAC, so a caller that mixes
/// up local and remote keys fails the peer's check rather than passing by accident.
#[test]
fn key_order_matters() {
    let d = RustCrypto;
    let auth = AddAddrAuth {
        sender_key: 1,
        receiver_key: 2,
        id: 3,
        addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: None,
    };
    assert_ne!(
        auth.hmac(&d),
        AddAddrAuth {
            sender_key: 2,
            receiver_key: 1,
            ..auth
        }
        .hmac(&d)
    );
    let join = JoinAuth {
        initiator_key: 1,
        listener_key: 2,
        initiator_nonce: 3,
        listener_nonce: 4,
    };
    assert_ne!(join.initiator_hmac(&d), join.listener_hmac(&d));
}

#[test]
fn a_new_key_avoids_tokens_in_use() {
    let d = RustCrypto;
    let mut next = 0u64;
    let mut random = || {
        next += 1;
        next
    };
    // The first two keys' tokens are taken: the third key is the connection's.
    let taken = [key_hash(&d, 1).token, key_hash(&d, 2).token];
    let mut claim = |token: u32| (!taken.contains(&token)).then_some(token);
    let (key, token) = unique_key(&d, &mut random, &mut claim).expect("a free token");
    assert_eq!((key, token), (3, key_hash(&d, 3).token));
    // Every token taken: no key after KEY_TRIES draws (the connection falls back to TCP).
    let mut draws = 0;
    let mut random = || {
        draws += 1;
        draws
    };
    assert_eq!(unique_key(&d, &mut random, &mut |_| None::<()>), None);
    assert_eq!(draws, u64::from(KEY_TRIES));
}
