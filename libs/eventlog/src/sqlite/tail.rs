//! Waiting for the tail of a partition to reach an offset.

use std::time::Duration;

use tokio::time::{timeout_at, Instant};

use super::{end_offset_on, Shared};
use crate::LogError;

/// How often a waiter re-reads the end offset from the file, to see appends made by another
/// process (appends through the same [`super::SqliteLog`] wake it at once).
pub const CROSS_PROCESS_POLL: Duration = Duration::from_millis(50);

/// About a century: the deadline used when `now + timeout` is past what an instant can hold.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Waits until partition `part` has a record at `offset` or `timeout` passes. This process's
/// appends are seen at once through the partition's `watch`; the file is read (for other
/// processes' appends) every [`CROSS_PROCESS_POLL`] and once more before giving up.
pub(super) async fn wait_for(
    shared: &Shared,
    part: i64,
    offset: u64,
    timeout: Duration,
) -> Result<bool, LogError> {
    let now = Instant::now();
    let deadline = now
        .checked_add(timeout)
        .unwrap_or_else(|| now + FOREVER.min(timeout));
    let Some(tail) = usize::try_from(part)
        .ok()
        .and_then(|part| shared.tails.get(part))
    else {
        return Ok(false);
    };
    let mut known = tail.subscribe();
    if *known.borrow_and_update() > offset {
        return Ok(true);
    }
    loop {
        let recheck_at = deadline.min(Instant::now() + CROSS_PROCESS_POLL);
        let woken = timeout_at(recheck_at, known.wait_for(|end| *end > offset))
            .await
            .map(|seen| seen.is_ok());
        match woken {
            Ok(true) => return Ok(true),
            Ok(false) => tokio::time::sleep_until(recheck_at).await,
            Err(_elapsed) => {}
        }
        if end_offset_on(&shared.readers, part).await? > offset {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
    }
}
