//! [`AuthLimits`]: how many `GET /auth` attempts are let through, per identity and per client
//! address, so that neither one identity's key nor many identities from one place can be
//! guessed at speed.
//!
//! Every attempt spends a unit of both budgets before its credentials are looked at (governor's
//! `check_key` takes the unit atomically), so attempts sent in parallel cannot get past the
//! allowance, and a right key sent while the identity is limited is refused too: a guesser
//! cannot tell a right key from a wrong one by its answer. The address is the TCP peer's (never
//! a header the caller writes); an IPv6 address counts by its /64 network, which one client
//! usually holds whole.
//!
//! Lifetime: one instance per [`crate::AppState`] (so per server), shared by its workers.

use governor::clock::{Clock, MonotonicClock};
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Attempts one identity may make in a burst.
pub const IDENTITY_BURST: u32 = 10;
/// One more attempt per identity is allowed per this period once the burst is spent.
pub const IDENTITY_REFILL: Duration = Duration::from_secs(6);
/// Attempts one client address may make in a burst.
pub const ADDRESS_BURST: u32 = 30;
/// One more attempt per address is allowed per this period once the burst is spent.
pub const ADDRESS_REFILL: Duration = Duration::from_secs(1);
/// Budgets remembered before those back to full are forgotten.
const PRUNE_ABOVE: usize = 10_000;

pub(crate) type Budgets<K> = RateLimiter<K, HashMapStateStore<K>, MonotonicClock>;

/// Where an attempt comes from, as budgets are kept: an IPv4 address, an IPv6 /64 network, or
/// unknown (no TCP peer, as in some tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    V4([u8; 4]),
    V6Network([u8; 8]),
    Unknown,
}

impl Origin {
    /// Where `address` comes from.
    pub(crate) fn of(address: Option<IpAddr>) -> Self {
        match address.map(|address| address.to_canonical()) {
            Some(IpAddr::V4(v4)) => Self::V4(v4.octets()),
            Some(IpAddr::V6(v6)) => {
                let mut network = [0; 8];
                network.copy_from_slice(&v6.octets()[..8]);
                Self::V6Network(network)
            }
            None => Self::Unknown,
        }
    }
}

/// The `/auth` budgets of one server.
pub struct AuthLimits {
    identities: Budgets<String>,
    origins: Budgets<Origin>,
}

impl Default for AuthLimits {
    fn default() -> Self {
        Self {
            identities: budgets(IDENTITY_BURST, IDENTITY_REFILL),
            origins: budgets(ADDRESS_BURST, ADDRESS_REFILL),
        }
    }
}

impl std::fmt::Debug for AuthLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLimits")
            .field("identities", &self.identities.len())
            .field("origins", &self.origins.len())
            .finish()
    }
}

/// Budgets of `burst` units each, one unit back per `refill`.
pub(crate) fn budgets<K: Clone + Eq + Hash>(burst: u32, refill: Duration) -> Budgets<K> {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(refill)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    RateLimiter::new(quota, HashMapStateStore::default(), MonotonicClock)
}

impl AuthLimits {
    /// Spends one attempt of `address`'s budget, then one of `identity`'s; answers how long
    /// the caller must wait when either was already spent (the attempt is then refused
    /// without looking at its credentials).
    pub fn attempt(&self, identity: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let origin = Origin::of(address);
        let spent = spend(&self.origins, &origin)
            .and_then(|()| spend(&self.identities, &identity.to_owned()));
        prune(&self.origins);
        prune(&self.identities);
        spent
    }
}

/// Spends one unit of `key`'s budget; how long to wait when it was spent.
pub(crate) fn spend<K: Clone + Eq + Hash>(budgets: &Budgets<K>, key: &K) -> Result<(), Duration> {
    budgets
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(budgets.clock().now()))
}

/// Forgets budgets back to full once there are many.
pub(crate) fn prune<K: Clone + Eq + Hash>(budgets: &Budgets<K>) {
    if budgets.len() > PRUNE_ABOVE {
        budgets.retain_recent();
        budgets.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const HOME: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));

    #[test]
    fn an_identity_gets_its_burst_then_waits() {
        let limits = AuthLimits::default();
        for _ in 0..IDENTITY_BURST {
            assert_eq!(limits.attempt("pos-1", HOME), Ok(()));
        }
        let wait = limits.attempt("pos-1", HOME).err().unwrap_or_default();
        assert!(wait > Duration::ZERO && wait <= IDENTITY_REFILL, "{wait:?}");
        assert_eq!(limits.attempt("pos-2", HOME), Ok(()));
    }

    #[test]
    fn an_address_gets_its_burst_across_identities() {
        let limits = AuthLimits::default();
        for n in 0..ADDRESS_BURST {
            assert_eq!(limits.attempt(&format!("id-{n}"), HOME), Ok(()));
        }
        assert!(limits.attempt("fresh", HOME).is_err());
        let elsewhere = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(limits.attempt("fresh", elsewhere), Ok(()));
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let limits = AuthLimits::default();
        for n in 0..ADDRESS_BURST {
            let address =
                Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, u16::try_from(n).unwrap_or(0));
            assert_eq!(
                limits.attempt(&format!("id-{n}"), Some(address.into())),
                Ok(())
            );
        }
        let same_network = Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 9, 9, 9, 9);
        assert!(limits.attempt("fresh", Some(same_network.into())).is_err());
    }
}
