//! Offsets with gaps and epoch fencing: a batch may continue past the stored offset (Kafka
//! leaves gaps), claim markers and the records of a fenced writer are skipped but still move
//! the position, the newest epoch survives a restart, and a projector stops (and idles without
//! spinning) on a log whose end offset lies past its last record.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use eventlog::{EventLog, LogError, LogRecord, RecordKind, SqliteLog};
use projections::{Position, Projector, ProjectorConfig};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{create_member, has_member, projected, Backend, Running, Setup, ACCOUNT, PARTITION};

/// `record` moved to `offset` and written by a writer of `epoch`.
fn moved(record: &LogRecord, offset: u64, epoch: u64) -> LogRecord {
    LogRecord {
        offset,
        epoch,
        ..record.clone()
    }
}

/// A claim marker of `epoch` at `offset`.
fn claim(offset: u64, epoch: u64) -> LogRecord {
    LogRecord {
        partition: PARTITION,
        offset,
        key: String::new(),
        payload: Vec::new(),
        epoch,
        kind: RecordKind::Claim,
    }
}

async fn gaps_are_accepted_and_fenced_writers_skipped(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    for name in ["a", "b", "c", "d", "e", "f"] {
        setup.member(name).await;
    }
    let records = setup.records().await;
    let [account, a, b, c, d, e, f] = &records[..] else {
        panic!("expected 7 records, got {}", records.len());
    };
    let store = setup.store("read.db").await;

    let first = [moved(account, 0, 1), moved(a, 1, 1)];
    assert_eq!(store.apply_batch(PARTITION, &first).await.unwrap(), 2);
    let gap = [moved(b, 10, 1)];
    assert_eq!(store.apply_batch(PARTITION, &gap).await.unwrap(), 11);
    assert!(has_member(&store, "b").await);

    let takeover = [claim(11, 2), moved(c, 12, 1), moved(d, 13, 2)];
    assert_eq!(store.apply_batch(PARTITION, &takeover).await.unwrap(), 14);
    assert!(
        !has_member(&store, "c").await,
        "a fenced writer's record was applied"
    );
    assert!(has_member(&store, "d").await);
    let expected = Position {
        next_offset: 14,
        epoch: 2,
    };
    assert_eq!(store.position(PARTITION).await.unwrap(), expected);

    store.close().await;
    let store = setup.store("read.db").await;
    assert_eq!(store.position(PARTITION).await.unwrap(), expected);
    let zombie = [moved(e, 20, 1)];
    assert_eq!(store.apply_batch(PARTITION, &zombie).await.unwrap(), 21);
    assert!(
        !has_member(&store, "e").await,
        "the epoch was forgotten on restart"
    );
    assert_eq!(store.apply_batch(PARTITION, &takeover).await.unwrap(), 21);
    let marker_only = [claim(21, 3)];
    assert_eq!(
        store.apply_batch(PARTITION, &marker_only).await.unwrap(),
        22
    );
    let current = [moved(f, 23, 3)];
    assert_eq!(store.apply_batch(PARTITION, &current).await.unwrap(), 24);
    assert!(has_member(&store, "f").await);
    assert_eq!(
        store.position(PARTITION).await.unwrap(),
        Position {
            next_offset: 24,
            epoch: 3
        }
    );
    let members = store
        .members(ACCOUNT, projections::PageRequest::default())
        .await
        .unwrap();
    assert_eq!(members.total_entries, 4);
}

/// A log whose end offset lies `past` beyond its last record (as Kafka's may, after a
/// transaction marker), counting reads.
#[derive(Clone)]
struct EndsLater {
    log: SqliteLog,
    past: u64,
    reads: Arc<AtomicUsize>,
}

impl EventLog for EndsLater {
    type Writer = <SqliteLog as EventLog>::Writer;

    fn partitions(&self) -> u32 {
        self.log.partitions()
    }

    fn claim(&self, partition: u32) -> impl Future<Output = Result<Self::Writer, LogError>> + Send {
        self.log.claim(partition)
    }

    fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> impl Future<Output = Result<Vec<LogRecord>, LogError>> + Send {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.log.read(partition, from, max)
    }

    async fn end_offset(&self, partition: u32) -> Result<u64, LogError> {
        Ok(self.log.end_offset(partition).await? + self.past)
    }

    fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> impl Future<Output = Result<bool, LogError>> + Send {
        self.log
            .wait_for(partition, offset.saturating_sub(self.past), timeout)
    }
}

async fn a_log_ending_past_its_last_record_is_caught_up(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    setup.members("m", 30).await;
    let log = EndsLater {
        log: setup.log.clone(),
        past: 3,
        reads: Arc::default(),
    };
    let store = setup.store("read.db").await;
    let config = ProjectorConfig {
        batch: 8,
        idle_wait: Duration::from_millis(100),
        ..ProjectorConfig::default()
    };
    let projector = Projector::new(log.clone(), store.clone(), PARTITION, config);
    let records = setup.records().await.len() as u64;
    let next = tokio::time::timeout(Duration::from_secs(10), projector.catch_up())
        .await
        .expect("catch_up did not stop at the last record")
        .unwrap();
    assert_eq!(next, records);

    let running = Running::spawn(projector);
    setup.ok(create_member("late")).await;
    assert!(projected(&store, setup.last_offset().await).await);
    let before = log.reads.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_reads = log.reads.load(Ordering::Relaxed) - before;
    assert!(idle_reads <= 20, "{idle_reads} reads in 500 ms of idling");
    running.stop().await;
}

per_backend!(
    gaps_are_accepted_and_fenced_writers_skipped,
    a_log_ending_past_its_last_record_is_caught_up,
);
