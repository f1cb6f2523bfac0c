//! Which addresses are public: [`is_public`] refuses every address a callback must not reach
//! unless an operator allows it (loopback, unspecified, private, shared, link-local,
//! unique-local, multicast, broadcast, documentation, benchmarking and reserved ranges), and
//! judges IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) by the
//! address they embed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The IPv4 ranges that are not public (IANA's special-purpose registry, plus multicast and
/// the reserved 240/4 with the broadcast address): network, prefix length, name.
pub const REFUSED_V4: &[(Ipv4Addr, u8, &str)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8, "this network (unspecified)"),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private"),
    (
        Ipv4Addr::new(100, 64, 0, 0),
        10,
        "shared address space (CGN)",
    ),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local (cloud metadata)",
    ),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "6to4 relay anycast"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private"),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved and broadcast"),
];

/// The refused IPv6 ranges inside global unicast (2000::/3); everything outside 2000::/3 is
/// refused too (loopback, unspecified, unique-local, link-local, site-local, multicast,
/// discard, NAT64 local-use...), once the forms embedding an IPv4 address are judged by it.
pub const REFUSED_V6: &[(Ipv6Addr, u8, &str)] = &[
    (
        Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0),
        23,
        "IETF protocol assignments (Teredo, benchmarking, ORCHID)",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (
        Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0),
        20,
        "documentation",
    ),
];

/// Whether `ip` is a public address a callback may reach without an operator's allowance.
pub fn is_public(ip: IpAddr) -> bool {
    refused_range(ip).is_none()
}

/// The name of the refused range `ip` falls in, for the logs (`None`: public).
pub fn refused_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => v4_range(ip),
        IpAddr::V6(ip) => match embedded_v4(ip) {
            Some(v4) => v4_range(v4),
            None if !in_v6(ip, GLOBAL_UNICAST, 3) => Some("not global unicast IPv6"),
            None => REFUSED_V6
                .iter()
                .find(|(net, len, _)| in_v6(ip, *net, *len))
                .map(|(_, _, name)| *name),
        },
    }
}

/// 2000::/3, where every public IPv6 address is.
const GLOBAL_UNICAST: Ipv6Addr = Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0);

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    REFUSED_V4
        .iter()
        .find(|(net, len, _)| in_v4(ip, *net, *len))
        .map(|(_, _, name)| *name)
}

/// The IPv4 address an IPv6 address carries: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`, which covers `::` and `::1` as 0.0.0.0 and 0.0.0.1), NAT64 well-known prefix
/// (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::/48`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let pair = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    match ip.segments() {
        [0, 0, 0, 0, 0, 0xffff, high, low]
        | [0, 0, 0, 0, 0, 0, high, low]
        | [0x64, 0xff9b, 0, 0, 0, 0, high, low]
        | [0x2002, high, low, ..] => Some(pair(high, low)),
        _ => None,
    }
}

fn in_v4(ip: Ipv4Addr, net: Ipv4Addr, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    u32::from(ip) & mask == u32::from(net) & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn every_refused_ipv4_range_is_refused_at_both_ends() {
        for (net, len, name) in REFUSED_V4 {
            let first = u32::from(*net);
            let last = first | (u32::MAX >> len);
            for ip in [first, first + 1, last] {
                let ip = Ipv4Addr::from(ip);
                assert!(!is_public(IpAddr::V4(ip)), "{ip} ({name})");
            }
            if let Some(after) = last.checked_add(1) {
                let after = Ipv4Addr::from(after);
                let covered = REFUSED_V4.iter().any(|(n, l, _)| in_v4(after, *n, *l));
                assert_eq!(is_public(IpAddr::V4(after)), !covered, "{after}");
            }
        }
    }

    #[test]
    fn the_attackers_examples_and_every_named_class_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.10",
            "198.18.0.1",
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "ff0e::1",
            "fec0::1",
            "100::1",
            "64:ff9b:1::a00:1",
            "2001:db8::1",
            "2001::1",
            "3fff::1",
        ] {
            assert!(!public(ip), "{ip} must be refused");
            assert!(refused_range(ip.parse().unwrap()).is_some(), "{ip}");
        }
    }

    #[test]
    fn ipv6_forms_of_refused_ipv4_addresses_are_refused() {
        for ip in [
            "::ffff:127.0.0.1",
            "::ffff:7f00:1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::ffff:0.0.0.0",
            "::ffff:192.168.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::10.0.0.1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::",
            "2002:c0a8:101::1",
        ] {
            assert!(!public(ip), "{ip} must be refused");
        }
    }

    #[test]
    fn public_addresses_and_their_ipv6_forms_are_allowed() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "169.253.255.255",
            "192.169.0.1",
            "11.0.0.1",
            "223.255.255.254",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:82b::200e",
            "2001:4860:4860::8888",
        ] {
            assert!(public(ip), "{ip} must be allowed");
            assert_eq!(refused_range(ip.parse().unwrap()), None, "{ip}");
        }
    }
}
