// SPDX-License-Identifier: GPL-2.0

//! Helpers shared by the integration tests.

/// xorshift64*: deterministic, so a failure reproduces from the seed in the test.
#[allow(dead_code, reason = "not every test binary draws random numbers")]
pub struct Rng(pub u64);

#[allow(dead_code, reason = "not every test binary draws random numbers")]
impl Rng {
    /// The next pseudo-random value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The host's digest provider (RustCrypto's `sha2` and `hmac`).
#[allow(dead_code, reason = "not every test binary hashes")]
pub struct RustCrypto;

impl mptcp_proto::crypto::Digest for RustCrypto {
    fn sha256(&self, data: &[u8]) -> [u8; mptcp_proto::crypto::DIGEST_LEN] {
        use sha2::Digest as _;
        sha2::Sha256::digest(data).into()
    }

    fn hmac_sha256(&self, key: &[u8], msg: &[u8]) -> [u8; mptcp_proto::crypto::DIGEST_LEN] {
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
            .expect("HMAC takes keys of any length");
        mac.update(msg);
        mac.finalize().into_bytes().into()
    }
}

/// Counted events, in order.
#[allow(dead_code, reason = "only the connection tests count events")]
#[derive(Default)]
pub struct Counted(pub Vec<mptcp_proto::conn::Event>);

impl mptcp_proto::conn::Events for Counted {
    fn event(&mut self, event: mptcp_proto::conn::Event) {
        self.0.push(event);
    }
}

/// The MPTCP options of a TCP option area, parsed as they would arrive on a segment of kind
/// `ctx`.
#[allow(dead_code, reason = "only the connection tests read option areas")]
pub fn options(
    buf: &[u8],
    ctx: mptcp_proto::option::SegmentCtx,
) -> Vec<mptcp_proto::option::MptcpOption> {
    use mptcp_proto::option::{parse, TcpOptions, TCPOPT_MPTCP};
    TcpOptions::new(buf)
        .map(|o| o.expect("well-formed option area"))
        .filter(|(kind, _)| *kind == TCPOPT_MPTCP)
        .map(|(_, opt)| parse(opt, ctx).expect("our own options parse"))
        .collect()
}

/// An incoming pure ACK at `seq` (the receiver's next expected), with a 64 KiB window.
#[allow(dead_code, reason = "only the join and signalling tests use it")]
pub fn ack_in(seq: u32) -> mptcp_proto::conn::InSeg {
    mptcp_proto::conn::InSeg {
        seq,
        ack: true,
        rcv_nxt: seq,
        wnd: 65535,
        ..Default::default()
    }
}
