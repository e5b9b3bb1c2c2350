// SPDX-License-Identifier: GPL-2.0

//! Per-subflow state and the TCP extension hook callbacks that act on it.
//!
//! The "mptcp" TCP ULP context of a subflow (an ordinary kernel TCP socket, see
//! `rust/glue/subflow.c`) points to a [`Subflow`], from the moment the ULP attaches (or the
//! child of a listener is cloned) until the socket is destroyed. The hook trampolines in
//! `rust/glue/tcp_ext.c` take the plain values out of the socket and segment and call the
//! `mptcp_rs_*` functions here, which hand them to the pure core ([`Conn`]).
//!
//! # Concurrency
//!
//! Every callback that reaches a `Subflow` runs with its socket locked (by the owner or by
//! softirq processing), or before the socket is visible to anyone else (ULP init and clone):
//! that lock is what makes the `&mut Subflow` below exclusive.

use crate::{
    crypto::KernelDigest,
    ffi,
    glue::GlueRegistration,
    mib::{self, Counter},
    proto::{
        conn::{self, Conn, Event, Events, InSeg, OutSeg, Phase, Place, Request, Verdict},
        crypto::{key_hash, unique_key},
        csum,
        join::{self, JoinRequest},
        mp_join::MpJoin,
        mp_tcprst::reason,
        option::MptcpOption,
        remove_addr::{RemoveAddr, MAX_IDS},
        signal::Announcement,
    },
};
use kernel::prelude::*;

use crate::pm::{self, RawEndpoint};
use crate::proto::endpoints::{self, Endpoint};

/// The state of one subflow.
pub(crate) struct Subflow {
    pub(crate) conn: Conn,
    /// The token of our key in the host's table, once the key is settled.
    token: TokenClaim,
    /// The token was tried for (held, or another connection had it).
    token_tried: bool,
    /// A listener's child (the passive end).
    server_side: bool,
    /// The path-manager events of the connection sent so far.
    announced: Announced,
    /// The keys went into the token's entry (for joins to this connection).
    keys_published: bool,
    /// A join the listener answered now belongs to its msk (which closes it).
    attached: bool,
    /// For a join the listener answered: the token of the connection it joins.
    join_token: u32,
    /// A join's `MPTCP_EVENT_SUB_ESTABLISHED` went out.
    join_announced: bool,
    /// Stale: new data avoids it, what it holds goes again elsewhere (`rust/tx.rs`).
    pub(crate) tx_stale: bool,
    /// Reinjection-timer periods in a row it had data outstanding and received nothing,
    /// and the receive timestamp they compare with (upstream's stale_count).
    pub(crate) tx_loss_count: u8,
    pub(crate) tx_loss_stamp: u32,
}

/// `MPTCP_EVENT_CREATED`, then `MPTCP_EVENT_ESTABLISHED`: each goes out once, in this order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Announced {
    Nothing,
    Created,
    Established,
}

/// uapi `enum mptcp_event_type` values of the events [`mptcp_rs_event_due`] returns.
const MPTCP_EVENT_CREATED: c_int = 1;
const MPTCP_EVENT_ESTABLISHED: c_int = 2;

/// A token this connection holds in the host's table (`rust/glue/token.c`), given back when
/// dropped.
///
/// # Invariants
///
/// The pointer is NULL or an entry from `mptcp_glue_token_claim` that nothing else releases.
struct TokenClaim(*mut ffi::Token);

impl TokenClaim {
    const NONE: Self = Self(core::ptr::null_mut());

    /// Takes `token` in `net`, if no other connection holds it.
    ///
    /// # Safety
    ///
    /// `net` must be a live namespace that outlives the claim (the subflow's own, which its
    /// socket holds).
    unsafe fn take(net: *const ffi::Net, token: u32, atomic: bool) -> Option<Self> {
        // SAFETY: Per the function's contract.
        let entry = unsafe { ffi::mptcp_glue_token_claim(net, token, atomic) };
        // INVARIANT: A new entry, released only by our `Drop`.
        (!entry.is_null()).then_some(Self(entry))
    }
}

impl Drop for TokenClaim {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the entry is ours (or NULL, which is ignored).
        unsafe { ffi::mptcp_glue_token_release(self.0) };
    }
}

impl Subflow {
    /// Once both keys are known, a first subflow leaves them with its token's entry: a join
    /// to the connection is answered from there, in softirq, without this subflow's lock.
    fn publish_keys(&mut self) {
        if self.keys_published || self.token.0.is_null() {
            return;
        }
        if let Some((local, remote, checksums)) = self.conn.join_keys() {
            // SAFETY: By `TokenClaim`'s invariant the entry is ours and live.
            unsafe { ffi::mptcp_glue_token_set_keys(self.token.0, local, remote, checksums) };
            self.keys_published = true;
        }
    }

    /// Claims the token of our key once the key is settled (a SYN cookie's or Fast Open
    /// child learns it after its creation). A child whose token another connection took in
    /// the meantime keeps working, unreachable for MP_JOIN.
    ///
    /// # Safety
    ///
    /// `net` must be the subflow's live namespace.
    unsafe fn claim_token(&mut self, net: *const ffi::Net, atomic: bool) {
        if self.token_tried {
            return;
        }
        if let Some(key) = self.conn.local_key() {
            let token = key_hash(&KernelDigest, key).token;
            // SAFETY: Per the function's contract.
            self.token =
                unsafe { TokenClaim::take(net, token, atomic) }.unwrap_or(TokenClaim::NONE);
            self.token_tried = true;
        }
    }
}

/// Counts the core's events in the `MPTcpExt*` counters of a namespace.
struct NetCounters(*const ffi::Net);

impl Events for NetCounters {
    fn event(&mut self, event: Event) {
        let counter = match event {
            Event::MpcSynTx => Counter::MPCapableSYNTX,
            Event::MpcSynTxDrop => Counter::MPCapableSYNTXDrop,
            Event::MpcSynRx => Counter::MPCapableSYNRX,
            Event::MpcSynAckRx => Counter::MPCapableSYNACKRX,
            Event::MpcAckRx => Counter::MPCapableACKRX,
            Event::FallbackSynAck => Counter::MPCapableFallbackSYNACK,
            Event::FallbackAck => Counter::MPCapableFallbackACK,
            Event::DataFallback => Counter::MPCapableDataFallback,
            Event::DssNotMatching => Counter::DSSNotMatching,
            Event::InfiniteMapRx => Counter::InfiniteMapRx,
            Event::FastcloseRx => Counter::MPFastcloseRx,
            Event::FastcloseTx => Counter::MPFastcloseTx,
            Event::DataCsumErr => Counter::DataCsumErr,
            Event::MpFailTx => Counter::MPFailTx,
            Event::RstRx => Counter::MPRstRx,
            Event::RstTx => Counter::MPRstTx,
            Event::TokenFallback => Counter::MPFallbackTokenInit,
            Event::JoinSynTx => Counter::MPJoinSynTx,
            Event::JoinSynAckRx => Counter::MPJoinSynAckRx,
            Event::JoinSynAckHmacFailure => Counter::MPJoinSynAckHMacFailure,
            Event::JoinSynAckNoMpJoin => Counter::MPJoinSynAckNoMPJoin,
            Event::JoinAckRx => Counter::MPJoinAckRx,
            Event::JoinAckHmacFailure => Counter::MPJoinAckHMacFailure,
            Event::JoinAckNoMpJoin => Counter::MPJoinAckNoMPJoin,
            Event::JoinSynRx => Counter::MPJoinSynRx,
            Event::JoinSynBackupRx => Counter::MPJoinSynBackupRx,
            Event::JoinNoTokenFound => Counter::MPJoinNoTokenFound,
            Event::JoinRejected => Counter::MPJoinRejected,
            Event::AddAddrRx => Counter::AddAddr,
            Event::EchoAddRx => Counter::EchoAdd,
            Event::PortAddRx => Counter::PortAdd,
            Event::AddAddrTx => Counter::AddAddrTx,
            Event::AddAddrTxDrop => Counter::AddAddrTxDrop,
            Event::EchoAddTx => Counter::EchoAddTx,
            Event::EchoAddTxDrop => Counter::EchoAddTxDrop,
            Event::RmAddrTx => Counter::RmAddrTx,
            Event::RmAddrTxDrop => Counter::RmAddrTxDrop,
            Event::JoinSynAckBackupRx => Counter::MPJoinSynAckBackupRx,
            Event::MpPrioTx => Counter::MPPrioTx,
            Event::MpPrioRx => Counter::MPPrioRx,
            Event::JoinPortSynRx => Counter::MPJoinPortSynRx,
            Event::MismatchPortSynRx => Counter::MismatchPortSynRx,
        };
        // SAFETY: The hooks pass the namespace of the socket they run for, which is alive
        // while its socket is.
        unsafe { mib::inc(self.0, counter) };
    }
}

/// A random 64-bit key; see [`unique_key`] for one whose token is free.
fn new_key() -> u64 {
    // SAFETY: `get_random_u64` has no preconditions and may be called in any context.
    unsafe { ffi::get_random_u64() }
}

/// Allocates a subflow's state and only then builds it (see [`init_state`]).
fn alloc_state<'a>(
    flags: kernel::alloc::Flags,
    make_conn: impl FnOnce() -> Conn,
    token: TokenClaim,
    server_side: bool,
) -> Option<&'a mut Subflow> {
    let mut slot = KBox::<Subflow>::new_uninit(flags).ok()?;
    // SAFETY: The allocation is valid for writes and holds no value yet.
    unsafe { init_state(slot.as_mut_ptr(), make_conn, token, server_side) };
    // SAFETY: `init_state` wrote every field.
    Some(KBox::leak(unsafe { slot.assume_init() }))
}

/// Writes a new subflow state to `p`, its `Conn` straight into place: a `Conn` is some
/// 4 KiB, and building the state on the stack first (then copying it in) took several
/// copies' worth of a softirq's stack. `token_tried` follows from `token` being held.
///
/// # Safety
///
/// `p` must be valid for writes of a `Subflow` and hold no value that needs dropping.
unsafe fn init_state(
    p: *mut Subflow,
    make_conn: impl FnOnce() -> Conn,
    token: TokenClaim,
    server_side: bool,
) {
    use core::ptr::addr_of_mut;
    let token_tried = !token.0.is_null();
    // SAFETY: `p` is valid for writes (contract); every field is written once. The list
    // must name them all: `all_fields` below fails to compile when one is added.
    unsafe {
        addr_of_mut!((*p).conn).write(make_conn());
        addr_of_mut!((*p).token).write(token);
        addr_of_mut!((*p).token_tried).write(token_tried);
        addr_of_mut!((*p).server_side).write(server_side);
        addr_of_mut!((*p).announced).write(Announced::Nothing);
        addr_of_mut!((*p).keys_published).write(false);
        addr_of_mut!((*p).attached).write(false);
        addr_of_mut!((*p).join_token).write(0);
        addr_of_mut!((*p).join_announced).write(false);
        addr_of_mut!((*p).tx_stale).write(false);
        addr_of_mut!((*p).tx_loss_count).write(0);
        addr_of_mut!((*p).tx_loss_stamp).write(0);
    }
    /// Names every field of `Subflow`, with no `..`: adding one breaks the build here, next
    /// to the writes above that must then be extended.
    #[allow(dead_code)]
    fn all_fields(sf: &Subflow) {
        let Subflow {
            conn: _,
            token: _,
            token_tried: _,
            server_side: _,
            announced: _,
            keys_published: _,
            attached: _,
            join_token: _,
            join_announced: _,
            tx_stale: _,
            tx_loss_count: _,
            tx_loss_stamp: _,
        } = sf;
    }
}

/// Replaces the live state at `state` with a new one, built in place (see
/// [`init_state`]); the old one is dropped first, giving back its token claim.
///
/// # Safety
///
/// As [`subflow`].
unsafe fn replace_state<'a>(
    state: *mut c_void,
    make_conn: impl FnOnce() -> Conn,
    token: TokenClaim,
) -> &'a mut Subflow {
    let p = state.cast::<Subflow>();
    // SAFETY: Per the function's contract `p` is a live state only the caller accesses: the
    // old value is dropped and a new one written in its place, which is then valid.
    unsafe {
        core::ptr::drop_in_place(p);
        init_state(p, make_conn, token, false);
        &mut *p
    }
}

/// The state's pointer for C (NULL if it could not be allocated); [`mptcp_rs_subflow_free`]
/// takes it back.
fn into_raw(state: Option<&mut Subflow>) -> *mut c_void {
    state.map_or(core::ptr::null_mut(), |sf| core::ptr::from_mut(sf).cast())
}

/// # Safety
///
/// `state` must come from [`mptcp_rs_subflow_new`] or [`mptcp_rs_subflow_clone`], not be
/// freed, and its socket be locked by the caller (or not yet visible) for `'a`.
pub(crate) unsafe fn subflow<'a>(state: *mut c_void) -> &'a mut Subflow {
    // SAFETY: Per the function's contract the pointer is a live `Subflow` to which the
    // caller has exclusive access.
    unsafe { &mut *state.cast::<Subflow>() }
}

/// # Safety
///
/// `ptr` must be valid for reads (writes for `_mut`) of `len` bytes for `'a`, or `len` 0.
unsafe fn bytes<'a>(ptr: *const u8, len: c_uint) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: Per the function's contract.
    unsafe { core::slice::from_raw_parts(ptr, len as usize) }
}

/// # Safety
///
/// As [`bytes`], for writes.
unsafe fn bytes_mut<'a>(ptr: *mut u8, len: c_uint) -> &'a mut [u8] {
    if ptr.is_null() || len == 0 {
        return &mut [];
    }
    // SAFETY: Per the function's contract.
    unsafe { core::slice::from_raw_parts_mut(ptr, len as usize) }
}

/// A connection that has not started: a new key whose token it holds, and the namespace's
/// settings; plain TCP (no token) if no free token was found.
///
/// # Safety
///
/// `net` must be the live namespace of the subflow, which outlives the state.
unsafe fn idle_parts(net: *const ffi::Net) -> (impl FnOnce() -> Conn, TokenClaim) {
    // SAFETY: `net` is live (contract); the getters only read its settings.
    let (checksums, syn_retrans, deny_join_id0) = unsafe {
        (
            ffi::mptcp_glue_checksum_enabled(net),
            ffi::mptcp_glue_syn_retrans_before_fallback(net),
            !ffi::mptcp_glue_allow_join_id0(net),
        )
    };
    // SAFETY: `net` outlives the state, so the claim (contract).
    let claim = &mut |token| unsafe { TokenClaim::take(net, token, false) };
    let (key, token) = match unique_key(&KernelDigest, &mut new_key, claim) {
        Some((key, token)) => (Some(key), token),
        None => {
            NetCounters(net).event(Event::TokenFallback);
            (None, TokenClaim::NONE)
        }
    };
    let conn = move || match key {
        Some(key) => {
            let mut conn = Conn::idle(key, checksums, syn_retrans);
            conn.set_deny_join_id0(deny_join_id0);
            conn
        }
        None => Conn::plain(),
    };
    (conn, token)
}

/// State for a subflow the module creates for an msk (process context, socket locked):
/// it becomes an active opener on its first SYN. NULL when out of memory.
///
/// # Safety
///
/// `net` must be the live namespace of the socket.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_new(net: *const ffi::Net) -> *mut c_void {
    // SAFETY: `net` is the socket's (contract), which it holds.
    let (conn, token) = unsafe { idle_parts(net) };
    into_raw(alloc_state(GFP_KERNEL, conn, token, false))
}

/// State for the child of a listener (softirq), from the request's `words`
/// (`tcp_rsk(req)->ext_data`, see [`Conn::for_child`]). `isn` and `irs` are the child's initial
/// sequence numbers, ours and the peer's. NULL when out of memory.
///
/// # Safety
///
/// `words` must point to the two readable words of the request; `net` be the child's
/// namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_clone(
    net: *const ffi::Net,
    words: *const u64,
    isn: u32,
    irs: u32,
) -> *mut c_void {
    // SAFETY: Two readable words, and a live namespace (contract).
    let (words, checksums) = unsafe {
        (
            [*words, *words.add(1)],
            ffi::mptcp_glue_checksum_enabled(net),
        )
    };
    let join = join::is_join_request(words);
    let make_conn = move || match join {
        // SAFETY: `net` is the child's (contract).
        true => unsafe { join_child(net, words, isn, irs) },
        false => Conn::for_child(words, isn, irs, checksums, &KernelDigest),
    };
    // A join names a connection by its token; it claims none. A first subflow claims the
    // token of its key below, once built.
    let Some(sf) = alloc_state(GFP_ATOMIC, make_conn, TokenClaim::NONE, true) else {
        return core::ptr::null_mut();
    };
    if join {
        sf.token_tried = true;
        sf.join_token = JoinRequest::from_words(words).map_or(0, |req| req.token);
    } else {
        // SAFETY: `net` is the child's (contract), which it holds.
        unsafe { sf.claim_token(net, true) };
        sf.publish_keys();
    }
    into_raw(Some(sf))
}

/// The msk opens this subflow as an additional one (MP_JOIN) of the connection with `keys`,
/// from its endpoint `addr_id` (a backup one if `backup`): its state becomes the initiator's,
/// with a fresh nonce. The msk owns it from here on. Process context, before `connect()`.
///
/// # Safety
///
/// As [`subflow`]; `keys` valid for reads.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_make_join(
    state: *mut c_void,
    keys: *const ffi::JoinKeys,
    addr_id: u8,
    backup: bool,
) {
    // SAFETY: Valid for reads (contract).
    let k = unsafe { &*keys };
    // SAFETY: No preconditions; any context.
    let nonce = unsafe { ffi::get_random_u32() };
    let (local, remote, checksums) = (k.local_key, k.remote_key, k.checksums);
    let make_conn = move || {
        let us = (nonce, addr_id, backup);
        Conn::join_initiator(local, remote, checksums, us, &KernelDigest)
    };
    // SAFETY: Per the function's contract.
    let sf = unsafe { replace_state(state, make_conn, TokenClaim::NONE) };
    sf.token_tried = true;
    sf.attached = true;
}

/// Starts the subflow over after a disconnect: the next `connect()` is a new MPTCP
/// connection with a new key. Does nothing for a NULL state.
///
/// # Safety
///
/// As [`subflow`], or `state` NULL; `net` the socket's namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_restart(state: *mut c_void, net: *const ffi::Net) {
    if state.is_null() {
        return;
    }
    // SAFETY: `net` is the socket's (contract).
    let (conn, token) = unsafe { idle_parts(net) };
    // SAFETY: Per the function's contract.
    unsafe { replace_state(state, conn, token) };
}

/// Whether the subflow still exchanges MPTCP options (false: plain TCP from now on).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_is_mptcp(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.is_mptcp()
}

/// Frees a subflow's state when the ULP is released (socket destruction).
///
/// # Safety
///
/// `state` must come from [`mptcp_rs_subflow_new`] or [`mptcp_rs_subflow_clone`] and not have
/// been freed; nothing may use it afterwards.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_free(state: *mut c_void) {
    if state.is_null() {
        return;
    }
    // SAFETY: By the function's contract `state` is the pointer `KBox::into_raw` returned
    // for a `Subflow` and ownership comes back here exactly once.
    drop(unsafe { KBox::<Subflow>::from_raw(state.cast()) });
}

/// The SYN's options (`isn` is its sequence number).
///
/// # Safety
///
/// As [`subflow`]; `net` the socket's namespace; `buf` writable for `remaining` bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_syn_options(
    state: *mut c_void,
    net: *const ffi::Net,
    isn: u32,
    buf: *mut u8,
    remaining: c_uint,
) -> c_uint {
    // SAFETY: Per the function's contract.
    let (sf, buf) = unsafe { (subflow(state), bytes_mut(buf, remaining)) };
    sf.conn.syn_options(isn, buf, &mut NetCounters(net)) as c_uint
}

/// What a listener records for a SYN ([`Request::words_for_syn`]): a key whose token no
/// connection holds yet (the child claims it), or plain TCP if none was found.
///
/// # Safety
///
/// `net` must be a live namespace.
unsafe fn request_words(net: *const ffi::Net, syn: &[u8], checksums: bool) -> [u64; 2] {
    let mut counters = NetCounters(net);
    let Some(req) = Request::from_syn(syn, 0, checksums, &mut counters) else {
        return conn::PLAIN_REQUEST_WORDS;
    };
    // SAFETY: `net` is live (contract).
    let free = &mut |token| (!unsafe { ffi::mptcp_glue_token_in_use(net, token) }).then_some(());
    // SAFETY: `net` is live (contract).
    let deny_join_id0 = !unsafe { ffi::mptcp_glue_allow_join_id0(net) };
    match unique_key(&KernelDigest, &mut new_key, free) {
        Some((local_key, ())) => Request {
            local_key,
            deny_join_id0,
            ..req
        }
        .to_words(),
        None => {
            counters.event(Event::TokenFallback);
            conn::PLAIN_REQUEST_WORDS
        }
    }
}

/// The keys of the connection `token` names in `net` if it takes one more subflow, else the
/// refusal's errno (see [`ffi::mptcp_glue_join_lookup`]).
///
/// # Safety
///
/// `net` must be a live namespace.
unsafe fn join_lookup(net: *const ffi::Net, token: u32) -> Result<ffi::JoinKeys, c_int> {
    let mut keys = ffi::JoinKeys::default();
    // SAFETY: `net` is live (contract) and `keys` writable.
    match unsafe { ffi::mptcp_glue_join_lookup(net, token, &mut keys) } {
        0 => Ok(keys),
        err => Err(err),
    }
}

/// The request words for a SYN with MP_JOIN `opt`: answered (with a fresh nonce) if the
/// connection its token names exists, refused otherwise. One answered with a SYN cookie
/// (`syncookie`) is refused already if the connection takes no more subflows: nothing is
/// kept to refuse it with at the third ACK (upstream drops that SYN; we answer without
/// MP_JOIN, which the peer resets).
///
/// # Safety
///
/// `net` must be a live namespace.
unsafe fn join_request_words(
    net: *const ffi::Net,
    opt: &MpJoin,
    local: &RawEndpoint,
    syncookie: bool,
) -> [u64; 2] {
    let mut counters = NetCounters(net);
    let MpJoin::Syn { token, backup, .. } = *opt else {
        return conn::PLAIN_REQUEST_WORDS;
    };
    counters.event(Event::JoinSynRx);
    if backup {
        counters.event(Event::JoinSynBackupRx);
    }
    // SAFETY: `net` is live (contract).
    match unsafe { join_lookup(net, token) } {
        Ok(keys) => {
            let port = local.port_number();
            // The endpoint of the address (and port) the SYN reached, if any.
            let ours = local
                .address()
                // SAFETY: `net` is live (contract).
                .and_then(|addr| unsafe { pm::local_endpoint(net, &addr, port) });
            // A join at another port than the connection's must have reached one of our
            // endpoints' (announced with it), as upstream checks.
            if keys.local_port != 0 && port != keys.local_port {
                if ours.is_none_or(|ep| ep.port != port) {
                    counters.event(Event::MismatchPortSynRx);
                    return join::refused_request_words(reason::PROHIBITED);
                }
                counters.event(Event::JoinPortSynRx);
            }
            // SAFETY: `net` is live (contract).
            if syncookie && !unsafe { ffi::mptcp_glue_join_has_room(net, token) } {
                counters.event(Event::JoinRejected);
                return join::refused_request_words(reason::PROHIBITED);
            }
            // SAFETY: No preconditions; any context.
            let nonce = unsafe { ffi::get_random_u32() };
            // Our address id: 0 for the connection's initial address (RFC 8684 section
            // 3.2, as upstream answers even when an endpoint names it), else its endpoint's,
            // else 0 (no endpoint names it). The backup flag is the endpoint's either way.
            let initial =
                keys.local_addr.address().is_some() && keys.local_addr.address() == local.address();
            let (id, backup) = ours.map_or((0, false), |ep| {
                let id = if initial { 0 } else { ep.id };
                (id, ep.flags & endpoints::flags::BACKUP != 0)
            });
            JoinRequest::from_syn(opt, nonce, id, backup)
                .map_or(conn::PLAIN_REQUEST_WORDS, JoinRequest::to_words)
        }
        Err(_) => {
            counters.event(Event::JoinNoTokenFound);
            join::refused_request_words(reason::MPTCP_ERROR)
        }
    }
}

/// The `Conn` of a listener's child from a join request's `words`: the responder's side if
/// the connection still takes the subflow, else one that resets at its first segment.
///
/// # Safety
///
/// `net` must be a live namespace.
unsafe fn join_child(net: *const ffi::Net, words: [u64; 2], isn: u32, irs: u32) -> Conn {
    if let Some(why) = join::refused_request(words) {
        return Conn::join_refused(why, isn, irs);
    }
    let Some(req) = JoinRequest::from_words(words) else {
        return Conn::join_refused(reason::MPTCP_ERROR, isn, irs);
    };
    // SAFETY: `net` is live (contract).
    match unsafe { join_lookup(net, req.token) } {
        Ok(k) => {
            let keys = (k.local_key, k.remote_key, k.checksums);
            Conn::join_responder(&req, keys, isn, irs, &KernelDigest)
        }
        Err(_) => Conn::join_refused(reason::MPTCP_ERROR, isn, irs),
    }
}

/// The SYN/ACK's options for a request on a listener. On the first SYN/ACK `syn_opts` are
/// the SYN's option bytes and the request's state is recorded in `words`; on retransmissions
/// (`syn_opts` NULL) it is read back from there.
///
/// # Safety
///
/// `net` the listener's namespace; `words` two writable words; `syn_opts` readable for
/// `syn_len` bytes or NULL, and with it `local` (the address the SYN reached) readable;
/// `buf` writable for `remaining` bytes. `syncookie`: the request is answered with a SYN
/// cookie and not kept.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_synack_options(
    net: *const ffi::Net,
    words: *mut u64,
    syn_opts: *const u8,
    syn_len: c_uint,
    local: *const RawEndpoint,
    syncookie: bool,
    buf: *mut u8,
    remaining: c_uint,
) -> c_uint {
    if !syn_opts.is_null() {
        // SAFETY: Per the function's contract.
        let syn = unsafe { bytes(syn_opts, syn_len) };
        // SAFETY: `net` is live (contract).
        let checksums = unsafe { ffi::mptcp_glue_checksum_enabled(net) };
        let recorded = match conn::find_join_syn(syn) {
            // SAFETY: `net` is live (contract).
            // SAFETY: `local` is readable with the SYN (contract).
            Some(opt) => unsafe { join_request_words(net, &opt, &*local, syncookie) },
            // SAFETY: `net` is live (contract).
            None => unsafe { request_words(net, syn, checksums) },
        };
        // SAFETY: Two writable words (contract).
        unsafe { words.copy_from_nonoverlapping(recorded.as_ptr(), 2) };
    }
    // SAFETY: Two readable words (contract).
    let recorded = unsafe { [*words, *words.add(1)] };
    // SAFETY: Per the function's contract.
    let buf = unsafe { bytes_mut(buf, remaining) };
    if let Some(join) = JoinRequest::from_words(recorded) {
        // Computed again for each SYN/ACK: nothing but the keys is kept. A connection
        // gone meanwhile gets none, and the peer resets.
        // SAFETY: `net` is live (contract).
        let Ok(k) = (unsafe { join_lookup(net, join.token) }) else {
            return 0;
        };
        let (_, synack) = join.responder(&KernelDigest, k.local_key, k.remote_key);
        return conn::write_padded(&MptcpOption::MpJoin(synack), buf) as c_uint;
    }
    let Some(req) = Request::from_words(recorded) else {
        return 0;
    };
    req.synack_options(buf) as c_uint
}

/// The SYN/ACK of a TCP Fast Open child went out with the request's recorded `words`: the
/// child (created from the SYN, before the key was chosen) learns its key and claims its
/// token; `rcv_nxt` follows the SYN's data.
///
/// # Safety
///
/// As [`subflow`]; `net` the child's namespace; `words` two readable words.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_fastopen_synack(
    state: *mut c_void,
    net: *const ffi::Net,
    words: *const u64,
    rcv_nxt: u32,
) {
    // SAFETY: Per the function's contract.
    let (sf, words) = unsafe { (subflow(state), [*words, *words.add(1)]) };
    if let Some(req) = Request::from_words(words) {
        sf.conn.fastopen_synack(&req, &KernelDigest, rcv_nxt);
        // SAFETY: `net` is the child's (contract).
        unsafe { sf.claim_token(net, true) };
    }
}

/// An outgoing segment as `rust/glue/tcp_ext.c` describes it (`struct mptcp_rs_out_seg`).
#[repr(C)]
pub(crate) struct OutSegC {
    seq: u32,
    payload: u32,
    snd_una: u32,
    ts_room: u32,
    fin: bool,
    rst: bool,
}

/// Options for an established-state segment. `skb` is the segment (for its payload
/// checksum), or NULL when TCP only asks for the largest size.
///
/// # Safety
///
/// As [`subflow`]; `net` the socket's namespace; `seg` readable; `skb` a live skb or NULL;
/// `buf` writable for `remaining` bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_established_options(
    state: *mut c_void,
    net: *const ffi::Net,
    seg: *const OutSegC,
    skb: *const ffi::SkBuff,
    buf: *mut u8,
    remaining: c_uint,
) -> c_uint {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    if skb.is_null() {
        return if sf.conn.is_mptcp() {
            conn::MAX_ESTABLISHED_LEN as c_uint
        } else {
            0
        };
    }
    // SAFETY: Per the function's contract.
    let (seg, buf) = unsafe { (&*seg, bytes_mut(buf, remaining)) };
    // The can_collapse hook and tx.c keep every skb within what one DSS maps (a 16-bit
    // length); a bigger one would leave its tail unmapped, which the peer resets on.
    if sf.conn.is_mptcp() && seg.payload > u32::from(u16::MAX) {
        kernel::pr_warn_once!("{}-byte skb, more than one DSS maps\n", seg.payload);
    }
    let out = OutSeg {
        seq: seg.seq,
        payload: seg.payload,
        fin: seg.fin,
        rst: seg.rst,
        snd_una: seg.snd_una,
        ts_room: seg.ts_room,
    };
    // SAFETY: `skb` is live for the call (contract).
    let mut payload_sum = || csum::from_native(unsafe { ffi::mptcp_glue_skb_payload_sum(skb) });
    sf.conn
        .established_options(&out, &mut payload_sum, buf, &mut NetCounters(net)) as c_uint
}

/// An incoming segment as `rust/glue/tcp_ext.c` describes it (`struct mptcp_rs_in_seg`).
#[repr(C)]
pub(crate) struct InSegC {
    seq: u32,
    payload: u32,
    rcv_nxt: u32,
    wnd: u32,
    ack_seq: u32,
    syn: bool,
    ack: bool,
    fin: bool,
    rst: bool,
}

/// What the C side does with an incoming segment (`enum mptcp_rs_verdict`).
const VERDICT_ACCEPT: c_int = 0;
const VERDICT_ACK_NOW: c_int = 1;
const VERDICT_RESET: c_int = 2;
const VERDICT_DROP: c_int = 3;
const VERDICT_JOINED: c_int = 4;
/// Or'ed with an accepting verdict: signals arrived ([`mptcp_rs_subflow_take_signals`]).
const VERDICT_SIGNALLED: c_int = 0x10;

/// An incoming segment with its TCP option bytes. For the SYN/ACK of an active open (`syn`
/// set) the handshake completes or falls back; otherwise returns a verdict.
///
/// # Safety
///
/// As [`subflow`]; `net` the socket's namespace; `seg` readable; `opts` readable for `len`
/// bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_incoming(
    state: *mut c_void,
    net: *const ffi::Net,
    seg: *const InSegC,
    opts: *const u8,
    len: c_uint,
) -> c_int {
    // SAFETY: Per the function's contract.
    let (sf, seg, opts) = unsafe { (subflow(state), &*seg, bytes(opts, len)) };
    let mut events = NetCounters(net);
    if seg.syn {
        // A join's SYN/ACK that fails its check resets the subflow.
        let verdict = sf.conn.syn_ack(
            seg.seq,
            seg.ack_seq,
            seg.wnd,
            opts,
            &KernelDigest,
            &mut events,
        );
        sf.publish_keys();
        return match verdict {
            Verdict::Reset(_) => VERDICT_RESET,
            _ => VERDICT_ACCEPT,
        };
    }
    let inseg = InSeg {
        seq: seg.seq,
        payload: seg.payload,
        syn: false,
        ack: seg.ack,
        fin: seg.fin,
        rst: seg.rst,
        rcv_nxt: seg.rcv_nxt,
        wnd: seg.wnd,
    };
    let verdict = sf.conn.incoming(&inseg, opts, &KernelDigest, &mut events);
    // A SYN cookie's child learns its key from the third ACK.
    // SAFETY: `net` is the socket's (contract).
    unsafe { sf.claim_token(net, true) };
    sf.publish_keys();
    let signalled = if sf.conn.received_any() {
        VERDICT_SIGNALLED
    } else {
        0
    };
    match verdict {
        Verdict::Accept | Verdict::AcceptAckNow
            if sf.conn.is_join()
                && sf.server_side
                && !sf.attached
                && sf.conn.phase() == Phase::Established =>
        {
            // The third ACK checked out: the caller attaches the subflow to its msk.
            sf.attached = true;
            VERDICT_JOINED | signalled
        }
        Verdict::Accept => VERDICT_ACCEPT | signalled,
        Verdict::AcceptAckNow => VERDICT_ACK_NOW | signalled,
        Verdict::Reset(_) => VERDICT_RESET,
        Verdict::Drop => VERDICT_DROP,
    }
}

/// What arrived on a subflow for the path manager (`struct mptcp_rs_signals`).
#[repr(C)]
pub(crate) struct RawSignals {
    announced: bool,
    echoed: bool,
    nremoved: u8,
    removed: [u8; MAX_IDS],
    announcement: RawEndpoint,
    echo: RawEndpoint,
    prio_changed: bool,
    backup: bool,
}

fn raw_announcement(ann: &Announcement, out: &mut RawEndpoint) {
    out.set(&Endpoint {
        id: ann.id,
        addr: ann.addr,
        port: ann.port.unwrap_or(0),
        flags: 0,
        ifindex: 0,
    });
}

/// Moves what arrived on the subflow (after an incoming segment flagged it) to `*out`.
///
/// # Safety
///
/// As [`subflow`]; `out` valid for writes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_take_signals(state: *mut c_void, out: *mut RawSignals) {
    // SAFETY: Per the function's contract.
    let (sf, out) = unsafe { (subflow(state), &mut *out) };
    let got = sf.conn.take_received();
    out.announced = got.announced.is_some();
    if let Some(ann) = &got.announced {
        raw_announcement(ann, &mut out.announcement);
    }
    out.echoed = got.echoed.is_some();
    if let Some(ann) = &got.echoed {
        raw_announcement(ann, &mut out.echo);
    }
    out.removed = [0; MAX_IDS];
    out.nremoved = 0;
    if let Some(ids) = got.removed {
        for (slot, id) in out.removed.iter_mut().zip(ids.ids()) {
            *slot = *id;
        }
        out.nremoved = ids.ids().len() as u8;
    }
    out.prio_changed = got.priority.is_some();
    out.backup = got.priority.unwrap_or(false);
}

/// The path manager could not take the announcement that just arrived: it is not echoed, so
/// that the peer sends it again.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_cancel_echo(state: *mut c_void) {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.cancel_echo();
}

/// Whether the peer's MP_CAPABLE asked us not to join its initial address (C flag).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_peer_denies_join_id0(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.peer_denies_join_id0()
}

/// Whether the subflow is a listener's child: the connection's passive end, not its initiator.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_server_side(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.server_side
}

/// Whether our announcement on the subflow was dropped for want of room since the last call.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_announce_dropped(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.take_announce_dropped()
}

/// Queues an MP_PRIO asking the peer to use the subflow as a backup only (`backup`) or as a
/// regular one, for its next pure ACK, which the caller then sends. False if it cannot carry
/// it (not established, no longer MPTCP).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_set_backup(state: *mut c_void, backup: bool) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.set_backup(backup)
}

/// The backup wishes on the subflow: ours (`*ours`, what we told the peer) and the peer's
/// (`*peer`, what it told us; a scheduler keeps off such a subflow while others can send).
///
/// # Safety
///
/// As [`subflow`]; both pointers valid for writes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_backup(state: *mut c_void, ours: *mut bool, peer: *mut bool) {
    // SAFETY: Per the function's contract.
    let (us, them) = unsafe { subflow(state) }.conn.backup();
    // SAFETY: Valid for writes (contract).
    unsafe {
        *ours = us;
        *peer = them;
    }
}

/// Queues an ADD_ADDR announcing our endpoint `*ep` (its port, if any) for the subflow's next
/// pure ACK, which the caller then sends. False if the subflow cannot carry it (keys not
/// known, no longer MPTCP).
///
/// # Safety
///
/// As [`subflow`]; `ep` valid for reads.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_announce(state: *mut c_void, ep: *const RawEndpoint) -> bool {
    // SAFETY: Per the function's contract.
    let (sf, ep) = unsafe { (subflow(state), &*ep) };
    let Some(addr) = ep.address() else {
        return false;
    };
    let port = ep.port_number();
    let ann = Announcement {
        id: ep.id(),
        addr,
        port: (port != 0).then_some(port),
    };
    sf.conn.announce(&ann, &KernelDigest)
}

/// Queues a REMOVE_ADDR of the `n` identifiers at `ids` (1 to 8) for the subflow's next pure
/// ACK, which the caller then sends. False if it cannot carry it.
///
/// # Safety
///
/// As [`subflow`]; `ids` valid for reads of `n` bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_withdraw(
    state: *mut c_void,
    ids: *const u8,
    n: c_uint,
) -> bool {
    // SAFETY: Per the function's contract.
    let (sf, ids) = unsafe { (subflow(state), bytes(ids, n)) };
    match RemoveAddr::new(ids) {
        Some(ids) => sf.conn.withdraw(ids),
        None => false,
    }
}

/// The peer's identifier of its address on this join, or -1 (not a join, or not known yet).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_peer_id(state: *mut c_void) -> c_int {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }
        .conn
        .join_peer_id()
        .map_or(-1, c_int::from)
}

/// A subflow's address ids and the peer's backup wish for the path-manager events (`*rem` -1
/// when the peer's is not known yet): a join's from its handshake, 0 at both ends for the
/// first subflow; false if the subflow does not speak MPTCP.
///
/// # Safety
///
/// As [`subflow`]; the three pointers valid for writes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_ids(
    state: *mut c_void,
    loc: *mut u8,
    rem: *mut c_int,
    backup: *mut bool,
) -> bool {
    // SAFETY: Per the function's contract.
    let conn = &unsafe { subflow(state) }.conn;
    let ids = conn
        .join_ids()
        .or_else(|| (conn.phase() == Phase::Established).then(|| (0, Some(0), conn.backup().1)));
    let Some((ours, peer, bkup)) = ids else {
        return false;
    };
    // SAFETY: Valid for writes (contract).
    unsafe {
        *loc = ours;
        *rem = peer.map_or(-1, c_int::from);
        *backup = bkup;
    }
    true
}

/// True once, the first time it is asked after the join is established: its
/// `MPTCP_EVENT_SUB_ESTABLISHED` is due.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_join_established_once(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    if sf.join_announced || !sf.conn.is_join() || sf.conn.phase() != Phase::Established {
        return false;
    }
    sf.join_announced = true;
    true
}

/// Whether the subflow holds an ADD_ADDR or REMOVE_ADDR for its next pure ACK.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_signal_pending(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.signal_pending()
}

/// Whether a SYN's option bytes (`len` at `opts`) carry MP_JOIN: the only SYNs a listener on
/// an endpoint's port takes (`rust/glue/pm_listen.c`).
///
/// # Safety
///
/// `opts` readable for `len` bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_syn_is_join(opts: *const u8, len: c_uint) -> bool {
    // SAFETY: Per the function's contract.
    conn::find_join_syn(unsafe { bytes(opts, len) }).is_some()
}

/// A SYN that TCP is about to answer with a SYN cookie reached an MPTCP listener in `net`
/// (options `len` bytes at `opts`): false if it must be dropped, a join to a connection that
/// takes no more subflows (a cookie keeps nothing to refuse it with at the third ACK),
/// counted as upstream's subflow_check_req() counts it. Softirq.
///
/// # Safety
///
/// `net` must be a live namespace; `opts` readable for `len` bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_cookie_syn_admit(
    net: *const ffi::Net,
    opts: *const u8,
    len: c_uint,
) -> bool {
    // SAFETY: Per the function's contract.
    let Some(MpJoin::Syn { token, .. }) = conn::find_join_syn(unsafe { bytes(opts, len) }) else {
        return true;
    };
    // SAFETY: `net` is live (contract).
    let full =
        unsafe { join_lookup(net, token).is_ok() && !ffi::mptcp_glue_join_has_room(net, token) };
    if full {
        let mut counters = NetCounters(net);
        counters.event(Event::JoinSynRx);
        counters.event(Event::JoinRejected);
    }
    !full
}

/// Whether the request `words` are a join's (answered or refused): its child must not reach
/// `accept()` (the listener sets `ext_drop_req`).
///
/// # Safety
///
/// `words` must point to two readable words.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_req_is_join(words: *const u64) -> bool {
    // SAFETY: Per the function's contract.
    join::is_join_request(unsafe { [*words, *words.add(1)] })
}

/// The token of the connection a listener's join child joins (0 for any other subflow).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_join_token(state: *mut c_void) -> u32 {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.join_token
}

/// The connection took the join whose third ACK checked out: counted as `MPJoinAckRx`.
///
/// # Safety
///
/// `net` must be a live namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_join_accepted(net: *const ffi::Net) {
    NetCounters(net).event(Event::JoinAckRx);
}

/// The connection could not take the join after all (its subflow limit, or it is closing):
/// the subflow is reset ("administratively prohibited"), counted as `MPJoinRejected`; false
/// if a reset was decided already.
///
/// # Safety
///
/// As [`subflow`]; `net` the socket's namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_join_refuse(state: *mut c_void, net: *const ffi::Net) -> bool {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    sf.attached = false;
    NetCounters(net).event(Event::JoinRejected);
    sf.conn.join_refuse(reason::PROHIBITED)
}

/// A listener's join child that no msk took: whoever resets it must also close it (it has
/// no other owner).
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_unowned(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    sf.conn.is_join() && sf.server_side && !sf.attached
}

/// The connection is fully established (see [`Conn::fully_established`]): a path manager may
/// add subflows.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_fully_established(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.fully_established()
}

/// An additional subflow (MP_JOIN): its FIN does not end the connection's stream.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_subflow_is_join(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.is_join()
}

/// Where received bytes go, for the C side (`enum mptcp_rs_place`).
const PLACE_BROKEN: c_int = 0;
const PLACE_STREAM: c_int = 1;
const PLACE_IN_ORDER: c_int = 2;
const PLACE_VERIFY: c_int = 3;
const PLACE_WAIT: c_int = 4;

/// Where the subflow's next `avail` received bytes at `seq` go (see [`Conn::rx_place`]):
/// returns `MPTCP_RS_PLACE_*` with `*len` bytes (and `*dsn` for stream bytes).
///
/// # Safety
///
/// As [`subflow`]; `dsn` and `len` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_rx_place(
    state: *mut c_void,
    seq: u32,
    avail: u32,
    dsn: *mut u64,
    len: *mut u32,
) -> c_int {
    // SAFETY: Per the function's contract.
    let (sf, dsn, len) = unsafe { (subflow(state), &mut *dsn, &mut *len) };
    let (kind, n) = match sf.conn.rx_place(seq, avail) {
        Place::Broken => (PLACE_BROKEN, 0),
        Place::Stream { dsn: first, len } => {
            *dsn = first;
            (PLACE_STREAM, len)
        }
        Place::InOrder(n) => (PLACE_IN_ORDER, n),
        Place::Verify(n) => (PLACE_VERIFY, n),
        Place::Wait => (PLACE_WAIT, 0),
    };
    *len = n;
    kind
}

/// Everything before `seq` left the subflow; the connection's in-order point is `next` if
/// `next_known`. See [`Conn::rx_moved`].
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_rx_moved(state: *mut c_void, seq: u32, next_known: bool, next: u64) {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }
        .conn
        .rx_moved(seq, next_known.then_some(next));
}

/// The DSN of the peer's first data byte, once its key is known (stored in `start`).
///
/// # Safety
///
/// As [`subflow`]; `start` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_rx_stream_start(state: *mut c_void, start: *mut u64) -> bool {
    // SAFETY: Per the function's contract.
    let (sf, start) = unsafe { (subflow(state), &mut *start) };
    sf.conn.rx_stream_start().map(|s| *start = s).is_some()
}

/// The DSN of the peer's DATA_FIN, once announced (stored in `fin`).
///
/// # Safety
///
/// As [`subflow`]; `fin` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_rx_data_fin(state: *mut c_void, fin: *mut u64) -> bool {
    // SAFETY: Per the function's contract.
    let (sf, fin) = unsafe { (subflow(state), &mut *fin) };
    sf.conn.rx_data_fin().map(|f| *fin = f).is_some()
}

/// The kernel's partial sum (`skb_checksum()`) of the bytes at `seq` a piece asked to
/// verify: true if the DSS checksum matches. See [`Conn::rx_verify`].
///
/// # Safety
///
/// As [`subflow`]; `net` the socket's namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_rx_verify(
    state: *mut c_void,
    net: *const ffi::Net,
    seq: u32,
    sum: u32,
) -> bool {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    sf.conn
        .rx_verify(seq, csum::from_native(sum), &mut NetCounters(net))
}

/// The mover met unmapped bytes: true if the subflow must now be reset (once).
///
/// # Safety
///
/// As [`subflow`]; `net` the socket's namespace.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_rx_broken(state: *mut c_void, net: *const ffi::Net) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }
        .conn
        .rx_broken(&mut NetCounters(net))
}

/// How much may enter TCP's send queue at `write_seq`: false when only TCP limits it,
/// otherwise the bytes allowed are stored in `allowed`. See [`Conn::snd_allowance`].
///
/// # Safety
///
/// As [`subflow`]; `allowed` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_snd_allowance(
    state: *mut c_void,
    write_seq: u32,
    allowed: *mut u32,
) -> bool {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    match sf.conn.snd_allowance(write_seq) {
        None => false,
        Some(n) => {
            // SAFETY: `allowed` is writable (contract).
            unsafe { *allowed = n };
            true
        }
    }
}

/// Whether a writer waiting for the connection-level window must be woken now.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_snd_wakeup(state: *mut c_void, write_seq: u32) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.take_snd_wakeup(write_seq)
}

/// The data level for `MPTCP_INFO` (`struct mptcp_rs_info`).
#[repr(C)]
pub(crate) struct InfoC {
    write_seq: u64,
    snd_una: u64,
    rcv_nxt: u64,
    bytes_sent: u64,
    bytes_acked: u64,
    bytes_received: u64,
    token: u32,
    remote_token: u32,
    remote_key_received: bool,
    checksums: bool,
}

/// Fills `out` for `MPTCP_INFO` from the subflow's `write_seq` and `snd_nxt`; false once the
/// connection fell back to TCP.
///
/// # Safety
///
/// As [`subflow`]; `out` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_info(
    state: *mut c_void,
    write_seq: u32,
    snd_nxt: u32,
    out: *mut InfoC,
) -> bool {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    let Some(info) = sf.conn.info(write_seq, snd_nxt) else {
        return false;
    };
    let token = info
        .local_key
        .map_or(0, |key| key_hash(&KernelDigest, key).token);
    // SAFETY: `out` is writable (contract).
    unsafe {
        out.write(InfoC {
            write_seq: info.write_seq,
            snd_una: info.snd_una,
            rcv_nxt: info.rcv_nxt,
            bytes_sent: info.bytes_sent,
            bytes_acked: info.bytes_acked,
            bytes_received: info.bytes_received,
            token,
            remote_token: info
                .remote_key
                .map_or(0, |key| key_hash(&KernelDigest, key).token),
            remote_key_received: info.remote_key_received,
            checksums: info.checksums,
        })
    };
    true
}

/// The path-manager event of the connection due now: `MPTCP_EVENT_CREATED` once the glue
/// says the connection exists (`may_create`: the active open completed, or the listener's
/// child was made) and it speaks MPTCP, then `MPTCP_EVENT_ESTABLISHED` once the peer's key is
/// known; 0 when none is. Fills `token` (ours) and `server_side` for the event. Call until 0.
///
/// # Safety
///
/// As [`subflow`]; `token` and `server_side` writable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_event_due(
    state: *mut c_void,
    may_create: bool,
    token: *mut u32,
    server_side: *mut bool,
) -> c_int {
    // SAFETY: Per the function's contract.
    let sf = unsafe { subflow(state) };
    // A join's events are SUB_ESTABLISHED and SUB_CLOSED (rust/glue/join.c), not these.
    if !sf.conn.is_mptcp() || sf.conn.is_join() {
        return 0;
    }
    let Some(key) = sf.conn.local_key() else {
        return 0;
    };
    let event = match sf.announced {
        Announced::Nothing if may_create => {
            sf.announced = Announced::Created;
            MPTCP_EVENT_CREATED
        }
        Announced::Created if sf.conn.phase() == Phase::Established => {
            sf.announced = Announced::Established;
            MPTCP_EVENT_ESTABLISHED
        }
        _ => return 0,
    };
    // SAFETY: Writable (contract).
    unsafe {
        token.write(key_hash(&KernelDigest, key).token);
        server_side.write(sf.server_side);
    }
    event
}

/// Whether a writer waits for the connection-level window, which has not opened since.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_snd_blocked(state: *mut c_void) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }.conn.snd_blocked()
}

/// Whether TCP may merge `next_len` bytes into the queued skb of `len` bytes at `seq`.
///
/// # Safety
///
/// As [`subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_tx_can_merge(
    state: *mut c_void,
    seq: u32,
    len: u32,
    next_len: u32,
) -> bool {
    // SAFETY: Per the function's contract.
    unsafe { subflow(state) }
        .conn
        .tx_can_merge(seq, len, next_len)
}

/// Registers the "mptcp" ULP until the returned value drops.
pub(crate) fn register_ulp() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; unregistration undoes
    // it once. Sockets carrying the ULP hold a reference on the module, so it cannot unload
    // while any exists.
    unsafe {
        GlueRegistration::new(
            ffi::mptcp_glue_subflow_ulp_register,
            ffi::mptcp_glue_subflow_ulp_unregister,
        )
    }
}
