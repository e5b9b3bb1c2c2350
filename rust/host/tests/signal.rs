// SPDX-License-Identifier: GPL-2.0

//! ADD_ADDR, REMOVE_ADDR and MP_PRIO between two established subflows (`rust/proto/signal.rs`
//! through `Conn`): an announcement goes out alone on a pure ACK with the sender's HMAC, the
//! receiver checks it, echoes it at once and hands it to the path manager; forged and
//! oversized ones, data segments, and a join's pending third ACK; backup wishes.

mod common;

use common::{ack_in, options, Counted, RustCrypto};
use mptcp_proto::{
    add_addr::{AddAddr, Address},
    conn::{Conn, Event, OutSeg, Verdict},
    crypto::{AddAddrAuth, Digest},
    join::JoinRequest,
    mp_join::MpJoin,
    mp_prio::MpPrio,
    option::{MptcpOption, SegmentCtx},
    remove_addr::RemoveAddr,
    signal::Announcement,
};

const KEY_A: u64 = 0x0a0b_0c0d_0e0f_1011;
const KEY_B: u64 = 0x2122_2324_2526_2728;
const ISN_A: u32 = 5000;
const ISN_B: u32 = 7000;
/// A pure ACK's option space next to timestamps.
const ROOM: usize = 28;

fn area(opt: MptcpOption) -> Vec<u8> {
    let mut buf = [0u8; 40];
    let n = mptcp_proto::conn::write_padded(&opt, &mut buf);
    buf[..n].to_vec()
}

/// Options of a segment of `conn` at `seq` with `payload` bytes, in `ROOM` bytes.
fn out(conn: &mut Conn, seq: u32, payload: u32, ev: &mut Counted) -> Vec<MptcpOption> {
    let seg = OutSeg {
        seq,
        payload,
        snd_una: seq,
        ..Default::default()
    };
    let mut buf = [0u8; ROOM];
    let n = conn.established_options(&seg, &mut || 0, &mut buf, ev);
    options(&buf[..n], SegmentCtx::ACK)
}

fn deliver(to: &mut Conn, seq: u32, opts: &[MptcpOption], ev: &mut Counted) -> Verdict {
    let bytes: Vec<u8> = opts.iter().flat_map(|o| area(*o)).collect();
    to.incoming(&ack_in(seq), &bytes, &RustCrypto, ev)
}

/// Two subflows of one connection, A (which opened it with MP_JOIN) and B, both established
/// and past the third ACK, so neither repeats a handshake option.
fn pair() -> (Conn, Conn) {
    let d = RustCrypto;
    let mut ev = Counted::default();
    let (mut a, req) = initiator_after_syn_ack(&mut ev);
    let mut b = Conn::join_responder(&req, (KEY_B, KEY_A, false), ISN_B, ISN_A, &d);
    let third = out(&mut a, ISN_A + 1, 0, &mut ev);
    deliver(&mut b, ISN_A + 1, &third, &mut ev);
    let b_ack = out(&mut b, ISN_B + 1, 0, &mut ev);
    deliver(&mut a, ISN_B + 1, &b_ack, &mut ev);
    (a, b)
}

/// A's join after the responder's SYN/ACK (its third ACK not sent yet), and B's request.
fn initiator_after_syn_ack(ev: &mut Counted) -> (Conn, JoinRequest) {
    let d = RustCrypto;
    let mut a = Conn::join_initiator(KEY_A, KEY_B, false, (0x5eed_0001, 1, false), &d);
    let mut buf = [0u8; 40];
    let n = a.syn_options(ISN_A, &mut buf, ev);
    let [MptcpOption::MpJoin(syn)] = options(&buf[..n], SegmentCtx::SYN)[..] else {
        panic!("an MP_JOIN SYN")
    };
    let req = JoinRequest::from_syn(&syn, 0x5eed_0002, 0, false).expect("a SYN form");
    let (_, syn_ack) = req.responder(&d, KEY_B, KEY_A);
    let syn_ack = area(MptcpOption::MpJoin(syn_ack));
    a.syn_ack(ISN_B, ISN_A + 1, 65535, &syn_ack, &d, ev);
    (a, req)
}

const ANN_V4: Announcement = Announcement {
    id: 3,
    addr: Address::V4([10, 0, 2, 1]),
    port: None,
};

fn hmac_of(ann: &Announcement, sender: u64, receiver: u64) -> u64 {
    let addr = match ann.addr {
        Address::V4(a) => core::net::IpAddr::from(a),
        Address::V6(a) => core::net::IpAddr::from(a),
    };
    AddAddrAuth {
        sender_key: sender,
        receiver_key: receiver,
        id: ann.id,
        addr,
        port: ann.port,
    }
    .hmac(&RustCrypto as &dyn Digest)
}

#[test]
fn an_announcement_is_sent_alone_checked_echoed_and_handed_over() {
    let (mut a, mut b) = pair();
    let mut ev = Counted::default();
    assert!(a.announce(&ANN_V4, &RustCrypto));
    assert!(a.signal_pending());
    // A data segment carries its DSS, not the announcement.
    assert!(matches!(
        out(&mut a, ISN_A + 1, 100, &mut ev)[..],
        [MptcpOption::Dss(_)]
    ));
    // The next pure ACK carries it alone, with A's HMAC (A's key first).
    let ack = out(&mut a, ISN_A + 1, 0, &mut ev);
    let [MptcpOption::AddAddr(add)] = ack[..] else {
        panic!("ADD_ADDR alone, got {ack:?}")
    };
    assert_eq!(
        add,
        AddAddr {
            echo: false,
            addr_id: 3,
            addr: ANN_V4.addr,
            port: None,
            hmac: Some(hmac_of(&ANN_V4, KEY_A, KEY_B)),
        }
    );
    assert!(!a.signal_pending());
    assert!(matches!(
        out(&mut a, ISN_A + 1, 0, &mut ev)[..],
        [MptcpOption::Dss(_)]
    ));
    assert_eq!(ev.0, [Event::AddAddrTx]);

    // B checks it, counts it, acknowledges at once, and keeps it for its path manager.
    let mut ev = Counted::default();
    assert_eq!(
        deliver(&mut b, ISN_A + 1, &ack, &mut ev),
        Verdict::AcceptAckNow
    );
    assert_eq!(ev.0, [Event::AddAddrRx]);
    assert!(b.received_any());
    let got = b.take_received();
    assert_eq!(got.announced, Some(ANN_V4));
    assert!(got.echoed.is_none() && got.removed.is_none());
    assert!(!b.received_any());
    // Its ACK echoes the announcement: E set, no HMAC.
    let echo = out(&mut b, ISN_B + 1, 0, &mut ev);
    assert_eq!(
        echo[..],
        [MptcpOption::AddAddr(AddAddr {
            echo: true,
            addr_id: 3,
            addr: ANN_V4.addr,
            port: None,
            hmac: None,
        })]
    );
    assert_eq!(ev.0, [Event::AddAddrRx, Event::EchoAddTx]);

    // The echo reaches A: counted and handed to A's path manager; no echo of an echo.
    let mut ev = Counted::default();
    assert_eq!(deliver(&mut a, ISN_B + 1, &echo, &mut ev), Verdict::Accept);
    assert_eq!(ev.0, [Event::EchoAddRx]);
    assert_eq!(a.take_received().echoed, Some(ANN_V4));
    assert!(!a.signal_pending());
}

#[test]
fn a_forged_announcement_is_ignored() {
    let (_, mut b) = pair();
    let mut ev = Counted::default();
    // Signed with the keys the wrong way round (B's first): not A's HMAC.
    let forged = AddAddr {
        echo: false,
        addr_id: 3,
        addr: ANN_V4.addr,
        port: None,
        hmac: Some(hmac_of(&ANN_V4, KEY_B, KEY_A)),
    };
    let v = deliver(&mut b, ISN_A + 1, &[MptcpOption::AddAddr(forged)], &mut ev);
    assert_eq!(v, Verdict::Accept);
    assert!(ev.0.is_empty());
    assert!(!b.received_any() && !b.signal_pending());
}

#[test]
fn an_announcement_with_a_port_is_counted_as_such() {
    let (mut a, mut b) = pair();
    let mut ev = Counted::default();
    let ann = Announcement {
        port: Some(10100),
        ..ANN_V4
    };
    a.announce(&ann, &RustCrypto);
    let ack = out(&mut a, ISN_A + 1, 0, &mut ev);
    deliver(&mut b, ISN_A + 1, &ack, &mut ev);
    assert_eq!(ev.0, [Event::AddAddrTx, Event::AddAddrRx, Event::PortAddRx]);
    assert_eq!(b.take_received().announced, Some(ann));
}

#[test]
fn an_ipv6_announcement_fills_the_option_space_and_one_with_a_port_is_dropped() {
    let (mut a, mut b) = pair();
    let mut ev = Counted::default();
    let v6 = Announcement {
        id: 9,
        addr: Address::V6([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        port: None,
    };
    a.announce(&v6, &RustCrypto);
    let ack = out(&mut a, ISN_A + 1, 0, &mut ev);
    assert!(matches!(ack[..], [MptcpOption::AddAddr(_)]));
    deliver(&mut b, ISN_A + 1, &ack, &mut ev);
    assert_eq!(b.take_received().announced, Some(v6));
    // 30 bytes, 32 padded: more than a pure ACK next to timestamps has. Dropped, counted,
    // and the ACK goes out with its DSS.
    let mut ev = Counted::default();
    a.announce(
        &Announcement {
            port: Some(1),
            ..v6
        },
        &RustCrypto,
    );
    assert!(matches!(
        out(&mut a, ISN_A + 1, 0, &mut ev)[..],
        [MptcpOption::Dss(_)]
    ));
    assert_eq!(ev.0, [Event::AddAddrTxDrop]);
    assert!(!a.signal_pending());
    assert!(
        a.take_announce_dropped(),
        "reported, for the path manager to move on"
    );
    assert!(!a.take_announce_dropped(), "once");
}

#[test]
fn an_ipv6_announcement_with_a_port_may_take_the_timestamps_room() {
    let (mut a, mut b) = pair();
    let mut ev = Counted::default();
    let v6_port = Announcement {
        id: 9,
        addr: Address::V6([0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        port: Some(10100),
    };
    a.announce(&v6_port, &RustCrypto);
    // The pure ACK's 28 bytes and the 12 of its timestamps, which it may leave out.
    let seg = OutSeg {
        seq: ISN_A + 1,
        snd_una: ISN_A + 1,
        ts_room: 12,
        ..Default::default()
    };
    let mut buf = [0u8; ROOM + 12];
    let n = a.established_options(&seg, &mut || 0, &mut buf, &mut ev);
    assert_eq!(
        n, 32,
        "30 bytes, padded: more than the 28 next to timestamps"
    );
    let ack = options(&buf[..n], SegmentCtx::ACK);
    assert!(matches!(
        ack[..],
        [MptcpOption::AddAddr(AddAddr {
            port: Some(10100),
            ..
        })]
    ));
    assert_eq!(ev.0, [Event::AddAddrTx]);
    assert!(!a.take_announce_dropped());
    deliver(&mut b, ISN_A + 1, &ack, &mut ev);
    assert_eq!(b.take_received().announced, Some(v6_port));
    // Any other option keeps to the room next to timestamps.
    let n = a.established_options(&seg, &mut || 0, &mut buf, &mut ev);
    assert!(n <= ROOM, "a DSS took {n} bytes");
}

#[test]
fn withdrawn_ids_reach_the_path_manager_merged() {
    let (mut a, mut b) = pair();
    let mut ev = Counted::default();
    assert!(a.withdraw(RemoveAddr::new(&[3, 4]).expect("two ids")));
    let ack = out(&mut a, ISN_A + 1, 0, &mut ev);
    assert!(matches!(ack[..], [MptcpOption::RemoveAddr(r)] if r.ids() == [3, 4]));
    assert_eq!(ev.0, [Event::RmAddrTx, Event::RmAddrTx], "counted per id");
    assert_eq!(deliver(&mut b, ISN_A + 1, &ack, &mut ev), Verdict::Accept);
    // A second one before the path manager looked: merged, without repeats.
    let again = [MptcpOption::RemoveAddr(
        RemoveAddr::new(&[4, 5]).expect("ids"),
    )];
    deliver(&mut b, ISN_A + 1, &again, &mut ev);
    let removed = b.take_received().removed.expect("ids arrived");
    assert_eq!(removed.ids(), [3, 4, 5]);
}

#[test]
fn a_join_repeating_its_third_ack_holds_its_signals_back() {
    let d = RustCrypto;
    let mut ev = Counted::default();
    let (mut a, _) = initiator_after_syn_ack(&mut ev);
    assert!(a.announce(&ANN_V4, &d));
    // The third ACK is not acknowledged yet: it keeps its place.
    assert!(matches!(
        out(&mut a, ISN_A + 1, 0, &mut ev)[..],
        [MptcpOption::MpJoin(MpJoin::Ack { .. })]
    ));
    assert!(a.signal_pending());
}

#[test]
fn nothing_is_announced_before_the_keys_are_known() {
    let mut idle = Conn::idle(KEY_A, false, 2);
    assert!(!idle.announce(&ANN_V4, &RustCrypto));
    assert!(!idle.withdraw(RemoveAddr::new(&[1]).expect("an id")));
    assert!(!idle.signal_pending());
}

#[test]
fn mp_prio_goes_alone_on_a_pure_ack_and_the_peer_keeps_the_wish() {
    let (mut a, mut b) = pair();
    let mut ev = Counted::default();
    assert_eq!(a.backup(), (false, false));
    assert!(a.set_backup(true));
    assert!(a.signal_pending());
    // A data segment carries its DSS, not the MP_PRIO.
    assert!(matches!(
        out(&mut a, ISN_A + 1, 100, &mut ev)[..],
        [MptcpOption::Dss(_)]
    ));
    let ack = out(&mut a, ISN_A + 1, 0, &mut ev);
    assert_eq!(ack[..], [MptcpOption::MpPrio(MpPrio { backup: true })]);
    assert_eq!(ev.0, [Event::MpPrioTx]);
    assert_eq!(a.backup(), (true, false));
    assert!(!a.signal_pending());

    // B counts it, owes no reply, and tells its path manager and scheduler.
    let mut ev = Counted::default();
    assert_eq!(deliver(&mut b, ISN_A + 1, &ack, &mut ev), Verdict::Accept);
    assert_eq!(ev.0, [Event::MpPrioRx]);
    assert_eq!(b.backup(), (false, true));
    assert_eq!(b.take_received().priority, Some(true));
    assert!(!b.received_any() && !b.signal_pending());

    // Back to a regular subflow.
    assert!(a.set_backup(false));
    let ack = out(&mut a, ISN_A + 1, 0, &mut ev);
    deliver(&mut b, ISN_A + 1, &ack, &mut ev);
    assert_eq!(b.backup(), (false, false));
    assert_eq!(b.take_received().priority, Some(false));
}

#[test]
fn a_malformed_mp_prio_changes_nothing() {
    let (_, mut b) = pair();
    let mut ev = Counted::default();
    // RFC 6824's four-byte form (with an address id), which RFC 8684 dropped; and a stub.
    for bad in [&[30u8, 4, 0x51, 7][..], &[30, 2]] {
        let v = b.incoming(&ack_in(ISN_A + 1), bad, &RustCrypto, &mut ev);
        assert_eq!(v, Verdict::Accept);
    }
    assert!(ev.0.is_empty());
    assert_eq!(b.backup(), (false, false));
    assert!(!b.received_any());
}

#[test]
fn a_join_s_backup_flags_are_both_ends_wishes() {
    let d = RustCrypto;
    let mut ev = Counted::default();
    // A asks for a backup subflow in its SYN; B answers with a backup SYN/ACK too.
    let mut a = Conn::join_initiator(KEY_A, KEY_B, false, (0x5eed_0001, 1, true), &d);
    assert!(!a.set_backup(false), "no MP_PRIO before the handshake");
    let mut buf = [0u8; 40];
    let n = a.syn_options(ISN_A, &mut buf, &mut ev);
    let [MptcpOption::MpJoin(syn)] = options(&buf[..n], SegmentCtx::SYN)[..] else {
        panic!("an MP_JOIN SYN")
    };
    assert!(matches!(syn, MpJoin::Syn { backup: true, .. }));
    let req = JoinRequest::from_syn(&syn, 0x5eed_0002, 4, true).expect("a SYN form");
    let b = Conn::join_responder(&req, (KEY_B, KEY_A, false), ISN_B, ISN_A, &d);
    assert_eq!(b.backup(), (true, true));
    let (_, syn_ack) = req.responder(&d, KEY_B, KEY_A);
    let mut ev = Counted::default();
    a.syn_ack(
        ISN_B,
        ISN_A + 1,
        65535,
        &area(MptcpOption::MpJoin(syn_ack)),
        &d,
        &mut ev,
    );
    assert_eq!(ev.0, [Event::JoinSynAckRx, Event::JoinSynAckBackupRx]);
    assert_eq!(a.backup(), (true, true));
    assert_eq!(a.join_ids(), Some((1, Some(4), true)));
}

#[test]
fn an_announcement_the_path_manager_cannot_take_is_not_echoed() {
    let (mut a, mut b) = pair();
    let mut ev = Counted::default();
    a.announce(&ANN_V4, &RustCrypto);
    let ack = out(&mut a, ISN_A + 1, 0, &mut ev);
    deliver(&mut b, ISN_A + 1, &ack, &mut ev);
    assert_eq!(b.take_received().announced, Some(ANN_V4));
    // No room for it: the peer's retransmission brings it again.
    b.cancel_echo();
    assert!(!b.signal_pending());
    assert!(matches!(
        out(&mut b, ISN_B + 1, 0, &mut ev)[..],
        [MptcpOption::Dss(_)]
    ));
    assert_eq!(ev.0, [Event::AddAddrTx, Event::AddAddrRx]);
}
