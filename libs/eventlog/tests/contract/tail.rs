//! Following the tail with `wait_for`.

use std::time::{Duration, Instant};

use eventlog::EventLog;

use super::{append, batch, claim, events};

/// `wait_for` answers true without waiting out its timeout for a record already present, and
/// false past the last record.
pub async fn wait_for_present_offset_is_immediate<L: EventLog>(log: &L) {
    let mut writer = claim(log, 0).await;
    append(&mut writer, &batch("1", "x", 2)).await;
    let stored = events(log, 0).await;
    let started = Instant::now();
    assert!(log.wait_for(0, 0, Duration::ZERO).await.unwrap());
    assert!(log
        .wait_for(0, stored[1].offset, Duration::from_secs(10))
        .await
        .unwrap());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!log
        .wait_for(0, stored[1].offset + 1, Duration::ZERO)
        .await
        .unwrap());
}

/// A waiter wakes when another task appends after the offset it waits for, well before its
/// timeout.
pub async fn wait_for_wakes_on_append<L: EventLog>(log: &L) {
    let mut writer = claim(log, 1).await;
    let before = append(&mut writer, &batch("1", "before", 1)).await;
    let timeout = Duration::from_secs(20);
    let started = Instant::now();
    let (woke, ()) = tokio::join!(log.wait_for(1, before.end, timeout), async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        append(&mut writer, &batch("1", "after", 1)).await;
    });
    assert!(woke.unwrap());
    assert!(
        started.elapsed() < timeout / 2,
        "woke only after {:?}",
        started.elapsed()
    );
    assert_eq!(events(log, 1).await.len(), 2);
}

/// Several waiters each wake when a record arrives where they wait.
pub async fn wait_for_wakes_every_waiter<L: EventLog>(log: &L) {
    let mut zero = claim(log, 0).await;
    let mut one = claim(log, 1).await;
    let from_zero = append(&mut zero, &batch("1", "a", 1)).await.end;
    let from_one = log.end_offset(1).await.unwrap();
    let timeout = Duration::from_secs(20);
    let started = Instant::now();
    let (first, second, ()) = tokio::join!(
        log.wait_for(0, from_zero, timeout),
        log.wait_for(1, from_one, timeout),
        async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            append(&mut zero, &batch("1", "b", 4)).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
            append(&mut one, &batch("2", "c", 1)).await;
        }
    );
    assert!(first.unwrap());
    assert!(second.unwrap());
    assert!(started.elapsed() < timeout / 2);
}

/// With nothing appended, `wait_for` returns false once the timeout has passed.
pub async fn wait_for_times_out<L: EventLog>(log: &L) {
    let timeout = Duration::from_millis(120);
    let started = Instant::now();
    assert!(!log.wait_for(1, 0, timeout).await.unwrap());
    assert!(started.elapsed() >= timeout);
    let mut writer = claim(log, 1).await;
    let written = append(&mut writer, &batch("1", "x", 1)).await;
    assert!(!log
        .wait_for(1, written.end, Duration::from_millis(10))
        .await
        .unwrap());
}
