//! [`FlakyLog`]: a log wrapper that injects append failures, and holds appends while a test
//! looks at what the actor shows in the meantime.

use super::{Actor, Setup};
use engine::{ActorConfig, PartitionActor};
use eventlog::{AppendRecord, EventLog, LogError, LogRecord, PartitionWriter};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// An actor for partition 0 of `log` with `config`, on the setup's clock and a fixed seed.
pub async fn flaky_actor<L: EventLog + Clone>(
    setup: &Setup<L>,
    log: FlakyLog<L>,
    config: ActorConfig,
) -> Actor {
    let config = ActorConfig {
        clock: setup.clock.clone(),
        seed: Some(3),
        ..config
    };
    Actor {
        handle: PartitionActor::start(log, 0, config).await.unwrap(),
    }
}

/// A log whose writers fail their next append, once, when told to: with `fail` before
/// writing anything, with `lose_answer` after the batch is durable (as a Kafka commit that
/// succeeds at the broker but times out at the client), with `tear` in the middle of the first
/// batch holding several accounts' records (the first account's are written, the rest not: as
/// a Kafka transaction whose first message a broker that shows aborted records keeps). While a
/// test holds `hold`, appends wait for it before writing (`appending` counts the appends that
/// started).
#[derive(Clone)]
pub struct FlakyLog<L> {
    inner: L,
    pub fail: Arc<AtomicBool>,
    pub lose_answer: Arc<AtomicBool>,
    pub tear: Arc<AtomicBool>,
    pub hold: Arc<Mutex<()>>,
    pub appending: Arc<AtomicU64>,
}

impl<L> FlakyLog<L> {
    pub fn new(inner: L) -> Self {
        Self {
            inner,
            fail: Arc::default(),
            lose_answer: Arc::default(),
            tear: Arc::default(),
            hold: Arc::default(),
            appending: Arc::default(),
        }
    }
}

pub struct FlakyWriter<W> {
    inner: W,
    fail: Arc<AtomicBool>,
    lose_answer: Arc<AtomicBool>,
    tear: Arc<AtomicBool>,
    hold: Arc<Mutex<()>>,
    appending: Arc<AtomicU64>,
}

impl<L: EventLog> EventLog for FlakyLog<L> {
    type Writer = FlakyWriter<L::Writer>;

    fn partitions(&self) -> u32 {
        self.inner.partitions()
    }

    async fn claim(&self, partition: u32) -> Result<Self::Writer, LogError> {
        Ok(FlakyWriter {
            inner: self.inner.claim(partition).await?,
            fail: self.fail.clone(),
            lose_answer: self.lose_answer.clone(),
            tear: self.tear.clone(),
            hold: self.hold.clone(),
            appending: self.appending.clone(),
        })
    }

    async fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<LogRecord>, LogError> {
        self.inner.read(partition, from, max).await
    }

    async fn end_offset(&self, partition: u32) -> Result<u64, LogError> {
        self.inner.end_offset(partition).await
    }

    async fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, LogError> {
        self.inner.wait_for(partition, offset, timeout).await
    }
}

impl<W: PartitionWriter> PartitionWriter for FlakyWriter<W> {
    fn partition(&self) -> u32 {
        self.inner.partition()
    }

    fn epoch(&self) -> u64 {
        self.inner.epoch()
    }

    async fn append(&mut self, records: &[AppendRecord]) -> Result<Range<u64>, LogError> {
        self.appending.fetch_add(1, Ordering::SeqCst);
        drop(self.hold.lock().await);
        if self.fail.swap(false, Ordering::SeqCst) {
            return Err(LogError::Storage("injected failure".into()));
        }
        let first_key = records.first().map(|record| record.key.as_str());
        let torn = records
            .iter()
            .any(|record| Some(record.key.as_str()) != first_key);
        if torn && self.tear.swap(false, Ordering::SeqCst) {
            let written: Vec<AppendRecord> = records
                .iter()
                .take_while(|record| Some(record.key.as_str()) == first_key)
                .cloned()
                .collect();
            self.inner.append(&written).await?;
            return Err(LogError::Storage("injected torn append".into()));
        }
        let written = self.inner.append(records).await?;
        if self.lose_answer.swap(false, Ordering::SeqCst) {
            return Err(LogError::Storage("injected lost answer".into()));
        }
        Ok(written)
    }
}
