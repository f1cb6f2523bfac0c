//! The POS load generator: sets up an account over HTTP (store, approved offer on a channel,
//! members, one credential per redemption) and sends redeem requests, at saturation or at a
//! fixed rate, then prints throughput and latency percentiles.
//!
//! Without `--url` it starts `promo serve` from the binary built beside it on a fresh temporary data
//! folder (durable SQLite writes, as in production):
//!
//! ```text
//! cargo build --release -p server -p benches
//! target/release/loadgen --mode saturate --seconds 10 --concurrency 64
//! target/release/loadgen --mode rate --rate 1000 --seconds 10
//! ```
//!
//! Against a running server: `--url http://127.0.0.1:8080 --identity <id> --key <key>`.
//! `--timeline <file>` writes every request's due time and latency (ms), one per line;
//! `loadgen --help` lists every option.
//!
//! Every run also prints the machine it ran on: a probe of the data folder's disk before it
//! (500 synced 12 KiB overwrites, when the generator starts the server) and the CPU split over
//! it from `/proc/stat`, flagging runs the hypervisor took CPU from (steal).

use anyhow::Context as _;
use benches::load::{run, Api, CpuTimes, Mode, PosFixture, RunConfig, ServerProcess, SyncProbe};
use clap::{Parser, ValueEnum};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The POS load generator (see the module documentation).
#[derive(Debug, Parser)]
#[command(name = "loadgen")]
struct Options {
    /// A running server to load; without it the generator starts `promo serve` from beside
    /// itself on a fresh data folder.
    #[arg(long)]
    url: Option<String>,
    /// The admin key's identity (`X-Auth-Identity`), with `--url`.
    #[arg(long, requires = "url")]
    identity: Option<String>,
    /// The admin key's secret (`X-Auth-Key`), with `--url`.
    #[arg(long, requires = "url")]
    key: Option<String>,
    /// The `promo` binary to start, instead of the one beside the generator.
    #[arg(long, conflicts_with = "url")]
    server: Option<PathBuf>,
    /// `saturate` (closed loop, `--concurrency` in flight) or `rate` (open loop at `--rate`).
    #[arg(long, value_enum, default_value_t = ModeName::Saturate)]
    mode: ModeName,
    /// Requests per second in `rate` mode.
    #[arg(long, default_value_t = 1_000)]
    rate: u32,
    /// How long to send.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Requests in flight in `saturate` mode.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Credentials to issue first (one per redemption); enough for the run by default.
    #[arg(long)]
    credentials: Option<usize>,
    /// Partitions of the server the generator starts.
    #[arg(long, default_value_t = 4)]
    partitions: u32,
    /// A file to write every request's due time and latency (ms) to, one per line.
    #[arg(long)]
    timeline: Option<PathBuf>,
}

/// The load's shape, as named on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum ModeName {
    /// Closed loop.
    Saturate,
    /// Open loop at a fixed rate.
    Rate,
}

impl Options {
    fn mode(&self) -> Mode {
        match self.mode {
            ModeName::Saturate => Mode::Saturate,
            ModeName::Rate => Mode::Rate(self.rate),
        }
    }
}

/// Synced writes of the disk probe before a run on a server of the generator's own.
const SYNC_PROBE_WRITES: usize = 500;

/// Steal (CPU time the hypervisor gave other guests) from which a run's figures are flagged.
const STEAL_WARNING_PERCENT: f64 = 2.0;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let mode = options.mode();
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
    let needed = options.credentials.unwrap_or(match mode {
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
        mode,
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
