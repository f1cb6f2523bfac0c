//! The backend contract of [`eventlog::EventLog`], written once as generic async functions.
//! Each takes a fresh, empty log with at least 2 partitions; a backend's test file runs every
//! one of them against its own log (`tests/sqlite.rs`, `tests/kafka.rs`).
//!
//! The contract as a reader sees it: offsets increase (gaps allowed), a backend may store
//! claim markers, and readers apply [`EpochFence`]; so content is checked on [`events`], the
//! records a fenced reader uses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod append;
mod fencing;
mod tail;

/// Defines one test per contract function, each on a fresh log: `$fresh` is called with the
/// test's name and answers a future of `(guard, log)` (the guard keeps the log's place alive).
macro_rules! backend_contract {
    ($fresh:expr) => {
        backend_contract!(@tests $fresh;
            offsets_increase_within_append_bounds,
            partitions_are_independent,
            read_respects_from_and_max,
            keys_and_payloads_round_trip,
            empty_batch_writes_nothing,
            large_batch_is_whole_and_ordered,
            unknown_partition_is_refused,
            epochs_increase,
            stale_writer_is_fenced,
            failed_batch_writes_nothing,
            fencing_is_per_partition,
            takeover_continues_offsets,
            wait_for_present_offset_is_immediate,
            wait_for_wakes_on_append,
            wait_for_wakes_every_waiter,
            wait_for_times_out,
        );
    };
    (@tests $fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let (_guard, log) = ($fresh)(stringify!($name)).await;
                contract::$name(&log).await;
            }
        )*
    };
}

pub use append::*;
pub use fencing::*;
pub use tail::*;

use eventlog::{AppendRecord, EpochFence, EventLog, LogError, LogRecord, PartitionWriter};

/// `count` records keyed `key` with payloads `"{tag}-{i}"`.
pub fn batch(key: &str, tag: &str, count: usize) -> Vec<AppendRecord> {
    (0..count)
        .map(|i| AppendRecord::new(key, format!("{tag}-{i}")))
        .collect()
}

/// Claims `partition`, failing the test on an error.
pub async fn claim<L: EventLog>(log: &L, partition: u32) -> L::Writer {
    match log.claim(partition).await {
        Ok(writer) => writer,
        Err(error) => panic!("claim of partition {partition} failed: {error}"),
    }
}

/// Appends `records`, failing the test on an error.
pub async fn append<W: PartitionWriter>(
    writer: &mut W,
    records: &[AppendRecord],
) -> std::ops::Range<u64> {
    writer.append(records).await.unwrap()
}

/// Every stored record of `partition`, claim markers and fenced writers' records included.
pub async fn read_all<L: EventLog>(log: &L, partition: u32) -> Vec<LogRecord> {
    read_from(log, partition, 0, usize::MAX).await
}

/// Up to `max` records of `partition` from `from` on, reading on until `max` or an empty
/// answer (one `read` may answer fewer than there are; only an empty one means the end).
pub async fn read_from<L: EventLog>(
    log: &L,
    partition: u32,
    from: u64,
    max: usize,
) -> Vec<LogRecord> {
    let mut records: Vec<LogRecord> = Vec::new();
    let mut next = from;
    while records.len() < max {
        let got = log
            .read(partition, next, max - records.len())
            .await
            .unwrap();
        assert!(
            got.len() <= max - records.len(),
            "a read answered more than asked"
        );
        let Some(last) = got.last() else {
            break;
        };
        next = last.offset + 1;
        records.extend(got);
    }
    records
}

/// The records of `partition` a reader uses: [`read_all`] through an [`EpochFence`].
pub async fn events<L: EventLog>(log: &L, partition: u32) -> Vec<LogRecord> {
    let mut fence = EpochFence::default();
    let records = read_all(log, partition).await;
    assert_increasing(&records);
    records
        .into_iter()
        .filter(|record| fence.admit(record))
        .collect()
}

/// Fails unless the offsets of `records` strictly increase.
pub fn assert_increasing(records: &[LogRecord]) {
    for pair in records.windows(2) {
        assert!(
            pair[0].offset < pair[1].offset,
            "offsets {} then {}",
            pair[0].offset,
            pair[1].offset
        );
    }
}

/// The payloads of `records`, as text.
pub fn payloads(records: &[LogRecord]) -> Vec<String> {
    records
        .iter()
        .map(|record| String::from_utf8_lossy(&record.payload).into_owned())
        .collect()
}

/// Whether `error` is the fencing of `writer`'s partition and epoch.
pub fn is_fenced_of<W: PartitionWriter>(error: &LogError, writer: &W) -> bool {
    matches!(error, LogError::Fenced { partition, epoch }
        if *partition == writer.partition() && *epoch == writer.epoch())
}
