//! Reports the append latency of the Kafka backend (one transaction per call) as a partition
//! fills: rounds of single-record appends, each round's percentiles, so a broker whose cost
//! grows with the partition shows it. It only prints figures, it asserts no timing; see them
//! with `cargo test -p eventlog --release --features kafka --test kafka_latency -- --ignored
//! --nocapture` (a broker at `PROMO_TEST_KAFKA`, default 127.0.0.1:9092).
#![cfg(feature = "kafka")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use eventlog::kafka::{KafkaConfig, KafkaLog};
use eventlog::{AppendRecord, EventLog, PartitionWriter};

const ROUNDS: usize = 6;
const APPENDS: usize = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement"]
async fn append_latency_as_the_partition_fills() {
    let topic = testkit::unique_name("latency");
    let config = KafkaConfig::new(testkit::kafka_brokers(), topic, 1);
    let log = KafkaLog::open(config).await.unwrap();
    let mut writer = log.claim(0).await.unwrap();
    let record = [AppendRecord::new("1", vec![b'x'; 400])];
    for round in 0..ROUNDS {
        let mut samples: Vec<Duration> = Vec::with_capacity(APPENDS);
        for _ in 0..APPENDS {
            let started = Instant::now();
            writer.append(&record).await.unwrap();
            samples.push(started.elapsed());
        }
        samples.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        let read = Instant::now();
        let end = log.end_offset(0).await.unwrap();
        println!(
            "messages {:>5}..{:>5}: p50 {:?}, p90 {:?}, p99 {:?}, max {:?}; end_offset {:?}",
            round * APPENDS,
            (round + 1) * APPENDS,
            at(0.5),
            at(0.9),
            at(0.99),
            samples[samples.len() - 1],
            read.elapsed()
        );
        assert!(end > 0);
    }
}
