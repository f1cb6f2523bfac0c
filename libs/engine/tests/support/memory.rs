//! [`MemoryLog`]: an event log held in memory, for tests on tokio's paused clock. It does no
//! IO and uses no thread outside the runtime, so the runtime is idle (and the paused clock
//! moves on by itself) only when every task waits for time: a test that waits for an actor
//! then waits for the actor, not for a SQLite worker thread it cannot see.

use eventlog::{AppendRecord, EventLog, LogError, LogRecord, PartitionWriter, RecordKind};
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// A log whose partitions are vectors of records; clones share them.
#[derive(Clone)]
pub struct MemoryLog {
    partitions: Arc<[Partition]>,
}

struct Partition {
    held: Mutex<Held>,
    /// The partition's end offset, for `wait_for`.
    end: watch::Sender<u64>,
}

#[derive(Default)]
struct Held {
    epoch: u64,
    records: Vec<LogRecord>,
}

impl MemoryLog {
    /// An empty log of `partitions` partitions.
    pub fn new(partitions: u32) -> Self {
        Self {
            partitions: (0..partitions)
                .map(|_| Partition {
                    held: Mutex::default(),
                    end: watch::Sender::new(0),
                })
                .collect(),
        }
    }

    fn partition(&self, partition: u32) -> Result<&Partition, LogError> {
        self.partitions
            .get(partition as usize)
            .ok_or(LogError::NoSuchPartition {
                partition,
                partitions: self.partitions(),
            })
    }
}

impl Partition {
    fn held(&self) -> MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl EventLog for MemoryLog {
    type Writer = MemoryWriter;

    fn partitions(&self) -> u32 {
        self.partitions.len() as u32
    }

    async fn claim(&self, partition: u32) -> Result<MemoryWriter, LogError> {
        let mut held = self.partition(partition)?.held();
        held.epoch += 1;
        Ok(MemoryWriter {
            log: self.clone(),
            partition,
            epoch: held.epoch,
        })
    }

    async fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<LogRecord>, LogError> {
        let held = self.partition(partition)?.held();
        let from = usize::try_from(from).unwrap_or(usize::MAX);
        Ok(held.records.iter().skip(from).take(max).cloned().collect())
    }

    async fn end_offset(&self, partition: u32) -> Result<u64, LogError> {
        Ok(self.partition(partition)?.held().records.len() as u64)
    }

    async fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, LogError> {
        let mut end = self.partition(partition)?.end.subscribe();
        let reached = tokio::time::timeout(timeout, end.wait_for(|end| *end > offset)).await;
        Ok(matches!(reached, Ok(Ok(_))))
    }
}

/// The writer of one partition of a [`MemoryLog`].
pub struct MemoryWriter {
    log: MemoryLog,
    partition: u32,
    epoch: u64,
}

impl PartitionWriter for MemoryWriter {
    fn partition(&self) -> u32 {
        self.partition
    }

    fn epoch(&self) -> u64 {
        self.epoch
    }

    async fn append(&mut self, records: &[AppendRecord]) -> Result<Range<u64>, LogError> {
        let partition = self.log.partition(self.partition)?;
        let mut held = partition.held();
        if held.epoch != self.epoch {
            return Err(LogError::Fenced {
                partition: self.partition,
                epoch: self.epoch,
            });
        }
        let start = held.records.len() as u64;
        for (offset, record) in (start..).zip(records) {
            held.records.push(LogRecord {
                partition: self.partition,
                offset,
                key: record.key.clone(),
                payload: record.payload.clone(),
                epoch: self.epoch,
                kind: RecordKind::Event,
            });
        }
        let end = held.records.len() as u64;
        partition.end.send_replace(end);
        Ok(start..end)
    }
}
