//! The projector: follows one partition of the event log from the offset the read store has
//! reached, applying batch after batch, and waits on the tail when caught up. While a full
//! batch is applied, the next one is read (one batch ahead), so the log and the read database
//! work at the same time.
//!
//! Under a steady stream of records it paces itself: after a batch that took all there was,
//! it waits [`ProjectorConfig::pace`] before reading again, so records are applied a few per
//! transaction rather than one each, and the read database's per-transaction cost does not
//! compete with the request path at every write. A reader of this process waiting for the
//! projection ([`ReadStore::wait_until`]) cuts the wait short. After an idle wait on the
//! tail, the first record is applied as soon as it lands.
//!
//! Each time a run has read all the log held, it marks its partition caught up, which ends a
//! failing mark its supervisor set ([`ReadStore::failing_projectors`]).

use crate::error::ProjectionError;
use crate::follow::Follow;
use crate::store::ReadStore;
use eventlog::{EventLog, LogRecord};
use std::time::Duration;
use tokio::sync::watch;

/// A batch read ahead: the offset it was read from, and its records.
type Ahead = Option<(u64, Vec<LogRecord>)>;

/// How a projector reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectorConfig {
    /// Most records read and applied in one transaction.
    pub batch: usize,
    /// Longest wait on the log's tail before the shutdown signal is looked at again.
    pub idle_wait: Duration,
    /// Shortest time between two batches while caught up, unless a reader waits (see the
    /// module docs); zero applies every record as soon as it is read.
    pub pace: Duration,
}

impl Default for ProjectorConfig {
    fn default() -> Self {
        Self {
            batch: 1000,
            idle_wait: Duration::from_millis(200),
            pace: Duration::from_millis(5),
        }
    }
}

/// Projects one partition of `L` into a [`ReadStore`].
#[derive(Clone)]
pub struct Projector<L: EventLog> {
    log: L,
    store: ReadStore,
    partition: u32,
    config: ProjectorConfig,
}

impl<L: EventLog> Projector<L> {
    /// A projector of `partition` of `log` into `store`.
    pub fn new(log: L, store: ReadStore, partition: u32, config: ProjectorConfig) -> Self {
        Self {
            log,
            store,
            partition,
            config,
        }
    }

    /// The partition it projects.
    pub(crate) fn partition(&self) -> u32 {
        self.partition
    }

    /// The read store it projects into.
    pub(crate) fn store(&self) -> &ReadStore {
        &self.store
    }

    /// Applies everything the partition held when called; answers the next offset. Stops at
    /// the end offset seen when called, or earlier when a read finds no more records (a log
    /// with gaps may end past its last record).
    pub async fn catch_up(&self) -> Result<u64, ProjectionError> {
        let end = self.log.end_offset(self.partition).await?;
        let mut next = self.store.next_offset(self.partition).await?;
        let mut ahead = None;
        while next < end {
            match self.step(next, &mut ahead).await? {
                Some(after) => next = after,
                None => break,
            }
        }
        Ok(next)
    }

    /// Follows the partition until `shutdown` turns true (or its sender is dropped), applying
    /// records as they are appended.
    pub async fn run(&self, shutdown: watch::Receiver<bool>) -> Result<(), ProjectionError> {
        let follow = self.store.follow(self.partition);
        follow.set_local(true);
        let result = self.follow(shutdown, &follow).await;
        follow.set_local(false);
        result
    }

    async fn follow(
        &self,
        mut shutdown: watch::Receiver<bool>,
        follow: &Follow,
    ) -> Result<(), ProjectionError> {
        let mut next = self.store.next_offset(self.partition).await?;
        let mut ahead = None;
        loop {
            if *shutdown.borrow_and_update() || shutdown.has_changed().is_err() {
                return Ok(());
            }
            if let Some(after) = self.step(next, &mut ahead).await? {
                next = after;
                if ahead.is_none() {
                    // The batch took all there was.
                    self.caught_up(follow);
                    if !self.config.pace.is_zero() {
                        tokio::select! {
                            () = follow.pace(next, self.config.pace) => {}
                            _stopping = shutdown.changed() => {}
                        }
                    }
                }
                continue;
            }
            self.caught_up(follow);
            let end = self.log.end_offset(self.partition).await?;
            let wait_from = if end > next {
                // The log ends past the records read: a gap, or records appended since the
                // read. Read once more; what is not there now lands at `end` or later.
                if let Some(after) = self.step(next, &mut ahead).await? {
                    next = after;
                    continue;
                }
                end
            } else {
                next
            };
            self.log
                .wait_for(self.partition, wait_from, self.config.idle_wait)
                .await?;
        }
    }

    /// Marks the partition caught up, logging the end of a failure.
    fn caught_up(&self, follow: &Follow) {
        if follow.caught_up() {
            tracing::info!(
                partition = self.partition,
                "projector caught up after failing"
            );
        }
    }

    /// Applies one batch from `next` (read ahead, or read now); answers the new next offset,
    /// or `None` when there was nothing to read. A full batch is applied while the one after
    /// it is read.
    async fn step(&self, next: u64, ahead: &mut Ahead) -> Result<Option<u64>, ProjectionError> {
        let batch = self.config.batch.max(1);
        let records = match ahead.take() {
            Some((from, records)) if from == next => records,
            _ => self.log.read(self.partition, next, batch).await?,
        };
        let Some(last) = records.last() else {
            return Ok(None);
        };
        if records.len() < batch {
            let applied = self.store.apply_batch(self.partition, &records).await?;
            return Ok(Some(applied));
        }
        let following = last.offset + 1;
        let (applied, read) = tokio::join!(
            self.store.apply_batch(self.partition, &records),
            self.log.read(self.partition, following, batch)
        );
        let applied = applied?;
        let read = read?;
        if !read.is_empty() {
            *ahead = Some((following, read));
        }
        Ok(Some(applied))
    }
}
