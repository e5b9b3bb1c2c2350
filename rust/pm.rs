// SPDX-License-Identifier: GPL-2.0

//! The in-kernel path manager's per-namespace configuration: endpoints and limits
//! ([`proto::endpoints`]), behind a lock, and the calls the `mptcp_pm` generic netlink
//! family makes into it (`rust/glue/pm_netlink.c` parses and builds the messages; the rules
//! are the core's).
//!
//! Only process context (netlink handlers) takes the lock today. A reader in softirq (an
//! MP_JOIN SYN asking whether its address is a backup) will need a BH-safe lock.

use crate::{
    ffi,
    glue::GlueRegistration,
    proto::{
        add_addr::Address,
        endpoints::{flags as proto_flags, Endpoint, Endpoints, Limits, Refusal, Target},
        managers::{self, ndiffports_to_open, PathManager as Manager},
    },
};
use kernel::{prelude::*, sync::SpinLockIrq};

const AF_UNSPEC: u8 = 0;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;

/// What one namespace's lock protects.
struct Config {
    limits: Limits,
    /// About 8 KiB, so allocated apart and zeroed in place.
    endpoints: KBox<Endpoints>,
}

/// One namespace's path-manager state, owned by its `struct mptcp_pernet` (C) from
/// [`mptcp_rs_pm_new`] to [`mptcp_rs_pm_free`].
#[pin_data]
pub(crate) struct PathManager {
    /// Interrupts off while held: softirq reads it too (a join's SYN and third ACK).
    #[pin]
    config: SpinLockIrq<Config>,
}

// SAFETY: `Endpoints` is integers and arrays of them, and its documentation makes the
// all-zero value the valid empty table.
unsafe impl Zeroable for Endpoints {}

/// Allocates a namespace's state: no endpoints, upstream's default limits. NULL if memory is
/// short. Called by the per-netns init.
#[no_mangle]
extern "C" fn mptcp_rs_pm_new() -> *mut c_void {
    let Ok(endpoints) = KBox::init(pin_init::init_zeroed::<Endpoints>(), GFP_KERNEL) else {
        return core::ptr::null_mut();
    };
    let config = Config {
        limits: Limits::DEFAULT,
        endpoints,
    };
    match KBox::pin_init(
        pin_init!(PathManager { config <- kernel::new_spinlock_irq!(config, "mptcp_pm") }),
        GFP_KERNEL,
    ) {
        // SAFETY: The pointer goes back to `KBox::from_raw` in `mptcp_rs_pm_free` only, and
        // nothing moves the value in between (it is only ever borrowed), so the pin holds.
        Ok(pm) => KBox::into_raw(unsafe { Pin::into_inner_unchecked(pm) }).cast(),
        Err(_) => core::ptr::null_mut(),
    }
}

/// Frees what [`mptcp_rs_pm_new`] returned.
///
/// # Safety
///
/// `pm` must come from [`mptcp_rs_pm_new`] (or be NULL) and no longer be reachable.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_free(pm: *mut c_void) {
    if !pm.is_null() {
        // SAFETY: By the contract `pm` is `KBox::into_raw` of a `PathManager`, now unused.
        drop(unsafe { KBox::<PathManager>::from_raw(pm.cast()) });
    }
}

/// The state of `net`.
///
/// # Safety
///
/// `net` must be a live namespace whose per-netns state is registered, for `'a`.
unsafe fn of<'a>(net: *const ffi::Net) -> &'a PathManager {
    // SAFETY: `net` is live with its state (caller), whose `pm` came from `mptcp_rs_pm_new`
    // (the per-netns init fails without it) and stays until the namespace's exit.
    unsafe { &*ffi::mptcp_glue_pm(net).cast::<PathManager>() }
}

/// An endpoint as the netlink glue and Rust exchange it (`struct mptcp_rs_endpoint`).
#[repr(C)]
#[derive(Default)]
pub(crate) struct RawEndpoint {
    id: u8,
    /// `AF_INET`, `AF_INET6`, or `AF_UNSPEC` when the request named none.
    family: u8,
    /// Host byte order.
    port: u16,
    flags: u32,
    ifindex: i32,
    /// The first 4 bytes for `AF_INET`.
    addr: [u8; 16],
}

impl RawEndpoint {
    pub(crate) fn address(&self) -> Option<Address> {
        match self.family {
            AF_INET => Some(Address::V4([
                self.addr[0],
                self.addr[1],
                self.addr[2],
                self.addr[3],
            ])),
            AF_INET6 => Some(Address::V6(self.addr)),
            _ => None,
        }
    }

    fn endpoint(&self) -> Option<Endpoint> {
        Some(Endpoint {
            id: self.id,
            addr: self.address()?,
            port: self.port,
            flags: self.flags & proto_flags::MASK,
            ifindex: self.ifindex,
        })
    }

    pub(crate) const fn id(&self) -> u8 {
        self.id
    }

    pub(crate) const fn port_number(&self) -> u16 {
        self.port
    }

    pub(crate) fn set(&mut self, ep: &Endpoint) {
        self.id = ep.id;
        self.port = ep.port;
        self.flags = ep.flags;
        self.ifindex = ep.ifindex;
        self.addr = [0; 16];
        match ep.addr {
            Address::V4(a) => {
                self.family = AF_INET;
                self.addr[..4].copy_from_slice(&a);
            }
            Address::V6(a) => {
                self.family = AF_INET6;
                self.addr = a;
            }
        }
    }
}

/// The glue's answer: the value of success, or the refusal's negative errno with its static
/// message stored through `msg`.
///
/// # Safety
///
/// `msg` must be valid for a write.
unsafe fn answer(result: Result<c_int, Refusal>, msg: *mut *const c_char) -> c_int {
    result.unwrap_or_else(|refusal| {
        // SAFETY: Valid for a write (caller); the message is static.
        unsafe { *msg = refusal.message().as_char_ptr() };
        -refusal.errno()
    })
}

/// `MPTCP_PM_CMD_ADD_ADDR`: adds `*ep` (its family already checked by the glue). Returns the
/// identifier given, or a negative errno with a message in `*msg`.
///
/// # Safety
///
/// `net` as for [`of`]; `ep` valid for reads and `msg` for a write.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_add(
    net: *const ffi::Net,
    ep: *const RawEndpoint,
    msg: *mut *const c_char,
) -> c_int {
    // SAFETY: Valid for reads (caller).
    let Some(ep) = (unsafe { &*ep }).endpoint() else {
        return EINVAL.to_errno();
    };
    // SAFETY: `net` is live (caller).
    let pm = unsafe { of(net) };
    let result = Endpoints::check_new(&ep).and_then(|()| pm.config.lock().endpoints.add(ep));
    // SAFETY: `msg` is valid for a write (caller).
    unsafe { answer(result.map(c_int::from), msg) }
}

/// `MPTCP_PM_CMD_DEL_ADDR` for identifier `id` (not 0). 0 or a negative errno and `*msg`.
///
/// # Safety
///
/// As [`mptcp_rs_pm_add`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_del(
    net: *const ffi::Net,
    id: u8,
    msg: *mut *const c_char,
) -> c_int {
    // SAFETY: `net` is live (caller).
    let removed = unsafe { of(net) }.config.lock().endpoints.remove(id);
    // SAFETY: `msg` is valid for a write (caller).
    unsafe { answer(removed.map(|_| 0), msg) }
}

/// Copies the endpoint `id` to `*out`; false if there is none.
///
/// # Safety
///
/// `net` as for [`of`]; `out` valid for writes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_get(net: *const ffi::Net, id: u8, out: *mut RawEndpoint) -> bool {
    // SAFETY: `net` is live (caller).
    let found = unsafe { of(net) }.config.lock().endpoints.get(id);
    copy_out(found, out)
}

/// Copies the endpoint with the smallest identifier above `after` to `*out`; false if none.
///
/// # Safety
///
/// As [`mptcp_rs_pm_get`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_next(
    net: *const ffi::Net,
    after: u8,
    out: *mut RawEndpoint,
) -> bool {
    // SAFETY: `net` is live (caller).
    let found = unsafe { of(net) }.config.lock().endpoints.next_after(after);
    copy_out(found, out)
}

/// The next endpoint (identifier above `after`) to open an additional subflow from, for a
/// connection whose first subflow left from `first`'s address (see
/// [`Endpoints::next_subflow_source`]), that address too once the first subflow is closed
/// (`first_closed`); false if none. Any context.
///
/// # Safety
///
/// As [`mptcp_rs_pm_get`]; `first` valid for reads.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_next_subflow(
    net: *const ffi::Net,
    after: u8,
    first: *const RawEndpoint,
    first_closed: bool,
    out: *mut RawEndpoint,
) -> bool {
    // SAFETY: As the caller's contract.
    unsafe {
        next_for_connection(net, first, out, |eps, first| {
            eps.next_subflow_source(after, first, first_closed)
        })
    }
}

/// The next endpoint (identifier above `after`) with every flag of `mask`, of the family of
/// the peer's address `remote` (see [`Endpoints::next_flagged`]); false if none. Any context.
///
/// # Safety
///
/// As [`mptcp_rs_pm_next_subflow`], `remote` for `first`.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_next_flagged(
    net: *const ffi::Net,
    after: u8,
    mask: u32,
    remote: *const RawEndpoint,
    out: *mut RawEndpoint,
) -> bool {
    // SAFETY: As the caller's contract.
    unsafe {
        next_for_connection(net, remote, out, |eps, remote| {
            eps.next_flagged(after, mask, remote)
        })
    }
}

/// The next endpoint (identifier above `after`) to announce to the peer of a connection
/// whose first subflow left from `first`'s address, of its family unless `any_family`, that
/// address too once the first subflow is closed (`first_closed`; see
/// [`Endpoints::next_signal`]); false if none. Any context.
///
/// # Safety
///
/// As [`mptcp_rs_pm_next_subflow`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_next_signal(
    net: *const ffi::Net,
    after: u8,
    first: *const RawEndpoint,
    any_family: bool,
    first_closed: bool,
    out: *mut RawEndpoint,
) -> bool {
    // SAFETY: As the caller's contract.
    unsafe {
        next_for_connection(net, first, out, |eps, first| {
            eps.next_signal(after, first, any_family, first_closed)
        })
    }
}

/// The endpoint `pick` chooses for a connection whose first subflow left from `first`'s
/// address, copied to `out`; false if none.
///
/// # Safety
///
/// `net` as for [`of`]; `first` valid for reads; `out` valid for writes.
unsafe fn next_for_connection(
    net: *const ffi::Net,
    first: *const RawEndpoint,
    out: *mut RawEndpoint,
    pick: impl FnOnce(&Endpoints, &Address) -> Option<Endpoint>,
) -> bool {
    // SAFETY: Valid for reads (caller).
    let Some(first) = unsafe { &*first }.address() else {
        return false;
    };
    // SAFETY: `net` is live (caller).
    let found = pick(&unsafe { of(net) }.config.lock().endpoints, &first);
    copy_out(found, out)
}

/// Our address `*local` for a subflow leaving from it gets its endpoint's identifier and
/// flags; if none is listed, a new implicit endpoint's (`implicit`; else `*local` stays as it
/// is). 0, or a negative errno if the table is full. Any context.
///
/// # Safety
///
/// `net` as for [`of`]; `local` valid for reads and writes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_local_endpoint(
    net: *const ffi::Net,
    local: *mut RawEndpoint,
    implicit: bool,
) -> c_int {
    // SAFETY: Valid for reads and writes, not aliased during the call (caller).
    let raw = unsafe { &mut *local };
    let Some(addr) = raw.address() else {
        return EINVAL.to_errno();
    };
    // SAFETY: `net` is live (caller).
    let mut config = unsafe { of(net) }.config.lock();
    let found = if implicit {
        config.endpoints.local_endpoint(&addr)
    } else {
        config.endpoints.find_local(&addr).ok_or(Refusal::NotFound)
    };
    match found {
        Ok(ep) => {
            raw.id = ep.id;
            raw.flags = ep.flags;
            0
        }
        Err(Refusal::NotFound) => 0,
        Err(refusal) => -refusal.errno(),
    }
}

/// The number of endpoints with every flag of `mask` (`MPTCP_INFO`'s `*_max` fields).
///
/// # Safety
///
/// `net` as for [`of`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_count(net: *const ffi::Net, mask: u32) -> c_uint {
    // SAFETY: `net` is live (caller).
    let n = unsafe { of(net) }.config.lock().endpoints.count_with(mask);
    c_uint::try_from(n).unwrap_or(c_uint::MAX)
}

/// The endpoint in `net` a join that reached our address `addr` at `port` is answered from
/// (see [`Endpoints::find_local_at`]), if any. Any context.
///
/// # Safety
///
/// `net` as for [`of`].
pub(crate) unsafe fn local_endpoint(
    net: *const ffi::Net,
    addr: &Address,
    port: u16,
) -> Option<Endpoint> {
    // SAFETY: `net` is live (caller).
    unsafe { of(net) }
        .config
        .lock()
        .endpoints
        .find_local_at(addr, port)
}

fn copy_out(found: Option<Endpoint>, out: *mut RawEndpoint) -> bool {
    let Some(ep) = found else { return false };
    // SAFETY: The callers' contracts make `out` valid for writes; every bit pattern of its
    // fields is valid, and `set` writes each of them.
    unsafe { (*out).set(&ep) };
    true
}

/// `MPTCP_PM_CMD_FLUSH_ADDRS`.
///
/// # Safety
///
/// `net` as for [`of`].
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_flush(net: *const ffi::Net) {
    // SAFETY: `net` is live (caller).
    unsafe { of(net) }.config.lock().endpoints.flush();
}

/// `MPTCP_PM_CMD_SET_LIMITS`: each non-NULL limit is set, or neither is. 0 or a negative
/// errno and `*msg`.
///
/// # Safety
///
/// `net` as for [`of`]; each limit NULL or valid for reads; `msg` valid for a write.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_set_limits(
    net: *const ffi::Net,
    add_addr_accepted: *const u32,
    subflows: *const u32,
    msg: *mut *const c_char,
) -> c_int {
    // SAFETY: NULL or valid for reads (caller).
    let (accepted, subflows) = unsafe { (add_addr_accepted.as_ref(), subflows.as_ref()) };
    // SAFETY: `net` is live (caller).
    let result = unsafe { of(net) }
        .config
        .lock()
        .limits
        .set(accepted.copied(), subflows.copied());
    // SAFETY: `msg` is valid for a write (caller).
    unsafe { answer(result.map(|()| 0), msg) }
}

/// `MPTCP_PM_CMD_GET_LIMITS`.
///
/// # Safety
///
/// `net` as for [`of`]; both pointers valid for writes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_get_limits(
    net: *const ffi::Net,
    add_addr_accepted: *mut u32,
    subflows: *mut u32,
) {
    // SAFETY: `net` is live (caller).
    let limits = unsafe { of(net) }.config.lock().limits;
    // SAFETY: Valid for writes (caller).
    unsafe {
        *add_addr_accepted = limits.add_addr_accepted;
        *subflows = limits.subflows;
    }
}

/// `MPTCP_PM_CMD_SET_FLAGS`: the endpoint named by `*ep` (by identifier when its family is
/// `AF_UNSPEC`, else by address and port) takes the backup and fullmesh flags of
/// `ep->flags`; `*ep` becomes the endpoint as it now is and `*changed` the flags that
/// changed. 0 or a negative errno and `*msg`.
///
/// # Safety
///
/// `net` as for [`of`]; `ep` valid for reads and writes; `changed` and `msg` valid for a
/// write.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_set_flags(
    net: *const ffi::Net,
    ep: *mut RawEndpoint,
    changed: *mut u32,
    msg: *mut *const c_char,
) -> c_int {
    // SAFETY: Valid for reads and writes, not aliased during the call (caller).
    let raw = unsafe { &mut *ep };
    let target = match raw.family {
        AF_UNSPEC => Target::Id(raw.id),
        _ => match raw.address() {
            Some(addr) => Target::Addr(addr, raw.port),
            None => return EINVAL.to_errno(),
        },
    };
    // SAFETY: `net` is live (caller).
    let result = unsafe { of(net) }
        .config
        .lock()
        .endpoints
        .set_flags(target, raw.flags & proto_flags::MASK);
    let result = result.map(|(now, flipped)| {
        raw.set(&now);
        // SAFETY: Valid for a write (caller).
        unsafe { *changed = flipped };
        0
    });
    // SAFETY: `msg` is valid for a write (caller).
    unsafe { answer(result, msg) }
}

/// Registers the `mptcp_pm` generic netlink family, until the returned value drops.
pub(crate) fn register_netlink() -> Result<GlueRegistration> {
    // SAFETY: Registration has no preconditions and returns 0 or -errno; the family's
    // handlers read per-netns state, which is registered before it and removed after.
    unsafe {
        GlueRegistration::new(
            ffi::mptcp_glue_pm_netlink_register,
            ffi::mptcp_glue_pm_netlink_unregister,
        )
    }
}

/// `net.mptcp.path_manager` written, or `MPTCP_RS_PATH_MANAGER` set, with `name`
/// (NUL-terminated): the manager's number (`MPTCP_RS_PM_*`), or `-ENOENT` when the module has
/// none of that name, as upstream's sysctl answers.
///
/// # Safety
///
/// `name` points to a NUL-terminated string valid for reads.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_manager_by_name(name: *const c_char) -> c_int {
    // SAFETY: NUL-terminated and valid for reads (caller).
    let name = unsafe { CStr::from_char_ptr(name) };
    match Manager::from_name(name.to_bytes()) {
        Some(pm) => c_int::from(pm as u8),
        None => ENOENT.to_errno(),
    }
}

/// `net.mptcp.available_path_managers`: the names, space-separated and NUL-terminated, into
/// `buf` of `len` bytes (nothing if `len` is 0).
///
/// # Safety
///
/// `buf` is valid for writes of `len` bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_managers_available(buf: *mut u8, len: usize) {
    if len == 0 {
        return;
    }
    // SAFETY: Valid for writes of `len` bytes (caller), and not aliased meanwhile.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf, len) };
    let end = Manager::write_available(&mut buf[..len - 1]);
    buf[end] = 0;
}

/// How many more subflows the `ndiffports` manager opens (see [`ndiffports_to_open`]).
#[no_mangle]
extern "C" fn mptcp_rs_ndiffports_to_open(wanted: u8, joins: u32, limit: u32) -> u32 {
    ndiffports_to_open(wanted, joins, limit)
}

// The C glue's copies of these values (mptcp_glue.h: MPTCP_RS_PM_*, MPTCP_RS_PM_NAME_MAX,
// MPTCP_RS_NDIFFPORTS_*), kept in sync by hand.
const _: () = assert!(
    Manager::Kernel as u8 == 0
        && Manager::Fullmesh as u8 == 1
        && Manager::Ndiffports as u8 == 2
        && managers::NAME_MAX == 16
        && managers::NDIFFPORTS_DEFAULT == 2
        && managers::NDIFFPORTS_MAX == 8
);

/// The name of the manager numbered `kind` (`MPTCP_RS_PM_*`), NUL-terminated, into `buf` of
/// `len` bytes (cut to fit; empty for a number no manager has; nothing if `len` is 0).
///
/// # Safety
///
/// `buf` is valid for writes of `len` bytes.
#[no_mangle]
unsafe extern "C" fn mptcp_rs_pm_manager_name(kind: u8, buf: *mut u8, len: usize) {
    if len == 0 {
        return;
    }
    // SAFETY: Valid for writes of `len` bytes (caller), and not aliased meanwhile.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf, len) };
    let name = Manager::from_u8(kind).map_or(&b""[..], |pm| pm.name().as_bytes());
    let end = name.len().min(len - 1);
    buf[..end].copy_from_slice(&name[..end]);
    buf[end] = 0;
}
