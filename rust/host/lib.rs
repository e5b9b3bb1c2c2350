// SPDX-License-Identifier: GPL-2.0

//! Userspace build of the module's pure protocol core.
//!
//! The sources are `rust/proto/*.rs`, the very files `mptcp.ko` compiles; nothing here may
//! add logic of its own, only make them buildable and testable with cargo.

#![no_std]

#[path = "../proto/mod.rs"]
mod proto;

pub use proto::*;
