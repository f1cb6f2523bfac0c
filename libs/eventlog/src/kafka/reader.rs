//! Reading the topic: consumers assigned to one partition at a time (no consumer group, no
//! committed offsets), pooled for their connections. A reader given back to the pool is
//! unassigned and forgets its place, so an idle reader does not keep fetching in the
//! background (pooled readers left assigned kept the broker scanning their partitions a
//! hundred times a second, and halved the throughput of a writer on the same broker); each
//! call assigns the reader it takes where it starts. librdkafka's calls block, so each read
//! runs on a blocking thread with the reader it took from the pool.
//!
//! A read ends when it has `max` records; when it has some and the consumer holds no more
//! fetched messages; or, when it has none, once the consumer's position has reached the
//! partition's end as the broker reports it (its high watermark; for `read_committed`, the
//! last stable offset), checked when the consumer signals the end or nothing arrives for a
//! moment. So an empty answer always means the end, never a slow fetch. The consumer's own
//! end-of-partition signal alone is not trusted for that: it is queued when the background
//! fetch caught up, and records may have been committed since.

use super::config::{storage, KafkaConfig};
use super::frame;
use crate::{LogError, LogRecord, RecordKind};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Header holding the writer's epoch (8 bytes, big-endian).
pub(super) const EPOCH_HEADER: &str = "promo-epoch";
/// Header marking a claim (value [`CLAIM`]); absent on appended records.
pub(super) const KIND_HEADER: &str = "promo-kind";
/// The value of [`KIND_HEADER`] on a claim marker.
pub(super) const CLAIM: &[u8] = b"claim";

/// One poll's wait before the reader checks whether it is at the end.
const POLL_SLICE: Duration = Duration::from_millis(20);
/// Idle readers kept for reuse beyond which returned ones are dropped.
const MAX_IDLE: usize = 32;

/// The readers not in use.
pub(super) struct ReaderPool {
    config: KafkaConfig,
    idle: Mutex<Vec<Reader>>,
}

impl ReaderPool {
    pub(super) fn new(config: KafkaConfig) -> Self {
        Self {
            config,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Up to `max` records of `partition` from record offset `from` on.
    pub(super) async fn read(
        &self,
        partition: u32,
        from: u64,
        max: usize,
    ) -> Result<Vec<LogRecord>, LogError> {
        let Some(at) = frame::split(from) else {
            return Ok(Vec::new());
        };
        if max == 0 {
            return Ok(Vec::new());
        }
        let reader = self.take()?;
        let timeout = self.config.operation_timeout;
        self.run(reader, move |reader| {
            reader.read(partition, at, max, timeout)
        })
        .await
    }

    /// Waits until `partition` holds a record at or after `offset`, or `timeout` passes. Even
    /// with no time to wait it looks at the broker once (until the consumer reports the end,
    /// or one poll slice), since only a fetch can tell whether a record is there.
    pub(super) async fn wait_for(
        &self,
        partition: u32,
        offset: u64,
        timeout: Duration,
    ) -> Result<bool, LogError> {
        let Some(at) = frame::split(offset) else {
            return Ok(false);
        };
        let reader = self.take()?;
        self.run(reader, move |reader| {
            reader.wait_for(partition, at, timeout)
        })
        .await
    }

    /// The low and high watermarks (message offsets) of `partition`.
    pub(super) async fn watermarks(&self, partition: u32) -> Result<(i64, i64), LogError> {
        let reader = self.take()?;
        self.run(reader, move |reader| reader.watermarks(partition))
            .await
    }

    /// An idle reader, or a new one.
    fn take(&self) -> Result<Reader, LogError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(reader) => Ok(reader),
            None => Reader::new(&self.config),
        }
    }

    fn give_back(&self, mut reader: Reader) {
        if reader.unassign().is_err() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(reader);
        }
    }

    /// Runs `work` with `reader` on a blocking thread, then returns the reader to the pool
    /// (unless the work failed: a reader in an unknown state is dropped).
    async fn run<T, F>(&self, mut reader: Reader, work: F) -> Result<T, LogError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Reader) -> Result<T, LogError> + Send + 'static,
    {
        let (reader, result) = tokio::task::spawn_blocking(move || {
            let result = work(&mut reader);
            (reader, result)
        })
        .await
        .map_err(|error| LogError::Storage(Box::new(error)))?;
        if result.is_ok() {
            self.give_back(reader);
        }
        result
    }
}

/// A message read from the topic, decoded.
struct Polled {
    offset: i64,
    epoch: u64,
    kind: RecordKind,
    key: String,
    payloads: Vec<Vec<u8>>,
}

impl Polled {
    /// Records the message holds: its payloads, or the one claim marker.
    fn records(&self) -> usize {
        match self.kind {
            RecordKind::Claim => 1,
            RecordKind::Event => self.payloads.len(),
        }
    }

    fn record(&self, partition: u32, index: usize) -> LogRecord {
        LogRecord {
            partition,
            offset: frame::record_offset(self.offset, index),
            key: self.key.clone(),
            payload: self.payloads.get(index).cloned().unwrap_or_default(),
            epoch: self.epoch,
            kind: self.kind,
        }
    }
}

/// What one poll gave.
enum Poll {
    Message(Polled),
    End,
    Idle,
}

/// One consumer and where it stands.
struct Reader {
    consumer: BaseConsumer,
    topic: String,
    partition: Option<u32>,
    /// The offset of the next message this reader yields (the pending one's, if any).
    next: i64,
    /// A message polled but not (wholly) yielded yet.
    pending: Option<Polled>,
}

impl Reader {
    fn new(config: &KafkaConfig) -> Result<Self, LogError> {
        Ok(Self {
            consumer: config.consumer().create().map_err(storage)?,
            topic: config.topic.clone(),
            partition: None,
            next: 0,
            pending: None,
        })
    }

    /// Stops fetching and forgets its place: the next call assigns it afresh.
    fn unassign(&mut self) -> Result<(), LogError> {
        if self.partition.take().is_some() {
            self.consumer.unassign().map_err(storage)?;
        }
        self.next = 0;
        self.pending = None;
        Ok(())
    }

    /// Assigns the reader to message `at.0` of `partition`.
    fn seek(&mut self, partition: u32, at: (i64, usize)) -> Result<(i64, usize), LogError> {
        let mut assignment = TopicPartitionList::new();
        assignment
            .add_partition_offset(
                &self.topic,
                kafka_partition(partition)?,
                Offset::Offset(at.0),
            )
            .map_err(storage)?;
        self.consumer.assign(&assignment).map_err(storage)?;
        self.partition = Some(partition);
        self.next = at.0;
        self.pending = None;
        Ok(at)
    }

    fn read(
        &mut self,
        partition: u32,
        at: (i64, usize),
        max: usize,
        timeout: Duration,
    ) -> Result<Vec<LogRecord>, LogError> {
        let (start, index) = self.seek(partition, at)?;
        let deadline = Instant::now() + timeout;
        let mut records = Vec::new();
        while records.len() < max {
            let message = match self.pending.take() {
                Some(message) => message,
                None => match self.poll(if records.is_empty() {
                    POLL_SLICE
                } else {
                    Duration::ZERO
                })? {
                    Poll::Message(message) => message,
                    Poll::End | Poll::Idle if !records.is_empty() => break,
                    Poll::End | Poll::Idle if self.at_end(partition)? => break,
                    Poll::Idle if Instant::now() >= deadline => {
                        return Err(LogError::Storage(
                            format!("reading partition {partition} timed out").into(),
                        ))
                    }
                    Poll::End | Poll::Idle => continue,
                },
            };
            let first = if message.offset == start { index } else { 0 };
            let count = message.records();
            let until = count.min(first.saturating_add(max - records.len()));
            records.extend((first..until).map(|i| message.record(partition, i)));
            if until < count {
                self.next = message.offset;
                self.pending = Some(message);
                break;
            }
            self.next = message.offset + 1;
        }
        Ok(records)
    }

    fn wait_for(
        &mut self,
        partition: u32,
        at: (i64, usize),
        timeout: Duration,
    ) -> Result<bool, LogError> {
        let (start, index) = self.seek(partition, at)?;
        let started = Instant::now();
        let deadline = started + timeout;
        let settled = started + POLL_SLICE;
        let mut at_end = false;
        loop {
            if let Some(message) = self.pending.take() {
                if message.offset > start || message.records() > index {
                    self.next = message.offset;
                    self.pending = Some(message);
                    return Ok(true);
                }
                self.next = message.offset + 1;
            }
            let now = Instant::now();
            if now >= deadline && (at_end || now >= settled) {
                return Ok(false);
            }
            let left = deadline.max(settled).saturating_duration_since(now);
            match self.poll(left.min(Duration::from_millis(100)))? {
                Poll::Message(message) => self.pending = Some(message),
                Poll::End => at_end = self.at_end(partition)?,
                Poll::Idle => {}
            }
        }
    }

    fn watermarks(&mut self, partition: u32) -> Result<(i64, i64), LogError> {
        self.consumer
            .fetch_watermarks(
                &self.topic,
                kafka_partition(partition)?,
                Duration::from_secs(30),
            )
            .map_err(storage)
    }

    /// Whether the consumer has passed every message of `partition` the broker holds.
    fn at_end(&mut self, partition: u32) -> Result<bool, LogError> {
        let (_, high) = self.watermarks(partition)?;
        let position = self
            .consumer
            .position()
            .ok()
            .and_then(|positions| {
                positions
                    .find_partition(&self.topic, kafka_partition(partition).ok()?)
                    .and_then(|element| match element.offset() {
                        Offset::Offset(offset) => Some(offset),
                        _ => None,
                    })
            })
            .unwrap_or(self.next);
        Ok(position.max(self.next) >= high)
    }

    fn poll(&mut self, timeout: Duration) -> Result<Poll, LogError> {
        match self.consumer.poll(timeout) {
            None => Ok(Poll::Idle),
            Some(Err(KafkaError::PartitionEOF(_))) => Ok(Poll::End),
            Some(Err(error)) => Err(storage(error)),
            Some(Ok(message)) => decode(&message).map(Poll::Message),
        }
    }
}

fn decode(message: &impl Message) -> Result<Polled, LogError> {
    let mut epoch = None;
    let mut kind = RecordKind::Event;
    if let Some(headers) = message.headers() {
        for header in headers.iter() {
            match (header.key, header.value) {
                (EPOCH_HEADER, Some(value)) => {
                    let bytes: [u8; 8] = value.try_into().map_err(|_| corrupt(message, "epoch"))?;
                    epoch = Some(u64::from_be_bytes(bytes));
                }
                (KIND_HEADER, Some(CLAIM)) => kind = RecordKind::Claim,
                _ => {}
            }
        }
    }
    let epoch = epoch.ok_or_else(|| corrupt(message, "missing epoch"))?;
    let key = std::str::from_utf8(message.key().unwrap_or_default())
        .map_err(|_| corrupt(message, "key"))?
        .to_owned();
    let payloads = match kind {
        RecordKind::Claim => Vec::new(),
        RecordKind::Event => frame::unpack(message.payload().unwrap_or_default())?
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect(),
    };
    Ok(Polled {
        offset: message.offset(),
        epoch,
        kind,
        key,
        payloads,
    })
}

fn corrupt(message: &impl Message, what: &str) -> LogError {
    LogError::Corrupt(format!(
        "message at offset {} of partition {}: bad {what}",
        message.offset(),
        message.partition()
    ))
}

/// A partition number as Kafka's.
pub(super) fn kafka_partition(partition: u32) -> Result<i32, LogError> {
    i32::try_from(partition).map_err(|_| LogError::NoSuchPartition {
        partition,
        partitions: partition,
    })
}
