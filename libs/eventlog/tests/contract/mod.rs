//! The backend contract of [`eventlog::EventLog`], written once as generic async functions.
//! Each takes a fresh, empty log with at least 2 partitions; a backend's test file runs every
//! one of them against its own log (`tests/sqlite.rs` for SQLite).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod append;
mod fencing;
mod tail;

pub use append::*;
pub use fencing::*;
pub use tail::*;

use eventlog::{AppendRecord, EventLog, LogError, LogRecord, PartitionWriter};

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

/// Every record of `partition`.
pub async fn read_all<L: EventLog>(log: &L, partition: u32) -> Vec<LogRecord> {
    log.read(partition, 0, usize::MAX).await.unwrap()
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
