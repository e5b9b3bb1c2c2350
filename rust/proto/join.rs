// SPDX-License-Identifier: GPL-2.0

//! The MP_JOIN handshake of one additional subflow (RFC 8684 section 3.2), in both roles:
//! which option each segment carries, and which received option lets the subflow on.
//!
//! ```text
//!  Initiator (sends the SYN)                    Responder (the host being joined)
//!  SYN      MP_JOIN token(B), R-A, id, B  --->  looks the connection up by token
//!           <---  SYN/ACK  MP_JOIN HMAC-B (64 bits), R-B, id, B
//!  checks HMAC-B
//!  ACK      MP_JOIN HMAC-A (160 bits)     --->  checks HMAC-A: the subflow joins
//!  (the ACK is repeated until acknowledged: only then may data flow, section 3.2)
//! ```
//!
//! The caller owns what is not the handshake's: the token lookup, nonces from a random source,
//! address ids and backup wishes from the path manager, the subflow limits, and what a
//! refusal does on the wire (a reset with MP_TCPRST). A subflow's [`Conn`] runs one of the
//! roles ([`Conn::join_initiator`], [`Conn::join_responder`]); the listener keeps a join's
//! request in the request socket ([`JoinRequest`]), or the words of a refused one
//! ([`refused_request_words`]). The module wires both roles (Documentation/dataplane-plan.md,
//! "Handshake").
//!
//! [`Conn`]: super::conn::Conn
//! [`Conn::join_initiator`]: super::conn::Conn::join_initiator
//! [`Conn::join_responder`]: super::conn::Conn::join_responder

use super::{
    conn::REQ_SEEN,
    crypto::{key_hash, Digest, JoinAuth},
    mp_join::MpJoin,
};

/// Why a join does not go on. The subflow is then reset (MP_TCPRST, "unspecified").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The segment lacks the MP_JOIN form its place in the handshake requires.
    MissingOption,
    /// The SYN/ACK's truncated HMAC is not the responder's (`MPJoinSynAckHMacFailure`).
    SynAckHmac,
    /// The third ACK's HMAC is not the initiator's (`MPJoinAckHMacFailure`).
    AckHmac,
}

/// What the peer said about itself in the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The peer's identifier of its address on this subflow.
    pub addr_id: u8,
    /// The peer wants this subflow used as a backup only (flag B).
    pub backup: bool,
}

/// Where the initiator stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitiatorPhase {
    /// The SYN went out; the SYN/ACK is awaited.
    SynSent,
    /// The SYN/ACK checked out; the third ACK is repeated until acknowledged.
    AwaitAck,
    /// The responder acknowledged the third ACK: data may flow.
    Established,
}

/// The initiator of a join: the host that opens the new subflow.
#[derive(Clone, Copy, Debug)]
pub struct Initiator {
    auth: JoinAuth,
    remote_token: u32,
    addr_id: u8,
    backup: bool,
    phase: InitiatorPhase,
    peer: Option<Peer>,
}

impl Initiator {
    /// A join of the connection whose keys are `local_key` (ours) and `remote_key`, from our
    /// address `addr_id`, with our random number `nonce`.
    pub fn new<D: Digest + ?Sized>(
        d: &D,
        local_key: u64,
        remote_key: u64,
        nonce: u32,
        addr_id: u8,
        backup: bool,
    ) -> Self {
        Self {
            auth: JoinAuth {
                initiator_key: local_key,
                listener_key: remote_key,
                initiator_nonce: nonce,
                listener_nonce: 0,
            },
            remote_token: key_hash(d, remote_key).token,
            addr_id,
            backup,
            phase: InitiatorPhase::SynSent,
            peer: None,
        }
    }

    /// The option of the SYN (and of its retransmissions).
    pub const fn syn_option(&self) -> MpJoin {
        MpJoin::Syn {
            backup: self.backup,
            addr_id: self.addr_id,
            token: self.remote_token,
            nonce: self.auth.initiator_nonce,
        }
    }

    /// The SYN/ACK arrived with `opt` (its MP_JOIN, if any): checks the responder's HMAC.
    /// On success returns the third ACK's option. A repeated SYN/ACK is checked again and
    /// answered the same way.
    pub fn syn_ack<D: Digest + ?Sized>(
        &mut self,
        d: &D,
        opt: Option<&MpJoin>,
    ) -> Result<MpJoin, JoinError> {
        let Some(&MpJoin::SynAck {
            backup,
            addr_id,
            truncated_hmac,
            nonce,
        }) = opt
        else {
            return Err(JoinError::MissingOption);
        };
        let auth = JoinAuth {
            listener_nonce: nonce,
            ..self.auth
        };
        if auth.syn_ack_hmac(d) != truncated_hmac {
            return Err(JoinError::SynAckHmac);
        }
        self.auth = auth;
        self.peer = Some(Peer { addr_id, backup });
        if self.phase == InitiatorPhase::SynSent {
            self.phase = InitiatorPhase::AwaitAck;
        }
        Ok(MpJoin::Ack {
            hmac: self.auth.third_ack_hmac(d),
        })
    }

    /// The option our ACKs carry: the third ACK's until the responder acknowledged it.
    pub fn ack_option<D: Digest + ?Sized>(&self, d: &D) -> Option<MpJoin> {
        (self.phase == InitiatorPhase::AwaitAck).then(|| MpJoin::Ack {
            hmac: self.auth.third_ack_hmac(d),
        })
    }

    /// The responder acknowledged our third ACK (TCP's `snd_una` passed it).
    pub fn third_ack_acked(&mut self) {
        if self.phase == InitiatorPhase::AwaitAck {
            self.phase = InitiatorPhase::Established;
        }
    }

    /// Where the handshake stands.
    pub const fn phase(&self) -> InitiatorPhase {
        self.phase
    }

    /// The responder's address id and backup wish, once its SYN/ACK checked out.
    pub const fn peer(&self) -> Option<Peer> {
        self.peer
    }

    /// Our address id and backup wish, as the SYN says them.
    pub const fn us(&self) -> Peer {
        Peer {
            addr_id: self.addr_id,
            backup: self.backup,
        }
    }
}

/// What the responder answers with: our key, nonce, address id and backup flag.
#[derive(Clone, Copy, Debug)]
struct Us {
    key: u64,
    nonce: u32,
    addr_id: u8,
    backup: bool,
}

/// The responder of a join: the host whose connection the SYN's token names.
#[derive(Clone, Copy, Debug)]
pub struct Responder {
    auth: JoinAuth,
    peer: Peer,
    /// Our address id and backup flag, as the SYN/ACK said them.
    us: Peer,
    established: bool,
}

impl Responder {
    /// A SYN with `opt` arrived, and the caller found the connection its token names (keys
    /// `local_key`, ours, and `remote_key`) and accepts one more subflow. Returns the state
    /// and the SYN/ACK's option, from our address `addr_id` and with our random `nonce`.
    /// `None` when the SYN has no MP_JOIN SYN form.
    pub fn syn<D: Digest + ?Sized>(
        d: &D,
        opt: &MpJoin,
        local_key: u64,
        remote_key: u64,
        nonce: u32,
        addr_id: u8,
        backup: bool,
    ) -> Option<(Self, MpJoin)> {
        let MpJoin::Syn {
            backup: peer_backup,
            addr_id: peer_id,
            nonce: peer_nonce,
            ..
        } = *opt
        else {
            return None;
        };
        let peer = Peer {
            addr_id: peer_id,
            backup: peer_backup,
        };
        let us = Us {
            key: local_key,
            nonce,
            addr_id,
            backup,
        };
        Some(Self::answer(d, peer, peer_nonce, us, remote_key))
    }

    /// The state and SYN/ACK option for a SYN from `peer` with `peer_nonce`.
    fn answer<D: Digest + ?Sized>(
        d: &D,
        peer: Peer,
        peer_nonce: u32,
        us: Us,
        remote_key: u64,
    ) -> (Self, MpJoin) {
        let auth = JoinAuth {
            initiator_key: remote_key,
            listener_key: us.key,
            initiator_nonce: peer_nonce,
            listener_nonce: us.nonce,
        };
        let syn_ack = MpJoin::SynAck {
            backup: us.backup,
            addr_id: us.addr_id,
            truncated_hmac: auth.syn_ack_hmac(d),
            nonce: us.nonce,
        };
        (
            Self {
                auth,
                peer,
                us: Peer {
                    addr_id: us.addr_id,
                    backup: us.backup,
                },
                established: false,
            },
            syn_ack,
        )
    }

    /// The third ACK arrived with `opt`: checks the initiator's HMAC. The first that checks
    /// out joins the subflow; later ACKs (repeats of it) need no option.
    pub fn third_ack<D: Digest + ?Sized>(
        &mut self,
        d: &D,
        opt: Option<&MpJoin>,
    ) -> Result<(), JoinError> {
        if self.established {
            return Ok(());
        }
        let Some(MpJoin::Ack { hmac }) = opt else {
            return Err(JoinError::MissingOption);
        };
        if !self.auth.third_ack_hmac_matches(d, hmac) {
            return Err(JoinError::AckHmac);
        }
        self.established = true;
        Ok(())
    }

    /// The initiator's HMAC checked out: the subflow belongs to the connection.
    pub const fn is_established(&self) -> bool {
        self.established
    }

    /// The initiator's address id and backup wish, from its SYN.
    pub const fn peer(&self) -> Peer {
        self.peer
    }

    /// Our address id and backup flag, as the SYN/ACK said them.
    pub const fn us(&self) -> Peer {
        self.us
    }
}

/// A join the listener answered, as it keeps it in the request socket (two 64-bit words of
/// `tcp_rsk(req)->ext_data`) between the SYN and the child: the child looks the connection up
/// again by `token` and resumes the responder's side ([`JoinRequest::responder`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JoinRequest {
    /// Our token, which the SYN named.
    pub token: u32,
    /// The SYN's random number (R-A).
    pub peer_nonce: u32,
    /// Ours, sent on the SYN/ACK (R-B).
    pub local_nonce: u32,
    /// The initiator's address id and backup wish.
    pub peer: Peer,
    /// Our address id and backup flag on the SYN/ACK.
    pub addr_id: u8,
    /// Our backup flag on the SYN/ACK.
    pub backup: bool,
}

/// Marks the words of a join request (the MP_CAPABLE request's flags never set it).
const REQ_JOIN: u64 = 8;
const REQ_BACKUP: u64 = 16;
const REQ_PEER_BACKUP: u64 = 32;
/// Marks the words of a join request the listener refused (the reason in bits 8..16).
const REQ_JOIN_REFUSED: u64 = 64;

/// The words of a join request the listener could not take (unknown token, no room for
/// another subflow): answered without MP_JOIN, its child (if the peer completes the
/// handshake anyway) is reset with the MP_TCPRST reason `why`.
pub const fn refused_request_words(why: u8) -> [u64; 2] {
    [0, REQ_SEEN | REQ_JOIN_REFUSED | (why as u64) << 8]
}

/// The MP_TCPRST reason of [`refused_request_words`], or `None` for other words.
pub const fn refused_request(words: [u64; 2]) -> Option<u8> {
    if words[1] & REQ_JOIN_REFUSED == 0 {
        return None;
    }
    Some((words[1] >> 8) as u8)
}

/// Words of a join request, answered or refused: its child never reaches `accept()`.
pub const fn is_join_request(words: [u64; 2]) -> bool {
    words[1] & (REQ_JOIN | REQ_JOIN_REFUSED) != 0
}

impl JoinRequest {
    /// The SYN's MP_JOIN form `opt` was accepted: the request, answering with `local_nonce`
    /// from our address `addr_id`. `None` for any other form.
    pub const fn from_syn(
        opt: &MpJoin,
        local_nonce: u32,
        addr_id: u8,
        backup: bool,
    ) -> Option<Self> {
        let MpJoin::Syn {
            backup: peer_backup,
            addr_id: peer_id,
            token,
            nonce,
        } = *opt
        else {
            return None;
        };
        Some(Self {
            token,
            peer_nonce: nonce,
            local_nonce,
            peer: Peer {
                addr_id: peer_id,
                backup: peer_backup,
            },
            addr_id,
            backup,
        })
    }

    /// The two words stored in the request socket.
    pub const fn to_words(self) -> [u64; 2] {
        let mut flags = REQ_SEEN | REQ_JOIN;
        if self.backup {
            flags |= REQ_BACKUP;
        }
        if self.peer.backup {
            flags |= REQ_PEER_BACKUP;
        }
        [
            (self.peer_nonce as u64) << 32 | self.local_nonce as u64,
            flags
                | (self.addr_id as u64) << 8
                | (self.peer.addr_id as u64) << 16
                | (self.token as u64) << 32,
        ]
    }

    /// Reads back [`to_words`](Self::to_words); `None` for words of any other request.
    pub const fn from_words(words: [u64; 2]) -> Option<Self> {
        let flags = words[1];
        if flags & REQ_JOIN == 0 {
            return None;
        }
        Some(Self {
            token: (flags >> 32) as u32,
            peer_nonce: (words[0] >> 32) as u32,
            local_nonce: words[0] as u32,
            peer: Peer {
                addr_id: (flags >> 16) as u8,
                backup: flags & REQ_PEER_BACKUP != 0,
            },
            addr_id: (flags >> 8) as u8,
            backup: flags & REQ_BACKUP != 0,
        })
    }

    /// The responder's side, for the connection the token names (keys `local_key`, ours,
    /// and `remote_key`), and the SYN/ACK's option (the same the listener sent).
    pub fn responder<D: Digest + ?Sized>(
        &self,
        d: &D,
        local_key: u64,
        remote_key: u64,
    ) -> (Responder, MpJoin) {
        Responder::answer(
            d,
            self.peer,
            self.peer_nonce,
            Us {
                key: local_key,
                nonce: self.local_nonce,
                addr_id: self.addr_id,
                backup: self.backup,
            },
            remote_key,
        )
    }
}
