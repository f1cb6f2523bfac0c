//! [`KafkaWriter`]: the single writer of one partition, a transactional producer.
//!
//! Claiming: `init_transactions` under the partition's stable `transactional.id` fences every
//! older producer of it at the broker (and aborts its open transaction); the new writer reads
//! the partition's last messages for the newest epoch in them and takes a higher one (at least
//! the current time in microseconds, so epochs also grow across a lost tail), then commits a
//! claim marker with it. Every later message carries the epoch in a header.
//!
//! Appending: one transaction per batch; the answer comes only after the commit. A fatal
//! producer error (fenced by a newer claim, or any error librdkafka calls fatal) fences the
//! writer for good; an abortable one aborts the transaction and fails the append, leaving
//! the writer usable. Claims, commits and failures are told to the log's `Local`, which
//! serves this process's followers (see `local`).

use super::config::{storage, KafkaConfig};
use super::frame::{self, Packed};
use super::local::Local;
use super::reader::{kafka_partition, ReaderPool, CLAIM, EPOCH_HEADER, KIND_HEADER};
use crate::{AppendRecord, LogError, PartitionWriter, RecordKind};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Messages at the partition's end read at a claim to find the newest epoch.
const TAIL_MESSAGES: i64 = 32;
/// Tries of a commit that failed with a retriable error.
const COMMIT_TRIES: u32 = 3;
/// Longest wait, before a commit, for librdkafka to stop counting delivered messages.
const SETTLE_MAX: Duration = Duration::from_millis(5);

/// The writer of one partition of a [`super::KafkaLog`].
pub struct KafkaWriter {
    producer: FutureProducer,
    topic: String,
    partition: u32,
    epoch: u64,
    timeout: Duration,
    fenced: bool,
    /// Where this process learns what its writers committed.
    local: Arc<Local>,
}

/// What a transaction's messages got: the Kafka offset of each, and the record offsets they
/// span.
struct Delivered {
    offsets: Vec<i64>,
    bounds: Range<u64>,
}

/// Claims `partition`: fences older writers, picks a higher epoch, commits the claim marker.
pub(super) async fn claim(
    config: &KafkaConfig,
    readers: &ReaderPool,
    local: &Arc<Local>,
    partition: u32,
) -> Result<KafkaWriter, LogError> {
    let producer: FutureProducer = config.producer(partition).create().map_err(storage)?;
    let timeout = config.operation_timeout;
    let initialising = producer.clone();
    tokio::task::spawn_blocking(move || initialising.init_transactions(timeout))
        .await
        .map_err(|error| LogError::Storage(Box::new(error)))?
        .map_err(storage)?;
    let newest = newest_epoch(readers, partition).await?;
    let mut writer = KafkaWriter {
        producer,
        topic: config.topic.clone(),
        partition,
        epoch: newest.saturating_add(1).max(now_micros()),
        timeout,
        fenced: false,
        local: Arc::clone(local),
    };
    let marker = Packed::empty("");
    let claimed = writer.transact(&[marker], RecordKind::Claim).await?;
    local.claimed(partition, writer.epoch, claimed.bounds.end);
    Ok(writer)
}

/// The newest epoch among the last messages of `partition` (0 when it is empty). Every
/// writer's messages carry its epoch and a claim marker comes first, so the newest claim is
/// at most as new as the newest epoch at the end.
async fn newest_epoch(readers: &ReaderPool, partition: u32) -> Result<u64, LogError> {
    let (low, high) = readers.watermarks(partition).await?;
    let from = low.max(high - TAIL_MESSAGES).max(0);
    let records = readers
        .read(partition, frame::record_offset(from, 0), usize::MAX)
        .await?;
    Ok(records.iter().map(|record| record.epoch).max().unwrap_or(0))
}

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_micros()).unwrap_or(u64::MAX)
        })
}

impl PartitionWriter for KafkaWriter {
    fn partition(&self) -> u32 {
        self.partition
    }

    fn epoch(&self) -> u64 {
        self.epoch
    }

    async fn append(&mut self, records: &[AppendRecord]) -> Result<Range<u64>, LogError> {
        if self.fenced {
            return Err(self.fenced_error());
        }
        if records.is_empty() {
            return Ok(0..0);
        }
        let messages = frame::pack(records)?;
        let delivered = self.transact(&messages, RecordKind::Event).await?;
        let mut placed: Vec<(u64, &AppendRecord)> = messages
            .iter()
            .zip(&delivered.offsets)
            .flat_map(|(message, offset)| {
                message
                    .members
                    .iter()
                    .enumerate()
                    .filter_map(move |(index, member)| {
                        let record = records.get(*member)?;
                        Some((frame::record_offset(*offset, index), record))
                    })
            })
            .collect();
        placed.sort_unstable_by_key(|(offset, _)| *offset);
        self.local
            .committed(self.partition, self.epoch, placed, delivered.bounds.end);
        Ok(delivered.bounds)
    }
}

impl Drop for KafkaWriter {
    fn drop(&mut self) {
        self.local.released(self.partition, Some(self.epoch));
    }
}

impl KafkaWriter {
    /// Produces `messages` in one transaction and commits it; the offsets they got.
    async fn transact(
        &mut self,
        messages: &[Packed],
        kind: RecordKind,
    ) -> Result<Delivered, LogError> {
        if let Err(error) = self.producer.begin_transaction() {
            return Err(self.failed(error).await);
        }
        let headers = self.headers(kind);
        let partition = kafka_partition(self.partition)?;
        let mut deliveries = Vec::with_capacity(messages.len());
        for message in messages {
            let record = FutureRecord::to(&self.topic)
                .partition(partition)
                .key(&message.key)
                .payload(&message.value)
                .headers(headers.clone());
            match self.producer.send_result(record) {
                Ok(delivery) => deliveries.push((delivery, message.records())),
                Err((error, _)) => return Err(self.failed(error).await),
            }
        }
        let mut bounds: Option<Range<u64>> = None;
        let mut offsets = Vec::with_capacity(deliveries.len());
        for (delivery, records) in deliveries {
            let delivered = match delivery.await {
                Ok(Ok(delivered)) => delivered,
                Ok(Err((error, _))) => return Err(self.failed(error).await),
                Err(_) => return Err(self.failed(KafkaError::Canceled).await),
            };
            offsets.push(delivered.offset);
            let start = frame::record_offset(delivered.offset, 0);
            let end = frame::record_offset(delivered.offset, records);
            bounds = Some(match bounds {
                None => start..end,
                Some(known) => known.start.min(start)..known.end.max(end),
            });
        }
        self.commit().await?;
        Ok(Delivered {
            offsets,
            bounds: bounds.unwrap_or(0..0),
        })
    }

    fn headers(&self, kind: RecordKind) -> OwnedHeaders {
        let epoch = self.epoch.to_be_bytes();
        let headers = OwnedHeaders::new().insert(Header {
            key: EPOCH_HEADER,
            value: Some(&epoch[..]),
        });
        match kind {
            RecordKind::Claim => headers.insert(Header {
                key: KIND_HEADER,
                value: Some(CLAIM),
            }),
            RecordKind::Event => headers,
        }
    }

    async fn commit(&mut self) -> Result<(), LogError> {
        let mut tries = 0;
        loop {
            tries += 1;
            let producer = self.producer.clone();
            let timeout = self.timeout;
            let committed = tokio::task::spawn_blocking(move || {
                settle(&producer);
                producer.commit_transaction(timeout)
            })
            .await
            .map_err(|error| LogError::Storage(Box::new(error)))?;
            match committed {
                Ok(()) => return Ok(()),
                Err(KafkaError::Transaction(error))
                    if error.is_retriable() && !error.is_fatal() && tries < COMMIT_TRIES => {}
                Err(error) => return Err(self.failed(error).await),
            }
        }
    }

    /// Ends a failed transaction: a fencing or fatal error fences the writer for good;
    /// anything else aborts the transaction and fails only this append.
    async fn failed(&mut self, error: KafkaError) -> LogError {
        self.local.released(self.partition, Some(self.epoch));
        if is_fatal(&error) {
            self.fenced = true;
            tracing::warn!(partition = self.partition, epoch = self.epoch, %error, "Kafka writer fenced");
            return self.fenced_error();
        }
        let producer = self.producer.clone();
        let timeout = self.timeout;
        let aborted =
            tokio::task::spawn_blocking(move || producer.abort_transaction(timeout)).await;
        if let Ok(Err(abort)) = aborted {
            if is_fatal(&abort) {
                self.fenced = true;
                return self.fenced_error();
            }
            tracing::warn!(partition = self.partition, %abort, "aborting a Kafka transaction failed");
        }
        storage(error)
    }

    fn fenced_error(&self) -> LogError {
        LogError::Fenced {
            partition: self.partition,
            epoch: self.epoch,
        }
    }
}

/// Waits (up to [`SETTLE_MAX`]) until librdkafka counts no message of `producer` in flight.
///
/// rdkafka's `commit_transaction` flushes first, and a flush that finds a message still
/// counted polls the event queue for 100 ms, which the producer's own polling thread empties:
/// every such commit took 100 ms more. A delivery future resolves just before librdkafka
/// stops counting its message, so a commit right after the deliveries often hit that.
fn settle(producer: &FutureProducer) {
    let started = std::time::Instant::now();
    while producer.in_flight_count() > 0 && started.elapsed() < SETTLE_MAX {
        std::thread::sleep(Duration::from_micros(20));
    }
}

/// Whether `error` leaves the producer unusable: fenced by a newer claim, or fatal.
fn is_fatal(error: &KafkaError) -> bool {
    match error {
        KafkaError::Transaction(error) => error.is_fatal() || is_fencing(error.code()),
        other => other.rdkafka_error_code().is_some_and(is_fencing),
    }
}

fn is_fencing(code: RDKafkaErrorCode) -> bool {
    matches!(
        code,
        RDKafkaErrorCode::Fenced
            | RDKafkaErrorCode::ProducerFenced
            | RDKafkaErrorCode::InvalidProducerEpoch
            | RDKafkaErrorCode::TransactionCoordinatorFenced
    )
}
