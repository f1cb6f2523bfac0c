//! Redemption-to-callback latency: starts the release `promo serve` (embedded dispatcher)
//! on a fresh temporary data folder and a partner receiver in this process, sets up an account
//! over HTTP with the channel's `conversion_callback_url` pointing at the receiver, sends
//! `POST /v1.0/pos/redemptions` open-loop at a fixed rate, and prints percentiles of, per
//! redemption:
//! - `redeemed -> callback`: from the redemption's `redeemed_at` (the server's clock when it
//!   decided it, before its durable append) to its callback's arrival (same machine, same
//!   clock): the redemption-to-callback latency;
//! - `answer -> callback`: from the client reading the POS answer to the callback's arrival
//!   (0 when the callback came first);
//! - `due -> callback`: from when the request was due (open loop) to the callback's arrival,
//!   POS latency and queueing included.
//!
//! ```text
//! cargo build --release -p server -p benches
//! target/release/callback_latency --rate 1000 --seconds 10
//! ```

use anyhow::{bail, Context as _};
use benches::load::{Api, Behaviour, PosFixture, Receiver, ServerProcess};
use clap::Parser;
use reqwest::Method;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// When one redemption was due and answered.
#[derive(Clone, Copy)]
struct Sent {
    due: Instant,
    answered: Instant,
}

fn percentile(sorted: &[f64], quantile: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((quantile * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn summary(name: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    println!(
        "{name}: n={} p50={:.2} ms p90={:.2} ms p99={:.2} ms p99.9={:.2} ms max={:.2} ms",
        values.len(),
        percentile(&values, 0.50),
        percentile(&values, 0.90),
        percentile(&values, 0.99),
        percentile(&values, 0.999),
        values.last().copied().unwrap_or(f64::NAN),
    );
}

/// Redemption-to-callback latency (see the module documentation).
#[derive(Debug, Parser)]
#[command(name = "callback_latency")]
struct Options {
    /// Redemptions per second (open loop).
    #[arg(long, default_value_t = 1_000)]
    rate: u64,
    /// How long to send.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Options { rate, seconds } = Options::parse();
    let data = tempfile::tempdir()?;
    let binary = std::env::current_exe()?.with_file_name("promo");
    let server = ServerProcess::start(
        &binary,
        &["serve"],
        &data.path().join("data"),
        &[
            ("PROMO_PARTITIONS", "4"),
            ("PROMO_CALLBACK_ALLOW", "127.0.0.0/8"),
        ],
    )
    .await
    .with_context(|| format!("starting {}", binary.display()))?;
    let printed = server.printed.clone().context("no credentials printed")?;
    let api = Api::login(&server.base, &printed.identity, &printed.key).await?;
    let receiver = Receiver::start(Behaviour::Accept)?;
    let count = usize::try_from(rate * seconds)?;
    let setup = Instant::now();
    let fixture = PosFixture::create(&api, count, 32, json!({})).await?;
    let url = json!({"channel": {"conversion_callback_url":
        format!("{}/cb/%{{credential_id}}?xid=%{{xid}}&at=%{{redeemed_at}}", receiver.base)}});
    api.expect(
        Method::PUT,
        &format!("/v1.0/channels/{}", fixture.channel_id),
        Some(&url),
        200,
    )
    .await?;
    println!(
        "setup: {count} credentials in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let sent: Arc<Mutex<HashMap<u64, Sent>>> = Arc::new(Mutex::new(HashMap::new()));
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for (index, code) in fixture.codes.iter().enumerate() {
        let due = start + interval.mul_f64(index as f64);
        tokio::time::sleep_until(due.into()).await;
        let (api, body, sent) = (api.clone(), fixture.redeem_body(code), sent.clone());
        tasks.push(tokio::spawn(async move {
            let response = api
                .request(Method::POST, "/v1.0/pos/redemptions")
                .header("Idempotency-Key", format!("cb-{index}"))
                .json(&body)
                .send()
                .await?;
            let answered = Instant::now();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await?;
            if status != 201 {
                bail!("redemption {index}: {status} {body}");
            }
            let id = body["redemption"]["id"]
                .as_u64()
                .context("no redemption id")?;
            sent.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(id, Sent { due, answered });
            Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let offered = start.elapsed();
    let received = receiver.wait_for(count, Duration::from_secs(60)).await;
    println!(
        "sent {count} redemptions in {:.1} s ({:.0}/s); {} callbacks received",
        offered.as_secs_f64(),
        count as f64 / offered.as_secs_f64(),
        received.len()
    );
    let sent = sent.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let mut after_answer = Vec::new();
    let mut after_due = Vec::new();
    let mut after_redeemed = Vec::new();
    let mut early = 0;
    for request in &received {
        let body = request.json();
        let Some(id) = body["redemption_id"].as_u64() else {
            continue;
        };
        if let Some(redeemed) = body["redeemed_at"]
            .as_str()
            .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
        {
            let redeemed = std::time::SystemTime::from(redeemed.with_timezone(&chrono::Utc));
            let latency = request.wall.duration_since(redeemed).unwrap_or_default();
            after_redeemed.push(latency.as_secs_f64() * 1e3);
        }
        let Some(times) = sent.get(&id) else { continue };
        match request.at.checked_duration_since(times.answered) {
            Some(latency) => after_answer.push(latency.as_secs_f64() * 1e3),
            None => {
                early += 1;
                after_answer.push(0.0);
            }
        }
        after_due.push(request.at.duration_since(times.due).as_secs_f64() * 1e3);
    }
    summary("redeemed -> callback", after_redeemed);
    summary("answer -> callback  ", after_answer);
    summary("due -> callback     ", after_due);
    println!("callbacks that arrived before their POS answer: {early}");
    let mut server = server;
    server.terminate()?;
    Ok(())
}
