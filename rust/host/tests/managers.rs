// SPDX-License-Identifier: GPL-2.0

//! The path managers by name (`net.mptcp.path_manager`, `available_path_managers`) and the
//! number of subflows `ndiffports` opens.

use mptcp_proto::managers::{ndiffports_to_open, PathManager, NAME_MAX};

#[test]
fn each_name_selects_its_manager_and_nothing_else_does() {
    for pm in PathManager::ALL {
        assert_eq!(PathManager::from_name(pm.name().as_bytes()), Some(pm));
        let mut echoed = pm.name().as_bytes().to_vec();
        echoed.push(b'\n');
        assert_eq!(PathManager::from_name(&echoed), Some(pm), "echo's newline");
        assert!(
            pm.name().len() < NAME_MAX,
            "fits upstream's buffer with its NUL"
        );
        assert_eq!(PathManager::from_u8(pm as u8), Some(pm));
    }
    for bad in [
        &b""[..],
        b"\n",
        b"Kernel",
        b"kernel ",
        b" kernel",
        b"kernel\n\n",
        b"userspace",
        b"full",
        b"fullmeshx",
        b"kernel\0",
    ] {
        assert_eq!(PathManager::from_name(bad), None, "{bad:?}");
    }
    assert_eq!(PathManager::from_u8(3), None);
    assert_eq!(PathManager::from_u8(255), None);
}

#[test]
fn available_lists_every_name_once_in_order() {
    let mut buf = [0u8; 64];
    let len = PathManager::write_available(&mut buf);
    assert_eq!(&buf[..len], b"kernel fullmesh ndiffports");
}

#[test]
fn available_writes_whole_names_only_when_short_of_room() {
    let mut buf = [b'#'; 17];
    let len = PathManager::write_available(&mut buf);
    assert_eq!(&buf[..len], b"kernel fullmesh");
    assert!(
        buf[len..].iter().all(|&b| b == b'#'),
        "nothing past the length"
    );
    let mut none = [0u8; 3];
    assert_eq!(PathManager::write_available(&mut none), 0);
}

#[test]
fn ndiffports_opens_the_rest_within_the_limit() {
    // 2 in all: one more than the first.
    assert_eq!(ndiffports_to_open(2, 0, 2), 1);
    // 4 in all, but only 2 more allowed.
    assert_eq!(ndiffports_to_open(4, 0, 2), 2);
    // Some exist already (counted against both).
    assert_eq!(ndiffports_to_open(4, 1, 8), 2);
    assert_eq!(ndiffports_to_open(4, 3, 8), 0);
    assert_eq!(ndiffports_to_open(4, 5, 8), 0);
    // 1 (or 0, read as 1): the first subflow alone.
    assert_eq!(ndiffports_to_open(1, 0, 8), 0);
    assert_eq!(ndiffports_to_open(0, 0, 8), 0);
    // No room at all.
    assert_eq!(ndiffports_to_open(8, 0, 0), 0);
}
