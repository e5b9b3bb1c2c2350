/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between mptcp.ko's Rust crate and its C glue objects (rust/glue/).
 *
 * Functions here are implemented in C and declared for Rust in rust/ffi.rs, which must be
 * kept in sync by hand. They return 0 or a negative errno unless stated otherwise.
 */
#ifndef _MPTCP_GLUE_H
#define _MPTCP_GLUE_H

/*
 * Per-network-namespace state and the net.mptcp sysctl table (rust/glue/pernet.c).
 * Register once at module init; unregister once at exit, after everything that reads
 * per-netns state is gone.
 */
int mptcp_glue_pernet_register(void);
void mptcp_glue_pernet_unregister(void);

/*
 * Claim the kernel's TCP extension hooks (rust/glue/tcp_ext.c). -EBUSY if another module
 * holds them. Unregistering waits until no callback runs.
 */
int mptcp_glue_tcp_ext_register(void);
void mptcp_glue_tcp_ext_unregister(void);

#endif /* _MPTCP_GLUE_H */
