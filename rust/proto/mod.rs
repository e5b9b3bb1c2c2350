// SPDX-License-Identifier: GPL-2.0

//! The pure MPTCP protocol core: no kernel types, no allocation, no panics.
//!
//! These files are compiled twice: into `mptcp.ko` (as the `proto` module of the crate root)
//! and into the userspace crate `rust/host` (where `cargo test` runs them). Everything here
//! takes byte slices and small value types, so malformed input from the network is rejected
//! in exactly one place, and the same test vectors run under `cargo test` and KUnit.
//!
//! This is a `mod.rs` rather than `proto.rs` + `proto/` on purpose: the host crate includes it
//! with `#[path]`, and a `mod.rs` resolves its children the same way in both builds.

pub mod add_addr;
pub mod conn;
pub mod crypto;
pub mod csum;
pub mod dss;
pub mod endpoints;
pub mod join;
pub mod managers;
pub mod mapping;
pub mod mp_capable;
pub mod mp_fail;
pub mod mp_fastclose;
pub mod mp_join;
pub mod mp_prio;
pub mod mp_tcprst;
pub mod option;
pub mod remove_addr;
pub mod sched;
pub mod seq;
pub mod signal;
pub mod stream_rx;
pub mod transparent;
pub mod tx_offsets;
pub mod vectors;
mod wire;
