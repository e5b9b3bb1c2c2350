// SPDX-License-Identifier: GPL-2.0

//! The in-kernel path manager's endpoint table: upstream's id allocation, duplicate rules,
//! flag checks and limits (what `pm_netlink.sh` observes through netlink).

use mptcp_proto::{
    add_addr::Address,
    endpoints::{flags, same_host, Endpoint, Endpoints, Limits, Refusal, Target, LIMIT_MAX},
};

fn v4(last: u8) -> Address {
    Address::V4([10, 0, 1, last])
}

fn ep(addr: Address) -> Endpoint {
    Endpoint::new(addr)
}

fn with_id(addr: Address, id: u8) -> Endpoint {
    Endpoint { id, ..ep(addr) }
}

fn with_flags(addr: Address, f: u32) -> Endpoint {
    Endpoint {
        flags: f,
        ..ep(addr)
    }
}

fn ids_and_hosts(t: &Endpoints) -> Vec<(u8, Address)> {
    t.iter().map(|e| (e.id, e.addr)).collect()
}

#[test]
fn ids_count_up_from_one_and_a_deleted_id_is_not_reused_until_wrap() {
    let mut t = Endpoints::EMPTY;
    assert_eq!(t.add(ep(v4(1))), Ok(1));
    assert_eq!(t.add(with_flags(v4(2), flags::SUBFLOW)), Ok(2));
    assert_eq!(
        t.add(with_flags(v4(3), flags::SIGNAL | flags::BACKUP)),
        Ok(3)
    );
    assert_eq!(t.remove(2).map(|e| e.addr), Ok(v4(2)));
    assert_eq!(t.remove(2), Err(Refusal::NotFound));
    assert_eq!(t.get(2), None);
    assert_eq!(t.add(with_id(v4(2), 2)), Ok(2));
    assert_eq!(t.add(ep(v4(3))), Err(Refusal::Duplicate));
    assert_eq!(t.add(with_flags(v4(4), flags::SIGNAL)), Ok(4));
    assert_eq!(t.len(), 4);
}

#[test]
fn explicit_ids_move_the_search_start_as_upstream() {
    // pm_netlink.sh "set ids".
    let mut t = Endpoints::EMPTY;
    t.add(ep(v4(1))).unwrap();
    t.add(ep(v4(2))).unwrap();
    t.add(with_id(v4(3), 100)).unwrap();
    t.add(ep(v4(4))).unwrap();
    t.add(with_id(v4(5), 254)).unwrap();
    t.add(ep(v4(6))).unwrap();
    t.add(ep(v4(7))).unwrap();
    t.add(ep(v4(8))).unwrap();
    let want = [
        (1, 1),
        (2, 2),
        (3, 7),
        (4, 8),
        (100, 3),
        (101, 4),
        (254, 5),
        (255, 6),
    ];
    assert_eq!(ids_and_hosts(&t), want.map(|(id, h)| (id, v4(h))).to_vec());
}

#[test]
fn ids_wrap_around_past_255() {
    // pm_netlink.sh "wrap-around ids".
    let a = |h| Address::V4([10, 0, 0, h]);
    let mut t = Endpoints::EMPTY;
    t.add(ep(a(1))).unwrap();
    t.add(with_id(a(2), 254)).unwrap();
    t.add(ep(a(3))).unwrap();
    t.add(ep(a(4))).unwrap();
    t.add(with_id(a(5), 253)).unwrap();
    t.add(ep(a(6))).unwrap();
    t.add(ep(a(7))).unwrap();
    t.add(ep(a(8))).unwrap();
    let want = [
        (1, 1),
        (2, 4),
        (3, 6),
        (4, 7),
        (5, 8),
        (253, 5),
        (254, 2),
        (255, 3),
    ];
    assert_eq!(ids_and_hosts(&t), want.map(|(id, h)| (id, a(h))).to_vec());
}

#[test]
fn at_most_255_endpoints_and_a_taken_id_is_refused() {
    let mut t = Endpoints::EMPTY;
    for i in 1..=255u8 {
        assert_eq!(t.add(with_id(Address::V4([10, 0, 0, i]), i)), Ok(i));
    }
    assert_eq!(
        t.add(ep(Address::V4([10, 9, 9, 9]))),
        Err(Refusal::TableFull)
    );
    t.remove(17).unwrap();
    assert_eq!(
        t.add(with_id(Address::V4([10, 9, 9, 9]), 18)),
        Err(Refusal::IdInUse)
    );
    assert_eq!(t.add(ep(Address::V4([10, 9, 9, 9]))), Ok(17));
    t.flush();
    assert!(t.is_empty());
    assert_eq!(t.add(ep(v4(1))), Ok(1), "a flush starts ids from 1 again");
}

#[test]
fn new_endpoint_flag_rules() {
    let port = |f| Endpoint {
        port: 8080,
        flags: f,
        ..ep(v4(1))
    };
    assert_eq!(Endpoints::check_new(&port(flags::SIGNAL)), Ok(()));
    assert_eq!(
        Endpoints::check_new(&port(flags::SUBFLOW)),
        Err(Refusal::PortNeedsSignalOnly)
    );
    assert_eq!(
        Endpoints::check_new(&port(flags::SIGNAL | flags::SUBFLOW)),
        Err(Refusal::PortNeedsSignalOnly)
    );
    assert_eq!(
        Endpoints::check_new(&with_flags(v4(1), flags::SIGNAL | flags::FULLMESH)),
        Err(Refusal::SignalAndFullmesh)
    );
    assert_eq!(
        Endpoints::check_new(&with_flags(v4(1), flags::IMPLICIT)),
        Err(Refusal::ImplicitByRequest)
    );
    assert_eq!(
        Endpoints::check_new(&with_flags(v4(1), flags::SUBFLOW | flags::FULLMESH)),
        Ok(())
    );
}

#[test]
fn ports_tell_apart_signal_only_endpoints_of_one_address() {
    let mut t = Endpoints::EMPTY;
    let signal_port = |p| Endpoint {
        port: p,
        flags: flags::SIGNAL,
        ..ep(v4(1))
    };
    assert_eq!(t.add(signal_port(10100)), Ok(1));
    assert_eq!(t.add(signal_port(10101)), Ok(2));
    assert_eq!(t.add(signal_port(10101)), Err(Refusal::Duplicate));
    assert_eq!(t.add(ep(v4(1))), Ok(3), "no port differs from a port");
    // A port on an endpoint that is not signal-only is dropped before the comparison.
    assert_eq!(
        t.add(Endpoint {
            port: 9,
            ..ep(v4(1))
        }),
        Err(Refusal::Duplicate)
    );
}

#[test]
fn v4_mapped_v6_is_the_same_host() {
    let mut mapped = [0u8; 16];
    mapped[10] = 0xff;
    mapped[11] = 0xff;
    mapped[12..].copy_from_slice(&[10, 0, 1, 1]);
    assert!(same_host(&v4(1), &Address::V6(mapped)));
    assert!(!same_host(&v4(2), &Address::V6(mapped)));
    let mut t = Endpoints::EMPTY;
    t.add(ep(v4(1))).unwrap();
    assert_eq!(t.add(ep(Address::V6(mapped))), Err(Refusal::Duplicate));
}

#[test]
fn set_flags_changes_backup_and_fullmesh_only() {
    let mut t = Endpoints::EMPTY;
    t.add(with_flags(v4(1), flags::SUBFLOW)).unwrap();
    t.add(with_flags(v4(2), flags::SIGNAL)).unwrap();

    let (now, changed) = t.set_flags(Target::Addr(v4(1), 0), flags::BACKUP).unwrap();
    assert_eq!(
        (now.flags, changed),
        (flags::SUBFLOW | flags::BACKUP, flags::BACKUP)
    );
    let (now, changed) = t
        .set_flags(Target::Id(1), flags::FULLMESH | flags::SIGNAL)
        .unwrap();
    assert_eq!(
        now.flags,
        flags::SUBFLOW | flags::FULLMESH,
        "signal is not changeable"
    );
    assert_eq!(changed, flags::BACKUP | flags::FULLMESH);
    assert_eq!(t.get(1).unwrap().flags, flags::SUBFLOW | flags::FULLMESH);

    assert_eq!(
        t.set_flags(Target::Id(2), flags::FULLMESH),
        Err(Refusal::FullmeshNotAllowed)
    );
    assert_eq!(t.set_flags(Target::Id(0), 0), Err(Refusal::MissingId));
    assert_eq!(t.set_flags(Target::Id(9), 0), Err(Refusal::NotFound));
    assert_eq!(
        t.set_flags(Target::Addr(v4(9), 0), 0),
        Err(Refusal::NotFound)
    );
}

#[test]
fn dumps_resume_after_the_last_id_sent() {
    let mut t = Endpoints::EMPTY;
    for (i, id) in [5u8, 1, 255, 77].into_iter().enumerate() {
        t.add(with_id(v4(i as u8), id)).unwrap();
    }
    let mut seen = Vec::new();
    let mut last = 0;
    while let Some(e) = t.next_after(last) {
        seen.push(e.id);
        last = e.id;
    }
    assert_eq!(seen, [1, 5, 77, 255]);
    assert_eq!(t.next_after(255), None);
}

#[test]
fn limits_default_to_upstreams_and_refuse_above_64_without_partial_change() {
    let mut l = Limits::DEFAULT;
    assert_eq!((l.add_addr_accepted, l.subflows), (0, 2));
    assert_eq!(
        l.set(Some(LIMIT_MAX + 1), Some(1)),
        Err(Refusal::LimitTooLarge)
    );
    assert_eq!(
        l.set(Some(1), Some(LIMIT_MAX + 1)),
        Err(Refusal::LimitTooLarge)
    );
    assert_eq!(l, Limits::DEFAULT);
    assert_eq!(l.set(None, Some(LIMIT_MAX)), Ok(()));
    assert_eq!((l.add_addr_accepted, l.subflows), (0, LIMIT_MAX));
    assert_eq!(l.set(Some(3), None), Ok(()));
    assert_eq!((l.add_addr_accepted, l.subflows), (3, LIMIT_MAX));
}

#[test]
fn refusals_carry_upstreams_errno_and_a_message() {
    for r in [
        Refusal::PortNeedsSignalOnly,
        Refusal::SignalAndFullmesh,
        Refusal::ImplicitByRequest,
        Refusal::TableFull,
        Refusal::IdInUse,
        Refusal::Duplicate,
        Refusal::ImplicitWithId,
        Refusal::NoFreeId,
        Refusal::NotFound,
        Refusal::MissingId,
        Refusal::FullmeshNotAllowed,
        Refusal::LimitTooLarge,
    ] {
        assert!(r.errno() > 0);
        assert!(!r.message().to_bytes().is_empty());
    }
    assert_eq!(Refusal::TableFull.errno(), 34);
    assert_eq!(Refusal::Duplicate.errno(), 17);
    assert_eq!(Refusal::IdInUse.errno(), 16);
}

#[test]
fn an_administrators_endpoint_replaces_an_implicit_one_keeping_its_id() {
    let mut t = Endpoints::EMPTY;
    t.add(ep(v4(1))).unwrap();
    assert_eq!(t.add(with_flags(v4(2), flags::IMPLICIT)), Ok(2));
    assert_eq!(t.add(with_id(v4(2), 7)), Err(Refusal::ImplicitWithId));
    assert_eq!(t.add(with_flags(v4(2), flags::SUBFLOW)), Ok(2));
    assert_eq!(t.get(2).map(|e| e.flags), Some(flags::SUBFLOW));
    assert_eq!(t.len(), 2);
}

#[test]
fn subflows_leave_from_subflow_endpoints_of_the_same_family_but_the_first_address() {
    let mut t = Endpoints::EMPTY;
    let v6 = Address::V6([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    let first = v4(1);
    t.add(with_flags(v4(2), flags::SIGNAL)).unwrap(); // 1: announced only
    t.add(with_flags(v4(3), flags::SUBFLOW)).unwrap(); // 2
    t.add(with_flags(v6, flags::SUBFLOW)).unwrap(); // 3: another family
    t.add(with_flags(first, flags::SUBFLOW)).unwrap(); // 4: the first subflow's own
    t.add(with_flags(v4(5), flags::SUBFLOW | flags::BACKUP))
        .unwrap(); // 5
    let picked: Vec<u8> = std::iter::successors(t.next_subflow_source(0, &first, false), |ep| {
        t.next_subflow_source(ep.id, &first, false)
    })
    .map(|ep| ep.id)
    .collect();
    assert_eq!(picked, [2, 5]);
    // Once the first subflow is closed, its address may carry a new one.
    let after_two = t.next_subflow_source(2, &first, true).map(|ep| ep.id);
    assert_eq!(after_two, Some(4));
    assert_eq!(t.next_subflow_source(0, &v6, false).map(|ep| ep.id), None);
    assert_eq!(t.next_subflow_source(255, &first, false), None);

    // IPv4-mapped forms count as IPv4, on either side, and come back unmapped.
    let mapped = |v4: Address| match v4 {
        Address::V4([a, b, c, d]) => {
            Address::V6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d])
        }
        other => other,
    };
    let mut t = Endpoints::EMPTY;
    t.add(with_flags(mapped(v4(3)), flags::SUBFLOW)).unwrap();
    let ep = t
        .next_subflow_source(0, &first, false)
        .expect("the mapped endpoint");
    assert_eq!(ep.addr, v4(3));
    assert_eq!(
        t.next_subflow_source(0, &mapped(first), false)
            .map(|ep| ep.addr),
        Some(v4(3))
    );
    assert_eq!(
        t.next_subflow_source(0, &mapped(v4(3)), false),
        None,
        "the first's own address"
    );
}

#[test]
fn announcements_are_joined_from_laminar_endpoints_of_their_family() {
    let mut t = Endpoints::EMPTY;
    let v6 = Address::V6([0xfd, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    let remote = Address::V4([10, 0, 2, 1]);
    t.add(with_flags(v4(2), flags::SUBFLOW)).unwrap(); // 1: not laminar
    t.add(with_flags(v6, flags::LAMINAR)).unwrap(); // 2: another family
    t.add(with_flags(v4(3), flags::LAMINAR)).unwrap(); // 3
    t.add(with_flags(v4(4), flags::LAMINAR | flags::SUBFLOW))
        .unwrap(); // 4
    let laminar = |after, remote: &Address| t.next_flagged(after, flags::LAMINAR, remote);
    let picked: Vec<u8> = std::iter::successors(laminar(0, &remote), |ep| laminar(ep.id, &remote))
        .map(|ep| ep.id)
        .collect();
    assert_eq!(picked, [3, 4]);
    assert_eq!(laminar(0, &v6).map(|ep| ep.id), Some(2));
    assert_eq!(laminar(4, &remote), None);
    let both = flags::LAMINAR | flags::SUBFLOW;
    assert_eq!(t.next_flagged(0, both, &remote).map(|ep| ep.id), Some(4));
    assert_eq!(t.count_with(flags::LAMINAR), 3);
}

#[test]
fn a_subflow_s_local_endpoint_is_listed_or_made_implicit() {
    let mut t = Endpoints::EMPTY;
    t.add(with_flags(v4(2), flags::SUBFLOW | flags::BACKUP))
        .unwrap();
    // A listed address: its id and flags (the backup flag goes into the MP_JOIN SYN).
    let listed = t.local_endpoint(&v4(2)).expect("listed");
    assert_eq!(
        (listed.id, listed.flags),
        (1, flags::SUBFLOW | flags::BACKUP)
    );
    // An unlisted one becomes an implicit endpoint, once.
    let new = t.local_endpoint(&v4(9)).expect("room for it");
    assert_eq!((new.id, new.flags), (2, flags::IMPLICIT));
    assert_eq!(t.local_endpoint(&v4(9)).map(|e| e.id), Ok(2));
    assert_eq!(t.len(), 2);
}

#[test]
fn announcements_keep_to_the_connection_s_family_unless_either_may_be_used() {
    let mut t = Endpoints::EMPTY;
    let v6 = Address::V6([0xfd, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let first = v4(1);
    t.add(with_flags(first, flags::SIGNAL)).unwrap(); // 1: the first subflow's own
    t.add(with_flags(v6, flags::SIGNAL)).unwrap(); // 2
    t.add(with_flags(v4(2), flags::SUBFLOW)).unwrap(); // 3: not announced
    t.add(with_flags(v4(3), flags::SIGNAL)).unwrap(); // 4
    let announced = |any| {
        std::iter::successors(t.next_signal(0, &first, any, false), |ep| {
            t.next_signal(ep.id, &first, any, false)
        })
        .map(|ep| ep.id)
        .collect::<Vec<u8>>()
    };
    assert_eq!(announced(false), [4], "an IPv4 (or v6-only) connection");
    let first_closed = t.next_signal(0, &first, false, true).map(|ep| ep.id);
    assert_eq!(first_closed, Some(1), "once the first subflow is closed");
    assert_eq!(
        announced(true),
        [2, 4],
        "an IPv6 socket that is not v6-only"
    );
}
