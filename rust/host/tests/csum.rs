// SPDX-License-Identifier: GPL-2.0

//! The shared DSS checksum vectors (also run by KUnit), and properties over random mappings and
//! payloads against a reference written here from RFC 1071 and RFC 8684 section 3.3.1: the
//! pseudo-header laid out byte by byte, the sum taken in one pass over a flat buffer.

mod common;
use common::Rng;

use mptcp_proto::{
    csum::{self, Csum},
    mapping::Mapping,
};

/// RFC 1071 over a buffer: big-endian words, odd byte padded with zero, end-around carry.
fn ones_sum(bytes: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    for pair in bytes.chunks(2) {
        let hi = u64::from(pair[0]) << 8;
        let lo = pair.get(1).map_or(0, |&b| u64::from(b));
        sum += hi | lo;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// The checksum field straight from RFC 8684's description.
fn reference(m: &Mapping, payload: &[u8]) -> u16 {
    let mut buf = Vec::with_capacity(16 + payload.len());
    buf.extend_from_slice(&m.dsn.to_be_bytes());
    buf.extend_from_slice(&m.ssn.to_be_bytes());
    buf.extend_from_slice(&m.data_len.to_be_bytes());
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(payload);
    !ones_sum(&buf)
}

fn bytes(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| rng.next() as u8).collect()
}

/// A random mapping of `payload_len` bytes, with DATA_FIN half of the time (always when
/// there is no payload: the length would otherwise be 0, the infinite mapping).
fn mapping(rng: &mut Rng, payload_len: u16) -> Mapping {
    let data_fin = payload_len == 0 || (rng.next() & 1 == 1 && payload_len < u16::MAX);
    Mapping {
        dsn: rng.next(),
        ssn: rng.next() as u32,
        data_len: payload_len + u16::from(data_fin),
        data_fin,
        checksum: None,
    }
}

fn sum_of(b: &[u8]) -> u32 {
    let mut c = Csum::new();
    c.add_bytes(b);
    c.partial()
}

#[test]
fn shared_vectors() {
    assert_eq!(
        csum::vectors::check_vectors(),
        Ok(csum::vectors::KNOWN.len())
    );
}

/// The shared vectors' expected fields agree with the reference too.
#[test]
fn shared_vectors_match_reference() {
    for case in csum::vectors::KNOWN {
        assert_eq!(
            Some(reference(&case.mapping, case.payload)),
            case.mapping.checksum,
            "{}",
            case.name
        );
    }
}

#[test]
fn matches_reference() {
    let mut rng = Rng(0x5eed_c5c5_0001);
    for _ in 0..2000 {
        let len = (rng.next() % 1500) as u16;
        let m = mapping(&mut rng, len);
        let payload = bytes(&mut rng, len.into());
        let want = reference(&m, &payload);
        let s = sum_of(&payload);
        assert_eq!(csum::checksum(&m, s), want, "{m:?}");
        assert!(csum::verify(&m, s, want));
        assert!(!csum::verify(&m, s, want ^ 0x0001));
    }
}

#[test]
fn random_splits_equal_one_shot() {
    let mut rng = Rng(0x5eed_c5c5_0002);
    for _ in 0..500 {
        let len = (rng.next() % 4000) as usize;
        let payload = bytes(&mut rng, len);
        let mut whole = Csum::new();
        whole.add_bytes(&payload);

        // Random cut points, some pieces empty, some one byte long.
        let mut cuts: Vec<usize> = (0..rng.next() % 12)
            .map(|_| (rng.next() as usize) % (len + 1))
            .collect();
        cuts.push(0);
        cuts.push(len);
        cuts.sort_unstable();

        let mut pieces = Csum::new();
        let mut blocks = Csum::new();
        for w in cuts.windows(2) {
            let piece = &payload[w[0]..w[1]];
            pieces.add_bytes(piece);
            blocks.add_partial(sum_of(piece), piece.len());
        }
        assert_eq!(pieces.fold(), whole.fold());
        assert_eq!(blocks.fold(), whole.fold());
        assert_eq!(pieces.is_odd(), len % 2 == 1);
        assert_eq!(blocks.is_odd(), len % 2 == 1);
        assert_eq!(whole.fold(), ones_sum(&payload));

        // `concat` of two halves is the same combination.
        let k = (rng.next() as usize) % (len + 1);
        let (a, b) = payload.split_at(k);
        assert_eq!(
            csum::checksum(
                &Mapping::data_fin_only(0, None),
                csum::concat(sum_of(a), k, sum_of(b))
            ),
            csum::checksum(&Mapping::data_fin_only(0, None), whole.partial()),
        );
    }
}

#[test]
fn any_flipped_bit_fails_verify() {
    let mut rng = Rng(0x5eed_c5c5_0003);
    for _ in 0..60 {
        let len = 1 + (rng.next() % 200) as u16;
        let mut m = mapping(&mut rng, len);
        let mut payload = bytes(&mut rng, len.into());
        let field = csum::checksum(&m, sum_of(&payload));
        m.checksum = Some(field);
        for bit in 0..payload.len() * 8 {
            payload[bit / 8] ^= 1 << (bit % 8);
            assert!(!csum::verify(&m, sum_of(&payload), field), "bit {bit}");
            payload[bit / 8] ^= 1 << (bit % 8);
        }
        assert!(csum::verify(&m, sum_of(&payload), field));
    }
}

/// Each pseudo-header field is covered: changing any bit of DSN, SSN or length is caught.
#[test]
fn any_flipped_header_bit_fails_verify() {
    let mut rng = Rng(0x5eed_c5c5_0004);
    let m = mapping(&mut rng, 100);
    let payload = bytes(&mut rng, 100);
    let s = sum_of(&payload);
    let field = csum::checksum(&m, s);
    for bit in 0..64 {
        let other = Mapping {
            dsn: m.dsn ^ (1 << bit),
            ..m
        };
        assert!(!csum::verify(&other, s, field));
    }
    for bit in 0..32 {
        let other = Mapping {
            ssn: m.ssn ^ (1 << bit),
            ..m
        };
        assert!(!csum::verify(&other, s, field));
    }
    for bit in 0..16 {
        let other = Mapping {
            data_len: m.data_len ^ (1 << bit),
            ..m
        };
        if !other.is_infinite() {
            assert!(!csum::verify(&other, s, field));
        }
    }
}

/// The kernel's `__wsum` over memory in native order converts to the same sum.
#[test]
fn native_order_sums_convert() {
    let mut rng = Rng(0x5eed_c5c5_0005);
    for _ in 0..500 {
        let len = (rng.next() % 3000) as usize;
        let payload = bytes(&mut rng, len);
        // What csum_partial() returns: native-order words, a 32-bit accumulator with carries
        // folded back (any value congruent modulo 0xffff would do).
        let mut native: u64 = 0;
        for pair in payload.chunks(2) {
            let word = match pair {
                [a, b] => u16::from_ne_bytes([*a, *b]),
                [a] => u16::from_ne_bytes([*a, 0]),
                _ => unreachable!(),
            };
            native += u64::from(word);
        }
        let wsum = ((native & 0xffff_ffff) + (native >> 32)) as u32;
        let m = Mapping::data_fin_only(rng.next(), None);
        assert_eq!(
            csum::checksum(&m, csum::from_native(wsum)),
            csum::checksum(&m, sum_of(&payload))
        );
    }
}

/// Merging two checksummed mappings without their payload gives exactly the checksum of the
/// whole, and `payload_sum` inverts `checksum`.
#[test]
fn extension_equals_direct() {
    let mut rng = Rng(0x5eed_c5c5_0006);
    for _ in 0..2000 {
        let a_len = 1 + (rng.next() % 700) as u16;
        let b_len = 1 + (rng.next() % 700) as u16;
        let a_bytes = bytes(&mut rng, a_len.into());
        let b_bytes = bytes(&mut rng, b_len.into());
        let data_fin = rng.next() & 1 == 1;
        let mut first = Mapping {
            dsn: rng.next(),
            ssn: rng.next() as u32,
            data_len: a_len,
            data_fin: false,
            checksum: None,
        };
        first.checksum = Some(csum::checksum(&first, sum_of(&a_bytes)));
        let mut next = Mapping {
            dsn: first.dsn_end(),
            ssn: first.ssn_end(),
            data_len: b_len + u16::from(data_fin),
            data_fin,
            checksum: None,
        };
        next.checksum = Some(csum::checksum(&next, sum_of(&b_bytes)));

        let merged = first.extended(&next).expect("contiguous, both checksummed");
        let whole = [a_bytes.as_slice(), b_bytes.as_slice()].concat();
        assert_eq!(merged.data_len, a_len + b_len + u16::from(data_fin));
        assert_eq!(merged.data_fin, data_fin);
        assert_eq!(merged.checksum, Some(reference(&merged, &whole)));

        let field = first.checksum.unwrap();
        assert_eq!(
            csum::checksum(&first, csum::payload_sum(&first, field)),
            field
        );
    }
}

#[test]
fn verify_accepts_exactly_the_checksum() {
    let mut rng = Rng(0x5eed_c5c5_0007);
    for _ in 0..200 {
        let len = 1 + (rng.next() % 50) as u16;
        let m = mapping(&mut rng, len);
        let payload = bytes(&mut rng, m.payload_len().into());
        let s = sum_of(&payload);
        let want = csum::checksum(&m, s);
        // The complement of a positive fold is never 0xffff.
        assert_ne!(want, 0xffff);
        for _ in 0..200 {
            let field = rng.next() as u16;
            let ok = field == want || (want == 0 && field == 0xffff);
            assert_eq!(csum::verify(&m, s, field), ok);
        }
        assert!(csum::verify(&m, s, want));
    }
}

/// The infinite mapping's field is zero and never checked.
#[test]
fn infinite_mapping() {
    let m = Mapping {
        dsn: 42,
        ssn: 7,
        data_len: 0,
        data_fin: false,
        checksum: None,
    };
    assert_eq!(csum::checksum(&m, 0x1234), 0);
    assert!(csum::verify(&m, 0x1234, 0xabcd));
}

/// Long inputs do not overflow the accumulator, and stay equal to the reference.
#[test]
fn long_input() {
    let payload = vec![0xff; 1 << 20];
    let mut c = Csum::new();
    for _ in 0..8 {
        c.add_bytes(&payload);
    }
    // 0xffff words only: one's-complement zero, folded as 0xffff.
    assert_eq!(c.fold(), 0xffff);
    let odd = vec![0xab; 65_537];
    let mut c = Csum::new();
    c.add_bytes(&odd);
    assert_eq!(c.fold(), ones_sum(&odd));
}
