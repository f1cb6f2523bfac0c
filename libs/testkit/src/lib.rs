//! Fixtures shared by the integration tests:
//! - [`TestDatabase`]: a fresh Postgres database per test (`PROMO_TEST_POSTGRES_URL`, default
//!   `postgres://postgres@127.0.0.1:5432`), dropped when the test ends;
//! - [`FailureSwitch`]: a real database failure (a trigger) a test turns on and off;
//! - [`metric`]: a sample read out of Prometheus text; [`eventually`]: a bounded wait for a
//!   condition;
//! - [`kafka_brokers`] and [`unique_name`]: the broker the tests use (`PROMO_TEST_KAFKA`,
//!   default `127.0.0.1:9092`) and names (topics) no other test or run has used;
//! - [`fixtures`]: the pure ones (decimals, command builders, the id a command created, the
//!   shop set-up), which need no outside service.
//!
//! A service that cannot be reached fails the test with a message naming what is missing:
//! these tests never pass without Postgres and the broker (`scripts/services` starts both).

mod failure;
pub mod fixtures;
mod metrics;
mod postgres;
mod wait;

pub use failure::{FailureSwitch, INJECTED};
pub use metrics::metric;
pub use postgres::TestDatabase;
pub use wait::eventually;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The Kafka-protocol broker the tests use.
pub fn kafka_brokers() -> String {
    std::env::var("PROMO_TEST_KAFKA").unwrap_or_else(|_| "127.0.0.1:9092".into())
}

/// `prefix` made unique across tests, test processes and runs (lowercase letters, digits and
/// `-`, so it serves as a topic name).
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{nanos}-{}-{count}", std::process::id())
}
