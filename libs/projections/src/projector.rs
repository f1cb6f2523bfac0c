//! The projector: follows one partition of the event log from the offset the read store has
//! reached, applying batch after batch, and waits on the tail when caught up.

use crate::error::ProjectionError;
use crate::store::ReadStore;
use eventlog::EventLog;
use std::time::Duration;
use tokio::sync::watch;

/// How a projector reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProjectorConfig {
    /// Most records read and applied in one transaction.
    pub batch: usize,
    /// Longest wait on the log's tail before the shutdown signal is looked at again.
    pub idle_wait: Duration,
}

impl Default for ProjectorConfig {
    fn default() -> Self {
        Self {
            batch: 500,
            idle_wait: Duration::from_millis(200),
        }
    }
}

/// Projects one partition of `L` into a [`ReadStore`].
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

    /// Applies everything the partition held when called; answers the next offset. Stops at
    /// the end offset seen when called, or earlier when a read finds no more records (a log
    /// with gaps may end past its last record).
    pub async fn catch_up(&self) -> Result<u64, ProjectionError> {
        let end = self.log.end_offset(self.partition).await?;
        let mut next = self.store.next_offset(self.partition).await?;
        while next < end {
            match self.step(next).await? {
                Some(after) => next = after,
                None => break,
            }
        }
        Ok(next)
    }

    /// Follows the partition until `shutdown` turns true (or its sender is dropped), applying
    /// records as they are appended.
    pub async fn run(&self, mut shutdown: watch::Receiver<bool>) -> Result<(), ProjectionError> {
        let mut next = self.store.next_offset(self.partition).await?;
        loop {
            if *shutdown.borrow_and_update() || shutdown.has_changed().is_err() {
                return Ok(());
            }
            if let Some(after) = self.step(next).await? {
                next = after;
                continue;
            }
            let end = self.log.end_offset(self.partition).await?;
            let wait_from = if end > next {
                // The log ends past the records read: a gap, or records appended since the
                // read. Read once more; what is not there now lands at `end` or later.
                if let Some(after) = self.step(next).await? {
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

    /// Reads one batch from `next` and applies it; answers the new next offset, or `None` when
    /// the read found nothing.
    async fn step(&self, next: u64) -> Result<Option<u64>, ProjectionError> {
        let records = self
            .log
            .read(self.partition, next, self.config.batch.max(1))
            .await?;
        if records.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            self.store.apply_batch(self.partition, &records).await?,
        ))
    }
}
