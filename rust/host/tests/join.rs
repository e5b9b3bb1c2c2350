// SPDX-License-Identifier: GPL-2.0

//! The MP_JOIN handshake (rust/proto/join.rs): both roles driven against each other, each
//! option through its encoder and parser as on the wire, and every way a join must fail.

mod common;

use common::RustCrypto;
use mptcp_proto::{
    crypto::key_hash,
    join::{Initiator, InitiatorPhase, JoinError, Peer, Responder},
    mp_join::MpJoin,
    option::{parse, MptcpOption, SegmentCtx},
};

const KEY_A: u64 = 0x0102_0304_0506_0708;
const KEY_B: u64 = 0x1112_1314_1516_1718;

/// `opt` encoded, then parsed back as it would arrive on a segment of kind `seg`.
fn wire(opt: &MpJoin, seg: SegmentCtx) -> MpJoin {
    let mut buf = [0u8; 40];
    let n = opt.encode(&mut buf).expect("encodes");
    let Ok(MptcpOption::MpJoin(join)) = parse(&buf[..n], seg) else {
        panic!("an MP_JOIN comes back")
    };
    assert_eq!(&join, opt, "the option survives the wire");
    join
}

fn handshake(init_backup: bool, resp_backup: bool) -> (Initiator, Responder) {
    let d = RustCrypto;
    // Host A joins a connection whose keys are KEY_A (its own) and KEY_B (host B's).
    let mut a = Initiator::new(&d, KEY_A, KEY_B, 0xaaaa_0001, 3, init_backup);
    let syn = wire(&a.syn_option(), SegmentCtx::SYN);
    let MpJoin::Syn { token, .. } = syn else {
        panic!("a SYN form")
    };
    assert_eq!(
        token,
        key_hash(&d, KEY_B).token,
        "the SYN names B's connection by B's token"
    );

    let (mut b, syn_ack) =
        Responder::syn(&d, &syn, KEY_B, KEY_A, 0xbbbb_0002, 7, resp_backup).expect("a join SYN");
    let syn_ack = wire(&syn_ack, SegmentCtx::SYN_ACK);
    let ack = a.syn_ack(&d, Some(&syn_ack)).expect("B's HMAC checks out");
    assert_eq!(a.phase(), InitiatorPhase::AwaitAck);
    let ack = wire(&ack, SegmentCtx::ACK);
    b.third_ack(&d, Some(&ack)).expect("A's HMAC checks out");
    assert!(b.is_established());
    (a, b)
}

#[test]
fn both_roles_agree_and_learn_each_others_id_and_backup_wish() {
    let (mut a, b) = handshake(true, false);
    assert_eq!(
        a.peer(),
        Some(Peer {
            addr_id: 7,
            backup: false
        })
    );
    assert_eq!(
        b.peer(),
        Peer {
            addr_id: 3,
            backup: true
        }
    );
    // Until B acknowledges it, A repeats the third ACK's option; then data may flow.
    assert!(matches!(
        a.ack_option(&RustCrypto),
        Some(MpJoin::Ack { .. })
    ));
    a.third_ack_acked();
    assert_eq!(a.phase(), InitiatorPhase::Established);
    assert_eq!(a.ack_option(&RustCrypto), None);
}

#[test]
fn a_syn_ack_from_a_host_without_the_key_is_refused() {
    let d = RustCrypto;
    let mut a = Initiator::new(&d, KEY_A, KEY_B, 1, 0, false);
    // An attacker that saw the SYN but not the keys answers with its own key.
    let (_, forged) = Responder::syn(&d, &a.syn_option(), 0xdead_beef, KEY_A, 2, 0, false).unwrap();
    assert_eq!(a.syn_ack(&d, Some(&forged)), Err(JoinError::SynAckHmac));
    assert_eq!(a.phase(), InitiatorPhase::SynSent);
    assert_eq!(a.peer(), None);
}

#[test]
fn a_third_ack_without_the_initiators_hmac_is_refused() {
    let d = RustCrypto;
    let mut a = Initiator::new(&d, KEY_A, KEY_B, 1, 0, false);
    let (mut b, syn_ack) = Responder::syn(&d, &a.syn_option(), KEY_B, KEY_A, 2, 0, false).unwrap();
    // A host without A's key can only guess the HMAC.
    let guessed = MpJoin::Ack { hmac: [0x42; 20] };
    assert_eq!(b.third_ack(&d, Some(&guessed)), Err(JoinError::AckHmac));
    // One bit off the genuine HMAC is as wrong.
    let MpJoin::Ack { hmac: mut flipped } = a.syn_ack(&d, Some(&syn_ack)).unwrap() else {
        unreachable!("the third ACK's form")
    };
    flipped[19] ^= 1;
    assert_eq!(
        b.third_ack(&d, Some(&MpJoin::Ack { hmac: flipped })),
        Err(JoinError::AckHmac)
    );
    assert!(!b.is_established());
}

#[test]
fn missing_or_misplaced_options_are_refused() {
    let d = RustCrypto;
    let mut a = Initiator::new(&d, KEY_A, KEY_B, 1, 0, false);
    assert_eq!(a.syn_ack(&d, None), Err(JoinError::MissingOption));
    let syn = a.syn_option();
    assert_eq!(a.syn_ack(&d, Some(&syn)), Err(JoinError::MissingOption));
    let (mut b, syn_ack) = Responder::syn(&d, &syn, KEY_B, KEY_A, 2, 0, false).unwrap();
    assert!(Responder::syn(&d, &syn_ack, KEY_B, KEY_A, 2, 0, false).is_none());
    assert_eq!(b.third_ack(&d, None), Err(JoinError::MissingOption));
    assert_eq!(
        b.third_ack(&d, Some(&syn_ack)),
        Err(JoinError::MissingOption)
    );
}

#[test]
fn repeats_are_answered_alike_and_later_acks_need_no_option() {
    let (mut a, mut b) = handshake(false, false);
    // A repeated third ACK, or later ACKs without the option, leave B joined.
    assert_eq!(b.third_ack(&RustCrypto, None), Ok(()));
    assert!(b.is_established());
    a.third_ack_acked();
    a.third_ack_acked();
    assert_eq!(a.phase(), InitiatorPhase::Established);
}

#[test]
fn every_nonce_and_key_pair_yields_a_working_handshake() {
    let d = RustCrypto;
    let mut rng = common::Rng(0x6a6f_696e);
    for _ in 0..200 {
        let (ka, kb) = (rng.next(), rng.next());
        let (na, nb) = (rng.next() as u32, rng.next() as u32);
        let mut a = Initiator::new(&d, ka, kb, na, 1, false);
        let (mut b, syn_ack) = Responder::syn(&d, &a.syn_option(), kb, ka, nb, 2, false).unwrap();
        let ack = a.syn_ack(&d, Some(&syn_ack)).unwrap();
        b.third_ack(&d, Some(&ack)).unwrap();
    }
}
