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
    fn mp_join_vectors() {
        assert!(table_passes(vectors::MP_JOIN));
    }

    #[test]
    fn add_addr_vectors() {
        assert!(table_passes(vectors::ADD_ADDR));
    }

    #[test]
    fn remove_addr_vectors() {
        assert!(table_passes(vectors::REMOVE_ADDR));
    }

    #[test]
    fn mp_prio_vectors() {
        assert!(table_passes(vectors::MP_PRIO));
    }

    #[test]
    fn mp_fail_vectors() {
        assert!(table_passes(vectors::MP_FAIL));
    }

    #[test]
    fn mp_fastclose_vectors() {
        assert!(table_passes(vectors::MP_FASTCLOSE));
    }

    #[test]
    fn mp_tcprst_vectors() {
        assert!(table_passes(vectors::MP_TCPRST));
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

#[kernel::macros::kunit_tests(mptcp_proto_crypto)]
mod crypto_tests {
    use crate::{crypto::KernelDigest, proto::crypto};
    use kernel::prelude::*;

    /// The core's key/token/IDSN and HMAC vectors, computed with the kernel's lib/crypto
    /// (the host runs the same table with RustCrypto's implementations).
    #[test]
    fn shared_vectors_with_kernel_digest() {
        let result = crypto::check_vectors(&KernelDigest);
        if let Err(what) = result {
            pr_err!("crypto vector failed: {}\n", what);
        }
        assert!(result.is_ok());
    }
}

#[kernel::macros::kunit_tests(mptcp_proto_dataplane)]
mod dataplane_tests {
    use crate::proto::{csum, mapping};
    use kernel::prelude::*;

    /// Mapping helpers, validation verdicts, and scripted sessions of the sender's and the
    /// receiver's mapping tables, across the 2^32 wrap of the subflow sequence space.
    #[test]
    fn mapping_vectors() {
        let result = mapping::vectors::check_vectors();
        if let Err(what) = result {
            pr_err!("mapping vector failed: {}\n", what);
        }
        assert!(result.is_ok());
    }

    /// DSS checksum known answers: one shot, split, merged, and every single-bit corruption.
    #[test]
    fn dss_checksum_vectors() {
        let result = csum::vectors::check_vectors();
        if let Err(what) = result {
            pr_err!("DSS checksum vector failed: {}\n", what);
        }
        assert_eq!(result, Ok(csum::vectors::KNOWN.len()));
    }
}

#[kernel::macros::kunit_tests(mptcp_glue)]
mod glue_tests {
    use crate::ffi;

    /// A kernel TCP socket takes the "mptcp" ULP and gets subflow state; releasing the
    /// socket frees it (kmemleak in the selftests checks the freeing).
    #[test]
    fn kernel_socket_takes_subflow_ulp() {
        // SAFETY: The helper has no preconditions; the module (and so the ULP) is registered
        // when KUnit runs its suites (MODULE_STATE_LIVE).
        let err = unsafe { ffi::mptcp_glue_test_kernel_subflow() };
        assert_eq!(err, 0);
    }

    /// The host's token table holds a token once, until the connection gives it back.
    #[test]
    fn token_is_held_once() {
        // SAFETY: The helper has no preconditions.
        let err = unsafe { ffi::mptcp_glue_test_token_table() };
        assert_eq!(err, 0);
    }
}
