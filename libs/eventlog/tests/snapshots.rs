//! The SQLite snapshot store against a real file: the newest snapshot per partition and
//! format, retention of the newest few, independence of partitions, durability across
//! reopening.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use eventlog::{Snapshot, SnapshotStore, SqliteSnapshots};
use tempfile::TempDir;

fn snapshot(partition: u32, offset: u64, format: u32) -> Snapshot {
    Snapshot {
        partition,
        offset,
        epoch: offset / 10 + 1,
        format,
        state: format!("state of {partition} at {offset}").into_bytes(),
    }
}

async fn fresh() -> (TempDir, SqliteSnapshots) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteSnapshots::open(dir.path().join("events.snapshots.db"))
        .await
        .unwrap();
    (dir, store)
}

#[tokio::test]
async fn an_empty_store_has_no_snapshot() {
    let (_dir, store) = fresh().await;
    assert_eq!(store.latest(0, 1).await.unwrap(), None);
    assert!(store.offsets(0).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_newest_is_returned_whole() {
    let (_dir, store) = fresh().await;
    for offset in [100, 300, 200] {
        store.save(&snapshot(0, offset, 1), 5).await.unwrap();
    }
    assert_eq!(store.latest(0, 1).await.unwrap(), Some(snapshot(0, 300, 1)));
}

#[tokio::test]
async fn only_the_newest_are_kept() {
    let (_dir, store) = fresh().await;
    for offset in [10, 20, 30, 40] {
        store.save(&snapshot(0, offset, 1), 2).await.unwrap();
    }
    assert_eq!(store.offsets(0).await.unwrap(), [40, 30]);
    store.save(&snapshot(0, 25, 1), 2).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [40, 30]);
    store.save(&snapshot(0, 50, 1), 0).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [50]);
}

#[tokio::test]
async fn other_formats_are_not_returned() {
    let (_dir, store) = fresh().await;
    store.save(&snapshot(0, 10, 1), 2).await.unwrap();
    store.save(&snapshot(0, 20, 2), 2).await.unwrap();
    assert_eq!(store.latest(0, 1).await.unwrap(), Some(snapshot(0, 10, 1)));
    assert_eq!(store.latest(0, 2).await.unwrap(), Some(snapshot(0, 20, 2)));
    assert_eq!(store.latest(0, 3).await.unwrap(), None);
}

#[tokio::test]
async fn partitions_are_independent() {
    let (_dir, store) = fresh().await;
    for offset in [1, 2, 3] {
        store.save(&snapshot(0, offset, 1), 2).await.unwrap();
    }
    store.save(&snapshot(1, 7, 1), 2).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [3, 2]);
    assert_eq!(store.offsets(1).await.unwrap(), [7]);
    assert_eq!(store.latest(1, 1).await.unwrap(), Some(snapshot(1, 7, 1)));
}

#[tokio::test]
async fn the_same_offset_is_replaced() {
    let (_dir, store) = fresh().await;
    store.save(&snapshot(0, 10, 1), 2).await.unwrap();
    let mut newer = snapshot(0, 10, 1);
    newer.state = b"rewritten".to_vec();
    store.save(&newer, 2).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [10]);
    assert_eq!(store.latest(0, 1).await.unwrap(), Some(newer));
}

#[tokio::test]
async fn snapshots_survive_reopening() {
    let (dir, store) = fresh().await;
    let big = Snapshot {
        state: (0..4_000_000u32).map(|n| n as u8).collect(),
        ..snapshot(2, 123_456, 1)
    };
    store.save(&big, 2).await.unwrap();
    drop(store);
    let reopened = SqliteSnapshots::open(dir.path().join("events.snapshots.db"))
        .await
        .unwrap();
    assert_eq!(reopened.latest(2, 1).await.unwrap(), Some(big));
}
