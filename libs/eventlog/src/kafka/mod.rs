//! The Kafka backend of the event log (rdkafka, any Kafka-protocol broker).
//!
//! - One topic with P partitions, created when missing (retention unlimited, never compacted);
//!   opening a topic with another partition count is refused.
//! - A claim is a transactional producer with `transactional.id = <topic>-p<partition>`: its
//!   `init_transactions` fences every older producer of the partition at the broker. The new
//!   writer then appends a claim marker carrying its epoch, higher than every epoch in the
//!   log, so that readers ignore whatever an older writer's aborted transactions left visible
//!   (see [`crate::EpochFence`]); correctness never rests on the broker filtering them.
//! - An append is one transaction: one message per account (see `frame`), headers carrying
//!   the writer's epoch; it returns only after the commit succeeded.
//! - Reads use consumers with `isolation.level=read_committed`, assigned (not subscribed) to
//!   one partition at a time, kept in a pool for their connections (unassigned while idle).
//!
//! - Partitions a writer of this process holds are followed here without the broker: reads
//!   of what it committed last, the end it reached and waits on its commits are answered in
//!   memory (see `local`), the broker being asked only every second whether another process
//!   took the partition over. A follower in another process (the projector service) polls the
//!   broker.
//!
//! Modules: `frame` (messages and record offsets), `config` (settings and client configs),
//! `topic` (creation and checks), `reader` (consumers), `writer` (transactions and claims),
//! `local` (what this process's writers committed).

mod config;
mod frame;
mod local;
mod reader;
mod topic;
mod writer;

pub use config::KafkaConfig;
pub use writer::KafkaWriter;

use crate::{EventLog, LogError, LogRecord};
use local::{Local, OWNED_CHECK, OWNED_CHECK_WINDOW};
use reader::ReaderPool;
use std::sync::Arc;
use std::time::Duration;

/// The event log on a Kafka topic. Cheap to clone: clones share the reader pool.
#[derive(Clone)]
pub struct KafkaLog {
    shared: Arc<Shared>,
}

/// What the log's clones share.
struct Shared {
    config: KafkaConfig,
    readers: ReaderPool,
    local: Arc<Local>,
}

impl KafkaLog {
    /// The broker holds records of `partition` past `offset` while a writer of this process
    /// holds it: they are that writer's own when its commit lands here too (the broker shows
    /// a commit before the writer tells `Local`); otherwise another process wrote them, and
    /// the partition goes back to the broker.
    async fn settle_elsewhere(&self, partition: u32, offset: u64) {
        let local = &self.shared.local;
        if local.wait_past(partition, offset, OWNED_CHECK).await == Some(false) {
            local.released(partition, None);
        }
    }

    /// Connects to the brokers of `config`, creates its topic with `config.partitions`
    /// partitions when missing, and checks an existing topic has that many.
    pub async fn open(config: KafkaConfig) -> Result<Self, LogError> {
        if config.partitions == 0 {
            return Err(LogError::ZeroPartitions);
        }
        topic::ensure(&config).await?;
        let readers = ReaderPool::new(config.clone());
        let local = Arc::new(Local::new(config.partitions));
        Ok(Self {
            shared: Arc::new(Shared {
                config,
                readers,
                local,
            }),
        })
    }

    /// The settings it was opened with.
    pub fn config(&self) -> &KafkaConfig {
        &self.shared.config
    }

    fn check(&self, partition: u32) -> Result<(), LogError> {
        let partitions = self.shared.config.partitions;
        if partition < partitions {
            Ok(())
        } else {
            Err(LogError::NoSuchPartition {
                partition,
                partitions,
            })
        }
    }
}

impl EventLog for KafkaLog {
    type Writer = KafkaWriter;

    fn partitions(&self) -> u32 {
        self.shared.config.partitions
    }

    async fn claim(&self, partition: u32) -> Result<KafkaWriter, LogError> {
        self.check(partition)?;
        let shared = &self.shared;
        writer::claim(&shared.config, &shared.readers, &shared.local, partition).await
    }

    async fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<LogRecord>, LogError> {
        self.check(partition)?;
        if let Some(records) = self.shared.local.read(partition, from, max) {
            return Ok(records);
        }
        self.shared.readers.read(partition, from, max).await
    }

    async fn end_offset(&self, partition: u32) -> Result<u64, LogError> {
        self.check(partition)?;
        if let Some(end) = self.shared.local.end(partition) {
            return Ok(end);
        }
        let (_, high) = self.shared.readers.watermarks(partition).await?;
        Ok(frame::record_offset(high, 0))
    }

    async fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, LogError> {
        self.check(partition)?;
        let local = &self.shared.local;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let slice = left.min(OWNED_CHECK);
            match local.wait_past(partition, offset, slice).await {
                Some(true) => return Ok(true),
                Some(false) => {
                    let elsewhere = self
                        .shared
                        .readers
                        .wait_for(partition, offset, OWNED_CHECK_WINDOW)
                        .await?;
                    if elsewhere {
                        self.settle_elsewhere(partition, offset).await;
                        return Ok(true);
                    }
                    if left.is_zero() {
                        return Ok(false);
                    }
                }
                None => return self.shared.readers.wait_for(partition, offset, left).await,
            }
        }
    }
}

impl std::fmt::Debug for KafkaLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KafkaLog")
            .field("brokers", &self.shared.config.brokers)
            .field("topic", &self.shared.config.topic)
            .field("partitions", &self.shared.config.partitions)
            .finish_non_exhaustive()
    }
}
