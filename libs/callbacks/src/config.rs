//! [`DispatcherConfig`]: the dispatcher's settings, with their defaults and how they are read
//! from `PROMO_*` environment variables (by both the server and the dispatcher binary).
//!
//! - `PROMO_CALLBACK_DEADLINE_MS`: how long a delivery is retried before it times out,
//!   default 60,000 (60 s).
//! - `PROMO_CALLBACK_TIMEOUT_MS`: the timeout of one attempt, default 10,000.
//! - `PROMO_CALLBACK_PER_HOST`: attempts in flight per partner host (`host:port`), default 8.
//! - `PROMO_CALLBACK_CONCURRENCY`: attempts in flight in all, default 256.

use crate::backoff::Backoff;
use std::net::SocketAddr;
use std::time::Duration;

/// The dispatcher's settings.
#[derive(Clone, Debug)]
pub struct DispatcherConfig {
    /// How long a delivery is retried, from when it was scheduled (or replayed).
    pub deadline: Duration,
    /// The timeout of one attempt (cut to what is left of the deadline).
    pub request_timeout: Duration,
    /// Attempts in flight per partner host.
    pub per_host: usize,
    /// Attempts in flight in all.
    pub concurrency: usize,
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
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(60),
            request_timeout: Duration::from_secs(10),
            per_host: 8,
            concurrency: 256,
            backoff: Backoff::default(),
            own_address: None,
            keep_per_target: 1_000,
            read_batch: 1_024,
            pace: Duration::from_millis(5),
        }
    }
}

/// A setting that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} must be a positive integer")]
pub struct ConfigError {
    /// The variable.
    pub name: &'static str,
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
                    .ok_or(ConfigError { name }),
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
        let bad = DispatcherConfig::from_vars(|name| {
            (name == "PROMO_CALLBACK_CONCURRENCY").then(|| "0".to_owned())
        });
        assert_eq!(
            bad.err(),
            Some(ConfigError {
                name: "PROMO_CALLBACK_CONCURRENCY"
            })
        );
    }
}
