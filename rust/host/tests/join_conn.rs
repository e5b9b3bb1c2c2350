// SPDX-License-Identifier: GPL-2.0

//! An additional subflow's `Conn` (rust/proto/conn.rs) in both MP_JOIN roles, driven against
//! each other segment by segment with the options as they go on the wire: the listener's
//! request words, the handshake, the third ACK repeated until acknowledged, DSS afterwards,
//! and the failures that reset the subflow.

mod common;

use common::{ack_in, options, Counted, RustCrypto};
use mptcp_proto::{
    conn::{Conn, Event, InSeg, OutSeg, Phase, Place, Verdict},
    crypto::key_hash,
    join::{self, JoinRequest, Peer},
    mp_join::MpJoin,
    mp_tcprst::reason,
    option::{MptcpOption, SegmentCtx},
};

const KEY_A: u64 = 0x0a0b_0c0d_0e0f_1011; // the initiator's (the host opening the subflow)
const KEY_B: u64 = 0x2122_2324_2526_2728; // the responder's
const ISN_A: u32 = 0xffff_fffa; // wraps right after the handshake
const ISN_B: u32 = 7000;

/// The option bytes of `opt`, as a TCP option area.
fn area(opt: MptcpOption) -> Vec<u8> {
    let mut buf = [0u8; 40];
    let n = mptcp_proto::conn::write_padded(&opt, &mut buf);
    buf[..n].to_vec()
}

/// Options `conn` puts on a pure ACK at `seq`.
fn ack_options(conn: &mut Conn, seq: u32, events: &mut Counted) -> Vec<u8> {
    let seg = OutSeg {
        seq,
        snd_una: seq,
        ..Default::default()
    };
    let mut buf = [0u8; 40];
    let n = conn.established_options(&seg, &mut || 0, &mut buf, events);
    buf[..n].to_vec()
}

/// The options `conn` puts on a RST.
fn rst_options(conn: &mut Conn, events: &mut Counted) -> Vec<MptcpOption> {
    let rst = OutSeg {
        rst: true,
        ..Default::default()
    };
    let mut buf = [0u8; 40];
    let n = conn.established_options(&rst, &mut || 0, &mut buf, events);
    options(&buf[..n], SegmentCtx::RST)
}

/// The initiator after its SYN, and the listener's request and SYN/ACK area for it.
fn syn(events: &mut Counted) -> (Conn, JoinRequest, Vec<u8>) {
    let d = RustCrypto;
    let mut a = Conn::join_initiator(KEY_A, KEY_B, false, (0x5eed_0001, 4, true), &d);
    assert!(a.is_join());
    let mut buf = [0u8; 40];
    let n = a.syn_options(ISN_A, &mut buf, events);
    let [MptcpOption::MpJoin(syn)] = options(&buf[..n], SegmentCtx::SYN)[..] else {
        panic!("one MP_JOIN on the SYN")
    };
    assert_eq!(a.phase(), Phase::SynSent);
    assert!(
        matches!(syn, MpJoin::Syn { token, nonce: 0x5eed_0001, addr_id: 4, backup: true }
            if token == key_hash(&d, KEY_B).token)
    );
    // The listener found the connection by the token and answers from its address 0.
    let req = JoinRequest::from_syn(&syn, 0x5eed_0002, 0, false).expect("a SYN form");
    assert_eq!(JoinRequest::from_words(req.to_words()), Some(req));
    let (_, syn_ack) = req.responder(&d, KEY_B, KEY_A);
    (a, req, area(MptcpOption::MpJoin(syn_ack)))
}

#[test]
fn a_join_completes_both_ways_and_then_speaks_dss() {
    let d = RustCrypto;
    let mut ev = Counted::default();
    let (mut a, req, syn_ack) = syn(&mut ev);
    assert_eq!(
        a.syn_ack(ISN_B, ISN_A.wrapping_add(1), 65535, &syn_ack, &d, &mut ev),
        Verdict::Accept
    );
    assert_eq!(a.phase(), Phase::Established);
    // The child of the listener waits for the third ACK.
    let mut b = Conn::join_responder(&req, (KEY_B, KEY_A, false), ISN_B, ISN_A, &d);
    assert_eq!(b.phase(), Phase::AwaitKeys);
    let third = ack_options(&mut a, ISN_A.wrapping_add(1), &mut ev);
    assert!(matches!(
        options(&third, SegmentCtx::ACK)[..],
        [MptcpOption::MpJoin(MpJoin::Ack { .. })]
    ));
    // Lost: the next ACK repeats it.
    assert_eq!(ack_options(&mut a, ISN_A.wrapping_add(1), &mut ev), third);
    let verdict = b.incoming(&ack_in(ISN_A.wrapping_add(1)), &third, &d, &mut ev);
    assert_eq!(
        verdict,
        Verdict::AcceptAckNow,
        "the responder acknowledges at once"
    );
    assert_eq!(b.phase(), Phase::Established);
    // The responder's ACK: a DSS with the DATA_ACK and nothing else.
    let b_ack = ack_options(&mut b, ISN_B.wrapping_add(1), &mut ev);
    let [MptcpOption::Dss(dss)] = options(&b_ack, SegmentCtx::ACK)[..] else {
        panic!("one DSS")
    };
    assert!(dss.data_ack.is_some() && dss.mapping.is_none() && !dss.data_fin);
    // It reaches the initiator: the third ACK stops, DSS follows.
    let v = a.incoming(&ack_in(ISN_B.wrapping_add(1)), &b_ack, &d, &mut ev);
    assert_eq!(v, Verdict::Accept);
    let next = ack_options(&mut a, ISN_A.wrapping_add(1), &mut ev);
    assert!(matches!(
        options(&next, SegmentCtx::ACK)[..],
        [MptcpOption::Dss(_)]
    ));
    assert_eq!(ev.0, [Event::JoinSynTx, Event::JoinSynAckRx]);
}

#[test]
fn a_joined_subflow_places_only_mapped_bytes() {
    let d = RustCrypto;
    let mut ev = Counted::default();
    let (_, req, _) = syn(&mut ev);
    let mut b = Conn::join_responder(&req, (KEY_B, KEY_A, false), ISN_B, ISN_A, &d);
    let (mut a2, _, syn_ack) = syn(&mut ev);
    a2.syn_ack(ISN_B, ISN_A.wrapping_add(1), 65535, &syn_ack, &d, &mut ev);
    let third = ack_options(&mut a2, ISN_A.wrapping_add(1), &mut ev);
    b.incoming(&ack_in(ISN_A.wrapping_add(1)), &third, &d, &mut ev);
    let first = ISN_A.wrapping_add(1);
    // No implicit mapping on a join: unmapped bytes are broken.
    assert_eq!(b.rx_place(first, 100), Place::Broken);
    // Bytes of the stream the peer sends here, anywhere in its data sequence space.
    let dsn = key_hash(&d, KEY_A).idsn.wrapping_add(5001);
    let dss = mptcp_proto::dss::Dss {
        data_fin: false,
        data_ack: None,
        mapping: Some(mptcp_proto::dss::Mapping {
            dsn: mptcp_proto::dss::SeqNum::Full(dsn),
            subflow_seq: 1,
            data_len: 300,
            checksum: None,
        }),
    };
    let seg = InSeg {
        payload: 300,
        ..ack_in(first)
    };
    let v = b.incoming(&seg, &area(MptcpOption::Dss(dss)), &d, &mut ev);
    assert_eq!(v, Verdict::Accept);
    assert_eq!(b.rx_place(first, 300), Place::Stream { dsn, len: 300 });
    // The DATA_ACK follows the msk's stream, whichever subflow brought it.
    b.rx_moved(first.wrapping_add(300), Some(dsn.wrapping_add(300)));
    let ack = ack_options(&mut b, ISN_B.wrapping_add(1), &mut ev);
    let [MptcpOption::Dss(dss)] = options(&ack, SegmentCtx::ACK)[..] else {
        panic!("one DSS")
    };
    assert_eq!(
        dss.data_ack,
        Some(mptcp_proto::dss::SeqNum::Full(dsn.wrapping_add(300)))
    );
}

#[test]
fn a_forged_or_missing_join_option_resets_the_subflow() {
    let d = RustCrypto;
    // A SYN/ACK whose HMAC is off by one bit.
    let mut ev = Counted::default();
    let (mut a, req, _) = syn(&mut ev);
    let (_, syn_ack) = req.responder(&d, KEY_B, KEY_A);
    let MpJoin::SynAck {
        backup,
        addr_id,
        truncated_hmac,
        nonce,
    } = syn_ack
    else {
        panic!("a SYN/ACK form")
    };
    let forged = MpJoin::SynAck {
        backup,
        addr_id,
        truncated_hmac: truncated_hmac ^ 1,
        nonce,
    };
    let v = a.syn_ack(
        ISN_B,
        ISN_A.wrapping_add(1),
        65535,
        &area(MptcpOption::MpJoin(forged)),
        &d,
        &mut ev,
    );
    assert_eq!(v, Verdict::Reset(reason::UNSPECIFIED));
    assert!(ev.0.contains(&Event::JoinSynAckHmacFailure));
    assert_eq!(a.phase(), Phase::Reset);

    // A SYN/ACK without MP_JOIN: a join cannot fall back.
    let mut ev = Counted::default();
    let (mut a, _, _) = syn(&mut ev);
    let v = a.syn_ack(ISN_B, ISN_A.wrapping_add(1), 65535, &[], &d, &mut ev);
    assert_eq!(v, Verdict::Reset(reason::UNSPECIFIED));
    assert!(ev.0.contains(&Event::JoinSynAckNoMpJoin));

    // A third ACK from someone who does not know KEY_A.
    let mut ev = Counted::default();
    let (_, req, _) = syn(&mut ev);
    let mut b = Conn::join_responder(&req, (KEY_B, KEY_A, false), ISN_B, ISN_A, &d);
    let mut impostor = Conn::join_initiator(KEY_A ^ 1, KEY_B, false, (0x5eed_0001, 4, true), &d);
    let mut buf = [0u8; 40];
    impostor.syn_options(ISN_A, &mut buf, &mut ev);
    let (_, their_syn_ack) = JoinRequest {
        token: req.token,
        ..req
    }
    .responder(&d, KEY_B, KEY_A ^ 1);
    impostor.syn_ack(
        ISN_B,
        ISN_A.wrapping_add(1),
        65535,
        &area(MptcpOption::MpJoin(their_syn_ack)),
        &d,
        &mut ev,
    );
    let forged_third = ack_options(&mut impostor, ISN_A.wrapping_add(1), &mut ev);
    let v = b.incoming(&ack_in(ISN_A.wrapping_add(1)), &forged_third, &d, &mut ev);
    assert_eq!(v, Verdict::Reset(reason::UNSPECIFIED));
    assert!(ev.0.contains(&Event::JoinAckHmacFailure));
    // Nor does an ACK without any MP_JOIN let a subflow in.
    let mut b = Conn::join_responder(&req, (KEY_B, KEY_A, false), ISN_B, ISN_A, &d);
    let v = b.incoming(&ack_in(ISN_A.wrapping_add(1)), &[], &d, &mut ev);
    assert_eq!(v, Verdict::Reset(reason::UNSPECIFIED));
    assert!(ev.0.contains(&Event::JoinAckNoMpJoin));
    // Its reset carries MP_TCPRST only: a join's reset is no MP_FASTCLOSE.
    assert!(matches!(
        rst_options(&mut b, &mut ev)[..],
        [MptcpOption::TcpRst(_)]
    ));
}

#[test]
fn join_request_words_keep_every_field() {
    for (peer_id, peer_backup, id, backup) in [
        (0, false, 0, false),
        (255, true, 7, true),
        (9, false, 200, true),
    ] {
        let req = JoinRequest {
            token: 0xdead_beef,
            peer_nonce: 0x0102_0304,
            local_nonce: 0xfffe_fdfc,
            peer: Peer {
                addr_id: peer_id,
                backup: peer_backup,
            },
            addr_id: id,
            backup,
        };
        assert_eq!(JoinRequest::from_words(req.to_words()), Some(req));
    }
    // The words of an MP_CAPABLE or plain request are no join's.
    let mpc = mptcp_proto::conn::Request {
        local_key: u64::MAX,
        checksums: true,
        deny_join_id0: true,
        peer_denies_join_id0: true,
    };
    assert_eq!(JoinRequest::from_words(mpc.to_words()), None);
    assert!(!mptcp_proto::join::is_join_request(mpc.to_words()));
    assert_eq!(
        JoinRequest::from_words(mptcp_proto::conn::PLAIN_REQUEST_WORDS),
        None
    );
    assert_eq!(JoinRequest::from_words([0, 0]), None);
    // And a join's are no MP_CAPABLE request's.
    let req = JoinRequest {
        token: 1,
        peer_nonce: 2,
        local_nonce: 3,
        peer: Peer {
            addr_id: 4,
            backup: true,
        },
        addr_id: 5,
        backup: true,
    };
    assert_eq!(mptcp_proto::conn::Request::from_words(req.to_words()), None);
}

#[test]
fn a_refused_join_resets_at_its_first_segment_with_the_reason() {
    let d = RustCrypto;
    let mut ev = Counted::default();
    let (mut a, req, _) = syn(&mut ev);
    // The listener's SYN carried MP_JOIN: found by the SYN's options.
    let mut buf = [0u8; 40];
    let mut a2 = Conn::join_initiator(KEY_A, KEY_B, false, (1, 2, false), &d);
    let n = a2.syn_options(ISN_A, &mut buf, &mut ev);
    assert!(matches!(
        mptcp_proto::conn::find_join_syn(&buf[..n]),
        Some(MpJoin::Syn { token, .. }) if token == req.token
    ));
    assert_eq!(mptcp_proto::conn::find_join_syn(&[]), None);
    // Refused for want of room: answered without MP_JOIN (the initiator resets), and its
    // words say so, for the child that a peer completing the handshake anyway would make.
    let words = join::refused_request_words(reason::PROHIBITED);
    assert!(join::is_join_request(words));
    assert!(join::is_join_request(req.to_words()));
    assert!(!join::is_join_request(
        mptcp_proto::conn::PLAIN_REQUEST_WORDS
    ));
    assert_eq!(join::refused_request(words), Some(reason::PROHIBITED));
    assert_eq!(join::refused_request(req.to_words()), None);
    assert_eq!(JoinRequest::from_words(words), None);
    assert_eq!(mptcp_proto::conn::Request::from_words(words), None);
    let v = a.syn_ack(ISN_B, ISN_A.wrapping_add(1), 65535, &[], &d, &mut ev);
    assert_eq!(v, Verdict::Reset(reason::UNSPECIFIED));
    // The child: reset once, whatever its first segment says, with the reason on its RST.
    let mut child = Conn::join_refused(reason::PROHIBITED, ISN_B, ISN_A);
    assert!(child.is_join());
    let third = ack_options(&mut a, ISN_A.wrapping_add(1), &mut ev);
    let v = child.incoming(&ack_in(ISN_A.wrapping_add(1)), &third, &d, &mut ev);
    assert_eq!(v, Verdict::Reset(reason::PROHIBITED));
    let v = child.incoming(&ack_in(ISN_A.wrapping_add(1)), &third, &d, &mut ev);
    assert_eq!(v, Verdict::Accept, "the reset is decided once");
    assert!(matches!(
        rst_options(&mut child, &mut ev)[..],
        [MptcpOption::TcpRst(r)] if r.reason == reason::PROHIBITED
    ));
    assert_eq!(child.join_keys(), None);
}

#[test]
fn an_accepted_join_can_still_be_refused_by_its_connection() {
    let d = RustCrypto;
    let mut ev = Counted::default();
    let (_, req, _) = syn(&mut ev);
    let mut b = Conn::join_responder(&req, (KEY_B, KEY_A, false), ISN_B, ISN_A, &d);
    assert!(b.join_refuse(reason::PROHIBITED));
    assert_eq!(b.phase(), Phase::Reset);
    assert!(!b.join_refuse(reason::PROHIBITED), "once");
    // A join's keys are not the connection's to hand out again.
    assert_eq!(b.join_keys(), None);
}

#[test]
fn a_syn_cookie_child_never_takes_a_join_as_plain_tcp() {
    // The listener answered a join SYN with a cookie: its child knows nothing of the
    // request, so the join's third ACK cannot be checked. It must not fall back to TCP
    // (an `accept()`able connection of its own): it resets.
    let d = RustCrypto;
    let mut ev = Counted::default();
    let (mut a, _, syn_ack) = syn(&mut ev);
    a.syn_ack(ISN_B, ISN_A.wrapping_add(1), 65535, &syn_ack, &d, &mut ev);
    let third = ack_options(&mut a, ISN_A.wrapping_add(1), &mut ev);
    let mut child = Conn::passive_cookie(ISN_B, ISN_A, false);
    let v = child.incoming(&ack_in(ISN_A.wrapping_add(1)), &third, &d, &mut ev);
    assert_eq!(v, Verdict::Reset(reason::PROHIBITED));
    assert_eq!(child.phase(), Phase::Reset);
    assert!(ev.0.contains(&Event::JoinRejected));
    // A cookie child whose third ACK has no MPTCP option at all is plain TCP, as before.
    let mut plain = Conn::passive_cookie(ISN_B, ISN_A, false);
    let v = plain.incoming(&ack_in(ISN_A.wrapping_add(1)), &[], &d, &mut ev);
    assert_eq!(v, Verdict::Accept);
    assert_eq!(plain.phase(), Phase::Fallback);
}
