// SPDX-License-Identifier: GPL-2.0

//! One MPTCP connection over a single subflow, as one end sees it: the MP_CAPABLE handshake,
//! the DSS option on every segment, DATA_ACK, DATA_FIN and the fallback decisions
//! (RFC 8684 sections 3.1, 3.3 and 3.7).
//!
//! What this end sends is mapped at a fixed offset: the first data byte of the subflow
//! (relative SSN 1) has DSN IDSN + 1, and every segment's mapping follows from its sequence
//! number (a msk send queue replaces this with several subflows). What it receives is placed
//! by the peer's mappings, kept until the bytes leave the subflow: the msk moves them into its
//! own receive queue ([`Conn::rx_place`], [`super::stream_rx`]) and tells where the stream
//! stands, which is the DATA_ACK this subflow sends.
//!
//! The glue calls in with plain values taken from the socket and segment ([`OutSeg`],
//! [`InSeg`]) and the raw TCP option bytes; everything is validated here. Counted events go to
//! an [`Events`] sink the glue maps to its `MPTcpExt*` counters.

use super::{
    crypto::{key_hash, Digest},
    csum,
    dss::{self, Dss},
    join::{Initiator, InitiatorPhase, JoinError, JoinRequest, Responder},
    mapping::{after32, before32, Mapping, PushError, RxError, RxMappings, TxMappings},
    mp_capable::{MpCapable, MpcForm},
    mp_fail::MpFail,
    mp_fastclose::FastClose,
    mp_join::MpJoin,
    mp_tcprst::{reason, TcpRst},
    option::{parse, MptcpOption, SegmentCtx, TcpOptions, TCPOPT_MPTCP, TCPOPT_NOP},
    remove_addr::RemoveAddr,
    seq::{before64, expand},
    signal::{Announcement, Received, Signals},
    tx_offsets::{Assign, TxOffsets},
};

/// Mappings kept for retransmission: with TSO each covers up to 64 KiB, so the table spans a
/// window of megabytes; without, about 90 KiB (past that, segments are mapped exactly and a
/// retransmission that splits one could be refused by the peer).
pub const TX_MAPPINGS: usize = 64;

/// Runs of the msk's stream a subflow may still (re)send, each where the scheduler switched
/// subflows ([`TxOffsets`]); with none free the scheduler picks another subflow.
pub const TX_RUNS: usize = 64;

/// Received mappings kept until the reader has consumed their data. Contiguous mappings merge
/// (up to 64 KiB each), so a bulk transfer's unread data takes one entry per 64 KiB.
pub const RX_MAPPINGS: usize = 64;

/// How many times an MP_CAPABLE SYN is retransmitted before the connection falls back and
/// retries without it: the default of upstream's `net.mptcp.syn_retrans_before_tcp_fallback`.
pub const DEFAULT_SYN_RETRANS_BEFORE_FALLBACK: u8 = 2;

/// The largest option length [`Conn::established_options`] writes (DSS with a 64-bit
/// DATA_ACK, a 64-bit mapping and its checksum), which leaves room for timestamps.
pub const MAX_ESTABLISHED_LEN: usize = 28;

/// Where the connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing sent yet (a socket before `connect()`, or a listener).
    Idle,
    /// Active opener: SYN with MP_CAPABLE sent, SYN/ACK not seen yet.
    SynSent,
    /// Passive opener: SYN/ACK with our key sent; the third ACK must bring both keys.
    AwaitKeys,
    /// Keys exchanged: every segment carries MPTCP options.
    Established,
    /// Plain TCP: no MPTCP option is sent or acted on any more.
    Fallback,
    /// The subflow is being reset for a protocol error; the RST carries MP_TCPRST.
    Reset,
}

/// What `getsockopt(SOL_MPTCP, MPTCP_INFO)` reports of the connection's data level
/// (`struct mptcp_info`): absolute data sequence numbers, and byte counts in the stream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Info {
    /// Our key, once settled (its token names the connection).
    pub local_key: Option<u64>,
    /// The peer's key is known (`MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED`).
    pub remote_key_received: bool,
    /// The peer's key, once known (its token is the one the peer's MP_JOINs do not carry,
    /// ours; diag reports both).
    pub remote_key: Option<u64>,
    /// DSS checksums are in use.
    pub checksums: bool,
    /// DSN of the next byte the application queues.
    pub write_seq: u64,
    /// The peer's DATA_ACK: the first byte it has not acknowledged.
    pub snd_una: u64,
    /// Our DATA_ACK point: the next byte of the peer's stream we expect.
    pub rcv_nxt: u64,
    /// Bytes of the stream sent (each once: there is no connection-level retransmission).
    pub bytes_sent: u64,
    /// Bytes of the stream the peer acknowledged at the data level.
    pub bytes_acked: u64,
    /// Bytes of the peer's stream received in order.
    pub bytes_received: u64,
}

/// Events the glue counts, named after upstream's `MPTcpExt*` counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A SYN with MP_CAPABLE was sent (`MPCapableSYNTX`).
    MpcSynTx,
    /// MP_CAPABLE SYNs went unanswered; retrying as plain TCP (`MPCapableSYNTXDrop`).
    MpcSynTxDrop,
    /// A SYN with MP_CAPABLE arrived at a listener (`MPCapableSYNRX`).
    MpcSynRx,
    /// A SYN/ACK with MP_CAPABLE arrived (`MPCapableSYNACKRX`).
    MpcSynAckRx,
    /// The third ACK carried valid keys (`MPCapableACKRX`).
    MpcAckRx,
    /// The SYN/ACK had no (valid) MP_CAPABLE: fallback (`MPCapableFallbackSYNACK`).
    FallbackSynAck,
    /// The third ACK had no (valid) MP_CAPABLE: fallback (`MPCapableFallbackACK`).
    FallbackAck,
    /// Data arrived before the peer ever sent a DSS, without one: fallback
    /// (`MPCapableDataFallback`).
    DataFallback,
    /// A mapping did not match the data sequence space (`DSSNotMatching`).
    DssNotMatching,
    /// The peer sent an infinite mapping (`InfiniteMapRx`).
    InfiniteMapRx,
    /// MP_FASTCLOSE with our key arrived (`MPFastcloseRx`).
    FastcloseRx,
    /// An abortive close sent MP_FASTCLOSE (`MPFastcloseTx`).
    FastcloseTx,
    /// Received data failed its DSS checksum (`DataCsumErr`).
    DataCsumErr,
    /// A reset carried MP_FAIL (`MPFailTx`).
    MpFailTx,
    /// A reset carried MP_TCPRST (`MPRstRx`).
    RstRx,
    /// A reset we send carries MP_TCPRST (`MPRstTx`).
    RstTx,
    /// No key with a free token was found: the connection is plain TCP
    /// (`MPFallbackTokenInit`).
    TokenFallback,
    /// A SYN with MP_JOIN was sent (`MPJoinSynTx`).
    JoinSynTx,
    /// A SYN/ACK with a valid MP_JOIN arrived (`MPJoinSynAckRx`).
    JoinSynAckRx,
    /// The SYN/ACK's MP_JOIN HMAC was wrong (`MPJoinSynAckHMacFailure`).
    JoinSynAckHmacFailure,
    /// The SYN/ACK of a join had no MP_JOIN (`MPJoinSynAckNoMPJoin`).
    JoinSynAckNoMpJoin,
    /// A join's third ACK checked out and its connection took the subflow (`MPJoinAckRx`):
    /// the caller's to count, as the connection decides last (upstream counts it then).
    JoinAckRx,
    /// A join's third ACK had a wrong HMAC (`MPJoinAckHMacFailure`).
    JoinAckHmacFailure,
    /// A join's third ACK had no MP_JOIN (`MPJoinAckNoMPJoin`).
    JoinAckNoMpJoin,
    /// A SYN with MP_JOIN arrived (`MPJoinSynRx`).
    JoinSynRx,
    /// ... asking to be a backup subflow (`MPJoinSynBackupRx`).
    JoinSynBackupRx,
    /// A join's token names no connection here (`MPJoinNoTokenFound`).
    JoinNoTokenFound,
    /// A join was refused: the connection takes no more subflows (`MPJoinRejected`).
    JoinRejected,
    /// An ADD_ADDR announcement with a valid HMAC arrived (`AddAddr`).
    AddAddrRx,
    /// An echo of our ADD_ADDR arrived (`EchoAdd`).
    EchoAddRx,
    /// ... either of them with a port (`PortAdd`).
    PortAddRx,
    /// Our ADD_ADDR announcement went out (`AddAddrTx`) ...
    AddAddrTx,
    /// ... or did not fit (`AddAddrTxDrop`).
    AddAddrTxDrop,
    /// Our echo went out (`EchoAddTx`) ...
    EchoAddTx,
    /// ... or did not fit (`EchoAddTxDrop`).
    EchoAddTxDrop,
    /// Our REMOVE_ADDR went out (`RmAddrTx`) ...
    RmAddrTx,
    /// ... or did not fit (`RmAddrTxDrop`).
    RmAddrTxDrop,
    /// A join's SYN/ACK asked for a backup subflow (`MPJoinSynAckBackupRx`).
    JoinSynAckBackupRx,
    /// Our MP_PRIO went out (`MPPrioTx`).
    MpPrioTx,
    /// An MP_PRIO arrived (`MPPrioRx`).
    MpPrioRx,
    /// A SYN with MP_JOIN reached one of our endpoints' own ports (`MPJoinPortSynRx`) ...
    JoinPortSynRx,
    /// ... or another port than the connection's that none of them has: refused
    /// (`MismatchPortSynRx`).
    MismatchPortSynRx,
}

/// Where counted events go.
pub trait Events {
    /// Records one occurrence of `event`.
    fn event(&mut self, event: Event);
}

/// An outgoing segment (other than a SYN or SYN/ACK), as the options hook sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutSeg {
    /// Sequence number of the first byte.
    pub seq: u32,
    /// Payload bytes (the FIN not counted).
    pub payload: u32,
    /// The FIN flag is set.
    pub fin: bool,
    /// The RST flag is set.
    pub rst: bool,
    /// The subflow's first unacknowledged sequence number.
    pub snd_una: u32,
    /// The last bytes of the option space that only leaving out the timestamp option frees
    /// (0: it stays). Only an ADD_ADDR too long to go next to it uses them (upstream's
    /// `add_addr_v6_port_drop_ts`); the caller then sends the segment without timestamps.
    pub ts_room: u32,
}

/// An incoming segment, as the incoming hook sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InSeg {
    /// Sequence number of the first byte.
    pub seq: u32,
    /// Payload bytes.
    pub payload: u32,
    /// Flags.
    pub syn: bool,
    /// The ACK flag is set.
    pub ack: bool,
    /// The FIN flag is set.
    pub fin: bool,
    /// The RST flag is set.
    pub rst: bool,
    /// The subflow's next expected sequence number before this segment.
    pub rcv_nxt: u32,
    /// The receive window it advertises, scaled: with MPTCP it is the connection's, counted
    /// from the DATA_ACK (RFC 8684 section 3.3.4).
    pub wnd: u32,
}

impl InSeg {
    const fn ctx(&self) -> SegmentCtx {
        SegmentCtx {
            syn: self.syn,
            ack: self.ack,
            payload: self.payload != 0,
            rst: self.rst,
        }
    }
}

/// What TCP should do with an incoming segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Process it as usual.
    Accept,
    /// Process it and acknowledge at once (a DATA_FIN arrived on a segment TCP would not
    /// acknowledge by itself).
    AcceptAckNow,
    /// Drop it and reset the subflow; the RST carries MP_TCPRST with this reason.
    Reset(u8),
    /// Drop it without acknowledging: no room to remember its mapping now (see
    /// [`RxMappings`]); the peer retransmits it.
    Drop,
}

/// Where the subflow's next received bytes go, as the msk moves them into its own receive
/// queue ([`Conn::rx_place`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// This many bytes of the connection's stream, the first at `dsn`: the msk places them
    /// by DSN ([`StreamRx::place`](super::stream_rx::StreamRx::place)).
    Stream {
        /// DSN of the first byte.
        dsn: u64,
        /// How many bytes continue from it under the same mapping.
        len: u32,
    },
    /// This many bytes outside the data sequence space, taken in order as they are: plain TCP
    /// (before the keys, or after a fallback) and the Fast Open SYN's data.
    InOrder(u32),
    /// The next bytes start a mapping whose DSS checksum is still to be checked: the whole
    /// mapping, this many bytes, must be summed ([`Conn::rx_verify`]) before any of it moves.
    Verify(u32),
    /// The bytes have no mapping: a protocol error. Nothing moves; [`Conn::rx_broken`]
    /// decides the reset.
    Broken,
    /// Not yet: the peer speaks MPTCP but its key has not arrived (a segment overtook the
    /// third ACK). Nothing moves until it does.
    Wait,
}

/// The state of a passive open that the listener keeps in the request socket (two 64-bit
/// words of `tcp_rsk(req)->ext_data`) between the SYN and the child socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// The key the SYN/ACK announces.
    pub local_key: u64,
    /// DSS checksums are to be used (either end asked).
    pub checksums: bool,
    /// Our SYN/ACK's C flag: no joins to our initial address (the listener's
    /// `allow_join_initial_addr_port` is 0).
    pub deny_join_id0: bool,
    /// The SYN's C flag: the peer takes no joins to its initial address.
    pub peer_denies_join_id0: bool,
}

const REQ_MPTCP: u64 = 1;
const REQ_CHECKSUMS: u64 = 2;
/// The SYN/ACK hook saw the request (words left all zero mean it did not: a SYN cookie's
/// request, rebuilt from the third ACK).
pub(crate) const REQ_SEEN: u64 = 4;
// Bits 3..=6 mark join requests (`join.rs`), which never set `REQ_MPTCP`; these are clear of
// them all the same.
const REQ_DENY_JOIN_ID0: u64 = 1 << 16;
const REQ_PEER_DENIES_JOIN_ID0: u64 = 1 << 17;

/// The request words of a SYN that did not ask for MPTCP.
pub const PLAIN_REQUEST_WORDS: [u64; 2] = [0, REQ_SEEN];

impl Request {
    /// The words the SYN/ACK hook records for a SYN: [`Request::to_words`] or
    /// [`PLAIN_REQUEST_WORDS`].
    pub fn words_for_syn(
        syn_options: &[u8],
        local_key: u64,
        checksums: bool,
        events: &mut dyn Events,
    ) -> [u64; 2] {
        Self::from_syn(syn_options, local_key, checksums, events)
            .map_or(PLAIN_REQUEST_WORDS, Self::to_words)
    }

    /// The SYN's answer: `None` if the SYN did not ask for MPTCP (no or an invalid
    /// MP_CAPABLE), which makes the connection plain TCP. `checksums` is the listener's own
    /// setting; the peer's A flag turns checksums on too.
    pub fn from_syn(
        syn_options: &[u8],
        local_key: u64,
        checksums: bool,
        events: &mut dyn Events,
    ) -> Option<Self> {
        let mpc = find_mp_capable(syn_options, SegmentCtx::SYN)?;
        if mpc.form != MpcForm::Syn {
            return None;
        }
        events.event(Event::MpcSynRx);
        Some(Self {
            local_key,
            checksums: checksums || mpc.checksum_required,
            deny_join_id0: false,
            peer_denies_join_id0: mpc.deny_join_id0,
        })
    }

    /// The two words stored in the request socket (all zero means "plain TCP").
    pub const fn to_words(self) -> [u64; 2] {
        let mut flags = REQ_SEEN | REQ_MPTCP;
        if self.checksums {
            flags |= REQ_CHECKSUMS;
        }
        if self.deny_join_id0 {
            flags |= REQ_DENY_JOIN_ID0;
        }
        if self.peer_denies_join_id0 {
            flags |= REQ_PEER_DENIES_JOIN_ID0;
        }
        [self.local_key, flags]
    }

    /// Reads back [`to_words`](Self::to_words); `None` for a plain TCP request.
    pub const fn from_words(words: [u64; 2]) -> Option<Self> {
        if words[1] & REQ_MPTCP == 0 {
            return None;
        }
        Some(Self {
            local_key: words[0],
            checksums: words[1] & REQ_CHECKSUMS != 0,
            deny_join_id0: words[1] & REQ_DENY_JOIN_ID0 != 0,
            peer_denies_join_id0: words[1] & REQ_PEER_DENIES_JOIN_ID0 != 0,
        })
    }

    /// The SYN/ACK's options; returns the length written (0 if `buf` is too small).
    pub fn synack_options(&self, buf: &mut [u8]) -> usize {
        let mut mpc = MpCapable::new(MpcForm::SynAck {
            sender_key: self.local_key,
        });
        mpc.checksum_required = self.checksums;
        mpc.deny_join_id0 = self.deny_join_id0;
        write_padded(&MptcpOption::MpCapable(mpc), buf)
    }
}

/// The connection, as one end sees it.
///
/// # Invariants
///
/// `local_idsn` and `remote_idsn` are the IDSNs of `local_key` and `remote_key` once the
/// phase has been [`Phase::Established`]; `isn` and `irs` are the subflow's initial sequence
/// numbers (ours and the peer's) from the handshake on.
pub struct Conn {
    phase: Phase,
    checksums: bool,
    local_key: u64,
    remote_key: u64,
    local_idsn: u64,
    remote_idsn: u64,
    isn: u32,
    irs: u32,
    /// MP_CAPABLE SYNs sent.
    syns_sent: u8,
    /// Retransmissions of the MP_CAPABLE SYN before falling back (this end's setting).
    syn_retrans_before_fallback: u8,
    /// The peer has shown (with a DATA_ACK) that it holds our key: MP_CAPABLE forms stop.
    peer_has_keys: bool,
    /// Bytes of the peer's TCP Fast Open SYN data the reader gets before the stream (they
    /// end at relative position 0).
    rcv_syn_data: u32,
    /// 64-bit relative positions last seen in each direction: the references that expand
    /// 32-bit subflow sequence numbers (so connections can carry more than 4 GiB).
    snd_rel: u64,
    rcv_rel: u64,
    /// The peer's mappings for data not consumed yet.
    rx: RxMappings<RX_MAPPINGS>,
    /// Lowest relative position any stored mapping started at: bytes before it follow the
    /// implicit mapping (DSN = IDSN + relative position).
    mapped_from: Option<u32>,
    /// The DATA_ACK point: DSN one past the in-order data the connection received (the msk
    /// tells, [`Conn::rx_moved`]).
    rcv_data_nxt: u64,
    /// The peer's highest DATA_ACK and the right edge of its connection-level receive window
    /// (DATA_ACK + window, never moved left), from the handshake on.
    snd_data_acked: u64,
    snd_wnd_end: Option<u64>,
    /// A writer found the window closed: wake it when the right edge moves.
    snd_blocked: bool,
    /// DSN of the peer's DATA_FIN, once announced.
    rcv_data_fin: Option<u64>,
    /// MP_TCPRST reason for the reset being sent.
    reset_reason: u8,
    /// DSN of the mapping whose checksum failed, for the MP_FAIL the reset carries.
    fail_dsn: Option<u64>,
    /// A SYN-cookie child: the request (and the key our SYN/ACK sent) was not kept, so the
    /// third ACK's echo of it is taken as ours (the cookie already proved the handshake).
    key_from_third_ack: bool,
    tx: TxMappings<TX_MAPPINGS>,
    /// Where the msk placed the bytes this subflow sends in its stream.
    tx_runs: TxOffsets<TX_RUNS>,
    /// The DSN of our DATA_FIN, once the msk (which placed data on several subflows) closed
    /// its sending side: it goes on every segment until acknowledged. `None`: the first
    /// subflow's FIN carries it after its last byte, as with one subflow (unless
    /// `fin_closes_path`).
    snd_data_fin: Option<u64>,
    /// This subflow's FIN closes its path only (the path manager closed the first subflow
    /// while joins carry the connection): no DATA_FIN rides on it unless `snd_data_fin`.
    fin_closes_path: bool,
    /// An additional subflow (MP_JOIN) rather than the first (MP_CAPABLE).
    join: Option<JoinRole>,
    /// The initiator's third-ACK option (its HMAC computed once), repeated until acknowledged.
    join_ack: Option<MpJoin>,
    /// ADD_ADDR, REMOVE_ADDR and MP_PRIO to send and received.
    signals: Signals,
    /// We asked the peer to use this subflow as a backup only (the MP_JOIN B flag we sent,
    /// or our last MP_PRIO).
    backup: bool,
    /// The peer asked us to use this subflow as a backup only (its MP_JOIN B flag or last
    /// MP_PRIO): a scheduler sends on it only when no regular subflow can.
    peer_backup: bool,
    /// Our MP_CAPABLE's C flag: no joins to our initial address, please.
    deny_join_id0: bool,
    /// The peer's MP_CAPABLE had the C flag: no joins to its initial address (RFC 8684
    /// section 3.1).
    peer_denies_join_id0: bool,
}

/// The MP_JOIN handshake of an additional subflow, in the role this end plays.
#[derive(Clone, Copy, Debug)]
enum JoinRole {
    Initiator(Initiator),
    Responder(Responder),
    /// A listener's child of a join it could not take (unknown token, limit reached): its
    /// first segment resets it with this MP_TCPRST reason.
    Refused(u8),
}

impl Conn {
    // Inlined into each constructor: a `Conn` is kilobytes, and each level of construction
    // would otherwise hold its own copy on the (softirq) stack.
    #[inline(always)]
    fn new(phase: Phase, local_key: u64, checksums: bool) -> Self {
        Self {
            phase,
            checksums,
            local_key,
            remote_key: 0,
            local_idsn: 0,
            remote_idsn: 0,
            isn: 0,
            irs: 0,
            syns_sent: 0,
            syn_retrans_before_fallback: DEFAULT_SYN_RETRANS_BEFORE_FALLBACK,
            peer_has_keys: false,
            rcv_syn_data: 0,
            snd_rel: 1,
            rcv_rel: 1,
            rx: RxMappings::new(1),
            mapped_from: None,
            rcv_data_nxt: 0,
            snd_data_acked: 0,
            snd_wnd_end: None,
            snd_blocked: false,
            rcv_data_fin: None,
            reset_reason: reason::UNSPECIFIED,
            fail_dsn: None,
            key_from_third_ack: false,
            tx: TxMappings::new(),
            tx_runs: TxOffsets::new(),
            snd_data_fin: None,
            fin_closes_path: false,
            join: None,
            join_ack: None,
            signals: Signals::NONE,
            backup: false,
            peer_backup: false,
            deny_join_id0: false,
            peer_denies_join_id0: false,
        }
    }

    /// An additional subflow of a connection whose keys are known: no MP_CAPABLE, no
    /// implicit mapping (every byte it receives must be mapped), the DATA_ACK the msk's.
    #[inline(always)]
    fn joining(
        phase: Phase,
        local_key: u64,
        remote_key: u64,
        checksums: bool,
        hasher: &dyn Digest,
        role: JoinRole,
    ) -> Self {
        let mut conn = Self::new(phase, local_key, checksums);
        conn.remote_key = remote_key;
        conn.local_idsn = key_hash(hasher, local_key).idsn;
        conn.remote_idsn = key_hash(hasher, remote_key).idsn;
        conn.mapped_from = Some(1);
        conn.peer_has_keys = true;
        conn.join = Some(role);
        conn
    }

    /// A subflow this end opens with MP_JOIN (RFC 8684 section 3.2) to the connection whose
    /// keys are `local_key` (ours) and `remote_key`, from our address `addr_id`, with the
    /// random `nonce`. `checksums` is what the connection negotiated.
    pub fn join_initiator(
        local_key: u64,
        remote_key: u64,
        checksums: bool,
        (nonce, addr_id, backup): (u32, u8, bool),
        hasher: &dyn Digest,
    ) -> Self {
        let initiator = Initiator::new(hasher, local_key, remote_key, nonce, addr_id, backup);
        let role = JoinRole::Initiator(initiator);
        let mut conn = Self::joining(Phase::Idle, local_key, remote_key, checksums, hasher, role);
        conn.backup = backup;
        conn
    }

    /// The child of a listener that answered the MP_JOIN SYN `req` of the connection whose
    /// keys are `local_key` (ours) and `remote_key`: it waits for the third ACK's HMAC.
    #[inline(always)]
    pub fn join_responder(
        req: &JoinRequest,
        (local_key, remote_key, checksums): (u64, u64, bool),
        isn: u32,
        irs: u32,
        hasher: &dyn Digest,
    ) -> Self {
        let (responder, _) = req.responder(hasher, local_key, remote_key);
        let role = JoinRole::Responder(responder);
        let mut conn = Self::joining(
            Phase::AwaitKeys,
            local_key,
            remote_key,
            checksums,
            hasher,
            role,
        );
        conn.isn = isn;
        conn.irs = irs;
        conn.backup = responder.us().backup;
        conn.peer_backup = responder.peer().backup;
        conn
    }

    /// The child of a join request the listener could not take (see [`JoinRole`]): reset,
    /// with `why` (an MP_TCPRST reason), at the first segment it gets.
    #[inline(always)]
    pub fn join_refused(why: u8, isn: u32, irs: u32) -> Self {
        let mut conn = Self::new(Phase::AwaitKeys, 0, false);
        conn.isn = isn;
        conn.irs = irs;
        conn.join = Some(JoinRole::Refused(why));
        conn
    }

    /// A join whose third ACK checked out but that the connection could not take after all
    /// (it is closing, its subflow limit was reached meanwhile): reset with the MP_TCPRST
    /// reason `why`. Returns false if a reset was decided already.
    pub fn join_refuse(&mut self, why: u8) -> bool {
        if self.phase == Phase::Reset {
            return false;
        }
        self.reset(why);
        true
    }

    /// Both keys and the checksum choice of an established first subflow: what a join to
    /// this connection needs. `None` for a join, plain TCP, or before the peer's key.
    pub const fn join_keys(&self) -> Option<(u64, u64, bool)> {
        match (self.phase, self.join) {
            (Phase::Established, None) => Some((self.local_key, self.remote_key, self.checksums)),
            _ => None,
        }
    }

    /// Both ends hold both keys: ours was echoed by the peer (its third ACK, or a DATA_ACK
    /// on our active open). Only then can the peer answer a join to the connection, which is
    /// when upstream's path manager starts ("fully established").
    pub const fn fully_established(&self) -> bool {
        matches!(self.phase, Phase::Established) && self.peer_has_keys
    }

    /// Whether the msk may give this subflow data to send: MPTCP established, and past the
    /// handshake's repeated option (the first subflow's keys, a join's third ACK), so every
    /// data segment carries a DSS.
    pub fn tx_ready(&self) -> bool {
        match self.join {
            None => self.fully_established(),
            Some(JoinRole::Refused(_)) => false,
            Some(_) => self.phase == Phase::Established && !self.handshake_repeating(0),
        }
    }

    /// The DSN the subflow's next byte (at `write_seq`) carries if nothing else is said: the
    /// run the msk's last bytes continue, or the first subflow's implicit one. `None` on a
    /// join the msk gave nothing yet, or before the keys.
    pub fn tx_next_dsn(&self, write_seq: u32) -> Option<u64> {
        if self.phase != Phase::Established {
            return None;
        }
        let rel32 = write_seq.wrapping_sub(self.isn);
        match self.tx_runs.locate(rel32) {
            Some((dsn, _)) => Some(dsn),
            None if self.join.is_none() => Some(self.snd_dsn(expand(self.snd_rel, rel32))),
            None => None,
        }
    }

    /// The msk queues bytes carrying DSN `dsn` onwards at `write_seq`, the subflow's next
    /// byte (`snd_una` its first unacknowledged one). [`Assign::NewRun`]: the glue must keep
    /// the bytes queued before out of the skb these go in; [`Assign::Full`]: not recorded,
    /// send them elsewhere.
    pub fn tx_assign(&mut self, write_seq: u32, snd_una: u32, dsn: u64) -> Assign {
        if !self.tx_ready() {
            return Assign::Full;
        }
        // An idle subflow sends nothing that would purge its runs (`established_options`).
        self.tx_runs.purge(snd_una.wrapping_sub(self.isn));
        let implicit = if self.join.is_none() {
            self.tx_next_dsn(write_seq)
        } else {
            None
        };
        let rel32 = write_seq.wrapping_sub(self.isn);
        self.tx_runs.assign(rel32, dsn, implicit)
    }

    /// Whether [`Conn::tx_assign`] would record bytes carrying `dsn` at `write_seq` now
    /// (`snd_una` the first unacknowledged byte): the scheduler's view of the subflow's room.
    pub fn tx_room_for(&mut self, write_seq: u32, snd_una: u32, dsn: u64) -> bool {
        if !self.tx_ready() {
            return false;
        }
        self.tx_runs.purge(snd_una.wrapping_sub(self.isn));
        let implicit = if self.join.is_none() {
            self.tx_next_dsn(write_seq)
        } else {
            None
        };
        self.tx_runs
            .has_room(write_seq.wrapping_sub(self.isn), dsn, implicit)
    }

    /// The msk's stream ends at `dsn`: the DATA_FIN goes on this subflow's segments (alone
    /// on pure ACKs, after the last byte when that is `dsn - 1`) until acknowledged.
    pub fn set_data_fin(&mut self, dsn: u64) {
        if self.phase == Phase::Established {
            self.snd_data_fin = Some(dsn);
        }
    }

    /// The path manager closes this subflow while the connection goes on over others: its
    /// FIN is not the stream's end.
    pub fn close_path_only(&mut self) {
        self.fin_closes_path = true;
    }

    /// The peer's DATA_ACK and the right edge of its connection-level window, as seen on
    /// this subflow: `None` before the keys, or not MPTCP.
    pub const fn snd_level(&self) -> Option<(u64, u64)> {
        match (self.phase, self.snd_wnd_end) {
            (Phase::Established, Some(end)) => Some((self.snd_data_acked, end)),
            _ => None,
        }
    }

    /// The DSN of our stream's first byte (IDSN + 1), once the keys are known; 0 before.
    pub const fn snd_stream_start(&self) -> u64 {
        match self.phase {
            Phase::Established => self.snd_dsn(1),
            _ => 0,
        }
    }

    /// An additional subflow (MP_JOIN), not the first.
    pub const fn is_join(&self) -> bool {
        self.join.is_some()
    }

    /// A subflow that has not connected yet: it becomes an active opener with `local_key`
    /// on its first SYN. `checksums` and `syn_retrans_before_fallback` are this end's
    /// settings (`net.mptcp.checksum_enabled`, `net.mptcp.syn_retrans_before_tcp_fallback`).
    #[inline(always)]
    pub fn idle(local_key: u64, checksums: bool, syn_retrans_before_fallback: u8) -> Self {
        let mut conn = Self::new(Phase::Idle, local_key, checksums);
        conn.syn_retrans_before_fallback = syn_retrans_before_fallback;
        conn
    }

    /// A plain TCP connection (a child of a SYN without MP_CAPABLE).
    #[inline(always)]
    pub fn plain() -> Self {
        Self::new(Phase::Fallback, 0, false)
    }

    /// The child of a request that asked for MPTCP: it waits for the keys in the third ACK.
    #[inline(always)]
    pub fn passive(req: &Request, isn: u32, irs: u32, hasher: &dyn Digest) -> Self {
        let mut conn = Self::new(Phase::AwaitKeys, req.local_key, req.checksums);
        conn.isn = isn;
        conn.irs = irs;
        conn.deny_join_id0 = req.deny_join_id0;
        conn.peer_denies_join_id0 = req.peer_denies_join_id0;
        // Known now, for data sent before the third ACK completes the keys.
        conn.local_idsn = key_hash(hasher, req.local_key).idsn;
        conn
    }

    /// The child of a listener, from the request's `words` (see [`Request`]): MPTCP if the
    /// SYN asked for it, plain TCP if it did not, and for a SYN cookie's child (no words)
    /// whatever the third ACK says.
    #[inline(always)]
    pub fn for_child(
        words: [u64; 2],
        isn: u32,
        irs: u32,
        checksums: bool,
        hasher: &dyn Digest,
    ) -> Self {
        match Request::from_words(words) {
            Some(req) => Self::passive(&req, isn, irs, hasher),
            None if words == [0, 0] => Self::passive_cookie(isn, irs, checksums),
            None => Self::plain(),
        }
    }

    /// The child of a SYN cookie, whose request state is gone: MPTCP if the third ACK
    /// carries MP_CAPABLE with both keys, plain TCP otherwise. `checksums` is this end's
    /// setting.
    #[inline(always)]
    pub fn passive_cookie(isn: u32, irs: u32, checksums: bool) -> Self {
        let mut conn = Self::new(Phase::AwaitKeys, 0, checksums);
        conn.isn = isn;
        conn.irs = irs;
        conn.key_from_third_ack = true;
        conn
    }

    /// Our key, once it is settled (not for plain TCP, nor for a SYN cookie's child before
    /// the third ACK echoes it): its token names the connection.
    pub const fn local_key(&self) -> Option<u64> {
        match self.phase {
            Phase::Fallback | Phase::Reset => None,
            Phase::AwaitKeys if self.key_from_third_ack => None,
            _ => Some(self.local_key),
        }
    }

    /// The connection's data level for `MPTCP_INFO`, given the subflow's `write_seq` and
    /// `snd_nxt`; `None` once it fell back to TCP (upstream then answers as TCP does, with
    /// an error). Sequence numbers and counts are 0 until the keys are known.
    pub fn info(&self, write_seq: u32, snd_nxt: u32) -> Option<Info> {
        if self.phase == Phase::Fallback {
            return None;
        }
        let mut info = Info {
            local_key: self.local_key(),
            checksums: self.checksums,
            ..Info::default()
        };
        if self.phase == Phase::Established {
            let dsn = |seq: u32| self.snd_dsn(expand(self.snd_rel, seq.wrapping_sub(self.isn)));
            let start = self.snd_dsn(1);
            info.remote_key_received = true;
            info.remote_key = Some(self.remote_key);
            info.write_seq = dsn(write_seq);
            info.snd_una = self.snd_data_acked;
            info.rcv_nxt = self.rcv_data_nxt;
            info.bytes_sent = dsn(snd_nxt).wrapping_sub(start);
            info.bytes_acked = self.snd_data_acked.wrapping_sub(start);
            info.bytes_received = self.rcv_data_nxt.wrapping_sub(self.rcv_dsn(1));
        }
        Some(info)
    }

    /// The current phase.
    pub const fn phase(&self) -> Phase {
        self.phase
    }

    /// MPTCP options are being exchanged (neither plain TCP nor being reset).
    pub const fn is_mptcp(&self) -> bool {
        matches!(
            self.phase,
            Phase::SynSent | Phase::AwaitKeys | Phase::Established
        )
    }

    /// DSS checksums are in use.
    pub const fn checksums(&self) -> bool {
        self.checksums
    }

    /// Options for a SYN whose sequence number is `isn`. Once the MP_CAPABLE SYN went
    /// unanswered and was retransmitted the configured number of times, the connection falls
    /// back and the next retransmission goes without (as upstream, counted as
    /// `MPCapableSYNTXDrop`).
    pub fn syn_options(&mut self, isn: u32, buf: &mut [u8], events: &mut dyn Events) -> usize {
        match self.phase {
            Phase::Idle => self.phase = Phase::SynSent,
            Phase::SynSent => {}
            _ => return 0,
        }
        if let Some(JoinRole::Initiator(initiator)) = &self.join {
            // A join never falls back: unanswered, the subflow just fails.
            self.isn = isn;
            let len = write_padded(&MptcpOption::MpJoin(initiator.syn_option()), buf);
            if len != 0 && self.syns_sent == 0 {
                events.event(Event::JoinSynTx);
            }
            self.syns_sent = self.syns_sent.saturating_add(1);
            return len;
        }
        if self.syns_sent > self.syn_retrans_before_fallback {
            self.phase = Phase::Fallback;
            events.event(Event::MpcSynTxDrop);
            return 0;
        }
        self.isn = isn;
        let mut mpc = MpCapable::new(MpcForm::Syn);
        mpc.checksum_required = self.checksums;
        mpc.deny_join_id0 = self.deny_join_id0;
        let len = write_padded(&MptcpOption::MpCapable(mpc), buf);
        if len != 0 {
            self.syns_sent = self.syns_sent.saturating_add(1);
            if self.syns_sent == 1 {
                events.event(Event::MpcSynTx);
            }
        }
        len
    }

    /// The SYN/ACK that completes our active open: `irs` is its sequence number, `wnd` its
    /// window and `options` its TCP option bytes. Without a valid MP_CAPABLE carrying the
    /// peer's key the connection falls back to TCP. A join's SYN/ACK must carry the
    /// responder's HMAC: otherwise the subflow is reset ([`Verdict::Reset`]).
    pub fn syn_ack(
        &mut self,
        irs: u32,
        acked: u32,
        wnd: u32,
        options: &[u8],
        hasher: &dyn Digest,
        events: &mut dyn Events,
    ) -> Verdict {
        if self.phase != Phase::SynSent {
            return Verdict::Accept;
        }
        if let Some(JoinRole::Initiator(mut initiator)) = self.join {
            let opt = find_option(options, SegmentCtx::SYN_ACK, |o| {
                matches!(o, MptcpOption::MpJoin(MpJoin::SynAck { .. }))
            });
            let opt = match opt {
                Some(MptcpOption::MpJoin(j)) => Some(j),
                _ => None,
            };
            match initiator.syn_ack(hasher, opt.as_ref()) {
                Ok(ack) => {
                    self.join_ack = Some(ack);
                    events.event(Event::JoinSynAckRx);
                    if let Some(peer) = initiator.peer() {
                        self.peer_backup = peer.backup;
                        if peer.backup {
                            events.event(Event::JoinSynAckBackupRx);
                        }
                    }
                }
                Err(why) => {
                    events.event(match why {
                        JoinError::SynAckHmac => Event::JoinSynAckHmacFailure,
                        _ => Event::JoinSynAckNoMpJoin,
                    });
                    return self.reset(reason::UNSPECIFIED);
                }
            }
            self.join = Some(JoinRole::Initiator(initiator));
            self.irs = irs;
            self.isn = acked.wrapping_sub(1);
            self.establish_join(wnd);
            return Verdict::Accept;
        }
        let key = match find_mp_capable(options, SegmentCtx::SYN_ACK) {
            Some(MpCapable {
                form: MpcForm::SynAck { sender_key },
                checksum_required,
                deny_join_id0,
                ..
            }) => {
                self.checksums |= checksum_required;
                self.peer_denies_join_id0 = deny_join_id0;
                sender_key
            }
            _ => {
                self.phase = Phase::Fallback;
                events.event(Event::FallbackSynAck);
                return Verdict::Accept;
            }
        };
        events.event(Event::MpcSynAckRx);
        self.irs = irs;
        // Fast Open data the SYN/ACK acknowledges (`acked` is its acknowledgment number) lies
        // outside the data sequence space: the stream, and our relative subflow sequence
        // numbers, start after it (RFC 8684 appendix B.3, as upstream does).
        self.isn = acked.wrapping_sub(1);
        self.establish(key, hasher, wnd);
        Verdict::Accept
    }

    /// A join's handshake checked out: its keys were known from the start.
    fn establish_join(&mut self, wnd: u32) {
        self.rcv_data_nxt = self.rcv_dsn(1);
        self.snd_data_acked = self.snd_dsn(1);
        self.snd_wnd_end = Some(self.snd_dsn(1).wrapping_add(u64::from(wnd)));
        self.phase = Phase::Established;
    }

    /// Keys known: `wnd` is the window of the segment that completed the handshake, the
    /// peer's first word on its connection-level window (counted from our first byte), so
    /// that the limit on what we queue never appears only after data went out unlimited.
    fn establish(&mut self, remote_key: u64, hasher: &dyn Digest, wnd: u32) {
        self.remote_key = remote_key;
        self.local_idsn = key_hash(hasher, self.local_key).idsn;
        self.remote_idsn = key_hash(hasher, remote_key).idsn;
        self.rcv_data_nxt = self.rcv_dsn(1);
        self.snd_data_acked = self.snd_dsn(1);
        self.snd_wnd_end = Some(self.snd_dsn(1).wrapping_add(u64::from(wnd)));
        self.phase = Phase::Established;
    }

    /// The DSN of the byte at relative subflow position `rel` of our sending direction.
    const fn snd_dsn(&self, rel: u64) -> u64 {
        self.local_idsn.wrapping_add(rel)
    }

    /// The DSN the peer's byte at relative position `rel` must carry.
    const fn rcv_dsn(&self, rel: u64) -> u64 {
        self.remote_idsn.wrapping_add(rel)
    }

    /// The DATA_ACK: the connection's in-order point, one past the peer's DATA_FIN once all
    /// data before it arrived.
    const fn data_ack(&self) -> u64 {
        let next = self.rcv_data_nxt;
        match self.rcv_data_fin {
            Some(fin) if fin == next => next.wrapping_add(1),
            _ => next,
        }
    }

    /// Options for any segment but a SYN or SYN/ACK, at most [`MAX_ESTABLISHED_LEN`] bytes
    /// (0 if `buf` is smaller than needed). `payload_sum` returns the partial checksum of the
    /// segment's payload ([`csum::from_native`] applied to the kernel's), asked for only when
    /// checksums are on and the segment starts a new mapping.
    pub fn established_options(
        &mut self,
        seg: &OutSeg,
        payload_sum: &mut dyn FnMut() -> u32,
        buf: &mut [u8],
        events: &mut dyn Events,
    ) -> usize {
        let spare = (seg.ts_room as usize).min(buf.len());
        let keep = buf.len() - spare;
        if seg.rst {
            return self.rst_options(&mut buf[..keep], events);
        }
        if self.phase == Phase::AwaitKeys && !self.key_from_third_ack {
            return self.early_data_options(seg, payload_sum, &mut buf[..keep]);
        }
        if self.phase != Phase::Established {
            return 0;
        }
        // A pure ACK carries a waiting ADD_ADDR or REMOVE_ADDR alone (see `signal`), once no
        // handshake option has to be repeated.
        if seg.payload == 0
            && !seg.fin
            && self.signals.pending()
            && !self.handshake_repeating(seg.seq)
        {
            let len = self.signals.write(buf, spare, events);
            if len != 0 {
                return len;
            }
        }
        let buf = &mut buf[..keep];
        if let Some(role) = self.join {
            if let Some(len) = self.join_options(role, buf) {
                return len;
            }
        }
        let rel32 = seg.seq.wrapping_sub(self.isn);
        self.snd_rel = expand(self.snd_rel, rel32);
        let una = seg.snd_una.wrapping_sub(self.isn);
        self.tx.purge_acked(una);
        self.tx_runs.purge(una);
        let data_ack = self.data_ack();

        // Until the peer shows it has our key, the segments at the third ACK's position (the
        // ACK itself, and the first data segment if the ACK was lost) repeat both keys. It is
        // relative position 1 even after Fast Open SYN data (see `syn_ack`).
        if self.join.is_none() && !self.peer_has_keys && rel32 == 1 && !seg.fin {
            if let Some(len) = self.mpc_ack_options(seg, payload_sum, buf) {
                return len;
            }
        }
        let mapping = self
            .mapping_for(seg, rel32, payload_sum)
            .or_else(|| self.data_fin_alone());
        write_dss(Some(data_ack), mapping, buf)
    }

    /// The DATA_FIN the msk asked for, on a segment without a mapping of its own, until the
    /// peer acknowledged it (upstream sends it the same way, on pure ACKs).
    fn data_fin_alone(&self) -> Option<Mapping> {
        let dsn = self.snd_data_fin?;
        if !before64(self.snd_data_acked, dsn.wrapping_add(1)) {
            return None;
        }
        let mut fin = Mapping::data_fin_only(dsn, None);
        if self.checksums {
            fin.checksum = Some(csum::checksum(&fin, 0));
        }
        Some(fin)
    }

    /// Whether a segment at `seq` repeats a handshake option, which a signal must not
    /// displace: MP_CAPABLE's keys at the third ACK's position until the peer shows it has
    /// ours (see `established_options`), a join's third ACK until acknowledged.
    fn handshake_repeating(&self, seq: u32) -> bool {
        match self.join {
            Some(JoinRole::Initiator(initiator)) => {
                self.join_ack.is_some() && initiator.phase() == InitiatorPhase::AwaitAck
            }
            Some(_) => false,
            None => !self.peer_has_keys && seq.wrapping_sub(self.isn) == 1,
        }
    }

    /// Queues an ADD_ADDR announcing `ann` for the next pure ACK; false before both keys are
    /// known (its HMAC needs them) or once the subflow no longer speaks MPTCP.
    pub fn announce(&mut self, ann: &Announcement, hasher: &dyn Digest) -> bool {
        if self.phase != Phase::Established {
            return false;
        }
        self.signals
            .announce(ann, self.local_key, self.remote_key, hasher);
        true
    }

    /// Queues a REMOVE_ADDR of `ids` for the next pure ACK; false unless established.
    pub fn withdraw(&mut self, ids: RemoveAddr) -> bool {
        if self.phase != Phase::Established {
            return false;
        }
        self.signals.remove(ids);
        true
    }

    /// The peer's identifier of its address on this join, once its handshake told it (a
    /// REMOVE_ADDR of that identifier closes the subflow).
    pub const fn join_peer_id(&self) -> Option<u8> {
        match self.join {
            Some(JoinRole::Initiator(initiator)) => match initiator.peer() {
                Some(peer) => Some(peer.addr_id),
                None => None,
            },
            Some(JoinRole::Responder(responder)) => Some(responder.peer().addr_id),
            _ => None,
        }
    }

    /// A join's address ids as the path-manager events report them: ours, the peer's once
    /// known, and the peer's backup wish (upstream's event attribute).
    pub const fn join_ids(&self) -> Option<(u8, Option<u8>, bool)> {
        match self.join {
            Some(JoinRole::Initiator(initiator)) => {
                let peer = match initiator.peer() {
                    Some(peer) => Some(peer.addr_id),
                    None => None,
                };
                Some((initiator.us().addr_id, peer, self.peer_backup))
            }
            Some(JoinRole::Responder(responder)) => Some((
                responder.us().addr_id,
                Some(responder.peer().addr_id),
                self.peer_backup,
            )),
            _ => None,
        }
    }

    /// Queues an MP_PRIO (RFC 8684 section 3.3.8) asking the peer to use this subflow as a
    /// backup only (`backup`) or as a regular one, for the next pure ACK; false unless
    /// established.
    pub fn set_backup(&mut self, backup: bool) -> bool {
        if self.phase != Phase::Established {
            return false;
        }
        self.backup = backup;
        self.signals.set_priority(backup);
        true
    }

    /// The backup wishes on this subflow: ours (what we last told the peer) and the peer's
    /// (what it last told us).
    pub const fn backup(&self) -> (bool, bool) {
        (self.backup, self.peer_backup)
    }

    /// The path manager could not take the announcement that just arrived: no echo for it
    /// (see [`Signals::cancel_echo`]).
    pub fn cancel_echo(&mut self) {
        self.signals.cancel_echo();
    }

    /// Whether our announcement was dropped for want of room since the last call (see
    /// [`Signals::take_announce_dropped`]).
    pub fn take_announce_dropped(&mut self) -> bool {
        self.signals.take_announce_dropped()
    }

    /// Our MP_CAPABLEs ask the peer not to join our initial address (C flag): set before the
    /// SYN by an active opener (a listener's children take it from their [`Request`]).
    pub fn set_deny_join_id0(&mut self, deny: bool) {
        self.deny_join_id0 = deny;
    }

    /// Whether the peer's MP_CAPABLE asked us not to join its initial address (C flag).
    pub const fn peer_denies_join_id0(&self) -> bool {
        self.peer_denies_join_id0
    }

    /// Whether an ADD_ADDR, REMOVE_ADDR or MP_PRIO waits for a pure ACK.
    pub const fn signal_pending(&self) -> bool {
        self.signals.pending()
    }

    /// Whether signals arrived that [`Conn::take_received`] would return.
    pub const fn received_any(&self) -> bool {
        self.signals.received_any()
    }

    /// The announcements, echoes and withdrawals that arrived since the last call.
    pub fn take_received(&mut self) -> Received {
        self.signals.take_received()
    }

    /// An established join's third-ACK MP_JOIN, repeated until the responder acknowledged
    /// it; `None` after that: a DSS as on the first subflow, mapping only what the msk gave
    /// this subflow (no implicit mapping).
    fn join_options(&self, role: JoinRole, buf: &mut [u8]) -> Option<usize> {
        if let (JoinRole::Initiator(initiator), Some(ack)) = (role, self.join_ack) {
            if initiator.phase() == InitiatorPhase::AwaitAck {
                return Some(write_padded(&MptcpOption::MpJoin(ack), buf));
            }
        }
        None
    }

    /// A Fast Open child whose key is known may send data before the third ACK brings the
    /// peer's key: its DSS maps the data but carries no DATA_ACK (which needs the peer's IDSN).
    fn early_data_options(
        &mut self,
        seg: &OutSeg,
        payload_sum: &mut dyn FnMut() -> u32,
        buf: &mut [u8],
    ) -> usize {
        if seg.payload == 0 && !seg.fin {
            return 0;
        }
        let rel32 = seg.seq.wrapping_sub(self.isn);
        self.snd_rel = expand(self.snd_rel, rel32);
        let mapping = self.mapping_for(seg, rel32, payload_sum);
        write_dss(None, mapping, buf)
    }

    /// The SYN/ACK of a TCP Fast Open child went out with `req`'s key: the child was created
    /// (from the SYN) before the key was chosen, so it learns it here, can map the data it
    /// sends before the third ACK, and checks the third ACK's echo instead of adopting it.
    ///
    /// `rcv_nxt` follows the SYN's data, which lies outside the data sequence space: the
    /// reader gets it first, and the peer's relative subflow sequence numbers start after it
    /// (RFC 8684 appendix B.3).
    pub fn fastopen_synack(&mut self, req: &Request, hasher: &dyn Digest, rcv_nxt: u32) {
        if self.phase != Phase::AwaitKeys || !self.key_from_third_ack {
            return;
        }
        let syn_data = rcv_nxt.wrapping_sub(self.irs).wrapping_sub(1);
        self.irs = self.irs.wrapping_add(syn_data);
        self.rcv_syn_data = syn_data;
        self.local_key = req.local_key;
        self.checksums = req.checksums;
        self.deny_join_id0 = req.deny_join_id0;
        self.peer_denies_join_id0 = req.peer_denies_join_id0;
        self.local_idsn = key_hash(hasher, req.local_key).idsn;
        self.key_from_third_ack = false;
    }

    /// The MP_CAPABLE third-ACK form (at relative position 1), with the first data
    /// segment's implicit mapping when it carries data. `None` when the segment does not fit
    /// the form: more than 64 KiB.
    fn mpc_ack_options(
        &mut self,
        seg: &OutSeg,
        payload_sum: &mut dyn FnMut() -> u32,
        buf: &mut [u8],
    ) -> Option<usize> {
        let form = if seg.payload == 0 {
            MpcForm::Ack {
                sender_key: self.local_key,
                receiver_key: self.remote_key,
            }
        } else {
            let data_len = u16::try_from(seg.payload).ok()?;
            let mut mapping = Mapping::new(self.snd_dsn(1), 1, data_len);
            if self.checksums {
                mapping.checksum = Some(csum::checksum(&mapping, payload_sum()));
            }
            // A retransmission finds the mapping already recorded.
            if self.tx.lookup(1).is_none() {
                let _ = self.tx.push(mapping);
            }
            let _ = self.tx.freeze(1);
            MpcForm::AckData {
                sender_key: self.local_key,
                receiver_key: self.remote_key,
                data_len,
                checksum: mapping.checksum,
            }
        };
        let mut mpc = MpCapable::new(form);
        mpc.checksum_required = self.checksums;
        mpc.deny_join_id0 = self.deny_join_id0;
        Some(write_padded(&MptcpOption::MpCapable(mpc), buf))
    }

    /// The mapping for an outgoing segment starting at relative position `rel32`: the one
    /// recorded when its first byte was first sent (so a split retransmission repeats what the
    /// peer may have half consumed), or a new one covering the segment.
    fn mapping_for(
        &mut self,
        seg: &OutSeg,
        rel32: u32,
        payload_sum: &mut dyn FnMut() -> u32,
    ) -> Option<Mapping> {
        if seg.payload == 0 {
            if !seg.fin {
                return None;
            }
            // A DATA_FIN alone: SSN 0, length 1, the DSN right after the last data byte.
            let dsn = match self.snd_data_fin {
                Some(dsn) => dsn,
                None if self.join.is_none() && !self.fin_closes_path => self.snd_dsn(self.snd_rel),
                None => return None,
            };
            let mut fin = Mapping::data_fin_only(dsn, None);
            if self.checksums {
                fin.checksum = Some(csum::checksum(&fin, 0));
            }
            return Some(fin);
        }
        if let Some(known) = self.tx.freeze(rel32) {
            return Some(*known);
        }
        // Within the run the segment starts in (the glue never lets a segment span two).
        let (dsn, run) = match self.tx_runs.locate(rel32) {
            Some(found) => found,
            None if self.join.is_none() => (self.snd_dsn(self.snd_rel), u32::MAX),
            None => return None,
        };
        let payload = u16::try_from(seg.payload.min(run)).unwrap_or(u16::MAX);
        let mut mapping = Mapping::new(dsn, rel32, payload);
        let ends_stream = match self.snd_data_fin {
            Some(fin) => fin == dsn.wrapping_add(u64::from(payload)),
            // Only the first subflow's FIN implies the stream's end, as with one subflow.
            None => self.join.is_none() && !self.fin_closes_path,
        };
        // The DATA_FIN rides after the last byte when the whole payload is mapped, the length
        // field has room for it and (with several subflows) the stream ends there.
        if seg.fin && u32::from(payload) == seg.payload && payload < u16::MAX && ends_stream {
            mapping.data_fin = true;
            mapping.data_len = payload.saturating_add(1);
        }
        if self.checksums {
            mapping.checksum = Some(csum::checksum(&mapping, payload_sum()));
        }
        match self.tx.push(mapping) {
            Ok(_) => {
                let _ = self.tx.freeze(rel32);
            }
            // Not recorded: sent exactly as computed, and recomputed if retransmitted.
            Err(PushError::Full | PushError::Gap | PushError::AfterDataFin) => {}
            Err(PushError::NoPayload) => {}
        }
        Some(mapping)
    }

    fn rst_options(&mut self, buf: &mut [u8], events: &mut dyn Events) -> usize {
        let mut len = 0;
        match self.phase {
            Phase::Reset => {
                // A checksum failure names the mapping (RFC 8684 section 3.7).
                if let Some(dsn) = self.fail_dsn {
                    len = write_padded(&MptcpOption::MpFail(MpFail { dsn }), buf);
                    if len != 0 {
                        events.event(Event::MpFailTx);
                    }
                }
            }
            // TCP resets an established subflow by itself only when the application aborts
            // (close with unread data, SO_LINGER 0, a disconnect, SOCK_DESTROY). With one
            // subflow that ends the connection, which RFC 8684 section 3.5 signals with
            // MP_FASTCLOSE on the RST itself; MP_TCPRST follows if there is room, as
            // upstream sends them. A join's reset ends only that subflow.
            Phase::Established if self.join.is_none() => {
                let fastclose = FastClose {
                    receiver_key: self.remote_key,
                };
                len = write_padded(&MptcpOption::FastClose(fastclose), buf);
                if len == 0 {
                    return 0;
                }
                events.event(Event::FastcloseTx);
            }
            Phase::Established => {}
            _ => return 0,
        }
        let rst = TcpRst {
            transient: false,
            reason: self.reset_reason,
        };
        let Some(rest) = buf.get_mut(len..) else {
            return len;
        };
        let rst_len = write_padded(&MptcpOption::TcpRst(rst), rest);
        if rst_len != 0 {
            events.event(Event::RstTx);
        }
        len.saturating_add(rst_len)
    }

    /// Decides the subflow must be reset with MP_TCPRST `why`.
    fn reset(&mut self, why: u8) -> Verdict {
        self.phase = Phase::Reset;
        self.reset_reason = why;
        Verdict::Reset(why)
    }

    /// An incoming segment (not the SYN/ACK of our active open): `options` are its TCP option
    /// bytes.
    pub fn incoming(
        &mut self,
        seg: &InSeg,
        options: &[u8],
        hasher: &dyn Digest,
        events: &mut dyn Events,
    ) -> Verdict {
        if seg.rst {
            if self.is_mptcp() {
                if find_option(options, seg.ctx(), |o| matches!(o, MptcpOption::TcpRst(_)))
                    .is_some()
                {
                    events.event(Event::RstRx);
                }
                let ours = |o: &MptcpOption| matches!(o, MptcpOption::FastClose(f) if f.receiver_key == self.local_key);
                if find_option(options, seg.ctx(), ours).is_some() {
                    events.event(Event::FastcloseRx);
                }
            }
            return Verdict::Accept;
        }
        match (self.phase, self.join) {
            (Phase::AwaitKeys, Some(JoinRole::Responder(responder))) => {
                self.join_third_ack(responder, seg, options, hasher, events)
            }
            (Phase::AwaitKeys, Some(JoinRole::Refused(why))) => self.reset(why),
            (Phase::AwaitKeys, _) => self.third_ack(seg, options, hasher, events),
            (Phase::Established, Some(JoinRole::Initiator(mut initiator))) => {
                // The responder speaks only once our third ACK reached it.
                initiator.third_ack_acked();
                self.join = Some(JoinRole::Initiator(initiator));
                let verdict = self.established_incoming(seg, options, hasher, events);
                self.echo_at_once(verdict)
            }
            (Phase::Established, _) => {
                let verdict = self.established_incoming(seg, options, hasher, events);
                self.echo_at_once(verdict)
            }
            _ => Verdict::Accept,
        }
    }

    /// An ADD_ADDR echo waits: the segment is acknowledged at once, and the ACK carries it
    /// (the announcement usually came on a pure ACK, which TCP would not acknowledge).
    fn echo_at_once(&self, verdict: Verdict) -> Verdict {
        match verdict {
            Verdict::Accept if self.signals.pending() => Verdict::AcceptAckNow,
            other => other,
        }
    }

    /// The third ACK of a join this end answered: its HMAC must be the initiator's. Once it
    /// checks out the subflow belongs to the connection, and an ACK tells the initiator so
    /// (it repeats the third ACK until acknowledged).
    fn join_third_ack(
        &mut self,
        mut responder: Responder,
        seg: &InSeg,
        options: &[u8],
        hasher: &dyn Digest,
        events: &mut dyn Events,
    ) -> Verdict {
        let opt = match find_option(options, seg.ctx(), |o| {
            matches!(o, MptcpOption::MpJoin(MpJoin::Ack { .. }))
        }) {
            Some(MptcpOption::MpJoin(j)) => Some(j),
            _ => None,
        };
        if let Err(why) = responder.third_ack(hasher, opt.as_ref()) {
            events.event(match why {
                JoinError::AckHmac => Event::JoinAckHmacFailure,
                _ => Event::JoinAckNoMpJoin,
            });
            return self.reset(reason::UNSPECIFIED);
        }
        self.join = Some(JoinRole::Responder(responder));
        self.establish_join(seg.wnd);
        match self.established_incoming(seg, options, hasher, events) {
            Verdict::Accept => Verdict::AcceptAckNow,
            other => other,
        }
    }

    /// The first segment on a passive child: the third ACK, or the first data segment if
    /// that ACK was lost. It must echo both keys, ours as the receiver's.
    fn third_ack(
        &mut self,
        seg: &InSeg,
        options: &[u8],
        hasher: &dyn Digest,
        events: &mut dyn Events,
    ) -> Verdict {
        let keys = match find_mp_capable(options, seg.ctx()) {
            Some(MpCapable {
                form:
                    MpcForm::Ack {
                        sender_key,
                        receiver_key,
                    }
                    | MpcForm::AckData {
                        sender_key,
                        receiver_key,
                        ..
                    },
                checksum_required,
                deny_join_id0,
                ..
            }) if receiver_key == self.local_key || self.key_from_third_ack => {
                if self.key_from_third_ack {
                    self.local_key = receiver_key;
                    self.checksums |= checksum_required;
                }
                // The third ACK repeats the SYN's flags (a SYN cookie's child learns it here).
                self.peer_denies_join_id0 |= deny_join_id0;
                Some(sender_key)
            }
            _ => None,
        };
        let Some(remote_key) = keys else {
            // A DSS without MP_CAPABLE: the peer speaks MPTCP, and this segment overtook the
            // third ACK and the first data segment (both carry the keys, and the first data
            // segment is retransmitted until acknowledged). Keep waiting for them; only a
            // segment without any MPTCP option means the peer (or a middlebox) is plain TCP.
            // A SYN cookie's child whose third ACK is a join's: the request (token, nonces)
            // was not kept, so the join cannot be checked. Never plain TCP (it would reach
            // `accept()` as a connection of its own): reset, as refused.
            if self.key_from_third_ack
                && find_option(options, seg.ctx(), |o| matches!(o, MptcpOption::MpJoin(_)))
                    .is_some()
            {
                events.event(Event::JoinRejected);
                return self.reset(reason::PROHIBITED);
            }
            let mptcp = find_option(options, seg.ctx(), |o| matches!(o, MptcpOption::Dss(_)));
            let Some(MptcpOption::Dss(dss)) = mptcp else {
                self.phase = Phase::Fallback;
                events.event(Event::FallbackAck);
                return Verdict::Accept;
            };
            // TCP keeps the data: its mapping must be kept too, for the reader. A 4-octet DSN
            // cannot be placed before the peer's IDSN is known; upstream sends 8 octets.
            if let Some(m) = dss
                .mapping
                .filter(|m| matches!(m.dsn, dss::SeqNum::Full(_)))
            {
                let mapping = Mapping::from_option(&m, false, 0);
                if mapping.checksum.is_some() == self.checksums && !mapping.is_infinite() {
                    if let Some(verdict) = self.record_mapping(&mapping, seg, events) {
                        return verdict;
                    }
                }
            }
            return Verdict::Accept;
        };
        events.event(Event::MpcAckRx);
        self.establish(remote_key, hasher, seg.wnd);
        // It echoed our key: no MP_CAPABLE forms from this end.
        self.peer_has_keys = true;
        self.established_incoming(seg, options, hasher, events)
    }

    fn established_incoming(
        &mut self,
        seg: &InSeg,
        options: &[u8],
        hasher: &dyn Digest,
        events: &mut dyn Events,
    ) -> Verdict {
        let ctx = seg.ctx();
        let mut dss = None;
        let mut mpc_data = None;
        for (kind, opt) in TcpOptions::new(options).flatten() {
            if kind != TCPOPT_MPTCP {
                continue;
            }
            match parse(opt, ctx) {
                Ok(MptcpOption::Dss(d)) => dss = Some(d),
                Ok(MptcpOption::MpCapable(MpCapable {
                    form:
                        MpcForm::AckData {
                            data_len, checksum, ..
                        },
                    ..
                })) => mpc_data = Some((data_len, checksum)),
                Ok(MptcpOption::FastClose(FastClose { receiver_key }))
                    if receiver_key == self.local_key =>
                {
                    events.event(Event::FastcloseRx);
                    return self.reset(reason::UNSPECIFIED);
                }
                Ok(MptcpOption::AddAddr(add)) => {
                    let (local, remote) = (self.local_key, self.remote_key);
                    // Its HMAC is computed with our key: like a DATA_ACK, it shows the peer
                    // has it, and the third ACK's keys need not be repeated (upstream takes it
                    // so too). The echo then goes out at once.
                    if self
                        .signals
                        .add_addr_received(&add, local, remote, hasher, events)
                    {
                        self.peer_has_keys = true;
                    }
                }
                Ok(MptcpOption::RemoveAddr(ids)) => self.signals.remove_received(&ids),
                Ok(MptcpOption::MpPrio(prio)) => {
                    self.peer_backup = prio.backup;
                    self.signals.priority_received(&prio, events);
                }
                _ => {}
            }
        }
        let rel32 = seg.seq.wrapping_sub(self.irs);
        let mapping = match (dss, mpc_data) {
            (Some(d), _) => {
                // Only a DATA_ACK proves the peer has our key (it is computed from our IDSN);
                // a Fast Open listener maps its data before it knows our key.
                if let Some(ack) = d.data_ack {
                    self.peer_has_keys = true;
                    self.data_ack_received(ack, seg.wnd);
                }
                d.mapping
                    .map(|m| Mapping::from_option(&m, d.data_fin, self.rcv_data_nxt))
            }
            (None, Some((data_len, checksum))) if rel32 == 1 => Some(Mapping {
                dsn: self.rcv_dsn(1),
                ssn: 1,
                data_len,
                data_fin: false,
                checksum,
            }),
            _ => {
                if seg.payload != 0 && !self.peer_has_keys {
                    // The peer never spoke DSS and sends data without it: it (or a
                    // middlebox) is plain TCP from here on.
                    self.phase = Phase::Fallback;
                    events.event(Event::DataFallback);
                }
                return Verdict::Accept;
            }
        };
        let Some(mapping) = mapping else {
            return Verdict::Accept;
        };
        if mapping.is_infinite() {
            self.phase = Phase::Fallback;
            events.event(Event::InfiniteMapRx);
            return Verdict::Accept;
        }
        if mapping.checksum.is_some() != self.checksums {
            events.event(Event::DssNotMatching);
            return self.reset(reason::MPTCP_ERROR);
        }
        if !mapping.is_data_fin_only() {
            if let Some(verdict) = self.record_mapping(&mapping, seg, events) {
                return verdict;
            }
        }
        let Some(fin) = mapping.data_fin_dsn() else {
            return Verdict::Accept;
        };
        if self.rcv_data_fin.is_none() {
            self.rcv_data_fin = Some(fin);
        }
        // TCP acknowledges data and FINs by itself; a DATA_FIN alone on a pure ACK needs a
        // nudge when everything before it has arrived.
        if seg.payload == 0 && !seg.fin && fin == self.rcv_data_nxt {
            Verdict::AcceptAckNow
        } else {
            Verdict::Accept
        }
    }

    /// A DATA_ACK with the segment's window: the connection-level window's right edge moves
    /// up (never down: RFC 8684 section 3.3.4).
    fn data_ack_received(&mut self, ack: dss::SeqNum, wnd: u32) {
        let ack = match ack {
            dss::SeqNum::Full(v) => v,
            // Acknowledgements move forward from the last one (on a join the subflow's own
            // position says nothing about the stream's).
            dss::SeqNum::Short(v) => expand(self.snd_data_acked, v),
        };
        if before64(self.snd_data_acked, ack) {
            self.snd_data_acked = ack;
        }
        let end = ack.wrapping_add(u64::from(wnd));
        match self.snd_wnd_end {
            Some(known) if !before64(known, end) => {}
            _ => self.snd_wnd_end = Some(end),
        }
    }

    /// Whether TCP may merge two adjacent skbs of the subflow's send queue: `len` payload
    /// bytes at sequence number `seq` followed by `next_len` more. Each skb goes out with one
    /// DSS whose mapping covers its payload with a 16-bit length, and a retransmission repeats
    /// the mapping recorded at first transmission, so a merged skb must fit in 64 KiB and lie
    /// within one recorded mapping (or in none, not sent yet). TCP (`tcp_grow_skb()`, since
    /// 6.11) would otherwise build skbs of two loopback MSS, whose second half no DSS maps.
    pub fn tx_can_merge(&self, seq: u32, len: u32, next_len: u32) -> bool {
        if !self.is_mptcp() {
            return true;
        }
        let total = len.saturating_add(next_len);
        if total > u32::from(u16::MAX) {
            return false;
        }
        if total == 0 {
            return true;
        }
        let first = seq.wrapping_sub(self.isn);
        let last = first.wrapping_add(total.wrapping_sub(1));
        if !self.tx_runs.within_one_run(first, total) {
            return false;
        }
        match self.tx.lookup(first) {
            Some(mapping) => mapping.covers(last),
            None => self.tx.lookup(last).is_none(),
        }
    }

    /// How many bytes the application may queue now, the next one being the subflow's
    /// `write_seq`: `None` when only TCP limits it (plain TCP, before the keys, or before any
    /// DATA_ACK). What we send is mapped at a fixed offset, so the connection-level window
    /// (its right edge: DATA_ACK + window) bounds what may enter TCP's send queue; TCP's own
    /// window is counted from the subflow's acknowledgement and may run ahead of it, which
    /// upstream's receiver answers by dropping the data beyond its window (`NoDSSInWindow`).
    ///
    /// With the window closed no byte goes, not even as a probe: a receiver short of memory
    /// drops it after TCP acknowledged it (upstream's `RcvPruned`), and nothing could send it
    /// again. The glue asks for the window instead while the writer waits
    /// ([`snd_blocked`](Self::snd_blocked)).
    pub fn snd_allowance(&mut self, write_seq: u32) -> Option<u32> {
        if self.phase != Phase::Established {
            return None;
        }
        let end = self.snd_wnd_end?;
        let next = self.snd_dsn(expand(self.snd_rel, write_seq.wrapping_sub(self.isn)));
        if before64(next, end) {
            self.snd_blocked = false;
            return Some(u32::try_from(end.wrapping_sub(next)).unwrap_or(u32::MAX));
        }
        self.snd_blocked = true;
        Some(0)
    }

    /// Whether a writer found the connection-level window closed and it has not moved
    /// since. The peer may owe us the DATA_ACK that opens it: it acknowledges at the
    /// connection level only as its application reads, and a window update sent then may be
    /// lost, so while this holds and TCP has nothing in flight (no acknowledgement coming)
    /// the glue makes the peer acknowledge again (a TCP window probe).
    pub const fn snd_blocked(&self) -> bool {
        self.snd_blocked && matches!(self.phase, Phase::Established)
    }

    /// Whether a writer waiting for the connection-level window must be woken (the right
    /// edge moved since it found the window closed); true once per wait.
    pub fn take_snd_wakeup(&mut self, write_seq: u32) -> bool {
        if !self.snd_blocked || self.phase != Phase::Established {
            return false;
        }
        let Some(end) = self.snd_wnd_end else {
            return false;
        };
        let next = self.snd_dsn(expand(self.snd_rel, write_seq.wrapping_sub(self.isn)));
        if before64(next, end) {
            self.snd_blocked = false;
            return true;
        }
        false
    }

    /// Stores a received mapping (not DATA_FIN-only) for the reader. `None` when the segment
    /// goes on; otherwise the verdict that stops it.
    fn record_mapping(
        &mut self,
        mapping: &Mapping,
        seg: &InSeg,
        events: &mut dyn Events,
    ) -> Option<Verdict> {
        // Out-of-order data must not take the last free entry: the segment that fills the
        // hole needs one, or nothing could make progress.
        let ahead = after32(mapping.ssn, seg.rcv_nxt.wrapping_sub(self.irs));
        let known = self.rx.overlapping(mapping).is_some();
        if ahead && !known && self.rx.len().saturating_add(1) >= self.rx.capacity() {
            return Some(Verdict::Drop);
        }
        match self.rx.record(mapping, self.checksums) {
            Ok(_) | Err(RxError::NoPayload) => {}
            Err(RxError::Full) => return Some(Verdict::Drop),
            Err(RxError::Invalid(_)) => {
                // The same bytes mapped twice, differently.
                events.event(Event::DssNotMatching);
                return Some(self.reset(reason::MPTCP_ERROR));
            }
        }
        self.mapped_from = match self.mapped_from {
            Some(from) if !before32(mapping.ssn, from) => Some(from),
            _ => Some(mapping.ssn),
        };
        None
    }

    /// Where the byte at relative subflow position `rel32` sits in the data sequence space:
    /// its DSN and how many of the next `avail` bytes continue from it under the same
    /// mapping. `None` for a byte no mapping covers (past the implicit start).
    fn rx_locate(&self, rel32: u32, avail: u32) -> Option<(u64, u32)> {
        if let Some(m) = self.rx.lookup(rel32) {
            let run = m.ssn_end().wrapping_sub(rel32).min(avail);
            return Some((m.dsn_of(rel32)?, run));
        }
        let run = match self.mapped_from {
            None => avail,
            Some(from) if before32(rel32, from) => from.wrapping_sub(rel32).min(avail),
            Some(_) => return None,
        };
        Some((self.rcv_dsn(expand(self.rcv_rel, rel32)), run))
    }

    /// Where the subflow's next `avail` received bytes (more than 0) at sequence number `seq`
    /// go: plain TCP takes them in order; MPTCP gives their place in the stream, a run at a
    /// time, or asks for a DSS checksum first, or refuses unmapped bytes.
    pub fn rx_place(&self, seq: u32, avail: u32) -> Place {
        match self.phase {
            Phase::Established | Phase::AwaitKeys => {}
            Phase::Reset => return Place::Broken,
            _ => return Place::InOrder(avail),
        }
        let rel32 = seq.wrapping_sub(self.irs);
        // Fast Open SYN data, before the stream: taken as it is, even before the keys.
        let to_stream = 1u32.wrapping_sub(rel32);
        if to_stream != 0 && to_stream <= self.rcv_syn_data {
            return Place::InOrder(to_stream.min(avail));
        }
        if self.phase == Phase::AwaitKeys {
            return Place::Wait;
        }
        let Some((dsn, len)) = self.rx_locate(rel32, avail) else {
            return Place::Broken;
        };
        if let Some(len) = self.unverified_at(rel32) {
            return Place::Verify(len);
        }
        Place::Stream { dsn, len }
    }

    /// Everything before `seq` left the subflow (its mappings go), and the connection's
    /// in-order point is now `stream_next` if known: the DATA_ACK this subflow sends.
    pub fn rx_moved(&mut self, seq: u32, stream_next: Option<u64>) {
        let rel32 = seq.wrapping_sub(self.irs);
        self.rx.consume_up_to(rel32);
        self.rcv_rel = expand(self.rcv_rel, rel32);
        if self.phase != Phase::Established {
            return;
        }
        if let Some(next) = stream_next {
            if before64(self.rcv_data_nxt, next) {
                self.rcv_data_nxt = next;
            }
        }
    }

    /// The DSN of the peer's first data byte, once its key is known.
    pub const fn rx_stream_start(&self) -> Option<u64> {
        match self.phase {
            Phase::Established => Some(self.rcv_dsn(1)),
            _ => None,
        }
    }

    /// The DSN of the peer's DATA_FIN, once announced.
    pub const fn rx_data_fin(&self) -> Option<u64> {
        self.rcv_data_fin
    }

    /// The payload length of the mapping starting at relative position `rel32` if its
    /// checksum is still to be checked.
    fn unverified_at(&self, rel32: u32) -> Option<u32> {
        let m = self.rx.lookup(rel32)?;
        (m.ssn == rel32 && m.checksum.is_some()).then_some(u32::from(m.payload_len()))
    }

    /// The partial sum `payload_sum` ([`csum::from_native`] of the kernel's) of the
    /// [`Place::Verify`] bytes at `seq`: true if the mapping's DSS checksum matches, and its
    /// bytes may be delivered. Otherwise the data was changed on the way with the TCP checksum
    /// fixed up (a middlebox): counted as `DataCsumErr`, and the subflow is reset with
    /// MP_TCPRST "middlebox interference" and MP_FAIL naming the mapping's DSN. (RFC 8684
    /// section 3.7 would rather fall back to TCP, but the bad bytes are acknowledged at the
    /// TCP level and only a connection-level retransmission could replace them.)
    pub fn rx_verify(&mut self, seq: u32, payload_sum: u32, events: &mut dyn Events) -> bool {
        let rel32 = seq.wrapping_sub(self.irs);
        let Some(m) = self.rx.lookup(rel32).copied() else {
            return false;
        };
        let Some(field) = m.checksum.filter(|_| m.ssn == rel32) else {
            return true;
        };
        if csum::verify(&m, payload_sum, field) {
            self.rx.mark_verified(rel32);
            return true;
        }
        events.event(Event::DataCsumErr);
        if self.phase != Phase::Reset {
            self.fail_dsn = Some(m.dsn);
            self.reset(reason::MIDDLEBOX);
        }
        false
    }

    /// The mover met [`Place::Broken`]: the subflow is reset with MP_TCPRST (counted as
    /// `DSSNotMatching`, as upstream counts a mapping that does not fit). Returns false if a
    /// reset was already decided.
    pub fn rx_broken(&mut self, events: &mut dyn Events) -> bool {
        if self.phase == Phase::Reset {
            return false;
        }
        events.event(Event::DssNotMatching);
        self.reset(reason::MPTCP_ERROR);
        true
    }
}

/// Finds the first MPTCP option in `options` that `want` accepts.
fn find_option(
    options: &[u8],
    ctx: SegmentCtx,
    want: impl Fn(&MptcpOption) -> bool,
) -> Option<MptcpOption> {
    TcpOptions::new(options)
        .flatten()
        .filter(|(kind, _)| *kind == TCPOPT_MPTCP)
        .filter_map(|(_, opt)| parse(opt, ctx).ok())
        .find(|o| want(o))
}

/// The first valid MP_CAPABLE in `options` (a malformed one counts as absent, RFC 8684 3.1).
/// The MP_JOIN of a SYN's `options`, if it has the SYN form.
pub fn find_join_syn(options: &[u8]) -> Option<MpJoin> {
    match find_option(options, SegmentCtx::SYN, |o| {
        matches!(o, MptcpOption::MpJoin(MpJoin::Syn { .. }))
    })? {
        MptcpOption::MpJoin(join) => Some(join),
        _ => None,
    }
}

fn find_mp_capable(options: &[u8], ctx: SegmentCtx) -> Option<MpCapable> {
    match find_option(options, ctx, |o| matches!(o, MptcpOption::MpCapable(_)))? {
        MptcpOption::MpCapable(mpc) => Some(mpc),
        _ => None,
    }
}

/// Writes a DSS with an optional 64-bit DATA_ACK and an optional mapping (whose DATA_FIN
/// flag becomes the option's).
fn write_dss(data_ack: Option<u64>, mapping: Option<Mapping>, buf: &mut [u8]) -> usize {
    let dss = Dss {
        data_fin: mapping.is_some_and(|m| m.data_fin),
        data_ack: data_ack.map(dss::SeqNum::Full),
        mapping: mapping.map(|m| m.to_option()),
    };
    write_padded(&MptcpOption::Dss(dss), buf)
}

/// Encodes `opt` into `buf` padded with NOPs to a multiple of 4, as TCP needs; 0 if it does
/// not fit.
pub fn write_padded(opt: &MptcpOption, buf: &mut [u8]) -> usize {
    let len = opt.encoded_len();
    let padded = (len + 3) & !3;
    let Some(area) = buf.get_mut(..padded) else {
        return 0;
    };
    match opt.encode(area) {
        Ok(written) if written == len => {
            if let Some(pad) = area.get_mut(len..) {
                pad.fill(TCPOPT_NOP);
            }
            padded
        }
        _ => 0,
    }
}
