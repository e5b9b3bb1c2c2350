// SPDX-License-Identifier: GPL-2.0

//! Signalling on one subflow: the ADD_ADDR and REMOVE_ADDR options (RFC 8684 section 3.4)
//! and the MP_PRIO (section 3.3.8) the path manager asks it to send, and those it received
//! for the path manager.
//!
//! Each goes out alone on a pure ACK, one per ACK, as upstream Linux sends them: the ACK is a
//! TCP duplicate that carries nothing else, so the option has the whole option space (an IPv6
//! ADD_ADDR with its HMAC is 28 bytes) and the DSS rides on the next ordinary segment. The
//! glue sends that ACK when it queues an option here, and acknowledges at once a segment that
//! brought an announcement (its echo goes out on that ACK).
//!
//! A received announcement is checked here (its HMAC is under the peer's key first, RFC 8684
//! section 3.4.1) and echoed whatever the path manager then does with it, as upstream does: an
//! unechoed announcement is retransmitted. One that fails the check is ignored, as upstream
//! ignores it.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{
    add_addr::{AddAddr, Address},
    conn::{write_padded, Event, Events},
    crypto::{AddAddrAuth, Digest},
    mp_prio::MpPrio,
    option::MptcpOption,
    remove_addr::RemoveAddr,
};

/// An address one end announces: its identifier, the address, and the port if the option
/// carries one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Announcement {
    /// The sender's identifier for the address.
    pub id: u8,
    /// The address.
    pub addr: Address,
    /// The port, when it differs from the subflow's.
    pub port: Option<u16>,
}

impl Announcement {
    fn auth(&self, sender_key: u64, receiver_key: u64) -> AddAddrAuth {
        AddAddrAuth {
            sender_key,
            receiver_key,
            id: self.id,
            addr: match self.addr {
                Address::V4(a) => IpAddr::V4(Ipv4Addr::from(a)),
                Address::V6(a) => IpAddr::V6(Ipv6Addr::from(a)),
            },
            port: self.port,
        }
    }

    const fn option(&self, hmac: Option<u64>) -> AddAddr {
        AddAddr {
            echo: hmac.is_none(),
            addr_id: self.id,
            addr: self.addr,
            port: self.port,
            hmac,
        }
    }

    const fn of(opt: &AddAddr) -> Self {
        Self {
            id: opt.addr_id,
            addr: opt.addr,
            port: opt.port,
        }
    }
}

/// What arrived on the subflow for the path manager, taken with [`Signals::take_received`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// The peer announced this address (HMAC checked; the echo is queued).
    pub announced: Option<Announcement>,
    /// The peer echoed our announcement of this address.
    pub echoed: Option<Announcement>,
    /// The peer withdrew these address identifiers.
    pub removed: Option<RemoveAddr>,
    /// The peer changed this subflow's priority (MP_PRIO): whether it asks for it to be
    /// used as a backup only. The last one received.
    pub priority: Option<bool>,
}

impl Received {
    /// Whether anything arrived.
    pub const fn any(&self) -> bool {
        self.announced.is_some()
            || self.echoed.is_some()
            || self.removed.is_some()
            || self.priority.is_some()
    }
}

/// The signalling state of one subflow.
#[derive(Clone, Copy, Debug, Default)]
pub struct Signals {
    /// Our echo of the peer's announcement, owed on the next pure ACK.
    echo: Option<Announcement>,
    /// Our announcement, its HMAC computed when queued.
    announce: Option<AddAddr>,
    /// Address identifiers we withdraw.
    remove: Option<RemoveAddr>,
    /// Our MP_PRIO: whether we ask the peer to use this subflow as a backup only.
    priority: Option<bool>,
    /// Our announcement did not fit its ACK and was dropped.
    announce_dropped: bool,
    received: Received,
}

impl Signals {
    /// Nothing to send, nothing received.
    pub const NONE: Self = Self {
        echo: None,
        announce: None,
        remove: None,
        priority: None,
        announce_dropped: false,
        received: Received {
            announced: None,
            echoed: None,
            removed: None,
            priority: None,
        },
    };

    /// Queues our announcement of `ann` (an earlier one not sent yet is replaced: the path
    /// manager retransmits until echoed). The HMAC is under our key first.
    pub fn announce<D: Digest + ?Sized>(
        &mut self,
        ann: &Announcement,
        local_key: u64,
        remote_key: u64,
        d: &D,
    ) {
        let hmac = ann.auth(local_key, remote_key).hmac(d);
        self.announce = Some(ann.option(Some(hmac)));
    }

    /// Queues a REMOVE_ADDR of `ids`.
    pub fn remove(&mut self, ids: RemoveAddr) {
        self.remove = Some(ids);
    }

    /// Queues an MP_PRIO asking the peer to use this subflow as a backup only (`backup`) or
    /// as a regular one; an earlier one not sent yet is replaced.
    pub fn set_priority(&mut self, backup: bool) {
        self.priority = Some(backup);
    }

    /// Whether an option waits for a pure ACK.
    pub const fn pending(&self) -> bool {
        self.echo.is_some()
            || self.announce.is_some()
            || self.remove.is_some()
            || self.priority.is_some()
    }

    /// Writes the next waiting option into `buf` (a pure ACK's option space, whose last
    /// `spare` bytes only leaving out the timestamp option frees: used only by an option that
    /// does not fit otherwise) and returns its padded length; 0 if none waits. An option that
    /// does not fit is dropped (counted); the peer's retransmission of its announcement tries
    /// again, and our dropped announcement is reported ([`Signals::take_announce_dropped`]).
    pub fn write(&mut self, buf: &mut [u8], spare: usize, events: &mut dyn Events) -> usize {
        let (opt, sent, dropped) = if let Some(ann) = self.echo.take() {
            (
                MptcpOption::AddAddr(ann.option(None)),
                Event::EchoAddTx,
                Some(Event::EchoAddTxDrop),
            )
        } else if let Some(opt) = self.announce.take() {
            (
                MptcpOption::AddAddr(opt),
                Event::AddAddrTx,
                Some(Event::AddAddrTxDrop),
            )
        } else if let Some(ids) = self.remove.take() {
            (
                MptcpOption::RemoveAddr(ids),
                Event::RmAddrTx,
                Some(Event::RmAddrTxDrop),
            )
        } else if let Some(backup) = self.priority.take() {
            // Upstream has no counter for an MP_PRIO that did not fit.
            (
                MptcpOption::MpPrio(MpPrio { backup }),
                Event::MpPrioTx,
                None,
            )
        } else {
            return 0;
        };
        let short = buf.len().saturating_sub(spare);
        let mut len = write_padded(&opt, &mut buf[..short]);
        if len == 0 && spare != 0 {
            len = write_padded(&opt, buf);
        }
        if len == 0 && matches!(opt, MptcpOption::AddAddr(AddAddr { echo: false, .. })) {
            self.announce_dropped = true;
        }
        // A REMOVE_ADDR counts once per identifier it carries, as upstream counts it.
        let times = match &opt {
            MptcpOption::RemoveAddr(ids) => ids.ids().len(),
            _ => 1,
        };
        if let Some(event) = if len == 0 { dropped } else { Some(sent) } {
            for _ in 0..times {
                events.event(event);
            }
        }
        len
    }

    /// An ADD_ADDR arrived, from the peer whose key is `remote_key` (ours `local_key`). An
    /// announcement whose HMAC checks out is echoed and kept for the path manager; an echo of
    /// ours is kept too. Returns whether it was an announcement that checked out: its HMAC
    /// proves the peer holds our key.
    pub fn add_addr_received<D: Digest + ?Sized>(
        &mut self,
        opt: &AddAddr,
        local_key: u64,
        remote_key: u64,
        d: &D,
        events: &mut dyn Events,
    ) -> bool {
        let ann = Announcement::of(opt);
        if opt.echo {
            self.received.echoed = Some(ann);
            events.event(Event::EchoAddRx);
        } else {
            if opt.hmac != Some(ann.auth(remote_key, local_key).hmac(d)) {
                return false;
            }
            self.received.announced = Some(ann);
            self.echo = Some(ann);
            events.event(Event::AddAddrRx);
        }
        if opt.port.is_some() {
            events.event(Event::PortAddRx);
        }
        !opt.echo
    }

    /// A REMOVE_ADDR arrived: kept for the path manager (identifiers of several options
    /// before it looks are merged, up to what one option holds; later ones are ignored).
    pub fn remove_received(&mut self, opt: &RemoveAddr) {
        let merged = match self.received.removed {
            None => Some(*opt),
            Some(earlier) => {
                let mut ids = [0u8; super::remove_addr::MAX_IDS];
                let mut n = 0;
                for &id in earlier.ids().iter().chain(opt.ids()) {
                    if n < ids.len() && !ids[..n].contains(&id) {
                        ids[n] = id;
                        n += 1;
                    }
                }
                RemoveAddr::new(&ids[..n])
            }
        };
        self.received.removed = merged;
    }

    /// An MP_PRIO arrived: the peer's wish for this subflow, kept for the path manager.
    pub fn priority_received(&mut self, opt: &MpPrio, events: &mut dyn Events) {
        self.received.priority = Some(opt.backup);
        events.event(Event::MpPrioRx);
    }

    /// The path manager had no room for the announcement that arrived: its echo is not sent,
    /// so that the peer announces it again later (upstream does not echo what it drops).
    pub fn cancel_echo(&mut self) {
        self.echo = None;
    }

    /// Whether our announcement was dropped for want of room since the last call: the path
    /// manager moves on rather than sending it again (upstream's rule).
    pub fn take_announce_dropped(&mut self) -> bool {
        core::mem::take(&mut self.announce_dropped)
    }

    /// Whether anything arrived that the path manager has not taken.
    pub const fn received_any(&self) -> bool {
        self.received.any()
    }

    /// Takes what arrived.
    pub fn take_received(&mut self) -> Received {
        core::mem::take(&mut self.received)
    }
}
