//! Following the tail with `wait_for`.

use std::time::{Duration, Instant};

use eventlog::EventLog;

use super::{append, batch, claim};

/// `wait_for` answers at once for an offset already present.
pub async fn wait_for_present_offset_is_immediate<L: EventLog>(log: &L) {
    let mut writer = claim(log, 0).await;
    append(&mut writer, &batch("1", "x", 2)).await;
    assert!(log.wait_for(0, 0, Duration::ZERO).await.unwrap());
    assert!(log.wait_for(0, 1, Duration::from_secs(10)).await.unwrap());
    assert!(!log.wait_for(0, 2, Duration::ZERO).await.unwrap());
}

/// A waiter wakes when another task appends the offset it waits for, well before its timeout.
pub async fn wait_for_wakes_on_append<L: EventLog>(log: &L) {
    let mut writer = claim(log, 1).await;
    append(&mut writer, &batch("1", "before", 1)).await;
    let timeout = Duration::from_secs(20);
    let started = Instant::now();
    let (woke, ()) = tokio::join!(log.wait_for(1, 1, timeout), async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        append(&mut writer, &batch("1", "after", 1)).await;
    });
    assert!(woke.unwrap());
    assert!(
        started.elapsed() < timeout / 2,
        "woke only after {:?}",
        started.elapsed()
    );
    assert_eq!(log.end_offset(1).await.unwrap(), 2);
}

/// Several waiters on different offsets each wake when their offset arrives.
pub async fn wait_for_wakes_every_waiter<L: EventLog>(log: &L) {
    let mut writer = claim(log, 0).await;
    let timeout = Duration::from_secs(20);
    let (first, second, ()) = tokio::join!(
        log.wait_for(0, 0, timeout),
        log.wait_for(0, 4, timeout),
        async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            append(&mut writer, &batch("1", "a", 1)).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            append(&mut writer, &batch("1", "b", 4)).await;
        }
    );
    assert!(first.unwrap());
    assert!(second.unwrap());
}

/// With nothing appended, `wait_for` returns false once the timeout has passed.
pub async fn wait_for_times_out<L: EventLog>(log: &L) {
    let timeout = Duration::from_millis(120);
    let started = Instant::now();
    assert!(!log.wait_for(1, 0, timeout).await.unwrap());
    assert!(started.elapsed() >= timeout);
    let mut writer = claim(log, 1).await;
    append(&mut writer, &batch("1", "x", 1)).await;
    assert!(!log.wait_for(1, 1, Duration::from_millis(10)).await.unwrap());
}
