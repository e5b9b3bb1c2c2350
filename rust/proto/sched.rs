// SPDX-License-Identifier: GPL-2.0

//! Packet schedulers: which subflow carries the msk's next bytes.
//!
//! The glue describes each subflow as a [`Candidate`] (a snapshot of its TCP state) and asks a
//! [`Scheduler`]; loadable schedulers implement the same trait. The default one follows
//! upstream's: backup subflows (RFC 8684 section 3.3.8, either end's wish) carry data only
//! when no regular subflow is usable, and among those with room the one whose queue drains
//! soonest (queued bytes over the rate `cwnd / srtt`) goes first. Reinjections
//! ([`Scheduler::pick_reinject`]) avoid the subflow the bytes are stuck on where another will
//! do.

/// One subflow, as a scheduler sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Candidate {
    /// It can carry data now: established at both levels, not closing, not stale.
    pub usable: bool,
    /// Its send buffer takes more bytes.
    pub room: bool,
    /// Either end asked for it to be a backup.
    pub backup: bool,
    /// Bytes queued and not acknowledged at the TCP level.
    pub queued: u32,
    /// Congestion window in bytes (at least one MSS).
    pub cwnd_bytes: u32,
    /// Smoothed RTT in microseconds (0: not measured yet).
    pub srtt_us: u32,
    /// Its retransmission timer fired without progress since (TCP's backoff count).
    pub retransmits: u8,
}

impl Candidate {
    /// How long its queue takes to drain, in arbitrary units (smaller is sooner).
    fn linger(&self) -> u64 {
        let rtt = u64::from(self.srtt_us.max(1));
        let queued = u64::from(self.queued).saturating_add(1);
        queued.saturating_mul(rtt) / u64::from(self.cwnd_bytes.max(1))
    }
}

/// Chooses subflows for the msk's data.
pub trait Scheduler {
    /// The subflow for new data, by index into `subflows`; `None`: wait (nothing usable has
    /// room).
    fn pick(&self, subflows: &[Candidate]) -> Option<usize>;

    /// The subflow to send bytes again on that were not acknowledged at the connection level
    /// in time; `None`: nowhere better.
    fn pick_reinject(&self, subflows: &[Candidate]) -> Option<usize>;
}

/// Upstream's default: lowest linger among the usable regular subflows, backups only when
/// none is usable.
#[derive(Clone, Copy, Debug, Default)]
pub struct Default;

/// The usable subflow with room that satisfies `want` and drains soonest.
fn best(subflows: &[Candidate], want: impl Fn(&Candidate) -> bool) -> Option<usize> {
    subflows
        .iter()
        .enumerate()
        .filter(|(_, c)| c.usable && c.room && want(c))
        .min_by_key(|(_, c)| c.linger())
        .map(|(i, _)| i)
}

impl Scheduler for Default {
    fn pick(&self, subflows: &[Candidate]) -> Option<usize> {
        if subflows.iter().any(|c| c.usable && !c.backup) {
            return best(subflows, |c| !c.backup);
        }
        best(subflows, |c| c.backup)
    }

    fn pick_reinject(&self, subflows: &[Candidate]) -> Option<usize> {
        // A subflow whose timer is backing off holds the stuck bytes, or soon will.
        best(subflows, |c| c.retransmits == 0 && !c.backup)
            .or_else(|| best(subflows, |c| c.retransmits == 0))
            .or_else(|| self.pick(subflows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sf(queued: u32, backup: bool) -> Candidate {
        Candidate {
            usable: true,
            room: true,
            backup,
            queued,
            cwnd_bytes: 10 * 1448,
            srtt_us: 1000,
            retransmits: 0,
        }
    }

    #[test]
    fn lowest_linger_wins() {
        let s = Default;
        assert_eq!(s.pick(&[sf(50_000, false), sf(1000, false)]), Some(1));
        let mut slow = sf(1000, false);
        slow.srtt_us = 100_000;
        assert_eq!(s.pick(&[slow, sf(5000, false)]), Some(1));
        assert_eq!(s.pick(&[]), None);
    }

    #[test]
    fn backups_only_when_no_regular_subflow_is_usable() {
        let s = Default;
        let mut full = sf(0, false);
        full.room = false;
        // A regular subflow without room: wait for it rather than use the backup.
        assert_eq!(s.pick(&[full, sf(0, true)]), None);
        let mut dead = full;
        dead.usable = false;
        assert_eq!(s.pick(&[dead, sf(0, true)]), Some(1));
    }

    #[test]
    fn reinjection_avoids_a_subflow_in_timeout() {
        let s = Default;
        let mut stuck = sf(0, false);
        stuck.retransmits = 2;
        assert_eq!(s.pick_reinject(&[stuck, sf(90_000, true)]), Some(1));
        assert_eq!(s.pick_reinject(&[stuck]), Some(0));
    }
}
