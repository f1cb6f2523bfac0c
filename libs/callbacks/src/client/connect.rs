//! [`CheckedResolve`]: the HTTP client's resolver, so that it connects only to addresses the
//! guard checked. Before an attempt to a host name, the deliverer pins the addresses the
//! guard allowed for that name ([`Pins::pin`]) for as long as the attempt lasts; when the
//! client opens a connection it gets exactly those, without asking DNS again, so a name
//! whose answer changes between the check and the connection (DNS rebinding) still reaches
//! the checked address. A name with no pin (never expected) is resolved and filtered through
//! the same policy.
//!
//! Addresses are answered with port 0, so the client uses each request's own port. A url
//! with an address literal never reaches a resolver: the guard checked the address itself.
//! Connections kept alive are reused per host name; each was opened to a checked address.

use crate::destination::{Destinations, Unusable};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The checked addresses of names with attempts in flight.
#[derive(Default)]
pub struct Pins {
    names: Mutex<HashMap<String, Pin>>,
}

struct Pin {
    addresses: Vec<SocketAddr>,
    attempts: usize,
}

impl Pins {
    /// Pins `addresses` for `name` until the answer is dropped (a later pin of the same name,
    /// by a concurrent attempt, replaces the addresses with its own checked ones).
    /// Ports do not matter: the client uses the request's.
    pub fn pin(self: &Arc<Self>, name: &str, addresses: &[SocketAddr]) -> Pinned {
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        let pin = names.entry(name.to_owned()).or_insert(Pin {
            addresses: Vec::new(),
            attempts: 0,
        });
        pin.addresses = without_ports(addresses.iter().copied());
        pin.attempts += 1;
        Pinned {
            pins: self.clone(),
            name: name.to_owned(),
        }
    }

    fn get(&self, name: &str) -> Option<Vec<SocketAddr>> {
        let names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        names.get(name).map(|pin| pin.addresses.clone())
    }
}

/// A pin held by one attempt.
pub struct Pinned {
    pins: Arc<Pins>,
    name: String,
}

impl Drop for Pinned {
    fn drop(&mut self) {
        let mut names = self
            .pins
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(pin) = names.get_mut(&self.name) {
            pin.attempts = pin.attempts.saturating_sub(1);
            if pin.attempts == 0 {
                names.remove(&self.name);
            }
        }
    }
}

/// The client's resolver: pinned addresses, else the policy's filtered answer.
pub struct CheckedResolve {
    pins: Arc<Pins>,
    destinations: Destinations,
}

impl CheckedResolve {
    /// A resolver answering from `pins`, else resolving under `destinations`.
    pub fn new(pins: Arc<Pins>, destinations: Destinations) -> Self {
        Self { pins, destinations }
    }
}

impl Resolve for CheckedResolve {
    fn resolve(&self, name: Name) -> Resolving {
        let name = name.as_str().to_owned();
        if let Some(addresses) = self.pins.get(&name) {
            return Box::pin(async move { Ok(Box::new(addresses.into_iter()) as Addrs) });
        }
        let destinations = self.destinations.clone();
        Box::pin(async move {
            let url = Url::parse(&format!("http://{name}/"))
                .map_err(|error| Box::new(error) as BoxError)?;
            let addresses = destinations
                .resolve(&url)
                .await
                .map_err(|unusable: Unusable| Box::new(unusable) as BoxError)?;
            Ok(Box::new(without_ports(addresses.into_iter()).into_iter()) as Addrs)
        })
    }
}

/// `addresses` with port 0: the client puts the request's port in.
fn without_ports(addresses: impl Iterator<Item = SocketAddr>) -> Vec<SocketAddr> {
    addresses
        .map(|address| SocketAddr::new(address.ip(), 0))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::destination::StaticResolver;
    use std::str::FromStr;

    fn at(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    async fn answer(resolve: &CheckedResolve, name: &str) -> Result<Vec<SocketAddr>, String> {
        match resolve.resolve(Name::from_str(name).unwrap()).await {
            Ok(addresses) => Ok(addresses.collect()),
            Err(error) => Err(error.to_string()),
        }
    }

    #[tokio::test]
    async fn pinned_addresses_win_over_dns_until_the_last_attempt_ends() {
        let resolver = Arc::new(StaticResolver::new());
        resolver.set("partner.test", &["10.0.0.9".parse().unwrap()]);
        let destinations = Destinations::default().with_resolver(resolver);
        let pins = Arc::new(Pins::default());
        let resolve = CheckedResolve::new(pins.clone(), destinations);

        let first = pins.pin("partner.test", &[at("93.184.216.34:80")]);
        let second = pins.pin("partner.test", &[at("93.184.216.35:80")]);
        assert_eq!(
            answer(&resolve, "partner.test").await,
            Ok(vec![at("93.184.216.35:0")])
        );
        drop(second);
        assert!(answer(&resolve, "partner.test").await.is_ok());
        drop(first);
        let unpinned = answer(&resolve, "partner.test").await.unwrap_err();
        assert!(unpinned.contains("no allowed address"), "{unpinned}");
        assert!(pins.names.lock().unwrap().is_empty());
    }
}
