//! The snapshot stores against real databases: the contract written once as generic functions
//! (the newest snapshot per partition and format, retention of the newest few, independence of
//! partitions, replacement at the same offset, durability across reopening), run for the
//! SQLite file and for Postgres (a fresh database per test; Postgres must be running).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use eventlog::postgres::PostgresSnapshots;
use eventlog::{Snapshot, SnapshotStore, SqliteSnapshots};
use tempfile::TempDir;
use testkit::TestDatabase;

/// Where a test's snapshots live, and how to open a store on it (again).
trait Backend: Sized {
    type Store: SnapshotStore;

    async fn fresh() -> Self;

    async fn open(&self) -> Self::Store;
}

struct Sqlite(TempDir);

impl Backend for Sqlite {
    type Store = SqliteSnapshots;

    async fn fresh() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    async fn open(&self) -> SqliteSnapshots {
        SqliteSnapshots::open(self.0.path().join("events.snapshots.db"))
            .await
            .unwrap()
    }
}

struct Postgres(TestDatabase);

impl Backend for Postgres {
    type Store = PostgresSnapshots;

    async fn fresh() -> Self {
        Self(TestDatabase::create().await)
    }

    async fn open(&self) -> PostgresSnapshots {
        PostgresSnapshots::connect(&self.0.url).await.unwrap()
    }
}

fn snapshot(partition: u32, offset: u64, format: u32) -> Snapshot {
    Snapshot {
        partition,
        offset,
        epoch: offset / 10 + 1,
        format,
        state: format!("state of {partition} at {offset}").into_bytes(),
    }
}

async fn an_empty_store_has_no_snapshot<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    assert_eq!(store.latest(0, 1).await.unwrap(), None);
    assert!(store.offsets(0).await.unwrap().is_empty());
}

async fn the_newest_is_returned_whole<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    for offset in [100, 300, 200] {
        store.save(&snapshot(0, offset, 1), 5).await.unwrap();
    }
    assert_eq!(store.latest(0, 1).await.unwrap(), Some(snapshot(0, 300, 1)));
}

async fn only_the_newest_are_kept<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    for offset in [10, 20, 30, 40] {
        store.save(&snapshot(0, offset, 1), 2).await.unwrap();
    }
    assert_eq!(store.offsets(0).await.unwrap(), [40, 30]);
    store.save(&snapshot(0, 25, 1), 2).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [40, 30]);
    store.save(&snapshot(0, 50, 1), 0).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [50]);
}

async fn other_formats_are_not_returned<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    store.save(&snapshot(0, 10, 1), 2).await.unwrap();
    store.save(&snapshot(0, 20, 2), 2).await.unwrap();
    assert_eq!(store.latest(0, 1).await.unwrap(), Some(snapshot(0, 10, 1)));
    assert_eq!(store.latest(0, 2).await.unwrap(), Some(snapshot(0, 20, 2)));
    assert_eq!(store.latest(0, 3).await.unwrap(), None);
}

async fn partitions_are_independent<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    for offset in [1, 2, 3] {
        store.save(&snapshot(0, offset, 1), 2).await.unwrap();
    }
    store.save(&snapshot(1, 7, 1), 2).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [3, 2]);
    assert_eq!(store.offsets(1).await.unwrap(), [7]);
    assert_eq!(store.latest(1, 1).await.unwrap(), Some(snapshot(1, 7, 1)));
}

async fn the_same_offset_is_replaced<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    store.save(&snapshot(0, 10, 1), 2).await.unwrap();
    let mut newer = snapshot(0, 10, 1);
    newer.state = b"rewritten".to_vec();
    newer.epoch = 9;
    store.save(&newer, 2).await.unwrap();
    assert_eq!(store.offsets(0).await.unwrap(), [10]);
    assert_eq!(store.latest(0, 1).await.unwrap(), Some(newer));
}

async fn snapshots_survive_reopening<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    let big = Snapshot {
        state: (0..4_000_000u32).map(|n| n as u8).collect(),
        ..snapshot(2, 123_456, 1)
    };
    store.save(&big, 2).await.unwrap();
    drop(store);
    let reopened = backend.open().await;
    assert_eq!(reopened.latest(2, 1).await.unwrap(), Some(big));
}

async fn a_store_is_paired_with_the_first_log_it_is_given<B: Backend>() {
    let backend = B::fresh().await;
    let store = backend.open().await;
    assert_eq!(
        store.pair("sqlite:00000000000000aa").await.unwrap(),
        "sqlite:00000000000000aa"
    );
    assert_eq!(
        store.pair("sqlite:00000000000000bb").await.unwrap(),
        "sqlite:00000000000000aa"
    );
    drop(store);
    let reopened = backend.open().await;
    assert_eq!(
        reopened.pair("kafka:other").await.unwrap(),
        "sqlite:00000000000000aa"
    );
}

/// Runs each contract test against every backend: `sqlite::name` and `postgres::name`.
macro_rules! per_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name::<super::Sqlite>().await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name::<super::Postgres>().await;
                }
            )*
        }
    };
}

per_backend!(
    an_empty_store_has_no_snapshot,
    the_newest_is_returned_whole,
    only_the_newest_are_kept,
    other_formats_are_not_returned,
    partitions_are_independent,
    the_same_offset_is_replaced,
    snapshots_survive_reopening,
    a_store_is_paired_with_the_first_log_it_is_given,
);
