//! The contract of a snapshot store: [`SnapshotStore`] keeps, per partition, the newest
//! encoded snapshots of the partition's state with the log offset each one covers, so a writer
//! that takes the partition replays only the records after it.
//!
//! The store knows nothing of the state's shape: [`Snapshot::state`] is opaque bytes in the
//! format named by [`Snapshot::format`]. Backends: [`crate::SqliteSnapshots`] (embedded, a
//! SQLite file beside the log); a Postgres one for Kafka deployments keeps the same contract.
//!
//! The trait is object safe (boxed futures), so a runtime holds any backend behind
//! `Arc<dyn SnapshotStore>`; snapshots are rare and large, so the box costs nothing that
//! matters.

use std::future::Future;
use std::pin::Pin;

use crate::LogError;

/// A boxed, sendable future: what the store's methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One stored snapshot of a partition's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The partition it belongs to.
    pub partition: u32,
    /// The offset it covers: the first record *not* in it (= the next offset to read).
    pub offset: u64,
    /// The newest writer epoch among the records it covers (replay keeps fencing from it).
    pub epoch: u64,
    /// The version of the encoding of `state`; a reader skips versions it does not know.
    pub format: u32,
    /// The encoded state.
    pub state: Vec<u8>,
}

/// Where snapshots of partition state are kept.
pub trait SnapshotStore: Send + Sync + 'static {
    /// Stores `snapshot` (replacing one of the same partition and offset), then forgets the
    /// partition's older snapshots beyond the newest `keep` (by offset; at least one is kept).
    fn save<'a>(
        &'a self,
        snapshot: &'a Snapshot,
        keep: usize,
    ) -> BoxFuture<'a, Result<(), LogError>>;

    /// The newest snapshot (highest offset) of `partition` written with `format`, if any.
    fn latest(
        &self,
        partition: u32,
        format: u32,
    ) -> BoxFuture<'_, Result<Option<Snapshot>, LogError>>;

    /// The offsets of the snapshots stored for `partition` (any format), newest first.
    fn offsets(&self, partition: u32) -> BoxFuture<'_, Result<Vec<u64>, LogError>>;

    /// The id of the event log this store's snapshots are taken from: `log_id` is recorded
    /// when the store names none yet (a new store, or one written before stores were paired)
    /// and the id it names is answered. Another id than `log_id` means the store belongs to
    /// another log, and its snapshots must not be loaded.
    fn pair<'a>(&'a self, log_id: &'a str) -> BoxFuture<'a, Result<String, LogError>>;
}
