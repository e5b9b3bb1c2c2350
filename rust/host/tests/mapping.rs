// SPDX-License-Identifier: GPL-2.0

//! The shared mapping vectors (also run by KUnit), and random sessions of both tables against
//! plain `Vec` models, across the 2^32 wrap of the subflow sequence space.

mod common;
use common::Rng;

use mptcp_proto::{
    dss::{self, SeqNum},
    mapping::{
        self, after32, before32, Insert, Invalid, Mapping, Push, PushError, RxError, RxMappings,
        TxMappings, Validation,
    },
};

fn m(dsn: u64, ssn: u32, data_len: u16) -> Mapping {
    Mapping::new(dsn, ssn, data_len)
}

/// A subflow start within 64 KiB either side of the 2^32 wrap, so that most sessions cross it.
fn start_near_wrap(rng: &mut Rng) -> u32 {
    0xffff_0000u32.wrapping_add((rng.next() % 0x2_0000) as u32)
}

#[test]
fn shared_vectors() {
    use mapping::vectors as v;
    let total = v::HELPERS.len()
        + v::ENDS.len()
        + v::VALIDATE.len()
        + v::TX_SCRIPT.len()
        + v::RX_SCRIPT.len();
    assert_eq!(v::check_vectors(), Ok(total));
}

#[test]
fn before_after_wrap() {
    let mut rng = Rng(0x5eed_04a9_0001);
    for _ in 0..10_000 {
        let a = rng.next() as u32;
        let d = 1 + (rng.next() as u32) % 0x7fff_ffff;
        let b = a.wrapping_add(d);
        assert!(before32(a, b) && after32(b, a), "{a:#x} {b:#x}");
        assert!(!before32(b, a) && !after32(a, b));
        assert!(!before32(a, a) && !after32(a, a));
    }
    assert!(before32(0xffff_ffff, 0));
    assert!(after32(0, 0xffff_ffff));
}

/// Every entry of the shared `validate` table, with its `known` mapping stored in a real
/// table, gives the matching `insert` result (checksum negotiation aside: the table does not
/// know it).
#[test]
fn insert_agrees_with_validate() {
    for case in mapping::vectors::VALIDATE {
        let consumed = case.state.consumed;
        let mut table = RxMappings::<8>::new(consumed);
        if let Some(known) = case.known {
            // A known mapping may straddle the consumed point: store it before consuming.
            table.reset(known.ssn);
            assert_eq!(table.insert(known), Ok(Insert::Added), "{}", case.name);
            table.consume_up_to(consumed);
            let overlap = known.overlaps(&case.mapping).then_some(&known);
            assert_eq!(table.overlapping(&case.mapping), overlap, "{}", case.name);
        }
        let overlaps = case.known.is_some_and(|k| k.overlaps(&case.mapping));
        let want = match case.expect {
            Validation::Accept if overlaps => Ok(Insert::DataFinAdded),
            Validation::Accept => Ok(Insert::Added),
            Validation::Duplicate => Ok(Insert::Duplicate),
            Validation::DataFinOnly | Validation::Infinite => Err(RxError::NoPayload),
            Validation::Invalid(Invalid::ChecksumMissing | Invalid::ChecksumUnexpected) => continue,
            Validation::Invalid(why) => Err(RxError::Invalid(why)),
        };
        let before: Vec<Mapping> = table.iter().copied().collect();
        assert_eq!(table.insert(case.mapping), want, "{}", case.name);
        assert_eq!(
            table.validate(&case.mapping, case.state.checksums),
            if want.is_ok() && want != Ok(Insert::Duplicate) {
                // Once stored, the same mapping is a duplicate.
                Validation::Duplicate
            } else {
                case.expect
            },
            "{}",
            case.name
        );
        if want.is_err() || want == Ok(Insert::Duplicate) {
            assert!(table.iter().copied().eq(before), "{}: changed", case.name);
        }
    }
}

#[test]
fn option_conversion() {
    let opt = dss::Mapping {
        dsn: SeqNum::Short(0x10),
        subflow_seq: 77,
        data_len: 9,
        checksum: Some(0xbeef),
    };
    // Expanded next to the expected DSN, across a 2^32 boundary.
    let got = Mapping::from_option(&opt, true, 0x3_ffff_fff0);
    assert_eq!(
        got,
        Mapping {
            dsn: 0x4_0000_0010,
            ssn: 77,
            data_len: 9,
            data_fin: true,
            checksum: Some(0xbeef),
        }
    );
    assert_eq!(got.payload_len(), 8);
    let back = got.to_option();
    assert_eq!(back.dsn, SeqNum::Full(0x4_0000_0010));
    assert_eq!(
        Mapping::from_option(&back, true, 0),
        got,
        "a full DSN ignores the reference"
    );
}

/// A table with no room refuses everything and never panics.
#[test]
fn zero_capacity() {
    let mut tx = TxMappings::<0>::new();
    assert_eq!(tx.push(m(0, 1, 10)), Err(PushError::Full));
    assert_eq!(tx.lookup(1), None);
    assert_eq!(tx.freeze(1), None);
    assert_eq!(tx.purge_acked(100), 0);
    assert!(tx.is_full() && tx.is_empty() && tx.capacity() == 0);

    let mut rx = RxMappings::<0>::new(1);
    assert_eq!(rx.insert(m(0, 1, 10)), Err(RxError::Full));
    assert_eq!(rx.insert(m(0, 0, 1)), Ok(Insert::Duplicate));
    assert_eq!(rx.lookup(1), None);
    assert_eq!(rx.consume_up_to(100), 0);
    assert!(rx.is_full() && rx.is_empty() && rx.capacity() == 0);
}

/// Random pushes, freezes, purges and lookups against a `Vec` model of the sender's rules.
#[test]
fn tx_matches_model() {
    const CAP: usize = 8;
    let mut rng = Rng(0x5eed_04a9_0002);
    for _ in 0..100 {
        let mut table = TxMappings::<CAP>::new();
        let mut model: Vec<(Mapping, bool)> = Vec::new();
        let start = start_near_wrap(&mut rng);
        let (mut next_ssn, mut next_dsn, mut una) = (start, rng.next(), start);
        for _ in 0..300 {
            // Pushes outnumber purges, so that the table fills up now and then.
            match rng.next() % 10 {
                0..=3 => {
                    let len = 1 + (rng.next() % 30_000) as u16;
                    if rng.next() % 3 == 1 {
                        // Other subflows carried the data in between.
                        next_dsn = next_dsn.wrapping_add(rng.next() % 100_000);
                    }
                    let new = m(next_dsn, next_ssn, len);
                    let full = model.len() == CAP;
                    let want = match model.last_mut() {
                        Some((last, false))
                            if last.dsn_end() == new.dsn
                                && u32::from(last.data_len) + u32::from(len) <= 0xffff =>
                        {
                            last.data_len += len;
                            Ok(Push::Extended)
                        }
                        _ if full => Err(PushError::Full),
                        _ => {
                            model.push((new, false));
                            Ok(Push::New)
                        }
                    };
                    assert_eq!(table.push(new), want);
                    if want.is_ok() {
                        next_ssn = new.ssn_end();
                        next_dsn = new.dsn_end();
                    }
                }
                4 | 5 => {
                    let ssn = una.wrapping_add((rng.next() % 70_000) as u32);
                    let want = model
                        .iter_mut()
                        .find(|(e, _)| e.covers(ssn))
                        .map(|(e, frozen)| {
                            *frozen = true;
                            *e
                        });
                    assert_eq!(table.freeze(ssn).copied(), want);
                }
                6 => {
                    let outstanding = next_ssn.wrapping_sub(una);
                    let acked = (rng.next() % (u64::from(outstanding) + 1)) as u32;
                    una = una.wrapping_add(acked);
                    let before = model.len();
                    model.retain(|(e, _)| after32(e.ssn_end(), una));
                    assert_eq!(table.purge_acked(una), before - model.len());
                }
                _ => {
                    let ssn = una
                        .wrapping_sub(100)
                        .wrapping_add((rng.next() % 70_000) as u32);
                    let want = model.iter().find(|(e, _)| e.covers(ssn)).map(|(e, _)| *e);
                    assert_eq!(table.lookup(ssn).copied(), want);
                    if let Some(e) = want {
                        assert_eq!(
                            e.dsn_of(ssn),
                            Some(e.dsn.wrapping_add(u64::from(ssn.wrapping_sub(e.ssn))))
                        );
                    }
                }
            }
            assert!(table.iter().copied().eq(model.iter().map(|(e, _)| *e)));
            assert_eq!(table.len(), model.len());
        }
    }
}

/// A sender's mappings arrive shuffled and repeated while a reader consumes the subflow in
/// order in random steps; stored mappings are also hit by conflicting variants. The reader
/// must find every byte's DSN, and the table must end empty.
#[test]
fn rx_reassembles_shuffled_repeated_mappings() {
    let mut rng = Rng(0x5eed_04a9_0003);
    for _ in 0..100 {
        let start = start_near_wrap(&mut rng);
        let count = 10 + (rng.next() % 30) as usize;
        let mut sent = Vec::new();
        let (mut ssn, mut dsn) = (start, rng.next());
        for _ in 0..count {
            if rng.next() % 3 == 1 {
                dsn = dsn.wrapping_add(rng.next() % 100_000);
            }
            let len = 1 + (rng.next() % 3000) as u16;
            sent.push(m(dsn, ssn, len));
            ssn = ssn.wrapping_add(len.into());
            dsn = dsn.wrapping_add(len.into());
        }
        let end = ssn;

        // Each mapping one to three times, in random order.
        let mut arrivals: Vec<usize> = (0..count)
            .flat_map(|i| std::iter::repeat_n(i, 1 + (rng.next() % 3) as usize))
            .collect();
        for i in (1..arrivals.len()).rev() {
            arrivals.swap(i, (rng.next() as usize) % (i + 1));
        }

        let mut table = RxMappings::<64>::new(start);
        let mut inserted = vec![false; count];
        for &i in &arrivals {
            let map = sent[i];
            let consumed = table.consumed();
            let want = if inserted[i] || !after32(map.ssn_end(), consumed) {
                Ok(Insert::Duplicate)
            } else {
                Ok(Insert::Added)
            };
            assert_eq!(table.insert(map), want);
            inserted[i] = true;

            // A conflicting copy of a stored mapping is refused and changes nothing.
            let pick = (rng.next() as usize) % table.len().max(1);
            let victim = table.iter().nth(pick).copied();
            if let Some(victim) = victim {
                let bad = Mapping {
                    dsn: victim.dsn.wrapping_add(1 + rng.next() % 10),
                    ..victim
                };
                let len = table.len();
                assert_eq!(table.insert(bad), Err(RxError::Invalid(Invalid::Conflict)));
                assert_eq!(table.len(), len);
            }

            // The reader takes what is mapped, in random steps.
            loop {
                let at = table.consumed();
                let Some(cur) = table.lookup(at).copied() else {
                    break;
                };
                let owner = sent.iter().find(|s| s.covers(at)).unwrap();
                assert_eq!(cur, *owner);
                let left = cur.ssn_end().wrapping_sub(at);
                let step = 1 + (rng.next() as u32) % left;
                let upto = at.wrapping_add(step);
                table.consume_up_to(upto);
                assert_eq!(table.consumed(), upto);
                if upto == cur.ssn_end() {
                    assert_ne!(table.iter().next(), Some(&cur), "fully read, still held");
                }
            }
        }
        assert_eq!(table.consumed(), end);
        assert!(table.is_empty());
    }
}

/// Out-of-order mappings, inserted in random order, are kept sorted and disjoint.
#[test]
fn rx_stays_sorted() {
    let mut rng = Rng(0x5eed_04a9_0004);
    for _ in 0..200 {
        let start = start_near_wrap(&mut rng);
        let mut table = RxMappings::<16>::new(start);
        // Slots of 1000 bytes, each mapped by a mapping of random length inside its slot.
        let mut slots: Vec<u32> = (0..16).collect();
        for i in (1..slots.len()).rev() {
            slots.swap(i, (rng.next() as usize) % (i + 1));
        }
        for &slot in &slots {
            let ssn = start.wrapping_add(slot * 1000 + (rng.next() % 200) as u32);
            let len = 1 + (rng.next() % 700) as u16;
            assert_eq!(
                table.insert(m(u64::from(slot) << 20, ssn, len)),
                Ok(Insert::Added)
            );
        }
        assert!(table.is_full());
        assert_eq!(
            table.insert(m(1 << 40, start.wrapping_add(16_500), 1)),
            Err(RxError::Full)
        );
        let all: Vec<Mapping> = table.iter().copied().collect();
        for w in all.windows(2) {
            assert!(!after32(w[0].ssn_end(), w[1].ssn), "{:?}", w);
        }
    }
}

#[test]
fn record_merges_contiguous_mappings_and_ignores_contained_ones() {
    let mut rx = RxMappings::<4>::new(1);
    assert_eq!(
        rx.record(&Mapping::new(1000, 1, 100), false),
        Ok(Insert::Added)
    );
    assert_eq!(
        rx.record(&Mapping::new(1200, 201, 100), false),
        Ok(Insert::Added)
    );
    assert_eq!(rx.len(), 2);
    // Fills the gap between the two: all three become one.
    assert_eq!(
        rx.record(&Mapping::new(1100, 101, 100), false),
        Ok(Insert::Added)
    );
    assert_eq!(rx.len(), 1);
    assert_eq!(rx.lookup(250), Some(&Mapping::new(1000, 1, 300)));
    // A piece of it (one segment's retransmission) is a duplicate...
    assert_eq!(
        rx.record(&Mapping::new(1050, 51, 20), false),
        Ok(Insert::Duplicate)
    );
    // ...the same bytes at other DSNs are not.
    assert_eq!(
        rx.record(&Mapping::new(1051, 51, 20), false),
        Err(RxError::Invalid(Invalid::Conflict))
    );
    // DATA_FIN and checksum are the caller's: only the payload is stored.
    let mut with_fin = Mapping::new(1300, 301, 11);
    with_fin.data_fin = true;
    with_fin.checksum = Some(0xabcd);
    assert_eq!(rx.record(&with_fin, false), Ok(Insert::Added));
    assert_eq!(rx.lookup(301), Some(&Mapping::new(1000, 1, 310)));
    // A mapping that does not continue in the data sequence space stays separate.
    assert_eq!(
        rx.record(&Mapping::new(5000, 311, 10), false),
        Ok(Insert::Added)
    );
    assert_eq!(rx.len(), 2);
    assert_eq!(
        rx.record(&Mapping::data_fin_only(7000, None), false),
        Err(RxError::NoPayload)
    );
    // A retransmission cut differently, at the same DSNs: only its new bytes are added.
    let mut cut = RxMappings::<4>::new(1);
    assert_eq!(
        cut.record(&Mapping::new(1000, 1, 100), false),
        Ok(Insert::Added)
    );
    assert_eq!(
        cut.record(&Mapping::new(1200, 201, 100), false),
        Ok(Insert::Added)
    );
    assert_eq!(
        cut.record(&Mapping::new(1050, 51, 300), false),
        Ok(Insert::Added)
    );
    assert_eq!(cut.len(), 1);
    assert_eq!(cut.lookup(300), Some(&Mapping::new(1000, 1, 350)));
    // ...placing a shared byte elsewhere is refused, the table unchanged.
    assert_eq!(
        cut.record(&Mapping::new(1345, 341, 20), false),
        Err(RxError::Invalid(Invalid::Conflict))
    );
    assert_eq!(cut.len(), 1);
    // Bytes already consumed are ignored, even under a mapping that starts among them.
    cut.consume_up_to(400);
    assert!(cut.is_empty());
    assert_eq!(
        cut.record(&Mapping::new(1390, 391, 5), false),
        Ok(Insert::Duplicate)
    );
    assert_eq!(
        cut.record(&Mapping::new(1390, 391, 20), false),
        Ok(Insert::Added)
    );
    assert_eq!(cut.lookup(399), None);
    assert_eq!(cut.lookup(400), Some(&Mapping::new(1399, 400, 11)));
    // Merging stops at the 16-bit length.
    let mut big = RxMappings::<4>::new(1);
    assert_eq!(
        big.record(&Mapping::new(0, 1, 60000), false),
        Ok(Insert::Added)
    );
    assert_eq!(
        big.record(&Mapping::new(60000, 60001, 10000), false),
        Ok(Insert::Added)
    );
    assert_eq!(big.len(), 2);
}

#[test]
fn mappings_with_checksums_stay_whole_until_verified() {
    let mut rx = RxMappings::<4>::new(1);
    let mut first = Mapping::new(1000, 1, 100);
    first.checksum = Some(0x1111);
    let mut second = Mapping::new(1100, 101, 100);
    second.checksum = Some(0x2222);
    assert_eq!(rx.record(&first, true), Ok(Insert::Added));
    assert_eq!(rx.record(&second, true), Ok(Insert::Added));
    assert_eq!(rx.len(), 2);
    assert_eq!(rx.lookup(1), Some(&first));
    rx.mark_verified(1);
    assert_eq!(rx.lookup(1).and_then(|m| m.checksum), None);
    assert_eq!(rx.lookup(101), Some(&second));
    // Without checksums in use the same two merge at once.
    let mut plain = RxMappings::<4>::new(1);
    assert_eq!(plain.record(&first, false), Ok(Insert::Added));
    assert_eq!(plain.record(&second, false), Ok(Insert::Added));
    assert_eq!(plain.len(), 1);
}
