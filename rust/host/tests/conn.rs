// SPDX-License-Identifier: GPL-2.0

//! The single-subflow connection state machine (`proto::conn`), both ends driven against each
//! other: MP_CAPABLE handshake, DSS on every segment, DATA_ACK and DATA_FIN, retransmissions,
//! fallbacks, resets, and what malformed or missing options lead to.

mod common;
use common::{options, Counted, RustCrypto};

use mptcp_proto::{
    add_addr::{AddAddr, Address},
    conn::{
        Conn, Event, InSeg, OutSeg, Phase, Place, Request, Verdict,
        DEFAULT_SYN_RETRANS_BEFORE_FALLBACK, RX_MAPPINGS,
    },
    crypto::key_hash,
    csum,
    dss::SeqNum,
    mp_capable::MpcForm,
    mp_tcprst::reason,
    option::{MptcpOption, SegmentCtx},
    signal::Announcement,
    stream_rx::{Placement, StreamRx},
    tx_offsets::Assign,
};

const CLIENT_KEY: u64 = 0x0123_4567_89ab_cdef;
const SERVER_KEY: u64 = 0xfedc_ba98_7654_3210;
const CLIENT_ISN: u32 = 0xffff_fff0; // wraps soon after the first data
const SERVER_ISN: u32 = 1000;

fn no_sum() -> u32 {
    panic!("checksum asked for without checksums")
}

/// What the msk did with a run of a subflow's received bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Moved {
    /// Appended to the stream.
    Deliver(u32),
    /// Taken in order outside the data sequence space (Fast Open SYN data, plain TCP).
    InOrder(u32),
    /// Dropped: the stream already had them.
    Skip(u32),
    /// Kept out of order: they start beyond the stream's next byte.
    Ahead(u32),
    /// Not moved: a DSS checksum of this many bytes must be checked first.
    Verify(u32),
    /// Not moved: unmapped bytes.
    Broken,
    /// Not moved: the keys are not known yet.
    Wait,
}

/// The receiving msk, as `rust/glue/rx.c` drives it from the subflow's `sk_data_ready`: the
/// stream's position, how far the subflow's bytes were moved, and what each run became.
struct Msk {
    stream: StreamRx,
    moved: u32,
    log: Vec<(u32, Moved)>,
}

impl Msk {
    /// Nothing moved yet; the subflow's first byte is `first`.
    fn new(first: u32) -> Self {
        Self {
            stream: StreamRx::new(),
            moved: first,
            log: Vec::new(),
        }
    }

    /// Moves what `conn` received in order before `to`, a run at a time, as the glue does.
    fn move_up_to(&mut self, conn: &mut Conn, to: u32) {
        for _ in 0..1000 {
            let seq = self.moved;
            if seq == to {
                break;
            }
            if let Some(start) = conn.rx_stream_start() {
                self.stream.start(start);
            }
            let (len, moved): (u32, &[Moved]) = match conn.rx_place(seq, to.wrapping_sub(seq)) {
                Place::Stream { dsn, len } => match self.stream.place(dsn, len) {
                    Placement::Old => (len, &[Moved::Skip(len)]),
                    Placement::Ahead => (len, &[Moved::Ahead(len)]),
                    Placement::Append { skip: 0 } => {
                        self.stream.appended(len);
                        (len, &[Moved::Deliver(len)])
                    }
                    Placement::Append { skip } => {
                        self.stream.appended(len - skip);
                        self.log.push((seq, Moved::Skip(skip)));
                        (len, &[Moved::Deliver(len - skip)][..])
                    }
                },
                Place::InOrder(n) => (n, &[Moved::InOrder(n)]),
                Place::Verify(n) => (0, &[Moved::Verify(n)]),
                Place::Broken => (0, &[Moved::Broken]),
                Place::Wait => (0, &[Moved::Wait]),
            };
            self.log.extend(moved.iter().map(|m| (seq, *m)));
            if len == 0 {
                break;
            }
            self.moved = seq.wrapping_add(len);
            conn.rx_moved(self.moved, self.stream.ack_seq());
        }
        if let Some(fin) = conn.rx_data_fin() {
            self.stream.set_fin(fin);
            self.stream.take_eof();
        }
    }
}

/// Both ends after the handshake, and what was counted on the way.
struct Pair {
    client: Conn,
    server: Conn,
    events: Counted,
    /// Next sequence numbers each side sends.
    c_seq: u32,
    s_seq: u32,
    /// Each end's msk, receiving.
    c_msk: Msk,
    s_msk: Msk,
}

fn handshake(client_csum: bool, server_csum: bool) -> Pair {
    let d = RustCrypto;
    let mut events = Counted::default();
    let mut client = Conn::idle(CLIENT_KEY, client_csum, DEFAULT_SYN_RETRANS_BEFORE_FALLBACK);
    let mut buf = [0u8; 40];

    let len = client.syn_options(CLIENT_ISN, &mut buf, &mut events);
    assert_eq!(len, 4);
    assert_eq!(client.phase(), Phase::SynSent);
    let syn = buf[..len].to_vec();

    let req = Request::from_syn(&syn, SERVER_KEY, server_csum, &mut events).expect("MPC SYN");
    assert_eq!(Request::from_words(req.to_words()), Some(req));
    let len = req.synack_options(&mut buf);
    assert_eq!(len, 12);
    let synack = buf[..len].to_vec();
    client.syn_ack(
        SERVER_ISN,
        CLIENT_ISN.wrapping_add(1),
        65535,
        &synack,
        &d,
        &mut events,
    );
    assert_eq!(client.phase(), Phase::Established);
    assert_eq!(client.checksums(), client_csum || server_csum);

    let server = Conn::passive(&req, SERVER_ISN, CLIENT_ISN, &RustCrypto);
    assert_eq!(server.phase(), Phase::AwaitKeys);
    Pair {
        client,
        server,
        events,
        c_seq: CLIENT_ISN.wrapping_add(1),
        s_seq: SERVER_ISN.wrapping_add(1),
        c_msk: Msk::new(SERVER_ISN.wrapping_add(1)),
        s_msk: Msk::new(CLIENT_ISN.wrapping_add(1)),
    }
}

impl Pair {
    /// The client sends `payload` bytes (and FIN); the server receives them. Returns the
    /// client's options and the server's verdict.
    fn client_sends(&mut self, payload: u32, fin: bool) -> (Vec<MptcpOption>, Verdict) {
        let (opts, verdict) = transmit(
            &mut self.client,
            (&mut self.server, &mut self.s_msk),
            &mut self.events,
            self.c_seq,
            (payload, fin, 0x1234),
        );
        self.c_seq = self.c_seq.wrapping_add(payload + u32::from(fin));
        (opts, verdict)
    }

    /// The server sends a segment; the client receives it.
    fn server_sends(&mut self, payload: u32, fin: bool) -> (Vec<MptcpOption>, Verdict) {
        let (opts, verdict) = transmit(
            &mut self.server,
            (&mut self.client, &mut self.c_msk),
            &mut self.events,
            self.s_seq,
            (payload, fin, 0x4321),
        );
        self.s_seq = self.s_seq.wrapping_add(payload + u32::from(fin));
        (opts, verdict)
    }
}

/// One segment from `sender` (next sequence number `seq`) to `receiver`: `payload` bytes,
/// FIN, and the payload's partial checksum `sum`. Accepted data is in order, and the
/// receiver's msk moves it at once (as `sk_data_ready` does). Returns the options and the
/// verdict.
fn transmit(
    sender: &mut Conn,
    (receiver, msk): (&mut Conn, &mut Msk),
    events: &mut Counted,
    seq: u32,
    (payload, fin, sum): (u32, bool, u32),
) -> (Vec<MptcpOption>, Verdict) {
    let seg = OutSeg {
        seq,
        payload,
        fin,
        rst: false,
        snd_una: seq,
        ts_room: 0,
    };
    let mut buf = [0u8; 40];
    let mut sum = || sum;
    let len = sender.established_options(&seg, &mut sum, &mut buf, events);
    assert_eq!(len % 4, 0);
    let ctx = if payload > 0 {
        SegmentCtx::DATA
    } else {
        SegmentCtx::ACK
    };
    let opts = options(&buf[..len], ctx);
    let verdict = receiver.incoming(
        &InSeg {
            seq,
            payload,
            ack: true,
            fin,
            rcv_nxt: seq,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        events,
    );
    if matches!(verdict, Verdict::Accept | Verdict::AcceptAckNow) {
        msk.move_up_to(receiver, seq.wrapping_add(payload));
    }
    (opts, verdict)
}

fn idsn(key: u64) -> u64 {
    key_hash(&RustCrypto, key).idsn
}

fn only_dss(opts: &[MptcpOption]) -> mptcp_proto::dss::Dss {
    match opts {
        [MptcpOption::Dss(d)] => *d,
        other => panic!("expected one DSS, got {other:?}"),
    }
}

#[test]
fn handshake_third_ack_and_first_data() {
    let mut p = handshake(false, false);
    // Third ACK: both keys.
    let (opts, verdict) = p.client_sends(0, false);
    assert_eq!(verdict, Verdict::Accept);
    assert!(matches!(
        opts.as_slice(),
        [MptcpOption::MpCapable(m)] if m.form == MpcForm::Ack { sender_key: CLIENT_KEY, receiver_key: SERVER_KEY }
    ));
    assert_eq!(p.server.phase(), Phase::Established);
    // The client has not heard a DSS yet: its first data segment repeats the keys with the
    // implicit mapping.
    let (opts, verdict) = p.client_sends(1000, false);
    assert_eq!(verdict, Verdict::Accept);
    assert!(matches!(
        opts.as_slice(),
        [MptcpOption::MpCapable(m)] if matches!(m.form, MpcForm::AckData { data_len: 1000, checksum: None, .. })
    ));
    // The server answers with DSS: DATA_ACK is the client's IDSN + 1 + 1000.
    let (opts, _) = p.server_sends(0, false);
    let dss = only_dss(&opts);
    assert_eq!(
        dss.data_ack,
        Some(SeqNum::Full(idsn(CLIENT_KEY).wrapping_add(1001)))
    );
    assert!(dss.mapping.is_none());
    // From now on the client sends DSS; across the 2^32 wrap of its subflow sequence space
    // the DSN keeps counting.
    let (opts, verdict) = p.client_sends(500, false);
    assert_eq!(verdict, Verdict::Accept);
    let m = only_dss(&opts).mapping.expect("mapping");
    assert_eq!(m.dsn, SeqNum::Full(idsn(CLIENT_KEY).wrapping_add(1001)));
    assert_eq!(m.subflow_seq, 1001);
    assert_eq!(m.data_len, 500);
    assert_eq!(
        p.events.0,
        [
            Event::MpcSynTx,
            Event::MpcSynRx,
            Event::MpcSynAckRx,
            Event::MpcAckRx
        ]
    );
}

#[test]
fn lost_third_ack_first_data_carries_keys() {
    let mut p = handshake(false, false);
    // The pure third ACK never reaches the server; the data segment does.
    let seg = OutSeg {
        seq: p.c_seq,
        payload: 0,
        snd_una: p.c_seq,
        ..Default::default()
    };
    let mut buf = [0u8; 40];
    let len = p
        .client
        .established_options(&seg, &mut no_sum, &mut buf, &mut p.events);
    assert_eq!(len, 20);
    let (_, verdict) = p.client_sends(100, false);
    assert_eq!(verdict, Verdict::Accept);
    assert_eq!(p.server.phase(), Phase::Established);
}

#[test]
fn server_data_first() {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    let (opts, verdict) = p.server_sends(2000, false);
    assert_eq!(verdict, Verdict::Accept);
    let m = only_dss(&opts).mapping.expect("mapping");
    assert_eq!(m.dsn, SeqNum::Full(idsn(SERVER_KEY).wrapping_add(1)));
    assert_eq!(m.subflow_seq, 1);
    // The client got a DSS: no more MP_CAPABLE, even on the first-data position.
    let (opts, _) = p.client_sends(0, false);
    assert_eq!(
        only_dss(&opts).data_ack,
        Some(SeqNum::Full(idsn(SERVER_KEY).wrapping_add(2001)))
    );
}

#[test]
fn retransmission_repeats_the_original_mapping() {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    p.server_sends(0, false);
    let start = p.c_seq;
    p.client_sends(3000, false);
    // The middle 1000 bytes go again on their own (a split TSO segment).
    let seg = OutSeg {
        seq: start.wrapping_add(1000),
        payload: 1000,
        snd_una: start,
        ..Default::default()
    };
    let mut buf = [0u8; 40];
    let len = p
        .client
        .established_options(&seg, &mut no_sum, &mut buf, &mut p.events);
    let m = only_dss(&options(&buf[..len], SegmentCtx::DATA))
        .mapping
        .expect("mapping");
    assert_eq!(m.subflow_seq, start.wrapping_sub(CLIENT_ISN));
    assert_eq!(m.data_len, 3000);
    // The receiver accepts it: the same mapping again.
    let verdict = p.server.incoming(
        &InSeg {
            seq: seg.seq,
            payload: 1000,
            ack: true,
            rcv_nxt: seg.seq,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        &mut p.events,
    );
    assert_eq!(verdict, Verdict::Accept);
}

#[test]
fn data_fin_alone_is_acknowledged_at_once() {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    p.server_sends(0, false);
    let before = p.c_seq;
    p.client_sends(700, false);
    // No DATA_FIN yet: the stream goes on.
    assert!(!p.s_msk.stream.eof());
    assert_eq!(read_sent(&mut p, before), [Moved::Deliver(700)]);
    // DATA_FIN with the subflow FIN (our own close: one segment carries both).
    let (opts, verdict) = p.client_sends(0, true);
    // All 700 bytes before it are in: the stream ends.
    assert!(p.s_msk.stream.eof());
    let dss = only_dss(&opts);
    assert!(dss.data_fin);
    let m = dss.mapping.expect("DATA_FIN mapping");
    assert_eq!((m.subflow_seq, m.data_len), (0, 1));
    assert_eq!(m.dsn, SeqNum::Full(idsn(CLIENT_KEY).wrapping_add(701)));
    // `client_sends` counted the FIN flag too; the server sees a segment without payload
    // whose subflow FIN it acknowledges itself, so this one is a plain accept.
    assert_eq!(verdict, Verdict::Accept);
    let (opts, _) = p.server_sends(0, false);
    assert_eq!(
        only_dss(&opts).data_ack,
        Some(SeqNum::Full(idsn(CLIENT_KEY).wrapping_add(702)))
    );
}

#[test]
fn data_fin_on_a_pure_ack_asks_for_an_ack() {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    p.server_sends(0, false);
    // A DATA_FIN-only DSS without the TCP FIN, as upstream sends it.
    let fin_dsn = idsn(CLIENT_KEY).wrapping_add(1);
    let mut buf = [0u8; 40];
    let dss = mptcp_proto::dss::Dss {
        data_fin: true,
        data_ack: None,
        mapping: Some(mptcp_proto::dss::Mapping {
            dsn: SeqNum::Full(fin_dsn),
            subflow_seq: 0,
            data_len: 1,
            checksum: None,
        }),
    };
    let len = mptcp_proto::conn::write_padded(&MptcpOption::Dss(dss), &mut buf);
    let verdict = p.server.incoming(
        &InSeg {
            seq: p.c_seq,
            ack: true,
            rcv_nxt: p.c_seq,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        &mut p.events,
    );
    assert_eq!(verdict, Verdict::AcceptAckNow);
    let (opts, _) = p.server_sends(0, false);
    assert_eq!(
        only_dss(&opts).data_ack,
        Some(SeqNum::Full(fin_dsn.wrapping_add(1)))
    );
}

/// The client sends `payload` bytes under a mapping of our choosing (DSN `dsn`, at the next
/// subflow position), as a peer that reinjects or probes would; the server's msk moves them.
fn client_sends_mapped(p: &mut Pair, payload: u16, dsn: u64) -> Verdict {
    let rel = p.c_seq.wrapping_sub(CLIENT_ISN);
    let verdict = deliver_mapping(&mut p.server, &mut p.events, p.c_seq, rel, payload, dsn);
    p.c_seq = p.c_seq.wrapping_add(u32::from(payload));
    if verdict == Verdict::Accept {
        p.s_msk.move_up_to(&mut p.server, p.c_seq);
    }
    verdict
}

/// `payload` bytes at `seq` (relative position `rel`) mapped to `dsn`, arriving in order.
fn deliver_mapping(
    receiver: &mut Conn,
    events: &mut Counted,
    seq: u32,
    rel: u32,
    payload: u16,
    dsn: u64,
) -> Verdict {
    let mut buf = [0u8; 40];
    let dss = mptcp_proto::dss::Dss {
        data_fin: false,
        data_ack: None,
        mapping: Some(mptcp_proto::dss::Mapping {
            dsn: SeqNum::Full(dsn),
            subflow_seq: rel,
            data_len: payload,
            checksum: None,
        }),
    };
    let len = mptcp_proto::conn::write_padded(&MptcpOption::Dss(dss), &mut buf);
    receiver.incoming(
        &InSeg {
            seq,
            payload: u32::from(payload),
            ack: true,
            rcv_nxt: seq,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        events,
    )
}

/// What the server's msk did with the client's bytes from `from` to `to` (moving those not
/// moved yet), adjacent runs of a kind merged.
fn read(p: &mut Pair, from: u32, to: u32) -> Vec<Moved> {
    p.s_msk.move_up_to(&mut p.server, to);
    let mut runs: Vec<Moved> = Vec::new();
    for (seq, m) in &p.s_msk.log {
        if seq.wrapping_sub(from) >= to.wrapping_sub(from) {
            continue;
        }
        match (runs.last_mut(), *m) {
            (Some(Moved::Deliver(a)), Moved::Deliver(b)) => *a += b,
            (Some(Moved::InOrder(a)), Moved::InOrder(b)) => *a += b,
            _ => runs.push(*m),
        }
    }
    runs
}

/// [`read`] up to what the client sent.
fn read_sent(p: &mut Pair, from: u32) -> Vec<Moved> {
    let to = p.c_seq;
    read(p, from, to)
}

/// The options `conn` puts on a RST it sends.
fn rst_options(conn: &mut Conn, events: &mut Counted) -> Vec<MptcpOption> {
    let mut buf = [0u8; 40];
    let rst = OutSeg {
        rst: true,
        ..Default::default()
    };
    let len = conn.established_options(&rst, &mut no_sum, &mut buf, events);
    options(&buf[..len], SegmentCtx::RST)
}

/// The server's next DATA_ACK, as sent on a pure ACK.
fn server_data_ack(p: &mut Pair) -> u64 {
    let (opts, _) = p.server_sends(0, false);
    match only_dss(&opts).data_ack {
        Some(SeqNum::Full(v)) => v,
        other => panic!("expected a 64-bit DATA_ACK, got {other:?}"),
    }
}

/// Both ends established, the client's first 1000 bytes received and read by the server.
fn established_with_data() -> (Pair, u64) {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    p.server_sends(0, false);
    let start = p.c_seq;
    p.client_sends(1000, false);
    assert_eq!(read_sent(&mut p, start), [Moved::Deliver(1000)]);
    (p, idsn(CLIENT_KEY).wrapping_add(1001))
}

#[test]
fn window_probe_byte_is_skipped_and_never_acknowledged_twice() {
    // Upstream's MPTCP-level zero-window probe: one byte it already sent (DSN next - 1)
    // goes out again as new subflow data, and the stream continues after it.
    let (mut p, next) = established_with_data();
    assert_eq!(server_data_ack(&mut p), next);
    let probe_at = p.c_seq;
    assert_eq!(
        client_sends_mapped(&mut p, 1, next.wrapping_sub(1)),
        Verdict::Accept
    );
    // The DATA_ACK stays where it was: the probe brought nothing new.
    assert_eq!(server_data_ack(&mut p), next);
    assert_eq!(client_sends_mapped(&mut p, 500, next), Verdict::Accept);
    assert_eq!(server_data_ack(&mut p), next.wrapping_add(500));
    assert_eq!(
        read_sent(&mut p, probe_at),
        [Moved::Skip(1), Moved::Deliver(500)]
    );
    assert!(!p.events.0.contains(&Event::DssNotMatching));
}

#[test]
fn reinjected_data_overlapping_the_stream_delivers_only_the_new_part() {
    let (mut p, next) = established_with_data();
    let at = p.c_seq;
    // 300 bytes again from DSN next - 100: the first 100 are old, 200 are new.
    assert_eq!(
        client_sends_mapped(&mut p, 300, next.wrapping_sub(100)),
        Verdict::Accept
    );
    assert_eq!(
        read_sent(&mut p, at),
        [Moved::Skip(100), Moved::Deliver(200)]
    );
    assert_eq!(server_data_ack(&mut p), next.wrapping_add(200));
}

#[test]
fn the_msk_places_its_bytes_anywhere_in_the_stream() {
    let (mut p, next) = established_with_data();
    assert!(p.client.tx_ready());
    // Continuing the stream at the subflow's next byte: the implicit run, nothing recorded.
    assert_eq!(p.client.tx_next_dsn(p.c_seq), Some(next));
    assert_eq!(
        p.client.tx_assign(p.c_seq, p.c_seq, next),
        Assign::Contiguous
    );
    // Another subflow took `next .. next + 500`: this one goes on after it.
    let run = p.c_seq;
    assert_eq!(p.client.tx_assign(run, run, next + 500), Assign::NewRun);
    assert_eq!(p.client.tx_next_dsn(run), Some(next + 500));
    // TCP may not merge across the run's start: the DSS could not map both sides.
    assert!(!p.client.tx_can_merge(run.wrapping_sub(10), 10, 10));
    assert!(p.client.tx_can_merge(run, 10, 10));
    let (opts, verdict) = p.client_sends(300, false);
    assert_eq!(verdict, Verdict::Accept);
    let m = only_dss(&opts).mapping.expect("mapped");
    assert_eq!(m.dsn, SeqNum::Full(next + 500));
    assert_eq!(
        (m.subflow_seq, m.data_len),
        (run.wrapping_sub(CLIENT_ISN), 300)
    );
    // The receiver keeps them until the hole is filled.
    assert_eq!(read_sent(&mut p, run), [Moved::Ahead(300)]);
    // The stream ends at next + 800: the DATA_FIN goes alone on pure ACKs until acknowledged.
    p.client.set_data_fin(next + 800);
    let (opts, _) = p.client_sends(0, false);
    let dss = only_dss(&opts);
    assert!(dss.data_fin);
    let m = dss.mapping.expect("DATA_FIN mapping");
    assert_eq!(
        (m.dsn, m.subflow_seq, m.data_len),
        (SeqNum::Full(next + 800), 0, 1)
    );
}

#[test]
fn a_first_subflow_closed_as_a_path_carries_no_data_fin() {
    // With one subflow its FIN is the stream's end...
    let (mut p, _) = established_with_data();
    let (opts, _) = p.client_sends(100, true);
    assert!(only_dss(&opts).data_fin);
    // ... not once the path manager closes it while joins carry the connection.
    let (mut p, _) = established_with_data();
    p.client.close_path_only();
    let (opts, _) = p.client_sends(100, true);
    assert!(!only_dss(&opts).data_fin, "a FIN after data");
    let (opts, _) = p.client_sends(0, true);
    assert!(
        opts.iter()
            .all(|o| !matches!(o, MptcpOption::Dss(d) if d.data_fin)),
        "a FIN alone"
    );
}

#[test]
fn a_segment_ending_before_the_streams_end_does_not_carry_the_data_fin() {
    let (mut p, next) = established_with_data();
    // This subflow's last bytes are next .. next + 100; another carried up to next + 400.
    p.client.set_data_fin(next + 400);
    let (opts, _) = p.client_sends(100, true);
    let dss = only_dss(&opts);
    assert!(!dss.data_fin, "the DATA_FIN is not right after these bytes");
    assert_eq!(dss.mapping.map(|m| m.data_len), Some(100));
    // ... so it follows alone.
    let (opts, _) = p.client_sends(0, false);
    assert!(only_dss(&opts).data_fin);
}

#[test]
fn a_hole_in_the_stream_waits_for_the_bytes_that_fill_it() {
    let (mut p, next) = established_with_data();
    let at = p.c_seq;
    // Mapped 5 bytes past the stream's next byte (another subflow, or a reinjection, brings
    // those): kept out of order, neither acknowledged nor delivered.
    assert_eq!(
        client_sends_mapped(&mut p, 100, next.wrapping_add(5)),
        Verdict::Accept
    );
    assert_eq!(server_data_ack(&mut p), next);
    assert_eq!(read_sent(&mut p, at), [Moved::Ahead(100)]);
    // The 5 missing bytes, and 10 more the stream has out of order already: the stream
    // continues (the msk then drains its out-of-order queue, which this model leaves out).
    let fill = p.c_seq;
    assert_eq!(client_sends_mapped(&mut p, 15, next), Verdict::Accept);
    assert_eq!(read_sent(&mut p, fill), [Moved::Deliver(15)]);
    assert_eq!(server_data_ack(&mut p), next.wrapping_add(15));
    assert!(!p.events.0.contains(&Event::DssNotMatching));
    assert_eq!(p.server.phase(), Phase::Established);
}

#[test]
fn the_stream_places_pieces_by_dsn() {
    let mut rx = StreamRx::new();
    assert_eq!(
        rx.place(5, 10),
        Placement::Ahead,
        "nothing before the start"
    );
    assert_eq!(rx.ack_seq(), None);
    rx.start(u64::MAX - 4);
    rx.start(7);
    assert_eq!(rx.ack_seq(), Some(u64::MAX - 4), "the first start counts");
    // Across the 2^64 wrap.
    assert_eq!(rx.place(u64::MAX - 4, 10), Placement::Append { skip: 0 });
    rx.appended(10);
    assert_eq!(rx.ack_seq(), Some(5));
    assert_eq!(rx.place(u64::MAX - 4, 10), Placement::Old);
    assert_eq!(
        rx.place(0, 5),
        Placement::Old,
        "ends exactly at the next byte"
    );
    assert_eq!(rx.place(0, 6), Placement::Append { skip: 5 });
    assert_eq!(rx.place(6, 1), Placement::Ahead);
    // The DATA_FIN ends the stream once every byte before it is in, once.
    rx.set_fin(8);
    rx.set_fin(100);
    assert!(!rx.take_eof());
    rx.appended(3);
    assert!(rx.take_eof());
    assert!(!rx.take_eof());
    assert!(rx.eof());
    rx.appended(1);
    assert_eq!(rx.ack_seq(), Some(8), "nothing counts after the end");
}

#[test]
fn the_same_bytes_mapped_differently_reset_at_once() {
    let (mut p, next) = established_with_data();
    let at = p.c_seq;
    let rel = at.wrapping_sub(CLIENT_ISN);
    // Received, not moved to the msk yet (its mapping is kept until then).
    let first = deliver_mapping(&mut p.server, &mut p.events, at, rel, 100, next);
    assert_eq!(first, Verdict::Accept);
    // A retransmission of the same bytes claims other DSNs.
    let verdict = deliver_mapping(
        &mut p.server,
        &mut p.events,
        at,
        rel,
        100,
        next.wrapping_add(7),
    );
    assert_eq!(verdict, Verdict::Reset(reason::MPTCP_ERROR));
    assert!(p.events.0.contains(&Event::DssNotMatching));
    // The identical retransmission would have been fine.
    let (mut q, next) = established_with_data();
    let at = q.c_seq;
    let rel = at.wrapping_sub(CLIENT_ISN);
    let first = deliver_mapping(&mut q.server, &mut q.events, at, rel, 100, next);
    assert_eq!(first, Verdict::Accept);
    let verdict = deliver_mapping(&mut q.server, &mut q.events, at, rel, 100, next);
    assert_eq!(verdict, Verdict::Accept);
}

#[test]
fn unmapped_data_after_mapped_data_is_broken() {
    let (mut p, _) = established_with_data();
    // 100 bytes TCP queued without any mapping (the peer forgot the DSS).
    assert_eq!(p.server.rx_place(p.c_seq, 100), Place::Broken);
    // The mover stops there: nothing moves.
    let at = p.c_seq;
    assert_eq!(read(&mut p, at, at.wrapping_add(100)), [Moved::Broken]);
    assert_eq!(p.s_msk.moved, at);
}

#[test]
fn out_of_order_mappings_leave_room_for_the_hole_and_drop_when_full() {
    let (mut p, next) = established_with_data();
    let hole = p.c_seq;
    let hole_rel = hole.wrapping_sub(CLIENT_ISN);
    // Segments beyond a hole, each with a mapping that does not continue the previous one
    // (so nothing merges), arrive until the table is nearly full.
    let mut accepted = 0u32;
    let mut dropped = false;
    for i in 0..(RX_MAPPINGS as u32 + 4) {
        let rel = hole_rel.wrapping_add(100 + 200 * i);
        let seq = CLIENT_ISN.wrapping_add(rel);
        let dsn = next.wrapping_add(100 + 300 * u64::from(i));
        let mut buf = [0u8; 40];
        let dss = mptcp_proto::dss::Dss {
            data_fin: false,
            data_ack: None,
            mapping: Some(mptcp_proto::dss::Mapping {
                dsn: SeqNum::Full(dsn),
                subflow_seq: rel,
                data_len: 100,
                checksum: None,
            }),
        };
        let len = mptcp_proto::conn::write_padded(&MptcpOption::Dss(dss), &mut buf);
        let verdict = p.server.incoming(
            &InSeg {
                seq,
                payload: 100,
                ack: true,
                rcv_nxt: hole,
                ..Default::default()
            },
            &buf[..len],
            &RustCrypto,
            &mut p.events,
        );
        match verdict {
            Verdict::Accept => accepted += 1,
            Verdict::Drop => dropped = true,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        dropped,
        "out-of-order segments are dropped once the table is nearly full"
    );
    assert_eq!(accepted as usize, RX_MAPPINGS - 1);
    // The in-order segment that fills the hole still finds its entry.
    assert_eq!(client_sends_mapped(&mut p, 100, next), Verdict::Accept);
}

#[test]
fn contiguous_mappings_share_one_entry_and_are_read_in_one_piece() {
    let (mut p, next) = established_with_data();
    let at = p.c_seq;
    for i in 0..(2 * RX_MAPPINGS as u64) {
        assert_eq!(
            client_sends_mapped(&mut p, 100, next.wrapping_add(100 * i)),
            Verdict::Accept,
            "segment {i}"
        );
    }
    assert_eq!(
        read_sent(&mut p, at),
        [Moved::Deliver(2 * RX_MAPPINGS as u32 * 100)]
    );
}

#[test]
fn checksums_negotiated_by_either_end() {
    let mut p = handshake(false, true);
    assert!(p.client.checksums() && p.server.checksums());
    p.client_sends(0, false);
    let (opts, verdict) = p.client_sends(100, false);
    assert_eq!(verdict, Verdict::Accept);
    let MptcpOption::MpCapable(m) = opts[0] else {
        panic!("expected MP_CAPABLE, got {opts:?}")
    };
    let MpcForm::AckData {
        checksum: Some(c),
        data_len,
        ..
    } = m.form
    else {
        panic!("expected a checksummed data form, got {m:?}")
    };
    let mapping = mptcp_proto::mapping::Mapping::new(idsn(CLIENT_KEY).wrapping_add(1), 1, data_len);
    assert_eq!(c, csum::checksum(&mapping, 0x1234));
    // A mapping without checksum is a protocol error now.
    p.server_sends(0, false);
    let mut buf = [0u8; 40];
    let dss = mptcp_proto::dss::Dss {
        data_fin: false,
        data_ack: None,
        mapping: Some(mptcp_proto::dss::Mapping {
            dsn: SeqNum::Full(idsn(CLIENT_KEY).wrapping_add(101)),
            subflow_seq: 101,
            data_len: 10,
            checksum: None,
        }),
    };
    let len = mptcp_proto::conn::write_padded(&MptcpOption::Dss(dss), &mut buf);
    let verdict = p.server.incoming(
        &InSeg {
            seq: p.c_seq,
            payload: 10,
            ack: true,
            rcv_nxt: p.c_seq,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        &mut p.events,
    );
    assert_eq!(verdict, Verdict::Reset(reason::MPTCP_ERROR));
}

#[test]
fn syn_ack_without_mp_capable_falls_back() {
    let mut events = Counted::default();
    let mut client = Conn::idle(CLIENT_KEY, false, DEFAULT_SYN_RETRANS_BEFORE_FALLBACK);
    let mut buf = [0u8; 40];
    client.syn_options(CLIENT_ISN, &mut buf, &mut events);
    // No option, a truncated one, and a SYN/ACK carrying the wrong form all mean TCP.
    for synack in [
        &[][..],
        &[30, 12, 0x01, 0x81, 1, 2][..],
        &[30, 4, 0x01, 0x81][..],
    ] {
        let mut c = Conn::idle(CLIENT_KEY, false, DEFAULT_SYN_RETRANS_BEFORE_FALLBACK);
        c.syn_options(CLIENT_ISN, &mut buf, &mut events);
        c.syn_ack(
            SERVER_ISN,
            CLIENT_ISN.wrapping_add(1),
            65535,
            synack,
            &RustCrypto,
            &mut events,
        );
        assert_eq!(c.phase(), Phase::Fallback, "{synack:?}");
        let seg = OutSeg {
            payload: 10,
            ..Default::default()
        };
        assert_eq!(
            c.established_options(&seg, &mut no_sum, &mut buf, &mut events),
            0
        );
    }
    assert_eq!(
        events
            .0
            .iter()
            .filter(|e| **e == Event::FallbackSynAck)
            .count(),
        3
    );
    client.syn_ack(
        SERVER_ISN,
        CLIENT_ISN.wrapping_add(1),
        65535,
        &[],
        &RustCrypto,
        &mut events,
    );
    assert_eq!(client.phase(), Phase::Fallback);
}

#[test]
fn unanswered_mpc_syns_fall_back_to_plain_syns() {
    // Upstream's default: the SYN and two retransmissions carry MP_CAPABLE, the third
    // retransmission does not; 0 means only the first SYN tries MPTCP.
    for retrans in [DEFAULT_SYN_RETRANS_BEFORE_FALLBACK, 0, 5] {
        let mut events = Counted::default();
        let mut client = Conn::idle(CLIENT_KEY, false, retrans);
        let mut buf = [0u8; 40];
        for _ in 0..=retrans {
            assert_eq!(client.syn_options(CLIENT_ISN, &mut buf, &mut events), 4);
        }
        assert_eq!(client.syn_options(CLIENT_ISN, &mut buf, &mut events), 0);
        assert_eq!(client.phase(), Phase::Fallback);
        assert_eq!(events.0, [Event::MpcSynTx, Event::MpcSynTxDrop]);
        // Plain from then on.
        assert_eq!(client.syn_options(CLIENT_ISN, &mut buf, &mut events), 0);
    }
}

#[test]
fn third_ack_without_keys_falls_back() {
    for third_ack in [
        &[][..],
        // MP_CAPABLE ACK echoing a different server key.
        &[
            30, 20, 0x01, 0x81, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2,
        ][..],
        // Declared length shorter than the form.
        &[
            30, 19, 0x01, 0x81, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
        ][..],
    ] {
        let mut events = Counted::default();
        let req = Request {
            local_key: SERVER_KEY,
            checksums: false,
            deny_join_id0: false,
            peer_denies_join_id0: false,
        };
        let mut server = Conn::passive(&req, SERVER_ISN, CLIENT_ISN, &RustCrypto);
        let verdict = server.incoming(
            &InSeg {
                seq: CLIENT_ISN.wrapping_add(1),
                ack: true,
                rcv_nxt: CLIENT_ISN.wrapping_add(1),
                ..Default::default()
            },
            third_ack,
            &RustCrypto,
            &mut events,
        );
        assert_eq!(verdict, Verdict::Accept);
        assert_eq!(server.phase(), Phase::Fallback, "{third_ack:?}");
        assert_eq!(events.0, [Event::FallbackAck]);
    }
}

#[test]
fn syn_without_mp_capable_is_plain_tcp() {
    let mut events = Counted::default();
    for syn in [
        &[][..],
        &[30, 4, 0x01][..],
        &[30, 3, 0x01, 0x81][..],
        &[30, 5, 0x01, 0x81, 0][..],
    ] {
        assert_eq!(
            Request::from_syn(syn, SERVER_KEY, false, &mut events),
            None,
            "{syn:?}"
        );
    }
    assert!(events.0.is_empty());
    assert_eq!(Request::from_words([SERVER_KEY, 0]), None);
    // What the listener records for such a SYN makes a plain child; no record at all (a SYN
    // cookie) waits for the third ACK.
    let words = Request::words_for_syn(&[], SERVER_KEY, false, &mut events);
    assert_eq!(
        Conn::for_child(words, SERVER_ISN, CLIENT_ISN, false, &RustCrypto).phase(),
        Phase::Fallback
    );
    assert_eq!(
        Conn::for_child([0, 0], SERVER_ISN, CLIENT_ISN, false, &RustCrypto).phase(),
        Phase::AwaitKeys
    );
    let req = Request::from_syn(&[30, 4, 0x01, 0x01], SERVER_KEY, false, &mut events).expect("MPC");
    assert_eq!(
        Conn::for_child(req.to_words(), SERVER_ISN, CLIENT_ISN, false, &RustCrypto).phase(),
        Phase::AwaitKeys
    );
}

#[test]
fn data_without_dss_before_any_dss_falls_back() {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    // The server (or a middlebox on its side) strips the options from its data.
    let verdict = p.client.incoming(
        &InSeg {
            seq: p.s_seq,
            payload: 100,
            ack: true,
            rcv_nxt: p.s_seq,
            ..Default::default()
        },
        &[],
        &RustCrypto,
        &mut p.events,
    );
    assert_eq!(verdict, Verdict::Accept);
    assert_eq!(p.client.phase(), Phase::Fallback);
    assert!(p.events.0.contains(&Event::DataFallback));
}

#[test]
fn fastclose_with_our_key_resets() {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    let mut buf = [0u8; 40];
    let fc = mptcp_proto::mp_fastclose::FastClose {
        receiver_key: CLIENT_KEY,
    };
    let len = mptcp_proto::conn::write_padded(&MptcpOption::FastClose(fc), &mut buf);
    let verdict = p.client.incoming(
        &InSeg {
            seq: p.s_seq,
            ack: true,
            rcv_nxt: p.s_seq,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        &mut p.events,
    );
    assert!(matches!(verdict, Verdict::Reset(_)));
    assert!(p.events.0.contains(&Event::FastcloseRx));
}

#[test]
fn abortive_close_sends_mp_fastclose_on_the_rst() {
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    p.server_sends(0, false);
    let mut buf = [0u8; 40];
    let rst = OutSeg {
        seq: p.s_seq,
        rst: true,
        ..Default::default()
    };
    let len = p
        .server
        .established_options(&rst, &mut no_sum, &mut buf, &mut p.events);
    // 12 + 4 bytes: room left next to timestamps.
    assert_eq!(len, 16);
    let opts = options(&buf[..len], SegmentCtx::RST);
    assert!(matches!(
        opts.as_slice(),
        [MptcpOption::FastClose(f), MptcpOption::TcpRst(r)]
            if f.receiver_key == CLIENT_KEY && r.reason == reason::UNSPECIFIED
    ));
    assert!(p.events.0.contains(&Event::FastcloseTx));
    let verdict = p.client.incoming(
        &InSeg {
            seq: p.s_seq,
            rst: true,
            rcv_nxt: p.s_seq,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        &mut p.events,
    );
    assert_eq!(verdict, Verdict::Accept, "TCP handles the reset itself");
    assert!(p.events.0.contains(&Event::FastcloseRx));
    assert!(p.events.0.contains(&Event::RstRx));
    // A plain TCP connection's reset carries nothing.
    let mut plain = Conn::plain();
    let len = plain.established_options(&rst, &mut no_sum, &mut buf, &mut p.events);
    assert_eq!(len, 0);
}

#[test]
fn options_always_fit_next_to_timestamps() {
    let mut p = handshake(true, true);
    p.client_sends(0, false);
    p.server_sends(0, false);
    for (payload, fin) in [
        (0, false),
        (1, false),
        (65535, false),
        (70000, false),
        (10, true),
        (0, true),
    ] {
        let seg = OutSeg {
            seq: p.c_seq,
            payload,
            fin,
            snd_una: p.c_seq,
            ..Default::default()
        };
        let mut buf = [0u8; 40];
        let mut sum = || 7u32;
        let len = p
            .client
            .established_options(&seg, &mut sum, &mut buf, &mut p.events);
        assert!(
            len <= mptcp_proto::conn::MAX_ESTABLISHED_LEN,
            "{payload} {fin}: {len}"
        );
        assert!(len > 0);
        // Too little room: nothing written, rather than a truncated option.
        let mut small = [0u8; 8];
        assert_eq!(
            p.client
                .established_options(&seg, &mut sum, &mut small, &mut p.events),
            0
        );
        p.c_seq = p.c_seq.wrapping_add(payload);
    }
}

#[test]
fn syn_cookie_child_takes_the_key_from_the_third_ack() {
    let mut p = handshake(false, false);
    // The listener answered with a cookie: the child starts without the request's state.
    p.server = Conn::passive_cookie(SERVER_ISN, CLIENT_ISN, false);
    let (_, verdict) = p.client_sends(0, false);
    assert_eq!(verdict, Verdict::Accept);
    assert_eq!(p.server.phase(), Phase::Established);
    let (opts, _) = p.server_sends(10, false);
    let m = only_dss(&opts).mapping.expect("mapping");
    assert_eq!(m.dsn, SeqNum::Full(idsn(SERVER_KEY).wrapping_add(1)));
    // Without MP_CAPABLE in the third ACK it is plain TCP.
    let mut plain = Conn::passive_cookie(SERVER_ISN, CLIENT_ISN, false);
    let mut events = Counted::default();
    plain.incoming(
        &InSeg {
            seq: CLIENT_ISN.wrapping_add(1),
            ack: true,
            ..Default::default()
        },
        &[],
        &RustCrypto,
        &mut events,
    );
    assert_eq!(plain.phase(), Phase::Fallback);
}

#[test]
fn transparent_mode_selects_mptcp_for_tcp_streams_only() {
    use mptcp_proto::transparent::{select_protocol as sel, *};
    const SOCK_DGRAM: i32 = 2;
    const SOCK_NONBLOCK: i32 = 0o4000;
    const AF_UNIX: i32 = 1;
    for family in [AF_INET, AF_INET6] {
        for protocol in [0, IPPROTO_TCP] {
            assert_eq!(
                sel(true, true, family, SOCK_STREAM, protocol),
                IPPROTO_MPTCP
            );
            assert_eq!(
                sel(true, true, family, SOCK_STREAM | SOCK_NONBLOCK, protocol),
                IPPROTO_MPTCP
            );
            // Off, or MPTCP disabled in the namespace: what was asked for.
            assert_eq!(sel(false, true, family, SOCK_STREAM, protocol), protocol);
            assert_eq!(sel(true, false, family, SOCK_STREAM, protocol), protocol);
        }
        assert_eq!(sel(true, true, family, SOCK_DGRAM, 0), 0);
        assert_eq!(sel(true, true, family, SOCK_STREAM, 132), 132); // SCTP
        assert_eq!(
            sel(true, true, family, SOCK_STREAM, IPPROTO_MPTCP),
            IPPROTO_MPTCP
        );
    }
    assert_eq!(sel(true, true, AF_UNIX, SOCK_STREAM, 0), 0);
}

/// A Fast Open connection whose SYN carried `syn_data` bytes, which the SYN/ACK acknowledged;
/// the listener's child learnt its key from its own SYN/ACK.
fn fast_open_handshake(syn_data: u32) -> Pair {
    let d = RustCrypto;
    let mut events = Counted::default();
    let mut client = Conn::idle(CLIENT_KEY, false, DEFAULT_SYN_RETRANS_BEFORE_FALLBACK);
    let mut buf = [0u8; 40];
    let len = client.syn_options(CLIENT_ISN, &mut buf, &mut events);
    let req = Request::from_syn(&buf[..len], SERVER_KEY, false, &mut events).expect("MPC SYN");
    let len = req.synack_options(&mut buf);
    let after_syn = CLIENT_ISN.wrapping_add(1).wrapping_add(syn_data);
    client.syn_ack(SERVER_ISN, after_syn, 65535, &buf[..len], &d, &mut events);
    let mut server = Conn::passive_cookie(SERVER_ISN, CLIENT_ISN, false);
    server.fastopen_synack(&req, &d, after_syn);
    Pair {
        client,
        server,
        events,
        c_seq: after_syn,
        s_seq: SERVER_ISN.wrapping_add(1),
        c_msk: Msk::new(SERVER_ISN.wrapping_add(1)),
        s_msk: Msk::new(CLIENT_ISN.wrapping_add(1)),
    }
}

#[test]
fn fast_open_syn_data_is_outside_the_data_sequence_space() {
    // RFC 8684 appendix B.3, as upstream: the 100 bytes of the SYN come before the stream;
    // the client's first byte after them is DSN IDSN + 1, relative subflow position 1, and
    // goes with the MP_CAPABLE third-ACK forms.
    let mut p = fast_open_handshake(100);
    let (opts, verdict) = p.client_sends(0, false);
    assert_eq!(verdict, Verdict::Accept);
    assert!(matches!(
        opts.as_slice(),
        [MptcpOption::MpCapable(m)] if matches!(m.form, MpcForm::Ack { .. })
    ));
    assert_eq!(p.server.phase(), Phase::Established);
    let first = p.c_seq;
    let (opts, verdict) = p.client_sends(50, false);
    assert_eq!(verdict, Verdict::Accept);
    assert!(
        matches!(opts.as_slice(), [MptcpOption::MpCapable(m)] if matches!(m.form, MpcForm::AckData { data_len: 50, .. })),
        "{opts:?}"
    );
    let (opts, _) = p.client_sends(30, false);
    let m = only_dss(&opts).mapping.expect("mapping");
    assert_eq!(m.dsn, SeqNum::Full(idsn(CLIENT_KEY).wrapping_add(51)));
    assert_eq!(m.subflow_seq, 51);
    // The server's reader gets the SYN's bytes, then the stream; the DATA_ACK counts only
    // the stream.
    let syn_start = first.wrapping_sub(100);
    assert_eq!(
        read_sent(&mut p, syn_start),
        [Moved::InOrder(100), Moved::Deliver(80)]
    );
    assert_eq!(server_data_ack(&mut p), idsn(CLIENT_KEY).wrapping_add(81));
}

#[test]
fn fast_open_syn_data_not_acknowledged_is_the_start_of_the_stream() {
    // A listener that refused the SYN's data acknowledges only the SYN: TCP sends the data
    // again after the handshake, and it starts the stream (relative position 1).
    let mut p = fast_open_handshake(0);
    let (opts, _) = p.client_sends(100, false);
    assert!(
        matches!(opts.as_slice(), [MptcpOption::MpCapable(m)] if matches!(m.form, MpcForm::AckData { data_len: 100, .. })),
        "{opts:?}"
    );
    assert_eq!(server_data_ack(&mut p), idsn(CLIENT_KEY).wrapping_add(101));
}

#[test]
fn fast_open_child_maps_data_sent_before_the_third_ack() {
    // The Fast Open child exists before its SYN/ACK; the SYN/ACK gives it the key.
    let mut p = fast_open_handshake(0);
    // It answers the SYN's data before the third ACK: DSS mapping, no DATA_ACK.
    let (opts, verdict) = p.server_sends(300, false);
    let dss = only_dss(&opts);
    assert_eq!(dss.data_ack, None);
    let m = dss.mapping.expect("mapping");
    assert_eq!(m.dsn, SeqNum::Full(idsn(SERVER_KEY).wrapping_add(1)));
    // The client checks it against the key from the SYN/ACK; without a DATA_ACK it cannot
    // know the server has its key, so the third ACK still carries both keys.
    assert_eq!(verdict, Verdict::Accept);
    assert_eq!(p.client.phase(), Phase::Established);
    let (opts, verdict) = p.client_sends(0, false);
    assert_eq!(verdict, Verdict::Accept);
    assert!(
        matches!(opts.as_slice(), [MptcpOption::MpCapable(_)]),
        "{opts:?}"
    );
    // The child checked the echo of its key and is established.
    assert_eq!(p.server.phase(), Phase::Established);
    let (opts, _) = p.server_sends(0, false);
    assert!(only_dss(&opts).data_ack.is_some());
}

#[test]
fn data_overtaking_the_keys_waits_for_them() {
    let mut p = handshake(false, false);
    // The third ACK and the first data segment (both with the keys) are delayed; the second
    // data segment, with a DSS, reaches the listener first and creates the child.
    let first = p.c_seq;
    let mut buf = [0u8; 40];
    let third_ack = OutSeg {
        seq: first,
        snd_una: first,
        ..Default::default()
    };
    p.client
        .established_options(&third_ack, &mut no_sum, &mut buf, &mut p.events);
    let data1 = OutSeg {
        payload: 1000,
        ..third_ack
    };
    let len1 = p
        .client
        .established_options(&data1, &mut no_sum, &mut buf, &mut p.events);
    let data1_opts = buf[..len1].to_vec();
    let data2 = OutSeg {
        seq: first.wrapping_add(1000),
        payload: 1000,
        ..third_ack
    };
    let len2 = p
        .client
        .established_options(&data2, &mut no_sum, &mut buf, &mut p.events);
    let seg = |seq, payload| InSeg {
        seq,
        payload,
        ack: true,
        rcv_nxt: first,
        ..Default::default()
    };
    let verdict = p.server.incoming(
        &seg(data2.seq, 1000),
        &buf[..len2],
        &RustCrypto,
        &mut p.events,
    );
    assert_eq!(verdict, Verdict::Accept);
    assert_eq!(p.server.phase(), Phase::AwaitKeys);
    // Its bytes cannot be placed in the stream yet (nor taken as plain TCP).
    assert_eq!(p.server.rx_place(data2.seq, 1000), Place::Wait);
    // Data the child sends meanwhile is mapped, without a DATA_ACK.
    let out = OutSeg {
        seq: p.s_seq,
        payload: 10,
        snd_una: p.s_seq,
        ..Default::default()
    };
    let len = p
        .server
        .established_options(&out, &mut no_sum, &mut buf, &mut p.events);
    let dss = only_dss(&options(&buf[..len], SegmentCtx::DATA));
    assert_eq!(dss.data_ack, None);
    assert_eq!(
        dss.mapping.expect("mapping").dsn,
        SeqNum::Full(idsn(SERVER_KEY).wrapping_add(1))
    );
    // The first data segment arrives with the keys: established, no fallback counted.
    let verdict = p
        .server
        .incoming(&seg(first, 1000), &data1_opts, &RustCrypto, &mut p.events);
    assert_eq!(verdict, Verdict::Accept);
    assert_eq!(p.server.phase(), Phase::Established);
    assert!(!p.events.0.contains(&Event::FallbackAck));
    // The early segment's mapping was kept while waiting: both segments read as one stream,
    // and the DATA_ACK covers them once TCP has both in order.
    let end = first.wrapping_add(2000);
    assert_eq!(read(&mut p, first, end), [Moved::Deliver(2000)]);
    let (opts, _) = transmit(
        &mut p.server,
        (&mut p.client, &mut p.c_msk),
        &mut p.events,
        p.s_seq.wrapping_add(10),
        (0, false, 0),
    );
    assert_eq!(
        only_dss(&opts).data_ack,
        Some(SeqNum::Full(idsn(CLIENT_KEY).wrapping_add(2001)))
    );
}

/// The server acknowledges the client's data up to its current position with a DSS
/// DATA_ACK and advertises `wnd` bytes of connection-level window.
fn server_acks_with_window(p: &mut Pair, wnd: u32) {
    let seg = OutSeg {
        seq: p.s_seq,
        snd_una: p.s_seq,
        ..Default::default()
    };
    let mut buf = [0u8; 40];
    let len = p
        .server
        .established_options(&seg, &mut no_sum, &mut buf, &mut p.events);
    let verdict = p.client.incoming(
        &InSeg {
            seq: p.s_seq,
            ack: true,
            rcv_nxt: p.c_seq,
            wnd,
            ..Default::default()
        },
        &buf[..len],
        &RustCrypto,
        &mut p.events,
    );
    assert_eq!(verdict, Verdict::Accept);
}

#[test]
fn the_connection_level_window_bounds_what_enters_tcp() {
    let (mut p, _) = established_with_data();
    // The SYN/ACK's window (65535) set the first right edge; a DATA_ACK moves it.
    assert_eq!(p.client.snd_allowance(p.c_seq), Some(65535 - 1000));
    server_acks_with_window(&mut p, 70000);
    assert_eq!(p.client.snd_allowance(p.c_seq), Some(70000));
    // 2000 bytes queued and sent, not acknowledged yet.
    p.client_sends(2000, false);
    assert_eq!(p.client.snd_allowance(p.c_seq), Some(68000));
    // Acknowledged with a window of 500 from the new DATA_ACK: the right edge would move
    // left, which the receiver may not do, so it stays.
    server_acks_with_window(&mut p, 500);
    assert_eq!(p.client.snd_allowance(p.c_seq), Some(68000));
    p.client_sends(60000, false);
    p.client_sends(8000, false);
    // Closed: nothing more; the glue asks the peer for its window meanwhile.
    assert!(!p.client.snd_blocked());
    assert_eq!(p.client.snd_allowance(p.c_seq), Some(0));
    assert!(p.client.snd_blocked());
    assert!(!p.client.take_snd_wakeup(p.c_seq), "nothing moved yet");
    // Everything acknowledged, window still zero: still nothing, not even a probe byte
    // (a receiver short of memory could drop it after TCP acknowledged it).
    server_acks_with_window(&mut p, 0);
    assert_eq!(p.client.snd_allowance(p.c_seq), Some(0));
    assert!(p.client.snd_blocked());
    // The window opens: the blocked writer is woken once.
    server_acks_with_window(&mut p, 4000);
    assert!(p.client.take_snd_wakeup(p.c_seq));
    assert!(!p.client.take_snd_wakeup(p.c_seq));
    assert!(!p.client.snd_blocked());
    assert_eq!(p.client.snd_allowance(p.c_seq), Some(4000));
    // Plain TCP is never limited here.
    let mut plain = Conn::plain();
    assert_eq!(plain.snd_allowance(12345), None);
}

#[test]
fn dss_checksums_are_verified_before_delivery() {
    let mut p = handshake(true, false);
    p.client_sends(0, false);
    p.server_sends(0, false);
    let at = p.c_seq;
    // `client_sends` maps its payload with the partial sum 0x1234.
    p.client_sends(1000, false);
    assert_eq!(p.server.rx_place(at, 1000), Place::Verify(1000));
    assert_eq!(p.s_msk.moved, at, "verification comes first");
    // Nor does the DATA_ACK cover the bytes before.
    let start = idsn(CLIENT_KEY).wrapping_add(1);
    assert_eq!(server_data_ack(&mut p), start);
    assert!(p.server.rx_verify(at, 0x1234, &mut p.events));
    assert_eq!(
        p.server.rx_place(at, 1000),
        Place::Stream {
            dsn: start,
            len: 1000
        }
    );
    let end = p.c_seq;
    assert_eq!(
        read(&mut p, at, end),
        [Moved::Verify(1000), Moved::Deliver(1000)]
    );
    assert_eq!(server_data_ack(&mut p), start.wrapping_add(1000));

    // The next mapping's bytes were changed on the way (their sum differs).
    let bad = p.c_seq;
    p.client_sends(500, false);
    assert_eq!(p.server.rx_place(bad, 500), Place::Verify(500));
    assert!(!p.server.rx_verify(bad, 0x1235, &mut p.events));
    assert!(p.events.0.contains(&Event::DataCsumErr));
    assert_eq!(p.server.phase(), Phase::Reset);
    assert_eq!(p.server.rx_place(bad, 500), Place::Broken);
    // The reset names the mapping in MP_FAIL, with "middlebox interference".
    let opts = rst_options(&mut p.server, &mut p.events);
    let fail_dsn = idsn(CLIENT_KEY).wrapping_add(1001);
    assert!(matches!(
        opts.as_slice(),
        [MptcpOption::MpFail(f), MptcpOption::TcpRst(r)]
            if f.dsn == fail_dsn && r.reason == reason::MIDDLEBOX
    ));
    assert!(p.events.0.contains(&Event::MpFailTx));
}

#[test]
fn tcp_may_merge_queued_skbs_only_within_one_dss() {
    let (mut p, _) = established_with_data();
    let sent = p.c_seq;
    p.client_sends(2000, false);
    let unsent = p.c_seq;
    // Retransmit queue: within the mapping recorded at first transmission, yes; across its
    // end (into data not sent yet), no: the retransmission repeats that mapping only.
    assert!(p.client.tx_can_merge(sent, 1000, 1000));
    assert!(!p.client.tx_can_merge(sent, 2000, 500));
    assert!(!p.client.tx_can_merge(sent.wrapping_sub(500), 500, 500));
    // Not sent yet: anything one DSS can map (a 16-bit length), nothing more.
    assert!(p.client.tx_can_merge(unsent, 40000, 25535));
    assert!(!p.client.tx_can_merge(unsent, 65483, 65483));
    assert!(!p.client.tx_can_merge(unsent, 40000, 25536));
    // Plain TCP merges as it likes.
    assert!(Conn::plain().tx_can_merge(unsent, 65483, 65483));
}

#[test]
fn mptcp_info_reports_the_data_level() {
    let (mut p, _) = established_with_data();
    let client_idsn = idsn(CLIENT_KEY);
    // The client sent 1000 bytes, read by the server; 500 more are queued, not sent.
    let before = p.client.info(p.c_seq, p.c_seq).expect("MPTCP");
    assert!(before.remote_key_received);
    assert_eq!(before.local_key, Some(CLIENT_KEY));
    assert_eq!(before.write_seq, client_idsn.wrapping_add(1001));
    assert_eq!(before.bytes_sent, 1000);
    let queued = p
        .client
        .info(p.c_seq.wrapping_add(500), p.c_seq)
        .expect("MPTCP");
    assert_eq!(queued.write_seq, client_idsn.wrapping_add(1501));
    // Once the server's DATA_ACK arrives, the client counts the 1000 bytes acknowledged.
    server_acks_with_window(&mut p, 65535);
    let acked = p.client.info(p.c_seq, p.c_seq).expect("MPTCP");
    assert_eq!(acked.snd_una, client_idsn.wrapping_add(1001));
    assert_eq!(acked.bytes_acked, 1000);
    let server = p.server.info(p.s_seq, p.s_seq).expect("MPTCP");
    assert_eq!(server.rcv_nxt, client_idsn.wrapping_add(1001));
    assert_eq!(server.bytes_received, 1000);
    // Plain TCP has no data level.
    assert_eq!(Conn::plain().info(0, 0), None);
}

#[test]
fn an_announcement_proves_the_peer_has_our_key_and_its_echo_goes_out_at_once() {
    // The server announces an address right after the third ACK; its ADD_ADDR rides on a
    // pure ACK without DSS, so the client has seen no DATA_ACK yet. Its echo must not wait
    // for one (the server would time out and announce again).
    let mut p = handshake(false, false);
    p.client_sends(0, false);
    let ann = Announcement {
        id: 2,
        addr: Address::V4([10, 0, 2, 1]),
        port: None,
    };
    let mut buf = [0u8; 40];
    assert!(p.server.announce(&ann, &RustCrypto));
    let seg = OutSeg {
        seq: p.s_seq,
        snd_una: p.s_seq,
        ..Default::default()
    };
    let n = p
        .server
        .established_options(&seg, &mut no_sum, &mut buf[..28], &mut p.events);
    let area = buf[..n].to_vec();
    assert!(matches!(
        options(&area, SegmentCtx::ACK)[..],
        [MptcpOption::AddAddr(_)]
    ));
    let inseg = InSeg {
        seq: p.s_seq,
        ack: true,
        rcv_nxt: p.s_seq,
        wnd: 65535,
        ..Default::default()
    };
    let v = p.client.incoming(&inseg, &area, &RustCrypto, &mut p.events);
    assert_eq!(v, Verdict::AcceptAckNow);
    // Even at the third ACK's position: the announcement's HMAC, computed with the client's
    // key, shows the server has it, so the keys need not be repeated any more.
    let at_third = OutSeg {
        seq: CLIENT_ISN.wrapping_add(1),
        snd_una: CLIENT_ISN.wrapping_add(1),
        ..Default::default()
    };
    let n = p
        .client
        .established_options(&at_third, &mut no_sum, &mut buf[..28], &mut p.events);
    assert!(matches!(
        options(&buf[..n], SegmentCtx::ACK)[..],
        [MptcpOption::AddAddr(AddAddr { echo: true, .. })]
    ));
    // A forged announcement proves nothing: a fresh client still repeats its keys.
    let mut q = handshake(false, false);
    q.client_sends(0, false);
    let mut forged = area.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    q.client
        .incoming(&inseg, &forged, &RustCrypto, &mut q.events);
    let n = q
        .client
        .established_options(&at_third, &mut no_sum, &mut buf[..28], &mut q.events);
    assert!(matches!(
        options(&buf[..n], SegmentCtx::ACK)[..],
        [MptcpOption::MpCapable(_)]
    ));
    // Past it (the client sent data), a later announcement's echo goes out too.
    assert!(p.server.announce(&ann, &RustCrypto));
    let n = p
        .server
        .established_options(&seg, &mut no_sum, &mut buf[..28], &mut p.events);
    let area = buf[..n].to_vec();
    p.client.incoming(&inseg, &area, &RustCrypto, &mut p.events);
    p.client_sends(100, false);
    let later = OutSeg {
        seq: p.c_seq,
        snd_una: p.c_seq,
        ..Default::default()
    };
    let n = p
        .client
        .established_options(&later, &mut no_sum, &mut buf[..28], &mut p.events);
    assert!(matches!(
        options(&buf[..n], SegmentCtx::ACK)[..],
        [MptcpOption::AddAddr(AddAddr {
            echo: true,
            addr_id: 2,
            ..
        })]
    ));
}

#[test]
fn the_c_flag_goes_both_ways_and_each_end_learns_the_other_s() {
    let d = RustCrypto;
    let mut events = Counted::default();
    let mut buf = [0u8; 40];
    // The client denies joins to its initial address: its SYN says so.
    let mut client = Conn::idle(CLIENT_KEY, false, DEFAULT_SYN_RETRANS_BEFORE_FALLBACK);
    client.set_deny_join_id0(true);
    let len = client.syn_options(CLIENT_ISN, &mut buf, &mut events);
    let syn = buf[..len].to_vec();
    let [MptcpOption::MpCapable(mpc)] = options(&syn, SegmentCtx::SYN)[..] else {
        panic!("an MP_CAPABLE SYN")
    };
    assert!(mpc.deny_join_id0);
    // The listener records it and denies too (its allow_join_initial_addr_port is 0).
    let req = Request::from_syn(&syn, SERVER_KEY, false, &mut events).expect("MPC SYN");
    assert!(req.peer_denies_join_id0 && !req.deny_join_id0);
    let req = Request {
        deny_join_id0: true,
        ..req
    };
    assert_eq!(
        Request::from_words(req.to_words()),
        Some(req),
        "kept in the request"
    );
    let len = req.synack_options(&mut buf);
    client.syn_ack(
        SERVER_ISN,
        CLIENT_ISN + 1,
        65535,
        &buf[..len],
        &d,
        &mut events,
    );
    assert!(
        client.peer_denies_join_id0(),
        "the client learns the server's"
    );
    let server = Conn::passive(&req, SERVER_ISN, CLIENT_ISN, &d);
    assert!(
        server.peer_denies_join_id0(),
        "the server's child the client's"
    );

    // Without the flag neither end denies anything.
    let p = handshake(false, false);
    assert!(!p.client.peer_denies_join_id0() && !p.server.peer_denies_join_id0());
}
