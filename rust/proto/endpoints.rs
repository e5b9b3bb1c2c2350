// SPDX-License-Identifier: GPL-2.0

//! The in-kernel path manager's endpoints and limits, per network namespace: the local
//! addresses an administrator configures with `ip mptcp endpoint` or `pm_nl_ctl`, with
//! upstream Linux's rules (net/mptcp/pm_kernel.c) for identifiers, duplicates and limits, so
//! that tools and upstream's `pm_netlink.sh` see the same answers.
//!
//! The table is plain data whose all-zero value is the empty table ([`Endpoints::EMPTY`]), so
//! the kernel can allocate it zeroed in place (it is about 8 KiB, too large for a stack).

use super::add_addr::Address;
use core::ffi::CStr;

/// Endpoint flags, as `MPTCP_PM_ADDR_FLAG_*` in uapi/linux/mptcp.h.
pub mod flags {
    /// Announce the address to the peer (ADD_ADDR).
    pub const SIGNAL: u32 = 1 << 0;
    /// Open subflows from the address.
    pub const SUBFLOW: u32 = 1 << 1;
    /// Subflows over it are backups (MP_JOIN's B bit, MP_PRIO).
    pub const BACKUP: u32 = 1 << 2;
    /// Open a subflow from it to every address the peer has.
    pub const FULLMESH: u32 = 1 << 3;
    /// Created by the path manager for an address in use, not by the administrator.
    pub const IMPLICIT: u32 = 1 << 4;
    /// Open subflows from it to announced addresses (laminar endpoints).
    pub const LAMINAR: u32 = 1 << 5;
    /// Every flag this version knows; others are ignored, as upstream.
    pub const MASK: u32 = 0x3f;
    /// The flags `SET_FLAGS` may change.
    pub const CHANGEABLE: u32 = BACKUP | FULLMESH;
}

/// The largest endpoint identifier; 0 is the address the connection started from.
pub const MAX_ID: u8 = u8::MAX;
/// The largest value of either limit (`MPTCP_PM_SUBFLOWS_MAX`).
pub const LIMIT_MAX: u32 = 64;

/// One endpoint. Ports are in host byte order; 0 means none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Its identifier, 1..=[`MAX_ID`]; 0 in a request asks the table to choose.
    pub id: u8,
    /// The local address.
    pub addr: Address,
    /// A port to listen on and announce (only for signal-only endpoints).
    pub port: u16,
    /// [`flags`], masked with [`flags::MASK`].
    pub flags: u32,
    /// The interface subflows from it are bound to (0: any).
    pub ifindex: i32,
}

impl Endpoint {
    /// An endpoint with `addr` and nothing else set.
    pub const fn new(addr: Address) -> Self {
        Self {
            id: 0,
            addr,
            port: 0,
            flags: 0,
            ifindex: 0,
        }
    }

    /// Whether its port matters: only an endpoint that is announced and not a subflow source
    /// listens on a port of its own.
    const fn uses_port(&self) -> bool {
        self.flags & (flags::SIGNAL | flags::SUBFLOW) == flags::SIGNAL
    }
}

/// Whether `a` and `b` name the same host: the same family and address, or an IPv4 address
/// and its IPv4-mapped IPv6 form.
pub fn same_host(a: &Address, b: &Address) -> bool {
    match (a, b) {
        (Address::V4(x), Address::V4(y)) => x == y,
        (Address::V6(x), Address::V6(y)) => x == y,
        (Address::V4(v4), Address::V6(v6)) | (Address::V6(v6), Address::V4(v4)) => {
            v6[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] && v6[12..] == v4[..]
        }
    }
}

/// Whether two (unmapped) addresses are of one family.
fn same_family(a: &Address, b: &Address) -> bool {
    core::mem::discriminant(a) == core::mem::discriminant(b)
}

/// `a` with an IPv4-mapped IPv6 address given as the IPv4 address it maps.
pub fn unmapped(a: &Address) -> Address {
    match a {
        Address::V6(v6) if v6[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] => {
            Address::V4([v6[12], v6[13], v6[14], v6[15]])
        }
        other => *other,
    }
}

/// Why a request was refused. Each maps to upstream's errno and extack message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A port on an endpoint that is not signal-only.
    PortNeedsSignalOnly,
    /// `signal` together with `fullmesh`.
    SignalAndFullmesh,
    /// `implicit` asked for by the administrator.
    ImplicitByRequest,
    /// Every identifier is taken (255 endpoints).
    TableFull,
    /// The requested identifier is taken.
    IdInUse,
    /// The address (and port, where one is used) is an endpoint already.
    Duplicate,
    /// The address is an implicit endpoint and an explicit identifier was asked for.
    ImplicitWithId,
    /// No identifier is free from the search start on (cannot happen below 255 endpoints).
    NoFreeId,
    /// No endpoint has this identifier or address.
    NotFound,
    /// `SET_FLAGS` by identifier without one.
    MissingId,
    /// `fullmesh` on a signal or implicit endpoint.
    FullmeshNotAllowed,
    /// A limit above [`LIMIT_MAX`].
    LimitTooLarge,
}

impl Refusal {
    /// The positive errno upstream answers with.
    pub const fn errno(self) -> i32 {
        const EINVAL: i32 = 22;
        const EBUSY: i32 = 16;
        const EEXIST: i32 = 17;
        const ERANGE: i32 = 34;
        const EOPNOTSUPP: i32 = 95;
        match self {
            Self::TableFull => ERANGE,
            Self::IdInUse => EBUSY,
            Self::Duplicate => EEXIST,
            Self::MissingId => EOPNOTSUPP,
            Self::PortNeedsSignalOnly
            | Self::SignalAndFullmesh
            | Self::ImplicitByRequest
            | Self::ImplicitWithId
            | Self::NoFreeId
            | Self::NotFound
            | Self::FullmeshNotAllowed
            | Self::LimitTooLarge => EINVAL,
        }
    }

    /// The extended-ack message.
    pub const fn message(self) -> &'static CStr {
        match self {
            Self::PortNeedsSignalOnly => c"flags must have signal and not subflow when using port",
            Self::SignalAndFullmesh => c"flags mustn't have both signal and fullmesh",
            Self::ImplicitByRequest => c"can't create IMPLICIT endpoint",
            Self::TableFull => c"too many addresses",
            Self::IdInUse => c"address id already in use",
            Self::Duplicate => c"duplicate address",
            Self::ImplicitWithId => c"address in use by an implicit endpoint with another id",
            Self::NoFreeId => c"no free address id",
            Self::NotFound => c"address not found",
            Self::MissingId => c"missing address ID",
            Self::FullmeshNotAllowed => c"invalid addr flags",
            Self::LimitTooLarge => c"limit greater than maximum (64)",
        }
    }
}

/// The two per-namespace limits of the in-kernel path manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// ADD_ADDRs accepted per connection (`add_addr_accepted`, "accept" in `pm_nl_ctl`).
    pub add_addr_accepted: u32,
    /// Subflows per connection beyond the first (`subflows`).
    pub subflows: u32,
}

impl Limits {
    /// Upstream's defaults for a new namespace.
    pub const DEFAULT: Self = Self {
        add_addr_accepted: 0,
        subflows: 2,
    };

    /// Sets the limits given; nothing changes unless both are at most [`LIMIT_MAX`].
    pub fn set(
        &mut self,
        add_addr_accepted: Option<u32>,
        subflows: Option<u32>,
    ) -> Result<(), Refusal> {
        let accepted = add_addr_accepted.unwrap_or(self.add_addr_accepted);
        let subflows = subflows.unwrap_or(self.subflows);
        if accepted > LIMIT_MAX || subflows > LIMIT_MAX {
            return Err(Refusal::LimitTooLarge);
        }
        self.add_addr_accepted = accepted;
        self.subflows = subflows;
        Ok(())
    }
}

/// An endpoint as stored. `family` 0 marks a free slot, so the all-zero slot is free.
#[derive(Clone, Copy)]
struct Slot {
    family: u8,
    addr: [u8; 16],
    port: u16,
    flags: u32,
    ifindex: i32,
}

const FAMILY_FREE: u8 = 0;
const FAMILY_V4: u8 = 4;
const FAMILY_V6: u8 = 6;

impl Slot {
    const FREE: Self = Self {
        family: FAMILY_FREE,
        addr: [0; 16],
        port: 0,
        flags: 0,
        ifindex: 0,
    };

    const fn is_free(&self) -> bool {
        self.family == FAMILY_FREE
    }

    fn store(ep: &Endpoint) -> Self {
        let mut addr = [0; 16];
        let family = match ep.addr {
            Address::V4(a) => {
                addr[..4].copy_from_slice(&a);
                FAMILY_V4
            }
            Address::V6(a) => {
                addr = a;
                FAMILY_V6
            }
        };
        Self {
            family,
            addr,
            port: ep.port,
            flags: ep.flags,
            ifindex: ep.ifindex,
        }
    }

    fn load(&self, id: u8) -> Option<Endpoint> {
        let addr = match self.family {
            FAMILY_V4 => {
                let mut a = [0; 4];
                a.copy_from_slice(&self.addr[..4]);
                Address::V4(a)
            }
            FAMILY_V6 => Address::V6(self.addr),
            _ => return None,
        };
        Some(Endpoint {
            id,
            addr,
            port: self.port,
            flags: self.flags,
            ifindex: self.ifindex,
        })
    }
}

/// Which endpoint `SET_FLAGS` changes.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// The endpoint with this identifier (0 is refused).
    Id(u8),
    /// The endpoint with this address, and this port where the endpoint has one.
    Addr(Address, u16),
}

/// The endpoint table of one namespace.
///
/// # Invariants
///
/// `slots[0]` is always free (identifier 0 is never an endpoint); `count` is the number of
/// used slots. `next_id` is where the search for a free identifier starts (0 behaves as 1).
#[derive(Clone)]
pub struct Endpoints {
    slots: [Slot; MAX_ID as usize + 1],
    count: u16,
    next_id: u8,
}

impl Endpoints {
    /// The empty table; all zero bytes.
    pub const EMPTY: Self = Self {
        slots: [Slot::FREE; MAX_ID as usize + 1],
        count: 0,
        next_id: 0,
    };

    /// Checks the flags of a new endpoint, as `MPTCP_PM_CMD_ADD_ADDR` does before anything
    /// else.
    pub fn check_new(ep: &Endpoint) -> Result<(), Refusal> {
        if ep.port != 0 && !ep.uses_port() {
            return Err(Refusal::PortNeedsSignalOnly);
        }
        if ep.flags & flags::SIGNAL != 0 && ep.flags & flags::FULLMESH != 0 {
            return Err(Refusal::SignalAndFullmesh);
        }
        if ep.flags & flags::IMPLICIT != 0 {
            return Err(Refusal::ImplicitByRequest);
        }
        Ok(())
    }

    /// Adds `ep` and returns its identifier: `ep.id` if not 0, else the first free one from
    /// just after the last one given (wrapping to 1). An implicit endpoint with the same
    /// address is replaced, keeping its identifier.
    pub fn add(&mut self, mut ep: Endpoint) -> Result<u8, Refusal> {
        if self.next_id == MAX_ID || self.next_id == 0 {
            self.next_id = 1;
        }
        if self.count >= u16::from(MAX_ID) {
            return Err(Refusal::TableFull);
        }
        if ep.id != 0 && !self.slots[usize::from(ep.id)].is_free() {
            return Err(Refusal::IdInUse);
        }
        if !ep.uses_port() {
            ep.port = 0;
        }
        // Same address, and same port: the port only tells apart signal-only endpoints.
        let duplicate = self
            .iter()
            .find(|cur| same_host(&cur.addr, &ep.addr) && cur.port == ep.port);
        if let Some(cur) = duplicate {
            if cur.flags & flags::IMPLICIT == 0 {
                return Err(Refusal::Duplicate);
            }
            if ep.id != 0 {
                return Err(Refusal::ImplicitWithId);
            }
            ep.id = cur.id;
            self.release(cur.id);
        }
        if ep.id == 0 {
            ep.id = self
                .first_free_from(self.next_id)
                .or_else(|| self.first_free_from(1))
                .ok_or(Refusal::NoFreeId)?;
        }
        self.slots[usize::from(ep.id)] = Slot::store(&ep);
        self.count += 1;
        if ep.id > self.next_id {
            self.next_id = ep.id;
        }
        Ok(ep.id)
    }

    fn first_free_from(&self, start: u8) -> Option<u8> {
        (start.max(1)..=MAX_ID).find(|&id| self.slots[usize::from(id)].is_free())
    }

    fn release(&mut self, id: u8) {
        self.slots[usize::from(id)] = Slot::FREE;
        self.count -= 1;
    }

    /// Removes and returns the endpoint with identifier `id`.
    pub fn remove(&mut self, id: u8) -> Result<Endpoint, Refusal> {
        let ep = self.get(id).ok_or(Refusal::NotFound)?;
        self.release(id);
        Ok(ep)
    }

    /// The endpoint with identifier `id`.
    pub fn get(&self, id: u8) -> Option<Endpoint> {
        self.slots.get(usize::from(id))?.load(id)
    }

    /// The endpoint with the smallest identifier above `id` (a dump's next entry).
    pub fn next_after(&self, id: u8) -> Option<Endpoint> {
        (id.checked_add(1)?..=MAX_ID).find_map(|i| self.get(i))
    }

    /// The first endpoint with an identifier above `after` that `wanted` accepts, its address
    /// unmapped (an IPv4-mapped one as the IPv4 address it maps, the form `wanted` sees).
    fn next_where(&self, after: u8, wanted: impl Fn(&Endpoint) -> bool) -> Option<Endpoint> {
        (after.checked_add(1)?..=MAX_ID)
            .filter_map(|i| self.get(i))
            .map(|ep| Endpoint {
                addr: unmapped(&ep.addr),
                ..ep
            })
            .find(wanted)
    }

    /// The next endpoint (smallest identifier above `after`) the in-kernel manager opens an
    /// additional subflow from, for a connection whose first subflow left from `first`: one
    /// flagged `subflow`, of the same family, not that address (in use already) unless the
    /// first subflow is closed (`first_closed`: its address withdrawn, then listed again).
    ///
    /// IPv4-mapped addresses (of the endpoint or of the first subflow) count as the IPv4
    /// address they map, and the endpoint is returned with its address in that form.
    pub fn next_subflow_source(
        &self,
        after: u8,
        first: &Address,
        first_closed: bool,
    ) -> Option<Endpoint> {
        let first = unmapped(first);
        self.next_where(after, |ep| {
            ep.flags & flags::SUBFLOW != 0
                && same_family(&ep.addr, &first)
                && (first_closed || ep.addr != first)
        })
    }

    /// The next endpoint (smallest identifier above `after`) the in-kernel manager announces
    /// to the peer of a connection whose first subflow left from `first`: one flagged
    /// `signal`, not that address (the peer knows it as address 0) unless the first subflow
    /// is closed (`first_closed`: its address withdrawn, then listed again), of the same
    /// family (IPv4-mapped counting as IPv4) unless `any_family` (an IPv6 socket that is not
    /// v6-only, whose subflows may be of either family, as upstream's).
    pub fn next_signal(
        &self,
        after: u8,
        first: &Address,
        any_family: bool,
        first_closed: bool,
    ) -> Option<Endpoint> {
        let first = unmapped(first);
        self.next_where(after, |ep| {
            ep.flags & flags::SIGNAL != 0
                && (any_family || same_family(&ep.addr, &first))
                && (first_closed || ep.addr != first)
        })
    }

    /// The next endpoint (smallest identifier above `after`) with every flag of `mask`, of
    /// the family of the peer's address `remote` (IPv4-mapped counting as IPv4), its address
    /// unmapped: where the in-kernel manager joins an announcement from when `laminar` (one of
    /// them) or `fullmesh` (each of them) endpoints exist, instead of the address the routing
    /// picks.
    pub fn next_flagged(&self, after: u8, mask: u32, remote: &Address) -> Option<Endpoint> {
        let remote = unmapped(remote);
        self.next_where(after, |ep| {
            ep.flags & mask == mask && same_family(&ep.addr, &remote)
        })
    }

    /// The endpoint of our address `addr` (IPv4-mapped counting as IPv4), if any: the
    /// address id a join reaching it is answered from.
    pub fn find_local(&self, addr: &Address) -> Option<Endpoint> {
        let addr = unmapped(addr);
        self.iter()
            .find(|ep| ep.port == 0 && unmapped(&ep.addr) == addr)
    }

    /// The endpoint a join that reached our address `addr` at `port` is answered from: the
    /// one with that port (whose listener took the join) if any, else the address's own.
    pub fn find_local_at(&self, addr: &Address, port: u16) -> Option<Endpoint> {
        let host = unmapped(addr);
        self.iter()
            .find(|ep| ep.port != 0 && ep.port == port && unmapped(&ep.addr) == host)
            .or_else(|| self.find_local(addr))
    }

    /// The endpoint of our address `addr` for a subflow leaving from it (its identifier and
    /// backup flag go into the MP_JOIN SYN): the one listed, or a new implicit endpoint (as
    /// upstream, which lists it so its identifier stays the same for every connection).
    pub fn local_endpoint(&mut self, addr: &Address) -> Result<Endpoint, Refusal> {
        if let Some(ep) = self.find_local(addr) {
            return Ok(ep);
        }
        let ep = Endpoint {
            id: 0,
            addr: unmapped(addr),
            port: 0,
            flags: flags::IMPLICIT,
            ifindex: 0,
        };
        let id = self.add(ep)?;
        Ok(Endpoint { id, ..ep })
    }

    /// Every endpoint, by increasing identifier.
    pub fn iter(&self) -> impl Iterator<Item = Endpoint> + '_ {
        (1..=MAX_ID).filter_map(|id| self.get(id))
    }

    /// The number of endpoints.
    pub const fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether there is none.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The number of endpoints with every flag of `mask`.
    pub fn count_with(&self, mask: u32) -> usize {
        self.iter().filter(|ep| ep.flags & mask == mask).count()
    }

    /// Removes every endpoint; identifiers are given from 1 again.
    pub fn flush(&mut self) {
        *self = Self::EMPTY;
    }

    /// Sets the [`flags::CHANGEABLE`] flags of the endpoint `target` to those of `new_flags`.
    /// Returns the endpoint as it now is and the flags that changed.
    pub fn set_flags(
        &mut self,
        target: Target,
        new_flags: u32,
    ) -> Result<(Endpoint, u32), Refusal> {
        let found = match target {
            Target::Id(0) => return Err(Refusal::MissingId),
            Target::Id(id) => self.get(id),
            // Endpoints with a port first, as upstream's list keeps them.
            Target::Addr(addr, port) => {
                let matches =
                    |ep: &Endpoint| same_host(&ep.addr, &addr) && (ep.port == 0 || ep.port == port);
                self.iter()
                    .find(|ep| ep.port != 0 && matches(ep))
                    .or_else(|| self.iter().find(|ep| ep.port == 0 && matches(ep)))
            }
        };
        let mut ep = found.ok_or(Refusal::NotFound)?;
        if new_flags & flags::FULLMESH != 0 && ep.flags & (flags::SIGNAL | flags::IMPLICIT) != 0 {
            return Err(Refusal::FullmeshNotAllowed);
        }
        let changed = (new_flags ^ ep.flags) & flags::CHANGEABLE;
        ep.flags = (ep.flags & !flags::CHANGEABLE) | (new_flags & flags::CHANGEABLE);
        self.slots[usize::from(ep.id)].flags = ep.flags;
        Ok((ep, changed))
    }
}
