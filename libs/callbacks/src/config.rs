//! [`DispatcherConfig`]: the dispatcher's settings, with their defaults and how they are read
//! from `PROMO_*` environment variables (by both the server and the dispatcher binary).
//!
//! - `PROMO_CALLBACK_DEADLINE_MS`: how long a delivery is retried before it times out,
//!   default 60,000 (60 s).
//! - `PROMO_CALLBACK_TIMEOUT_MS`: the timeout of one attempt, default 10,000.
//! - `PROMO_CALLBACK_PER_HOST`: attempts in flight per destination, the address and port a
//!   partner's host resolves to (however many names point at it), default 8.
//! - `PROMO_CALLBACK_CONCURRENCY`: attempts in flight in all, default 256.
//! - `PROMO_CALLBACK_PER_ACCOUNT`: attempts in flight per account, so one tenant's slow or
//!   dead partners cannot take the others' share; default a quarter of the concurrency
//!   (64 of the default 256), at least 1.
//! - `PROMO_CALLBACK_ALLOW`: ranges callbacks may reach although they are not public
//!   (partners on a private network), comma-separated CIDR ranges such as
//!   `127.0.0.0/8,10.1.0.0/16`; default none. The API checks callback urls against the same
//!   list when they are set. The server's own listener stays refused.

use crate::backoff::Backoff;
use crate::destination::{AllowList, Destinations};
use clock::{Clock, SystemClock};
use privacy::KeyStore;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The dispatcher's settings.
#[derive(Clone, Debug)]
pub struct DispatcherConfig {
    /// How long a delivery is retried, from when it was scheduled (or replayed).
    pub deadline: Duration,
    /// The timeout of one attempt (cut to what is left of the deadline).
    pub request_timeout: Duration,
    /// Attempts in flight per destination (resolved address and port).
    pub per_host: usize,
    /// Attempts in flight in all.
    pub concurrency: usize,
    /// Attempts in flight per account.
    pub per_account: usize,
    /// Where callbacks may go (public addresses and the allowed ranges), and the resolver
    /// names go through.
    pub destinations: Destinations,
    /// The retry schedule.
    pub backoff: Backoff,
    /// The server's own listen address: never delivered to.
    pub own_address: Option<SocketAddr>,
    /// Deliveries kept per target for the list API (older final ones are forgotten).
    pub keep_per_target: usize,
    /// Records read from the main log per call.
    pub read_batch: usize,
    /// Shortest time between two reads of the main log while caught up with it: under a
    /// steady trickle of redemptions the follower takes them a few at a time, instead of
    /// waking for every append beside the request path. Part of every callback's latency.
    pub pace: Duration,
    /// Where the dispatcher reads the time: when deliveries are scheduled, attempted, signed
    /// and ended (the system clock; tests drive a manual one).
    pub clock: Arc<dyn Clock>,
    /// Where members' keys are, to open their identifiers (`sf_uid`); `None`: a sealed
    /// identifier renders empty.
    pub keys: Option<Arc<dyn KeyStore>>,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(60),
            request_timeout: Duration::from_secs(10),
            per_host: 8,
            concurrency: 256,
            per_account: per_account_default(256),
            destinations: Destinations::default(),
            backoff: Backoff::default(),
            own_address: None,
            keep_per_target: 1_000,
            read_batch: 1_024,
            pace: Duration::from_millis(5),
            clock: Arc::new(SystemClock),
            keys: None,
        }
    }
}

/// A setting that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} must be {expected}")]
pub struct ConfigError {
    /// The variable.
    pub name: &'static str,
    /// What it must be.
    pub expected: &'static str,
}

/// What a count must be.
const POSITIVE: &str = "a positive integer";
/// What `PROMO_CALLBACK_ALLOW` must be.
const RANGES: &str = "a comma-separated list of CIDR ranges, e.g. 127.0.0.0/8,10.1.0.0/16";

/// Attempts in flight per account when not set: a quarter of `concurrency`, at least 1.
fn per_account_default(concurrency: usize) -> usize {
    (concurrency / 4).max(1)
}

impl DispatcherConfig {
    /// The defaults overridden by the `PROMO_CALLBACK_*` variables `var` returns (empty counts
    /// as unset).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |name: &'static str| -> Result<Option<u64>, ConfigError> {
            match var(name).filter(|text| !text.is_empty()) {
                None => Ok(None),
                Some(text) => text
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|value| *value > 0)
                    .map(Some)
                    .ok_or(ConfigError {
                        name,
                        expected: POSITIVE,
                    }),
            }
        };
        let mut config = Self::default();
        if let Some(ms) = number("PROMO_CALLBACK_DEADLINE_MS")? {
            config.deadline = Duration::from_millis(ms);
        }
        if let Some(ms) = number("PROMO_CALLBACK_TIMEOUT_MS")? {
            config.request_timeout = Duration::from_millis(ms);
        }
        if let Some(count) = number("PROMO_CALLBACK_PER_HOST")? {
            config.per_host = usize::try_from(count).unwrap_or(usize::MAX);
        }
        if let Some(count) = number("PROMO_CALLBACK_CONCURRENCY")? {
            config.concurrency = usize::try_from(count).unwrap_or(usize::MAX);
        }
        config.per_account = match number("PROMO_CALLBACK_PER_ACCOUNT")? {
            Some(count) => usize::try_from(count).unwrap_or(usize::MAX),
            None => per_account_default(config.concurrency),
        };
        if let Some(text) = var("PROMO_CALLBACK_ALLOW").filter(|text| !text.is_empty()) {
            let allow: AllowList = text.parse().map_err(|_| ConfigError {
                name: "PROMO_CALLBACK_ALLOW",
                expected: RANGES,
            })?;
            config.destinations = Destinations::new(allow);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_override_defaults_and_bad_ones_are_named() {
        let config = DispatcherConfig::from_vars(|name| match name {
            "PROMO_CALLBACK_DEADLINE_MS" => Some("1500".into()),
            "PROMO_CALLBACK_PER_HOST" => Some("2".into()),
            "PROMO_CALLBACK_TIMEOUT_MS" => Some(String::new()),
            _ => None,
        });
        let config = config.unwrap_or_default();
        assert_eq!(config.deadline, Duration::from_millis(1_500));
        assert_eq!(config.per_host, 2);
        assert_eq!(config.request_timeout, Duration::from_secs(10));
        assert_eq!(config.concurrency, 256);
        assert_eq!(config.per_account, 64);
        assert!(config.destinations.allow_list().is_empty());
        let bad = DispatcherConfig::from_vars(|name| {
            (name == "PROMO_CALLBACK_CONCURRENCY").then(|| "0".to_owned())
        });
        assert_eq!(
            bad.err(),
            Some(ConfigError {
                name: "PROMO_CALLBACK_CONCURRENCY",
                expected: POSITIVE,
            })
        );
    }

    #[test]
    fn the_account_share_follows_the_concurrency_unless_set() {
        let share = |concurrency: &str, per_account: Option<&str>| {
            let (concurrency, per_account) =
                (concurrency.to_owned(), per_account.map(str::to_owned));
            DispatcherConfig::from_vars(move |name| match name {
                "PROMO_CALLBACK_CONCURRENCY" => Some(concurrency.clone()),
                "PROMO_CALLBACK_PER_ACCOUNT" => per_account.clone(),
                _ => None,
            })
            .map(|config| config.per_account)
        };
        assert_eq!(share("40", None), Ok(10));
        assert_eq!(share("2", None), Ok(1));
        assert_eq!(share("40", Some("3")), Ok(3));
    }

    #[test]
    fn the_allow_list_is_read_and_a_bad_one_is_named() {
        let config = DispatcherConfig::from_vars(|name| {
            (name == "PROMO_CALLBACK_ALLOW").then(|| "127.0.0.0/8, 10.1.0.0/16".to_owned())
        })
        .unwrap_or_default();
        assert_eq!(
            config.destinations.allow_list().to_string(),
            "127.0.0.0/8,10.1.0.0/16"
        );
        assert!(config
            .destinations
            .allows("10.1.2.3".parse().unwrap_or_else(|_| unreachable!())));
        let bad = DispatcherConfig::from_vars(|name| {
            (name == "PROMO_CALLBACK_ALLOW").then(|| "10.0.0.0/8,intranet".to_owned())
        });
        let error = bad.err().map(|error| error.to_string()).unwrap_or_default();
        assert!(
            error.starts_with("PROMO_CALLBACK_ALLOW must be a comma-separated list"),
            "{error}"
        );
    }
}
