//! Reports the append latency of the SQLite backend (one durable transaction per call) for
//! batches of 1 and 64 records. It only prints figures, it asserts no timing; see them with
//! `cargo test -p eventlog --release --test sqlite_latency -- --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use eventlog::{AppendRecord, EventLog, PartitionWriter, SqliteLog};

const WARM_UP: usize = 20;
const ROUNDS: usize = 300;

/// A payload of the size of a typical event envelope (about 400 bytes of JSON).
fn envelope(i: usize) -> Vec<u8> {
    let mut payload = format!(
        "{{\"id\":\"01J{i:023}\",\"type\":\"credential_redeemed\",\"version\":1,\
         \"occurred_at\":\"2026-11-23T17:55:35.123Z\",\"data\":{{"
    )
    .into_bytes();
    payload.resize(400, b'x');
    payload.extend_from_slice(b"}}");
    payload
}

fn describe(label: &str, batch: usize, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let total: Duration = samples.iter().sum();
    let mean = total / samples.len() as u32;
    let per_second = (samples.len() * batch) as f64 / total.as_secs_f64();
    println!(
        "{label}: {} appends of {batch}: mean {mean:?}, min {:?}, p50 {:?}, p90 {:?}, p99 {:?}, \
         max {:?}; {per_second:.0} records/s",
        samples.len(),
        samples[0],
        at(0.5),
        at(0.9),
        at(0.99),
        samples[samples.len() - 1],
    );
}

async fn measure<W: PartitionWriter>(writer: &mut W, batch: usize) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(ROUNDS);
    for round in 0..WARM_UP + ROUNDS {
        let records: Vec<AppendRecord> = (0..batch)
            .map(|i| AppendRecord::new("1042", envelope(round * batch + i)))
            .collect();
        let started = Instant::now();
        let range = writer.append(&records).await.unwrap();
        let took = started.elapsed();
        assert_eq!(range.end - range.start, batch as u64);
        if round >= WARM_UP {
            samples.push(took);
        }
    }
    samples
}

#[tokio::test]
async fn append_latency() {
    let dir = tempfile::tempdir().unwrap();
    let log = SqliteLog::open(dir.path().join("latency.sqlite"), 2)
        .await
        .unwrap();
    let mut one = log.claim(0).await.unwrap();
    let single = measure(&mut one, 1).await;
    let mut other = log.claim(1).await.unwrap();
    let sixty_four = measure(&mut other, 64).await;
    describe("sqlite append", 1, single);
    describe("sqlite append", 64, sixty_four);
    assert_eq!(
        log.end_offset(1).await.unwrap(),
        ((WARM_UP + ROUNDS) * 64) as u64
    );
}
