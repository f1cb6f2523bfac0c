//! The POS load generator: sets up an account over HTTP (store, approved offer on a channel,
//! members, one credential per redemption) and sends redeem requests, at saturation or at a
//! fixed rate, then prints throughput and latency percentiles.
//!
//! Without `--url` it starts the `server` binary built beside it on a fresh temporary data
//! folder (durable SQLite writes, as in production):
//!
//! ```text
//! cargo build --release -p server -p benches
//! target/release/loadgen --mode saturate --seconds 10 --concurrency 64
//! target/release/loadgen --mode rate --rate 1000 --seconds 10
//! ```
//!
//! Against a running server: `--url http://127.0.0.1:8080 --identity <id> --key <key>`.
//! `--timeline <file>` writes every request's due time and latency (ms), one per line.
//!
//! Every run also prints the machine it ran on: a probe of the data folder's disk before it
//! (500 synced 12 KiB overwrites, when the generator starts the server) and the CPU split over
//! it from `/proc/stat`, flagging runs the hypervisor took CPU from (steal).

use anyhow::{bail, Context as _};
use benches::load::{run, Api, CpuTimes, Mode, PosFixture, RunConfig, ServerProcess, SyncProbe};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The command line.
struct Options {
    url: Option<String>,
    identity: Option<String>,
    key: Option<String>,
    server: Option<PathBuf>,
    mode: Mode,
    seconds: u64,
    concurrency: usize,
    credentials: Option<usize>,
    partitions: u32,
    timeline: Option<PathBuf>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        url: None,
        identity: None,
        key: None,
        server: None,
        mode: Mode::Saturate,
        seconds: 10,
        concurrency: 64,
        credentials: None,
        partitions: 4,
        timeline: None,
    };
    let mut rate = 1_000;
    let mut saturate = true;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => options.url = Some(value()?),
            "--identity" => options.identity = Some(value()?),
            "--key" => options.key = Some(value()?),
            "--server" => options.server = Some(PathBuf::from(value()?)),
            "--mode" => saturate = value()? == "saturate",
            "--rate" => rate = value()?.parse().context("--rate")?,
            "--seconds" => options.seconds = value()?.parse().context("--seconds")?,
            "--concurrency" => options.concurrency = value()?.parse().context("--concurrency")?,
            "--credentials" => {
                options.credentials = Some(value()?.parse().context("--credentials")?)
            }
            "--partitions" => options.partitions = value()?.parse().context("--partitions")?,
            "--timeline" => options.timeline = Some(PathBuf::from(value()?)),
            other => bail!("unknown option {other} (see the doc at the top of loadgen.rs)"),
        }
    }
    if !saturate {
        options.mode = Mode::Rate(rate);
    }
    Ok(options)
}

/// Synced writes of the disk probe before a run on a server of the generator's own.
const SYNC_PROBE_WRITES: usize = 500;

/// Steal (CPU time the hypervisor gave other guests) from which a run's figures are flagged.
const STEAL_WARNING_PERCENT: f64 = 2.0;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let _data = tempfile::tempdir()?;
    let mut process = None;
    let (base, identity, key) = match &options.url {
        Some(url) => (
            url.clone(),
            options
                .identity
                .clone()
                .context("--identity is needed with --url")?,
            options.key.clone().context("--key is needed with --url")?,
        ),
        None => {
            let binary = match &options.server {
                Some(path) => path.clone(),
                None => std::env::current_exe()?.with_file_name("promo"),
            };
            println!("{}", SyncProbe::measure(_data.path(), SYNC_PROBE_WRITES)?);
            let partitions = options.partitions.to_string();
            let server = ServerProcess::start(
                &binary,
                &["serve"],
                &_data.path().join("data"),
                &[("PROMO_PARTITIONS", partitions.as_str())],
            )
            .await
            .with_context(|| format!("starting {}", binary.display()))?;
            let printed = server.printed.clone().context("no credentials printed")?;
            let base = server.base.clone();
            process = Some(server);
            (base, printed.identity, printed.key)
        }
    };
    let api = Api::login(&base, &identity, &key).await?;
    let needed = options.credentials.unwrap_or(match options.mode {
        Mode::Saturate => 15_000 * usize::try_from(options.seconds)?,
        Mode::Rate(rate) => usize::try_from(u64::from(rate) * options.seconds)? + 1_000,
    });
    let setup = Instant::now();
    let fixture = PosFixture::create(&api, needed, 32, json!({})).await?;
    println!(
        "setup: {} credentials in {:.1} s",
        fixture.codes.len(),
        setup.elapsed().as_secs_f64()
    );
    let config = RunConfig {
        mode: options.mode,
        duration: Duration::from_secs(options.seconds),
        concurrency: options.concurrency,
    };
    println!("run: {config:?}");
    let before = api.engine_split().await?;
    let cpu_before = CpuTimes::now();
    let report = run(&api, &fixture, config).await?;
    let cpu = cpu_before
        .zip(CpuTimes::now())
        .map(|(before, after)| after.since(&before));
    println!("{report}");
    println!("{}", api.engine_split().await?.since(&before));
    match cpu {
        Some(split) => {
            println!("{split}");
            if split.steal_percent() >= STEAL_WARNING_PERCENT {
                println!("warning: the hypervisor took CPU from this machine during the run; its latency is the host's, measure again when steal is near 0");
            }
        }
        None => println!("machine CPU: /proc/stat not readable"),
    }
    if let Some(path) = &options.timeline {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        report.write_timeline(&mut file)?;
    }
    if let Some(mut server) = process {
        server.terminate()?;
    }
    Ok(())
}
