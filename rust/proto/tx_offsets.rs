// SPDX-License-Identifier: GPL-2.0

//! Where the bytes a subflow sends sit in the connection's data sequence space.
//!
//! The msk decides which subflow carries which part of its stream (a scheduler) and writes
//! each part into that subflow's TCP send queue. Consecutive parts on one subflow are often
//! consecutive in the stream too, so what a subflow sends is a few runs, each a fixed offset
//! between subflow and data sequence numbers. [`TxOffsets`] keeps the start of each run the
//! subflow may still have to (re)transmit; the DSS of every outgoing segment is computed from
//! it. The glue keeps TCP from putting two runs in one skb (the tail skb is closed, `eor`,
//! when a run starts), so a segment never spans a run boundary.
//!
//! The first subflow starts with an implicit run: DSN = IDSN + relative sequence number (RFC
//! 8684's own start), which holds for everything sent before the msk took over. A join has
//! none: it sends only bytes the msk gave it.

use super::mapping::after32;

/// The runs a subflow may still send, oldest first.
///
/// # Invariants
///
/// `runs[..len]` start at strictly increasing relative sequence numbers (compared as
/// distances from the first run's start, all within 2^31 of it).
#[derive(Clone, Copy)]
pub struct TxOffsets<const N: usize> {
    runs: [Run; N],
    len: usize,
}

/// One run: the byte at relative subflow position `rel` is the stream's byte `dsn`, and so on
/// until the next run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Run {
    rel: u32,
    dsn: u64,
}

/// What [`TxOffsets::assign`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assign {
    /// The bytes continue the current run: nothing changes.
    Contiguous,
    /// A new run starts: the bytes already queued must not share an skb with the next ones.
    NewRun,
    /// No room for another run until acknowledgements free some: send elsewhere.
    Full,
}

impl<const N: usize> Default for TxOffsets<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> TxOffsets<N> {
    /// No run yet.
    #[inline(always)]
    pub const fn new() -> Self {
        Self {
            runs: [Run { rel: 0, dsn: 0 }; N],
            len: 0,
        }
    }

    /// Whether the msk ever placed data on this subflow.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn live(&self) -> &[Run] {
        self.runs.get(..self.len).unwrap_or(&[])
    }

    /// The last run starting at or before `rel`, if any.
    fn run_at(&self, rel: u32) -> Option<(usize, &Run)> {
        let base = self.live().first()?.rel;
        let target = rel.wrapping_sub(base);
        // More than 2^31 ahead is behind: before the first run.
        if target > i32::MAX as u32 {
            return None;
        }
        self.live()
            .iter()
            .enumerate()
            .rev()
            .find(|(_, run)| run.rel.wrapping_sub(base) <= target)
    }

    /// The DSN of the byte at `rel` and how many bytes from it belong to the same run
    /// (`u32::MAX` for the last run), or `None` before the first run (the caller's implicit
    /// run, if it has one).
    pub fn locate(&self, rel: u32) -> Option<(u64, u32)> {
        let (i, run) = self.run_at(rel)?;
        let off = rel.wrapping_sub(run.rel);
        let len = match self.live().get(i.saturating_add(1)) {
            Some(next) => next.rel.wrapping_sub(rel),
            None => u32::MAX,
        };
        Some((run.dsn.wrapping_add(u64::from(off)), len))
    }

    /// The bytes queued from `rel` on (the subflow's next byte) carry DSN `dsn` onwards;
    /// `implicit` is where the implicit run would put `rel` (the first subflow's, before any
    /// run of the msk's), so continuing it needs no entry either.
    pub fn assign(&mut self, rel: u32, dsn: u64, implicit: Option<u64>) -> Assign {
        let current = self.locate(rel).map(|(d, _)| d).or(implicit);
        if current == Some(dsn) {
            return Assign::Contiguous;
        }
        // Nothing was queued since the last run began: it is replaced, not followed.
        if let Some(last) = self.len.checked_sub(1).and_then(|i| self.runs.get_mut(i)) {
            if last.rel == rel {
                last.dsn = dsn;
                return Assign::NewRun;
            }
        }
        let Some(slot) = self.runs.get_mut(self.len) else {
            return Assign::Full;
        };
        *slot = Run { rel, dsn };
        self.len = self.len.saturating_add(1);
        Assign::NewRun
    }

    /// Whether bytes at `rel` carrying `dsn` could be recorded now (see [`Self::assign`]).
    pub fn has_room(&self, rel: u32, dsn: u64, implicit: Option<u64>) -> bool {
        let current = self.locate(rel).map(|(d, _)| d).or(implicit);
        current == Some(dsn)
            || self.len < N
            || self.live().last().is_some_and(|last| last.rel == rel)
    }

    /// Forgets the runs wholly before `una` (the subflow's first unacknowledged byte): the
    /// run covering it stays, with the implicit run before it gone for good.
    pub fn purge(&mut self, una: u32) {
        let mut drop: usize = 0;
        while let Some(next) = self.live().get(drop.saturating_add(1)) {
            if after32(next.rel, una) {
                break;
            }
            drop = drop.saturating_add(1);
        }
        if drop > 0 {
            self.runs.copy_within(drop..self.len, 0);
            self.len = self.len.saturating_sub(drop);
        }
    }

    /// Whether `rel` .. `rel + len` (non-empty) lies within one run (or before all of them).
    pub fn within_one_run(&self, rel: u32, len: u32) -> bool {
        let last = rel.wrapping_add(len.saturating_sub(1));
        match (self.run_at(rel), self.run_at(last)) {
            (Some((a, _)), Some((b, _))) => a == b,
            (None, None) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_run_then_explicit_runs() {
        let mut t = TxOffsets::<4>::new();
        assert_eq!(t.locate(10), None);
        // Continuing the first subflow's implicit run: no entry.
        assert_eq!(t.assign(10, 1010, Some(1010)), Assign::Contiguous);
        assert!(t.is_empty());
        // Another subflow took 1010..1500: this one goes on at 1500.
        assert_eq!(t.assign(10, 1500, Some(1010)), Assign::NewRun);
        assert_eq!(t.locate(10), Some((1500, u32::MAX)));
        assert_eq!(t.assign(110, 1600, None), Assign::Contiguous);
        assert_eq!(t.assign(110, 3000, None), Assign::NewRun);
        assert_eq!(t.locate(50), Some((1540, 60)));
        assert_eq!(t.locate(120), Some((3010, u32::MAX)));
        assert!(t.within_one_run(10, 100));
        assert!(!t.within_one_run(100, 20));
        assert!(!t.within_one_run(5, 10));
        assert!(t.within_one_run(0, 10));
        // Acknowledged past the second run's start: the first goes.
        t.purge(111);
        assert_eq!(t.locate(50), None);
        assert_eq!(t.locate(111), Some((3001, u32::MAX)));
    }

    #[test]
    fn replaced_when_nothing_was_queued_and_full_when_out_of_room() {
        let mut t = TxOffsets::<2>::new();
        assert_eq!(t.assign(1, 100, None), Assign::NewRun);
        assert_eq!(t.assign(1, 200, None), Assign::NewRun);
        assert_eq!(t.locate(1), Some((200, u32::MAX)));
        assert_eq!(t.assign(5, 300, None), Assign::NewRun);
        assert!(!t.has_room(9, 900, None));
        assert!(
            t.has_room(9, 304, None),
            "continuing the last run needs no entry"
        );
        assert_eq!(t.assign(9, 900, None), Assign::Full);
        // The table is unchanged by a refusal.
        assert_eq!(t.locate(9), Some((304, u32::MAX)));
        t.purge(5);
        assert_eq!(t.assign(9, 900, None), Assign::NewRun);
    }

    #[test]
    fn wraps_around_the_sequence_space() {
        let mut t = TxOffsets::<4>::new();
        assert_eq!(t.assign(u32::MAX - 1, 7, None), Assign::NewRun);
        assert_eq!(t.assign(3, 100, None), Assign::NewRun);
        assert_eq!(t.locate(u32::MAX), Some((8, 4)));
        assert_eq!(t.locate(4), Some((101, u32::MAX)));
        t.purge(3);
        assert_eq!(t.locate(3), Some((100, u32::MAX)));
    }
}
