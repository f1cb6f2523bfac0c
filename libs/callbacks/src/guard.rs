//! [`Guard`]: the checks a url passes before any attempt: http or https only, a host, and
//! never the server's own listener (the address the dispatcher is told), whatever name or
//! address points at it. Host names are resolved here to compare their addresses; a name that
//! does not resolve is a failed attempt (retried), not a refusal.
//!
//! Limit: the name is resolved again by the client when it connects, so a partner's DNS that
//! answers differently between the two lookups is not caught.

use reqwest::Url;
use std::net::{IpAddr, SocketAddr};

/// Why an attempt was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Blocked {
    /// The url is refused for good: the delivery ends.
    #[error("refused: {0}")]
    Refused(String),
    /// The host name did not resolve now: the attempt fails and is retried.
    #[error("cannot resolve the host: {0}")]
    Unresolved(String),
}

/// The url checks.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    own: Option<SocketAddr>,
}

impl Guard {
    /// Checks refusing the server's listener at `own` (none: only the scheme and host).
    pub fn new(own: Option<SocketAddr>) -> Self {
        Self { own }
    }

    /// The parsed url when it may be called.
    pub async fn check(&self, url: &str) -> Result<Url, Blocked> {
        let parsed = Url::parse(url).map_err(|error| Blocked::Refused(format!("{error}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Blocked::Refused(format!(
                "scheme {} is not http or https",
                parsed.scheme()
            )));
        }
        let Some(host) = parsed.host_str() else {
            return Err(Blocked::Refused("no host".into()));
        };
        let Some(own) = self.own else {
            return Ok(parsed);
        };
        let port = parsed.port_or_known_default().unwrap_or(80);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|error| Blocked::Unresolved(error.to_string()))?
                .collect(),
        };
        if addresses.iter().any(|address| is_own(*address, own)) {
            return Err(Blocked::Refused("the server's own listener".into()));
        }
        Ok(parsed)
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
    use super::*;

    fn own() -> Guard {
        Guard::new(Some(
            "127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!()),
        ))
    }

    #[tokio::test]
    async fn only_http_and_https_with_a_host() {
        let guard = Guard::new(None);
        assert!(guard.check("https://partner.example/cb?x=1").await.is_ok());
        assert!(guard.check("http://10.1.2.3:81/").await.is_ok());
        for url in [
            "ftp://partner.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "nope",
        ] {
            assert!(
                matches!(guard.check(url).await, Err(Blocked::Refused(_))),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn never_the_servers_own_listener() {
        let guard = own();
        for url in [
            "http://127.0.0.1:8080/v1.0/members",
            "http://localhost:8080/x",
            "http://[::ffff:127.0.0.1]:8080/x",
        ] {
            assert!(
                matches!(guard.check(url).await, Err(Blocked::Refused(_))),
                "{url}"
            );
        }
        assert!(guard.check("http://127.0.0.1:8081/x").await.is_ok());
        assert!(guard.check("http://127.0.0.2:8080/x").await.is_ok());
    }

    #[test]
    fn an_unspecified_bind_covers_loopback() {
        let any: SocketAddr = "0.0.0.0:9000".parse().unwrap_or_else(|_| unreachable!());
        assert!(is_own(
            "127.0.0.1:9000".parse().unwrap_or_else(|_| unreachable!()),
            any
        ));
        assert!(is_own(
            "[::1]:9000".parse().unwrap_or_else(|_| unreachable!()),
            any
        ));
        assert!(!is_own(
            "127.0.0.1:9001".parse().unwrap_or_else(|_| unreachable!()),
            any
        ));
    }
}
