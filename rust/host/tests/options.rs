// SPDX-License-Identifier: GPL-2.0

//! The shared vectors (also run by KUnit in the guest), plus properties over random input
//! that only a userspace run can afford.

use mptcp_proto::{
    option::{parse, MptcpOption, SegmentCtx, TcpOptions, MAX_TCP_OPTION_SPACE},
    vectors,
};

fn run_table(table: &[vectors::Vector]) {
    let mut failures = Vec::new();
    for v in table {
        if let Err(f) = vectors::check(v) {
            failures.push(format!("{}: {:?}", v.name, f));
        }
    }
    assert!(failures.is_empty(), "failing vectors:\n{}", failures.join("\n"));
}

#[test]
fn mp_capable_vectors() {
    run_table(vectors::MP_CAPABLE);
}

#[test]
fn dss_vectors() {
    run_table(vectors::DSS);
}

#[test]
fn generic_vectors() {
    run_table(vectors::GENERIC);
}

#[test]
fn option_area_walk() {
    assert_eq!(vectors::check_option_walk(), Ok(()));
}

/// xorshift64*: deterministic, so a failure reproduces from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

const SEGMENTS: [SegmentCtx; 5] = [
    SegmentCtx::SYN,
    SegmentCtx::SYN_ACK,
    SegmentCtx::ACK,
    SegmentCtx::DATA,
    SegmentCtx { syn: false, ack: false, payload: false },
];

/// Any bytes: decoding never panics, reads nothing past the declared length, and whatever it
/// accepts re-encodes to something that decodes to the same value.
#[test]
fn random_options_decode_consistently() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for _ in 0..200_000 {
        let mut buf = [0u8; MAX_TCP_OPTION_SPACE];
        for b in buf.iter_mut() {
            *b = rng.next() as u8;
        }
        let len = (rng.next() % (MAX_TCP_OPTION_SPACE as u64 + 1)) as usize;
        buf[0] = 30;
        if len > 1 && rng.next() % 2 == 0 {
            // Bias towards plausible lengths and the two decoded subtypes.
            buf[1] = (rng.next() % (len as u64 + 1)) as u8;
            buf[2] = (buf[2] & 0x1f) | if rng.next() % 2 == 0 { 0x00 } else { 0x20 };
        }
        let seg = SEGMENTS[(rng.next() % SEGMENTS.len() as u64) as usize];
        let input = &buf[..len];
        let Ok(opt) = parse(input, seg) else { continue };
        accepted += 1;
        let declared = usize::from(input[1]);
        assert_eq!(opt.encoded_len(), declared, "{input:?} {seg:?}");
        // Trailing bytes past the declared length must not matter.
        let mut padded = [0xa5u8; 64];
        padded[..declared].copy_from_slice(&input[..declared]);
        assert_eq!(parse(&padded, seg), Ok(opt));
        let mut out = [0u8; MAX_TCP_OPTION_SPACE];
        let n = opt.encode(&mut out).expect("accepted options encode");
        assert_eq!(parse(&out[..n], seg), Ok(opt), "{input:?} {seg:?}");
    }
    assert!(accepted > 1000, "the generator should hit valid options ({accepted})");
}

/// Any option area: the walk terminates, yields options inside the area, stops after an error.
#[test]
fn random_option_areas_walk_safely() {
    let mut rng = Rng(42);
    for _ in 0..100_000 {
        let mut area = [0u8; MAX_TCP_OPTION_SPACE];
        for b in area.iter_mut() {
            *b = (rng.next() % 40) as u8;
        }
        let len = (rng.next() % (MAX_TCP_OPTION_SPACE as u64 + 1)) as usize;
        let mut total = 0;
        let mut errored = false;
        for item in TcpOptions::new(&area[..len]) {
            assert!(!errored, "yielded after an error");
            match item {
                Ok((kind, opt)) => {
                    assert_eq!(opt[0], kind);
                    assert_eq!(opt.len(), usize::from(opt[1]));
                    total += opt.len();
                    if kind == 30 {
                        let _ = parse(opt, SegmentCtx::ACK).map(|o: MptcpOption| o.encoded_len());
                    }
                }
                Err(_) => errored = true,
            }
        }
        assert!(total <= len);
    }
}

#[test]
fn seq_expand_vectors() {
    assert_eq!(vectors::check_seq_expand(), Ok(vectors::SEQ_EXPAND.len()));
}

/// For any reference and any value within 2^31 of it, expanding the low 32 bits recovers it.
#[test]
fn seq_expand_recovers_nearby_values() {
    use mptcp_proto::seq::{before64, expand};
    let mut rng = Rng(7);
    for _ in 0..200_000 {
        let reference = rng.next();
        let offset = (rng.next() % (1 << 31)) as i64 - if rng.next() % 2 == 0 { 0 } else { (1 << 31) - 1 };
        let value = reference.wrapping_add(offset as u64);
        assert_eq!(expand(reference, value as u32), value, "reference {reference:#x} offset {offset}");
        if offset > 0 {
            assert!(before64(reference, value));
        }
    }
}
