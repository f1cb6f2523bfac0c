//! The time to export one member's data (`GET /v1.0/privacy/member/export`): starts the release
//! `promo serve` on a fresh data folder, gives one member `--credentials` credentials and
//! redeems each (so the member has twice as many events: 5,000 give 10,000 events and 10,000
//! activities), then times `--repeat` exports and prints their percentiles, the answer's size
//! and the steal over the timed part.
//!
//! ```text
//! cargo build --release -p server -p benches
//! target/release/member_export --credentials 5000 --repeat 20
//! ```

use anyhow::{bail, Context as _};
use benches::load::{with_cpu, Api, PosFixture, ServerProcess};
use clap::Parser;
use futures_util::{stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde_json::json;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Member export time (see the module documentation).
#[derive(Debug, Parser)]
#[command(name = "member_export")]
struct Options {
    /// Credentials issued to, and redeemed by, the one member.
    #[arg(long, default_value_t = 5_000)]
    credentials: usize,
    /// Exports timed.
    #[arg(long, default_value_t = 20)]
    repeat: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Options {
        credentials,
        repeat,
    } = Options::parse();
    let data = tempfile::tempdir()?;
    let binary = std::env::current_exe()?.with_file_name("promo");
    let server = ServerProcess::start(&binary, &["serve"], &data.path().join("data"), &[])
        .await
        .with_context(|| format!("starting {}", binary.display()))?;
    let printed = server.printed.clone().context("no credentials printed")?;
    let api = Api::login(&server.base, &printed.identity, &printed.key).await?;

    let setup = Instant::now();
    let mut fixture = PosFixture::create(&api, 0, 8, json!({})).await?;
    let member = *fixture.member_ids.first().context("no member")?;
    fixture.codes = fixture
        .issue_to(
            &api,
            std::iter::repeat_n(member, credentials),
            fixture.offer_id,
            32,
        )
        .await?;
    stream::iter(0..fixture.codes.len())
        .map(|index| {
            let fixture = &fixture;
            let api = &api;
            async move {
                let (status, body) = fixture.redeem(api, index).await?;
                if status != 201 {
                    bail!("redemption {index}: {status} {body}");
                }
                Ok(())
            }
        })
        .buffer_unordered(32)
        .try_collect::<Vec<()>>()
        .await?;
    println!(
        "setup: one member, {credentials} credentials issued and redeemed in {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    let path = "/v1.0/privacy/member/export?member_identifier=load-member-0";
    let (timings, cpu) = with_cpu(async {
        let mut timings = Vec::with_capacity(repeat);
        let mut size = 0;
        for _ in 0..repeat {
            let started = Instant::now();
            let answer = api.request(Method::GET, path).send().await?;
            let status = answer.status();
            let body = answer.bytes().await?;
            timings.push(started.elapsed().as_secs_f64() * 1000.0);
            if status != 200 {
                bail!("export: {status}");
            }
            size = body.len();
            let parsed: serde_json::Value = serde_json::from_slice(&body)?;
            let activities = parsed["offer_activities"].as_array().map_or(0, Vec::len);
            if activities != 2 * credentials {
                bail!(
                    "export holds {activities} activities, not {}",
                    2 * credentials
                );
            }
        }
        Ok((timings, size))
    })
    .await;
    let (mut timings, size) = timings?;
    timings.sort_by(f64::total_cmp);
    let at = |quantile: f64| {
        let rank = ((quantile * timings.len() as f64).ceil() as usize).clamp(1, timings.len());
        timings[rank - 1]
    };
    println!(
        "export of {} events ({size} bytes): n={repeat} p50={:.1} ms p90={:.1} ms max={:.1} ms",
        2 * credentials,
        at(0.5),
        at(0.9),
        timings.last().copied().unwrap_or(f64::NAN),
    );
    if let Some(cpu) = cpu {
        println!("steal over the exports: {:.1} %", cpu.steal_percent());
    }
    Ok(())
}
