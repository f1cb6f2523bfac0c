//! [`Destinations`]: where callbacks may go. An address may be reached when it is public
//! ([`is_public`]: not loopback, unspecified, private, shared, link-local, unique-local,
//! multicast, broadcast, documentation or reserved, judging IPv6 forms that embed an IPv4
//! address by that address) or inside a range the operator allows ([`AllowList`],
//! `PROMO_CALLBACK_ALLOW`).
//!
//! The same policy is applied twice:
//! - when a callback url is set ([`Destinations::vet`], by the API): a url whose host is a
//!   refused address, or a name that resolves only to refused addresses, is refused; a name
//!   that does not resolve then, or a host made of placeholders, is left to the delivery;
//! - before every attempt ([`Destinations::resolve`], by the dispatcher's guard): the host is
//!   resolved once, refused addresses are dropped, and the client connects only to the
//!   addresses that remain (see `client`).
//!
//! Names are resolved by a [`Resolver`]: the system's in production; tests inject their own.

mod allow;
mod ranges;
mod resolver;

pub use allow::{AllowList, AllowListError};
pub use ranges::{is_public, refused_range, REFUSED_V4, REFUSED_V6};
pub use resolver::{Resolver, StaticResolver, SystemResolver};

use reqwest::Url;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The longest wait for a name to resolve.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(3);

/// A host none of whose addresses may be reached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{host} has no allowed address (it is or resolves to {found:?})")]
pub struct NotAllowed {
    /// The host, as the url names it.
    pub host: String,
    /// The addresses it is or resolved to.
    pub found: Vec<IpAddr>,
}

/// Why a host cannot be called now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    /// None of its addresses is allowed: refused for good.
    #[error(transparent)]
    NotAllowed(#[from] NotAllowed),
    /// The name did not resolve (in time): may work later.
    #[error("{host} did not resolve: {reason}")]
    Unresolved {
        /// The name.
        host: String,
        /// The resolver's answer.
        reason: String,
    },
}

/// The destination policy: the allowed ranges and the resolver names go through. Cheap to
/// clone.
#[derive(Clone)]
pub struct Destinations {
    allow: AllowList,
    resolver: Arc<dyn Resolver>,
}

impl Default for Destinations {
    /// Public addresses only, names resolved by the system.
    fn default() -> Self {
        Self::new(AllowList::default())
    }
}

impl std::fmt::Debug for Destinations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Destinations")
            .field("allow", &self.allow.to_string())
            .finish_non_exhaustive()
    }
}

impl Destinations {
    /// Public addresses and those in `allow`, names resolved by the system.
    pub fn new(allow: AllowList) -> Self {
        Self {
            allow,
            resolver: Arc::new(SystemResolver),
        }
    }

    /// The same policy resolving names with `resolver`.
    pub fn with_resolver(self, resolver: Arc<dyn Resolver>) -> Self {
        Self { resolver, ..self }
    }

    /// The ranges allowed besides public addresses.
    pub fn allow_list(&self) -> &AllowList {
        &self.allow
    }

    /// Whether `ip` may be called.
    pub fn allows(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.allow.contains(ip)
    }

    /// The addresses of `url`'s host, at its port, that may be called: the address itself
    /// for an address literal, else what the name resolves to (within [`LOOKUP_TIMEOUT`])
    /// without the refused ones. Never empty.
    pub async fn resolve(&self, url: &Url) -> Result<Vec<SocketAddr>, Unusable> {
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(80);
        let found = self.addresses(host).await?;
        let allowed: Vec<SocketAddr> = found
            .iter()
            .filter(|ip| self.allows(**ip))
            .map(|ip| SocketAddr::new(*ip, port))
            .collect();
        if allowed.is_empty() {
            return Err(Unusable::NotAllowed(NotAllowed {
                host: host.to_owned(),
                found,
            }));
        }
        Ok(allowed)
    }

    /// The check made when a callback url (a template with `%{...}` placeholders) is set:
    /// refused when its host is a refused address or a name that resolves only to refused
    /// addresses. Anything this cannot judge now passes, to be checked before every attempt:
    /// a name that does not resolve, a host that is (partly) a placeholder, a url that does
    /// not parse or is not http(s) (the domain's url rules answer those).
    pub async fn vet(&self, template: &str) -> Result<(), NotAllowed> {
        let authority = template
            .split_once("://")
            .and_then(|(_, rest)| rest.split(['/', '?', '#']).next())
            .unwrap_or_default();
        if authority.contains("%{") {
            return Ok(());
        }
        let Ok(url) = Url::parse(template) else {
            return Ok(());
        };
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Ok(());
        }
        match self.resolve(&url).await {
            Err(Unusable::NotAllowed(refused)) => Err(refused),
            Ok(_) | Err(Unusable::Unresolved { .. }) => Ok(()),
        }
    }

    /// The address `host` is, or the addresses it resolves to.
    async fn addresses(&self, host: &str) -> Result<Vec<IpAddr>, Unusable> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let unresolved = |reason: String| Unusable::Unresolved {
            host: host.to_owned(),
            reason,
        };
        match tokio::time::timeout(LOOKUP_TIMEOUT, self.resolver.lookup(host)).await {
            Ok(Ok(found)) if !found.is_empty() => Ok(found),
            Ok(Ok(_)) => Err(unresolved("no address".into())),
            Ok(Err(error)) => Err(unresolved(error.to_string())),
            Err(_) => Err(unresolved("the lookup timed out".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn policy(allow: &str, names: &[(&str, &[&str])]) -> Destinations {
        let resolver = StaticResolver::new();
        for (name, addresses) in names {
            let addresses: Vec<IpAddr> = addresses.iter().map(|a| a.parse().unwrap()).collect();
            resolver.set(name, &addresses);
        }
        Destinations::new(allow.parse().unwrap()).with_resolver(Arc::new(resolver))
    }

    #[tokio::test]
    async fn literal_refused_addresses_are_refused_whatever_their_spelling() {
        let policy = policy("", &[]);
        for url in [
            "http://127.0.0.1:5432/x",
            "http://0.0.0.0:8080/v1.0/members",
            "http://169.254.169.254/latest/meta-data/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://017700000001/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]:80/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://[64:ff9b::a00:1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "https://10.0.0.1/cb/%{credential_id}?t=%{redeemed_at}",
            "http://user:pass@192.168.0.1/",
            "http://255.255.255.255/",
            "http://224.0.0.1/",
            "http://100.64.0.1/",
        ] {
            assert!(policy.vet(url).await.is_err(), "{url}");
        }
    }

    #[tokio::test]
    async fn names_are_judged_by_what_they_resolve_to() {
        let policy = policy(
            "",
            &[
                ("internal.test", &["10.0.0.5", "127.0.0.1"]),
                ("mixed.test", &["10.0.0.5", "93.184.216.34"]),
                ("partner.test", &["93.184.216.34"]),
            ],
        );
        let refused = policy.vet("https://internal.test/cb").await.unwrap_err();
        assert_eq!(refused.host, "internal.test");
        assert_eq!(refused.found.len(), 2);
        assert!(policy.vet("https://partner.test/cb").await.is_ok());
        assert!(policy.vet("https://unknown.test/cb").await.is_ok());
        let url = Url::parse("https://mixed.test/cb").unwrap();
        assert_eq!(
            policy.resolve(&url).await.unwrap(),
            vec!["93.184.216.34:443".parse().unwrap()],
            "only the allowed address is kept"
        );
        let unknown = Url::parse("http://unknown.test:81/").unwrap();
        assert!(matches!(
            policy.resolve(&unknown).await,
            Err(Unusable::Unresolved { .. })
        ));
    }

    #[tokio::test]
    async fn what_cannot_be_judged_at_create_time_passes() {
        let policy = policy("", &[]);
        for template in [
            "http://%{sf_ac}/cb",
            "http://127.0.0.1%{x}/cb",
            "https://%{sf_ac}.partner.example/cb",
            "ftp://127.0.0.1/",
            "not a url",
            "https://93.184.216.34/cb/%{credential_id}",
        ] {
            assert!(policy.vet(template).await.is_ok(), "{template}");
        }
    }

    #[tokio::test]
    async fn the_allow_list_opens_its_ranges_only() {
        let policy = policy("127.0.0.0/8,10.1.0.0/16", &[("db.test", &["10.2.0.1"])]);
        assert!(policy.vet("http://127.0.0.1:9000/cb").await.is_ok());
        assert!(policy
            .vet("http://[::ffff:127.0.0.1]:9000/cb")
            .await
            .is_ok());
        assert!(policy.vet("http://10.1.3.4/cb").await.is_ok());
        assert!(policy.vet("http://10.2.0.1/cb").await.is_err());
        assert!(policy.vet("http://db.test/cb").await.is_err());
        assert!(policy.vet("http://169.254.169.254/").await.is_err());
    }
}
