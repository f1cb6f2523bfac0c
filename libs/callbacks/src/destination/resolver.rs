//! [`Resolver`]: how host names become addresses for the destination checks: the system's
//! resolver in production ([`SystemResolver`]), fixed answers that a test can change
//! ([`StaticResolver`], to show what happens when a partner's DNS changes).

use crate::deliveries::BoxFuture;
use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::sync::{PoisonError, RwLock};

/// Resolves host names.
pub trait Resolver: Send + Sync + 'static {
    /// The addresses of `host` (a domain name, never an address literal).
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>>;
}

/// The system's resolver (`getaddrinfo` on a blocking thread).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            let addresses = tokio::net::lookup_host((host, 0)).await?;
            Ok(addresses.map(|address| address.ip()).collect())
        })
    }
}

/// Fixed answers per name, changeable while in use; a name it does not know does not
/// resolve.
#[derive(Debug, Default)]
pub struct StaticResolver {
    names: RwLock<HashMap<String, Vec<IpAddr>>>,
}

impl StaticResolver {
    /// A resolver that knows no name yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// From now on, `name` resolves to `addresses` (none: it does not resolve).
    pub fn set(&self, name: &str, addresses: &[IpAddr]) {
        let mut names = self.names.write().unwrap_or_else(PoisonError::into_inner);
        names.insert(name.to_ascii_lowercase(), addresses.to_vec());
    }
}

impl Resolver for StaticResolver {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        let found = self
            .names
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&host.to_ascii_lowercase())
            .filter(|addresses| !addresses.is_empty())
            .cloned();
        Box::pin(async move {
            found.ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "unknown name"))
        })
    }
}
