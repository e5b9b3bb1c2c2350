// SPDX-License-Identifier: GPL-2.0

//! KUnit suites for the pure core: the same vectors `cargo test` runs in `rust/host`, here
//! compiled by the kernel's toolchain and run in the guest when the module loads.

#[kernel::macros::kunit_tests(mptcp_proto_options)]
mod tests {
    use crate::proto::vectors::{self, Vector};
    use kernel::prelude::*;

    fn table_passes(table: &[Vector]) -> bool {
        match vectors::check_table(table) {
            Ok(_) => true,
            Err((name, failure)) => {
                pr_err!("vector '{}' failed: {:?}\n", name, failure);
                false
            }
        }
    }

    #[test]
    fn mp_capable_vectors() {
        assert!(table_passes(vectors::MP_CAPABLE));
    }

    #[test]
    fn dss_vectors() {
        assert!(table_passes(vectors::DSS));
    }

    #[test]
    fn generic_vectors() {
        assert!(table_passes(vectors::GENERIC));
    }

    #[test]
    fn seq_expand() {
        assert_eq!(vectors::check_seq_expand(), Ok(vectors::SEQ_EXPAND.len()));
    }

    #[test]
    fn option_area_walk() {
        assert_eq!(vectors::check_option_walk(), Ok(()));
    }
}
