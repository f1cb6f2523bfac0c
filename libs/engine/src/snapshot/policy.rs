//! When the actor writes a snapshot, and how: [`Snapshotter`] follows the log end the actor's
//! state matches, says when `every` records have gone by since the newest snapshot, and writes
//! one in a background task, one at a time. A failed write is logged and counted; the next one
//! is tried after `every` more records (or at shutdown).
//!
//! The snapshot is of the actor's own state, taken between two batches (when it holds exactly
//! the durable log): the state's collections are persistent, so the copy handed to the
//! background task costs reference counts per account, not a deep copy (a deep copy of
//! 120,000 credentials and 100,000 redemptions once stalled the actor for about 290 ms), and
//! the task encodes it while the actor goes on changing its own.

use super::{encode, PartitionState, FORMAT, KEEP};
use eventlog::{Snapshot, SnapshotStore};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

/// Counts of snapshot writes, shared with the actor's stats.
#[derive(Debug, Default)]
pub(crate) struct SnapshotCounters {
    /// Snapshots saved.
    pub(crate) written: AtomicU64,
    /// Snapshot writes that failed (encoding or storage).
    pub(crate) failed: AtomicU64,
}

/// Where the state stands against the log, and the snapshot being written.
pub(crate) struct Snapshotter {
    store: Option<Arc<dyn SnapshotStore>>,
    every: Option<u64>,
    partition: u32,
    /// The offset the newest snapshot (loaded or written) covers.
    covered: u64,
    /// The state holds every record before this offset, and nothing else.
    synced_to: u64,
    /// The newest writer epoch among those records.
    epoch: u64,
    /// Records the state holds past the newest snapshot (offsets may leave gaps, so records
    /// are counted, not offsets subtracted).
    since: u64,
    /// False once the state may hold events that are not in the log.
    consistent: bool,
    in_flight: Option<JoinHandle<()>>,
    /// An erasure made every older snapshot one to forget: the next one is due at once and
    /// replaces them all.
    purge: bool,
    counters: Arc<SnapshotCounters>,
    /// Where writes run; `None`: the current runtime.
    background: Option<Handle>,
}

impl Snapshotter {
    /// A snapshotter for `partition` writing to `store` every `every` records, on
    /// `background` when given; tell it where the loaded state stands with [`Self::loaded`].
    pub(crate) fn new(
        store: Option<Arc<dyn SnapshotStore>>,
        every: Option<u64>,
        partition: u32,
        counters: Arc<SnapshotCounters>,
        background: Option<Handle>,
    ) -> Self {
        Self {
            store,
            every: every.map(|every| every.max(1)),
            partition,
            covered: 0,
            synced_to: 0,
            epoch: 0,
            since: 0,
            consistent: true,
            in_flight: None,
            purge: false,
            counters,
            background,
        }
    }

    /// The state was (re)built from the log: it holds the records before `end`, the newest
    /// written with `epoch`, starting from a snapshot covering `covered` and `tail` records
    /// after it.
    pub(crate) fn loaded(&mut self, covered: u64, end: u64, epoch: u64, tail: u64) {
        self.covered = self.covered.max(covered);
        self.synced_to = end;
        self.epoch = epoch;
        self.since = tail;
        self.consistent = true;
    }

    /// The store it writes to, for reading the newest snapshot back.
    pub(crate) fn store(&self) -> Option<&dyn SnapshotStore> {
        self.store.as_deref()
    }

    /// A batch of `records` was appended durably up to `end` by a writer with `epoch`.
    pub(crate) fn appended(&mut self, end: u64, epoch: u64, records: u64) {
        self.synced_to = self.synced_to.max(end);
        self.epoch = self.epoch.max(epoch);
        self.since += records;
    }

    /// The state may hold events the log does not (a fenced append, a failed rebuild): no
    /// snapshot is written from it any more.
    pub(crate) fn diverged(&mut self) {
        self.consistent = false;
    }

    /// Members were erased: the snapshots stored so far hold what they erased, so the next
    /// snapshot is due at once and replaces every older one.
    pub(crate) fn purge(&mut self) {
        self.purge = self.every.is_some();
    }

    /// Whether a snapshot should be started now: `every` records since the newest one (or a
    /// purge asked for) and none being written.
    pub(crate) fn due(&self) -> bool {
        let Some(every) = self.every else {
            return false;
        };
        self.store.is_some()
            && self.consistent
            && (self.since >= every || self.purge)
            && self.in_flight.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// How many snapshots a save keeps: one when purging.
    fn keep(&mut self) -> usize {
        if std::mem::take(&mut self.purge) {
            1
        } else {
            KEEP
        }
    }

    /// Writes a snapshot of `accounts` in the background: a copy of the actor's state that
    /// holds every durable record and nothing else (taken between two batches).
    pub(crate) fn start(&mut self, accounts: PartitionState) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let (partition, offset, epoch) = (self.partition, self.synced_to, self.epoch);
        let counters = Arc::clone(&self.counters);
        let keep = self.keep();
        let task = async move {
            let outcome = save(store, partition, offset, epoch, accounts, keep).await;
            record(&counters, partition, outcome);
        };
        self.covered = self.synced_to;
        self.since = 0;
        self.in_flight = Some(match &self.background {
            Some(background) => background.spawn(task),
            None => tokio::spawn(task),
        });
    }

    /// At a clean stop: waits for the snapshot being written, then writes one more from
    /// `accounts` when records came after the newest, and waits for it too.
    pub(crate) async fn finish(&mut self, accounts: &PartitionState) {
        if let Some(in_flight) = self.in_flight.take() {
            let _ended = in_flight.await;
        }
        let Some(store) = self.store.clone() else {
            return;
        };
        if self.every.is_none() || !self.consistent || (self.since == 0 && !self.purge) {
            return;
        }
        let keep = self.keep();
        let outcome = save(
            store,
            self.partition,
            self.synced_to,
            self.epoch,
            accounts.clone(),
            keep,
        )
        .await;
        record(&self.counters, self.partition, outcome);
        self.covered = self.synced_to;
        self.since = 0;
    }
}

/// Encodes `accounts` on a blocking thread and saves it as the snapshot of `partition` at
/// `offset`, keeping the newest `keep`.
async fn save(
    store: Arc<dyn SnapshotStore>,
    partition: u32,
    offset: u64,
    epoch: u64,
    accounts: PartitionState,
    keep: usize,
) -> Result<(), String> {
    let state = tokio::task::spawn_blocking(move || encode(&accounts))
        .await
        .map_err(|error| error.to_string())?
        .map_err(|error| error.to_string())?;
    let snapshot = Snapshot {
        partition,
        offset,
        epoch,
        format: FORMAT,
        state,
    };
    store
        .save(&snapshot, keep)
        .await
        .map_err(|error| error.to_string())
}

/// Counts a snapshot write's outcome, logging a failure.
fn record(counters: &SnapshotCounters, partition: u32, outcome: Result<(), String>) {
    match outcome {
        Ok(()) => {
            counters.written.fetch_add(1, Ordering::Relaxed);
        }
        Err(error) => {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(partition, %error, "snapshot not written");
        }
    }
}
