//! Restart time of a partition's writer on the production backends: the event log on a
//! fresh topic of the Kafka broker (`PROMO_TEST_KAFKA`, default `127.0.0.1:9092`), snapshots
//! in a fresh Postgres database (`PROMO_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432`).
//!
//! It writes `--events` recorded events of one busy account (credentials issued, every one
//! redeemed) into one partition, leaving the last `--tail` after a snapshot, as a command
//! service that snapshots every 100,000 records leaves at most that many; then it times a new
//! writer claiming the partition until it takes commands: the newest snapshot read from
//! Postgres and decoded, the tail read from Kafka and applied. A full replay without the
//! snapshot is timed too.
//!
//! ```text
//! cargo run --release -p benches --bin restart -- --events 1000000 --tail 100000
//! ```

use clap::Parser;
use engine::{ActorConfig, PartitionActor};
use eventlog::kafka::{KafkaConfig, KafkaLog};
use eventlog::postgres::PostgresSnapshots;
use eventlog::Envelope;
use eventlog::{AppendRecord, EventLog, PartitionWriter, SnapshotStore};
use serde_json::value::RawValue;
use std::sync::Arc;
use std::time::Instant;
use testkit::TestDatabase;

/// Records appended per transaction while filling.
const FILL_BATCH: usize = 10_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Options { events, tail } = Options::parse();
    let started = Instant::now();
    let stream = benches::redemption_stream(events / 2, 1);
    let stream = &stream[..events.min(stream.len())];
    println!(
        "generated {} events in {:.1?}",
        stream.len(),
        started.elapsed()
    );

    let database = TestDatabase::create().await;
    let topic = testkit::unique_name("restart-bench");
    let log = KafkaLog::open(KafkaConfig::new(testkit::kafka_brokers(), topic, 1)).await?;
    let snapshots: Arc<dyn SnapshotStore> =
        Arc::new(PostgresSnapshots::connect(&database.url).await?);
    let head = stream.len().saturating_sub(tail);

    let started = Instant::now();
    fill(&log, &stream[..head]).await?;
    println!("wrote {head} events to Kafka in {:.1?}", started.elapsed());
    let started = Instant::now();
    let writer = start(&log, None).await?;
    println!("start by full replay of {head}: {:.2?}", started.elapsed());
    let writer_with_store = {
        writer.shutdown().await;
        start(&log, Some(Arc::clone(&snapshots))).await?
    };
    let started = Instant::now();
    writer_with_store.shutdown().await;
    println!(
        "snapshot written at a clean stop: {:.2?}",
        started.elapsed()
    );

    let started = Instant::now();
    fill(&log, &stream[head..]).await?;
    println!(
        "wrote the {} tail events in {:.1?}",
        stream.len() - head,
        started.elapsed()
    );

    let started = Instant::now();
    let restarted = start(&log, Some(Arc::clone(&snapshots))).await?;
    let ready = started.elapsed();
    let stats = restarted.stats();
    println!(
        "restart over {} events: ready in {ready:.2?} (snapshot at {}, {} records of tail replayed)",
        stream.len(),
        stats.snapshot_loaded_at,
        stats.records_replayed
    );
    restarted.shutdown().await;
    let started = Instant::now();
    let full = start(&log, None).await?;
    println!("the same by full replay: {:.2?}", started.elapsed());
    full.shutdown().await;
    Ok(())
}

/// Restart time of a partition's writer (see the module documentation).
#[derive(Debug, Parser)]
#[command(name = "restart")]
struct Options {
    /// Recorded events of the busy account.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Events left after the newest snapshot.
    #[arg(long, default_value_t = 100_000)]
    tail: usize,
}

/// Appends `events` (event JSON of account 1) as a writer would, in large transactions.
async fn fill(log: &KafkaLog, events: &[String]) -> anyhow::Result<()> {
    let mut writer = log.claim(0).await?;
    for chunk in events.chunks(FILL_BATCH) {
        let mut records = Vec::with_capacity(chunk.len());
        for (n, event) in chunk.iter().enumerate() {
            let envelope = Envelope {
                event_id: ulid::Ulid::from_parts(n as u64, 0),
                account_id: domain::ids::AccountId(1),
                epoch: writer.epoch(),
                correlation_id: None,
                causation_id: None,
                event: RawValue::from_string(event.clone())?,
            };
            records.push(AppendRecord::new("1", envelope.encode()?));
        }
        writer.append(&records).await?;
    }
    Ok(())
}

/// A writer of partition 0 reading snapshots from `store` (and writing one at its stop).
async fn start(
    log: &KafkaLog,
    store: Option<Arc<dyn SnapshotStore>>,
) -> anyhow::Result<engine::PartitionHandle> {
    let config = ActorConfig {
        snapshots: store,
        snapshot_every: Some(u64::MAX),
        ..ActorConfig::default()
    };
    Ok(PartitionActor::start(log.clone(), 0, config).await?)
}
