//! [`eventually`]: a bounded wait for a condition a test cannot be told about, polled.

use std::future::Future;
use std::time::Duration;

/// Waits until `condition` holds, polling it every 5 ms; panics naming `what` once `within`
/// has passed.
pub async fn eventually<F: Future<Output = bool>>(
    within: Duration,
    what: &str,
    mut condition: impl FnMut() -> F,
) {
    let deadline = tokio::time::Instant::now() + within;
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
