//! The backend-neutral contract: [`EventLog`] (claims, reads, tailing) and
//! [`PartitionWriter`] (fenced, atomic, durable batch appends).

use std::future::Future;
use std::ops::Range;
use std::time::Duration;

use crate::{AppendRecord, LogError, LogRecord};

/// A partitioned, append-only log of opaque records.
///
/// Each partition's offsets start at 0 or above and increase in log order; they may leave gaps
/// (Kafka spends offsets on transaction markers), so a reader goes on from the offset after the
/// last record it read. Exactly one writer may append to a partition at a time:
/// [`EventLog::claim`] hands out a writer with a higher epoch than any before and fences all
/// older writers of that partition. A backend may store a claim as a
/// [`crate::RecordKind::Claim`] record; readers apply [`crate::EpochFence`].
pub trait EventLog: Send + Sync + 'static {
    /// The writer handle a claim returns.
    type Writer: PartitionWriter;

    /// Number of partitions (fixed when the log is created).
    fn partitions(&self) -> u32;

    /// Takes ownership of `partition` for writing with a new epoch, higher than any before;
    /// any older writer of that partition is fenced from then on: its next append fails with
    /// [`LogError::Fenced`] and writes nothing.
    fn claim(&self, partition: u32) -> impl Future<Output = Result<Self::Writer, LogError>> + Send;

    /// Up to `max` records of `partition` from offset `from` on, in offset order. It may
    /// answer fewer than there are (what a backend has at hand); it answers none only when
    /// no record lies at or after `from`. Readers go on from the last record's offset + 1.
    fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> impl Future<Output = Result<Vec<LogRecord>, LogError>> + Send;

    /// One past the offset of the last record of `partition` (0 when it is empty): every
    /// record stored so far has an offset below it, and every later one at or above it.
    fn end_offset(&self, partition: u32) -> impl Future<Output = Result<u64, LogError>> + Send;

    /// Waits until `partition` holds a record at or after `offset` (end offset > `offset`) or
    /// `timeout` passes; returns whether it does. For following the tail.
    fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> impl Future<Output = Result<bool, LogError>> + Send;
}

/// The single writer of one partition, valid until a newer claim fences it.
///
/// `'static` so that a partition's actor task can own it.
pub trait PartitionWriter: Send + 'static {
    /// The partition it writes.
    fn partition(&self) -> u32;

    /// Its epoch.
    fn epoch(&self) -> u64;

    /// Appends a batch atomically (all or nothing) and durably: when this returns `Ok` the
    /// records are on disk. Returns the bounds of the offsets given: `start` is the first
    /// record's, `end` one past the last's (contiguous in SQLite; with gaps in Kafka). One
    /// call = one group-commit batch = one transaction. An empty batch returns an empty range
    /// and writes nothing.
    fn append(
        &mut self,
        records: &[AppendRecord],
    ) -> impl Future<Output = Result<Range<u64>, LogError>> + Send;
}
