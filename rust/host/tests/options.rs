// SPDX-License-Identifier: GPL-2.0

//! The shared vectors (also run by KUnit in the guest), plus properties over random input
//! that only a userspace run can afford.

mod common;
use common::Rng;

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
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
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
fn mp_join_vectors() {
    run_table(vectors::MP_JOIN);
}

#[test]
fn add_addr_vectors() {
    run_table(vectors::ADD_ADDR);
}

#[test]
fn remove_addr_vectors() {
    run_table(vectors::REMOVE_ADDR);
}

#[test]
fn mp_prio_vectors() {
    run_table(vectors::MP_PRIO);
}

#[test]
fn mp_fail_vectors() {
    run_table(vectors::MP_FAIL);
}

#[test]
fn mp_fastclose_vectors() {
    run_table(vectors::MP_FASTCLOSE);
}

#[test]
fn mp_tcprst_vectors() {
    run_table(vectors::MP_TCPRST);
}

#[test]
fn generic_vectors() {
    run_table(vectors::GENERIC);
}

#[test]
fn option_area_walk() {
    assert_eq!(vectors::check_option_walk(), Ok(()));
}

const SEGMENTS: [SegmentCtx; 7] = [
    SegmentCtx::SYN,
    SegmentCtx::SYN_ACK,
    SegmentCtx::ACK,
    SegmentCtx::DATA,
    SegmentCtx::RST,
    SegmentCtx {
        syn: false,
        ack: false,
        payload: false,
        rst: true,
    },
    SegmentCtx {
        syn: false,
        ack: false,
        payload: false,
        rst: false,
    },
];

/// Every length some subtype accepts (MP_CAPABLE, MP_JOIN, DSS, ADD_ADDR, REMOVE_ADDR,
/// MP_PRIO, MP_FAIL, MP_FASTCLOSE, MP_TCPRST), so the generator reaches all forms often.
const VALID_LENS: &[u8] = &[
    3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 22, 24, 28, 30,
];

/// Any bytes: decoding never panics, reads nothing past the declared length, and whatever it
/// accepts re-encodes to something that decodes to the same value.
#[test]
fn random_options_decode_consistently() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    // Accepted options per subtype nibble: every assigned subtype must be reached.
    let mut per_subtype = [0u32; 9];
    for _ in 0..200_000 {
        let mut buf = [0u8; MAX_TCP_OPTION_SPACE];
        for b in buf.iter_mut() {
            *b = rng.next() as u8;
        }
        let mut len = (rng.next() % (MAX_TCP_OPTION_SPACE as u64 + 1)) as usize;
        buf[0] = 30;
        if len > 1 && rng.next().is_multiple_of(2) {
            // Bias towards plausible lengths and the assigned subtypes.
            let subtype = (rng.next() % 9) as u8;
            buf[2] = (buf[2] & 0x0f) | (subtype << 4);
            if subtype == 0 && rng.next().is_multiple_of(2) {
                // MP_CAPABLE also needs version 1 and HMAC-SHA256 without extensibility.
                buf[2] = 0x01;
                buf[3] = (buf[3] & !0x40) | 0x01;
            }
            if rng.next().is_multiple_of(2) {
                let declared = VALID_LENS[(rng.next() % VALID_LENS.len() as u64) as usize];
                buf[1] = declared;
                // Mostly the whole option plus random trailing bytes, sometimes cut short.
                if !rng.next().is_multiple_of(8) {
                    len = len.max(usize::from(declared));
                }
            } else {
                buf[1] = (rng.next() % (len as u64 + 1)) as u8;
            }
        }
        let seg = SEGMENTS[(rng.next() % SEGMENTS.len() as u64) as usize];
        let input = &buf[..len];
        let Ok(opt) = parse(input, seg) else { continue };
        accepted += 1;
        per_subtype[usize::from(input[2] >> 4)] += 1;
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
    assert!(
        accepted > 1000,
        "the generator should hit valid options ({accepted})"
    );
    assert!(
        per_subtype.iter().all(|&n| n >= 100),
        "every subtype should be hit: {per_subtype:?}"
    );
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
        let offset = (rng.next() % (1 << 31)) as i64
            - if rng.next().is_multiple_of(2) {
                0
            } else {
                (1 << 31) - 1
            };
        let value = reference.wrapping_add(offset as u64);
        assert_eq!(
            expand(reference, value as u32),
            value,
            "reference {reference:#x} offset {offset}"
        );
        if offset > 0 {
            assert!(before64(reference, value));
        }
    }
}
