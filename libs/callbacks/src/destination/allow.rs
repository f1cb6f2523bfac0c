//! [`AllowList`]: the ranges an operator lets callbacks reach although they are not public
//! (partners on a private network), parsed from `PROMO_CALLBACK_ALLOW`: a comma-separated
//! list of CIDR ranges (`127.0.0.0/8,10.1.0.0/16,fd00::/8`); a bare address is a range of one.

use ipnet::IpNet;
use std::net::IpAddr;
use std::str::FromStr;

/// A range of the list does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a CIDR range (e.g. 10.1.0.0/16) nor an address")]
pub struct AllowListError(pub String);

/// Ranges allowed although not public. Empty by default: nothing but public addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowList(Vec<IpNet>);

impl AllowList {
    /// Whether `ip` (or the IPv4 address an IPv4-mapped `ip` carries) is in a range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let canonical = ip.to_canonical();
        self.0
            .iter()
            .any(|range| range.contains(&ip) || range.contains(&canonical))
    }

    /// Whether the list allows nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromStr for AllowList {
    type Err = AllowListError;

    /// Comma-separated ranges; blanks around them and empty items are ignored.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map(|range| range.trunc())
                    .map_err(|_| AllowListError(item.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

impl std::fmt::Display for AllowList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ranges: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&ranges.join(","))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_and_bare_addresses_parse_and_match() {
        let list: AllowList = " 127.0.0.0/8, 10.1.0.0/16,,fd00::/8 ,192.168.5.7"
            .parse()
            .unwrap();
        assert_eq!(
            list.to_string(),
            "127.0.0.0/8,10.1.0.0/16,fd00::/8,192.168.5.7/32"
        );
        for allowed in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.255.1",
            "fd12::1",
            "192.168.5.7",
            "::ffff:127.0.0.1",
            "::ffff:10.1.0.9",
        ] {
            assert!(list.contains(ip(allowed)), "{allowed}");
        }
        for refused in [
            "10.2.0.1",
            "192.168.5.8",
            "fe80::1",
            "::1",
            "169.254.169.254",
        ] {
            assert!(!list.contains(ip(refused)), "{refused}");
        }
    }

    #[test]
    fn host_bits_are_dropped_and_empty_allows_nothing() {
        let list: AllowList = "10.1.2.3/16".parse().unwrap();
        assert_eq!(list.to_string(), "10.1.0.0/16");
        assert!(list.contains(ip("10.1.200.1")));
        let empty: AllowList = " , ".parse().unwrap();
        assert!(empty.is_empty());
        assert!(!empty.contains(ip("127.0.0.1")));
    }

    #[test]
    fn anything_else_is_named_in_the_error() {
        for bad in [
            "localhost",
            "10.0.0.0/33",
            "10.0.0/8",
            "fe80::/129",
            "127.0.0.0/8;10.0.0.0/8",
            "*",
        ] {
            let error = bad.parse::<AllowList>().unwrap_err();
            assert!(error.to_string().contains("not a CIDR range"), "{bad}");
        }
        assert_eq!(
            "10.0.0.0/8,nope".parse::<AllowList>(),
            Err(AllowListError("nope".into()))
        );
    }
}
