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
//! refusal does on the wire (a reset with MP_TCPRST). Not wired into the module yet: the
//! msk has one subflow until it owns its queues (Documentation/dataplane-plan.md).

use super::{
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
}

/// The responder of a join: the host whose connection the SYN's token names.
#[derive(Clone, Copy, Debug)]
pub struct Responder {
    auth: JoinAuth,
    peer: Peer,
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
        let auth = JoinAuth {
            initiator_key: remote_key,
            listener_key: local_key,
            initiator_nonce: peer_nonce,
            listener_nonce: nonce,
        };
        let syn_ack = MpJoin::SynAck {
            backup,
            addr_id,
            truncated_hmac: auth.syn_ack_hmac(d),
            nonce,
        };
        let peer = Peer {
            addr_id: peer_id,
            backup: peer_backup,
        };
        Some((
            Self {
                auth,
                peer,
                established: false,
            },
            syn_ack,
        ))
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
}
