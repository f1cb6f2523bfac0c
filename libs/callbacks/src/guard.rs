//! [`Guard`]: the checks a url passes before any attempt: http or https only, a host, at
//! least one address the [`Destinations`] policy allows (refused addresses are dropped), and
//! never the server's own listener (the address the dispatcher is told), whatever name or
//! address points at it, even inside an allowed range. A name that does not resolve is a
//! failed attempt (retried), not a refusal.
//!
//! The host is resolved here once per attempt; the client then connects only to the
//! addresses this returns (see `client`), so a partner's DNS that answers differently a
//! moment later (rebinding) cannot switch the connection to a refused address.

use crate::destination::{Destinations, NotAllowed, Unusable};
use reqwest::Url;
use std::net::SocketAddr;

/// Why a url is refused for good.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not an http or https url with a host.
    #[error("not an http or https url with a host: {0}")]
    Url(String),
    /// None of the host's addresses is allowed.
    #[error(transparent)]
    Destination(#[from] NotAllowed),
    /// The host is (or resolves to) the server's own listener.
    #[error("the server's own listener {0}")]
    OwnListener(SocketAddr),
}

impl Refusal {
    /// What users are told (the delivery's `last_error`); the details go to the logs.
    pub fn class(&self) -> &'static str {
        match self {
            Self::Url(_) => "not an http or https url",
            Self::Destination(_) | Self::OwnListener(_) => "destination not allowed",
        }
    }
}

/// Why an attempt was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Blocked {
    /// The url is refused for good: the delivery ends.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// The host name did not resolve now: the attempt fails and is retried.
    #[error("cannot resolve the host: {0}")]
    Unresolved(String),
}

/// A url that may be called, with the addresses to connect to (never empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The parsed url.
    pub url: Url,
    /// The allowed addresses of its host, at its port.
    pub addresses: Vec<SocketAddr>,
}

impl Checked {
    /// The host when it is a name (not an address literal).
    pub fn name(&self) -> Option<&str> {
        let host = self.url.host_str()?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        bare.parse::<std::net::IpAddr>().is_err().then_some(host)
    }
}

/// The url checks.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    destinations: Destinations,
    own: Option<SocketAddr>,
}

impl Guard {
    /// Checks under `destinations`, refusing the server's listener at `own` (if any).
    pub fn new(destinations: Destinations, own: Option<SocketAddr>) -> Self {
        Self { destinations, own }
    }

    /// The policy the guard applies.
    pub fn destinations(&self) -> &Destinations {
        &self.destinations
    }

    /// The url and the addresses it may be called at.
    pub async fn check(&self, url: &str) -> Result<Checked, Blocked> {
        let parsed = Url::parse(url).map_err(|error| Refusal::Url(error.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Refusal::Url(format!("scheme {}", parsed.scheme())).into());
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(Refusal::Url("no host".into()).into());
        }
        let addresses = match self.destinations.resolve(&parsed).await {
            Ok(addresses) => addresses,
            Err(Unusable::NotAllowed(refused)) => return Err(Refusal::from(refused).into()),
            Err(unresolved @ Unusable::Unresolved { .. }) => {
                return Err(Blocked::Unresolved(unresolved.to_string()))
            }
        };
        if let Some(own) = self.own {
            if let Some(address) = addresses.iter().find(|address| is_own(**address, own)) {
                return Err(Refusal::OwnListener(*address).into());
            }
        }
        Ok(Checked {
            url: parsed,
            addresses,
        })
    }
}

/// Whether a connection to `address` reaches a listener bound to `own`.
fn is_own(address: SocketAddr, own: SocketAddr) -> bool {
    if address.port() != own.port() {
        return false;
    }
    let (ip, own_ip) = (address.ip().to_canonical(), own.ip().to_canonical());
    ip == own_ip || (own_ip.is_unspecified() && (ip.is_loopback() || ip.is_unspecified()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::destination::{AllowList, StaticResolver};
    use std::net::IpAddr;
    use std::sync::Arc;

    fn loopback_allowed(own: Option<&str>) -> Guard {
        let resolver = StaticResolver::new();
        resolver.set("localhost", &["127.0.0.1".parse().unwrap()]);
        resolver.set("partner.test", &["93.184.216.34".parse().unwrap()]);
        let allow: AllowList = "127.0.0.0/8,::1".parse().unwrap();
        Guard::new(
            Destinations::new(allow).with_resolver(Arc::new(resolver)),
            own.map(|own| own.parse().unwrap()),
        )
    }

    #[tokio::test]
    async fn only_http_and_https_with_a_host() {
        let guard = loopback_allowed(None);
        let checked = guard.check("https://partner.test/cb?x=1").await.unwrap();
        assert_eq!(checked.name(), Some("partner.test"));
        assert_eq!(
            checked.addresses,
            vec!["93.184.216.34:443".parse().unwrap()]
        );
        let literal = guard.check("http://93.184.216.34:81/").await.unwrap();
        assert_eq!(literal.name(), None);
        for url in [
            "ftp://partner.test/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "nope",
        ] {
            let refused = guard.check(url).await.unwrap_err();
            assert!(
                matches!(&refused, Blocked::Refused(refusal) if refusal.class() == "not an http or https url"),
                "{url}: {refused:?}"
            );
        }
        assert!(matches!(
            guard.check("http://unknown.test/").await,
            Err(Blocked::Unresolved(_))
        ));
    }

    #[tokio::test]
    async fn refused_destinations_are_refused_before_any_attempt() {
        let guard = Guard::default();
        for url in [
            "http://10.1.2.3:81/",
            "http://127.0.0.1:5432/x",
            "http://[::ffff:169.254.169.254]/",
        ] {
            let refused = guard.check(url).await.unwrap_err();
            assert!(
                matches!(&refused, Blocked::Refused(refusal @ Refusal::Destination(_)) if refusal.class() == "destination not allowed"),
                "{url}: {refused:?}"
            );
        }
    }

    #[tokio::test]
    async fn never_the_servers_own_listener_even_when_allowed() {
        let guard = loopback_allowed(Some("127.0.0.1:8080"));
        for url in [
            "http://127.0.0.1:8080/v1.0/members",
            "http://localhost:8080/x",
            "http://[::ffff:127.0.0.1]:8080/x",
        ] {
            assert!(
                matches!(
                    guard.check(url).await,
                    Err(Blocked::Refused(Refusal::OwnListener(_)))
                ),
                "{url}"
            );
        }
        assert!(guard.check("http://127.0.0.1:8081/x").await.is_ok());
        assert!(guard.check("http://127.0.0.2:8080/x").await.is_ok());
    }

    #[test]
    fn an_unspecified_bind_covers_loopback() {
        let any: SocketAddr = "0.0.0.0:9000".parse().unwrap();
        assert!(is_own("127.0.0.1:9000".parse().unwrap(), any));
        assert!(is_own("[::1]:9000".parse().unwrap(), any));
        assert!(!is_own("127.0.0.1:9001".parse().unwrap(), any));
        let ip: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert!(is_own(SocketAddr::new(ip, 9000), any));
    }
}
