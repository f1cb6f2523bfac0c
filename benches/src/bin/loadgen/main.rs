//! The POS load generator: sets up an account over HTTP and loads the point-of-sale path,
//! then prints throughput and latency percentiles and the CPU steal over each measured phase.
//!
//! Without `--url` it starts `promo serve` from the binary built beside it on a fresh temporary data
//! folder (durable SQLite writes, as in production):
//!
//! ```text
//! cargo build --release -p server -p benches
//! target/release/loadgen --mode saturate --seconds 10 --concurrency 64
//! target/release/loadgen --mode rate --rate 1000 --seconds 10
//! target/release/loadgen --mode evaluate --ceiling --concurrency 1,8,32 --seconds 10
//! target/release/loadgen --mode burst --attempts 1000 --limit 100 --repeat 5
//! target/release/loadgen --mode evaluate-beside-redeem --concurrency 8 --rate 1000 --seconds 10
//! target/release/loadgen --mode memory --members 100000
//! target/release/loadgen --mode bulk-beside-rate --members 100000 --rate 1000 --seconds 10
//! target/release/loadgen --mode forward --url <owner> --via <other> --identity .. --key ..
//! ```
//!
//! The modes:
//!
//! - `saturate` / `rate`: redemptions (`POST /v1.0/pos/redemptions`, one fresh code and
//!   `Idempotency-Key` each, a three-line basket and one 10%-off offer) in a closed loop of
//!   `--concurrency` requests, or open-loop at `--rate` per second (latency from when each was
//!   due). Also prints the engine's split of the time from `/metrics`.
//! - `health`: a closed loop of `GET /health` on `--concurrency` kept connections: the HTTP
//!   ceiling of the box (no token check, no engine).
//! - `evaluate`: a closed loop of dry runs (`POST /v1.0/pos/evaluate`) of a 10-line basket
//!   (subtotal 59.98) with three codes, one per offer: 20 % off a set of snacks, buy 2 sodas
//!   get 1 free, 10.00 off an order over 50.00. With `--ceiling`, each concurrency first runs
//!   `health` on the same server, then the same dry-run request against `http_ceiling` (a
//!   bare actix-web server built beside the generator that answers the dry run's answer
//!   bytes: the box's HTTP ceiling for a request of this size), and evaluate is printed as a
//!   percentage of both.
//! - `burst`: an offer with `max_redemptions = --limit` and `--attempts` credentials (one
//!   code and idempotency key per attempt, over up to 1,000 members); every attempt is
//!   rendered and `--concurrency` connections (default: one per attempt) are opened before
//!   the burst, then all are released at once. With fewer connections than attempts each
//!   connection sends its next attempt when the previous one is answered. Prints the
//!   successes, which must equal the limit (the generator exits non-zero otherwise),
//!   attempts/s and latency from each request's write. `--repeat K` runs K rounds, each on a
//!   fresh offer.
//! - `evaluate-beside-redeem`: on one account, evaluate alone in a closed loop at
//!   `--concurrency`, redemptions alone open-loop at `--rate`, then both at once; prints
//!   evaluate beside as a percentage of alone (target >= 90 %) and the redemptions' p99
//!   beside and alone (target: not worse).
//! - `memory`: the server's resident memory (`VmRSS` of `/proc/<pid>/status`, so only on a
//!   server the generator starts) before and after creating `--members` members with one
//!   credential each (`--setup-concurrency` requests at a time), read again after the
//!   projectors had 5 s to settle; prints bytes per member + credential.
//! - `bulk-beside-rate`: redemptions open-loop at `--rate` for `--seconds`, alone, then
//!   while a bulk job issues to `--members` members of a list (see `bulk`); prints both
//!   phases' latency, the job's progress during the second and its whole duration.
//! - `forward`: against command services sharing the partitions (`--url` the instance
//!   serving the account's partition, `--via` another one): redemptions open-loop at `--rate`
//!   straight to the owner and through the other instance, alternately (see `forward`).
//!
//! `--concurrency` takes a list (`1,8,32`) in `health` and `evaluate`, which run each level in
//! turn; elsewhere one value. Every measured phase ends with a summary line (throughput, p50,
//! p99, steal), and a run ends with the table of them. A phase with steal >= 2 % is flagged:
//! its figures are the host's, not a measurement.
//!
//! Against a running server: `--url http://127.0.0.1:8080 --identity <id> --key <key>`.
//! `--timeline <file>` writes every request's due time and latency (ms), one per line
//! (`saturate` and `rate`); `loadgen --help` lists every option.
//!
//! Every run on a server of its own also prints a probe of the data folder's disk before it
//! (500 synced 12 KiB overwrites).

mod bulk;
mod forward;
mod phase;
mod reads;
mod sized;
mod writes;

use anyhow::Context as _;
use benches::load::{run, Api, Mode, PosFixture, RunConfig, ServerProcess, SyncProbe};
use clap::{Parser, ValueEnum};
use phase::Phase;
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
    /// What to load (see the module documentation).
    #[arg(long, value_enum, default_value_t = ModeName::Saturate)]
    mode: ModeName,
    /// Requests per second in `rate` mode, and redemptions per second in
    /// `evaluate-beside-redeem`.
    #[arg(long, default_value_t = 1_000)]
    rate: u32,
    /// How long to send (each level, each phase).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Kept connections of a closed loop: a list (`1,8,32`) in `health` and `evaluate`
    /// (default 1,8,32), the burst's connections in `burst` (default one per attempt), 64 in
    /// `saturate` and 8 in `evaluate-beside-redeem` by default.
    #[arg(long, value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// In `evaluate`: run `health` and the bare HTTP server of the dry run's size before each
    /// level and print evaluate as a percentage of both.
    #[arg(long)]
    ceiling: bool,
    /// Attempts of each burst round.
    #[arg(long, default_value_t = 1_000)]
    attempts: usize,
    /// The burst offer's `max_redemptions`: the successes each round must have.
    #[arg(long, default_value_t = 100)]
    limit: u32,
    /// Burst rounds, each on a fresh offer.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Members to create (each with one credential) in `memory` mode, and the bulk job's
    /// members in `bulk-beside-rate`.
    #[arg(long, default_value_t = 100_000)]
    members: usize,
    /// Requests in flight while setting up (members, credentials).
    #[arg(long, default_value_t = 32)]
    setup_concurrency: usize,
    /// Credentials to issue first in `saturate` and `rate` (one per redemption); enough for
    /// the run by default.
    #[arg(long)]
    credentials: Option<usize>,
    /// Partitions of the server the generator starts (in `forward`: of the log).
    #[arg(long, default_value_t = 4)]
    partitions: u32,
    /// In `forward`: another instance sharing the partitions with `--url`, which forwards
    /// to it.
    #[arg(long, requires = "url")]
    via: Option<String>,
    /// A file to write every request's due time and latency (ms) to, one per line.
    #[arg(long)]
    timeline: Option<PathBuf>,
}

/// The load, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ModeName {
    /// Redemptions, closed loop.
    Saturate,
    /// Redemptions, open loop at a fixed rate.
    Rate,
    /// `GET /health`, closed loop: the HTTP ceiling.
    Health,
    /// Dry runs, closed loop.
    Evaluate,
    /// Redemptions of a capped offer released at once.
    Burst,
    /// Dry runs in a closed loop beside redemptions at a rate, and each alone.
    EvaluateBesideRedeem,
    /// The server's memory per member with a credential.
    Memory,
    /// Redemptions at `--rate`, alone and then beside a bulk job over `--members` members.
    BulkBesideRate,
    /// Redemptions to the partition's owner and through another instance.
    Forward,
}

impl Options {
    /// The one concurrency of a mode that takes one, `default` when none was given.
    fn one_concurrency(&self, default: usize) -> anyhow::Result<usize> {
        match self.concurrency.as_slice() {
            [] => Ok(default),
            [one] => Ok(*one),
            _ => anyhow::bail!("--mode {:?} takes one --concurrency", self.mode),
        }
    }

    /// The concurrency levels of `health` and `evaluate`.
    fn levels(&self) -> Vec<usize> {
        if self.concurrency.is_empty() {
            vec![1, 8, 32]
        } else {
            self.concurrency.clone()
        }
    }
}

/// Synced writes of the disk probe before a run on a server of the generator's own.
const SYNC_PROBE_WRITES: usize = 500;

/// The server under load, logged in with an admin key.
pub struct Target {
    /// The client.
    pub api: Api,
    /// The server's process id, when the generator started it.
    pub pid: Option<u32>,
    process: Option<ServerProcess>,
    /// The started server's data folder, removed at the end.
    _data: tempfile::TempDir,
}

impl Target {
    /// Logs in at `--url`, or starts a server of its own on a fresh data folder.
    async fn new(options: &Options) -> anyhow::Result<Self> {
        let data = tempfile::tempdir()?;
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
                println!("{}", SyncProbe::measure(data.path(), SYNC_PROBE_WRITES)?);
                let partitions = options.partitions.to_string();
                let server = ServerProcess::start(
                    &binary,
                    &["serve"],
                    &data.path().join("data"),
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
        if let Some(server) = &process {
            let _first = phase::SERVER_PID.set(server.pid());
        }
        Ok(Self {
            api,
            pid: process.as_ref().map(ServerProcess::pid),
            process,
            _data: data,
        })
    }

    /// Stops the server it started, if any.
    fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(mut server) = self.process.take() {
            server.terminate()?;
        }
        Ok(())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let mut target = Target::new(&options).await?;
    let outcome = load(&options, &target).await;
    target.stop()?;
    let phases = outcome?;
    if phases.len() > 1 {
        phase::print_summaries(&phases);
    }
    Ok(())
}

/// Runs the mode `options` name against `target`; its measured phases.
async fn load(options: &Options, target: &Target) -> anyhow::Result<Vec<Phase>> {
    let seconds = options.seconds;
    let setup = options.setup_concurrency;
    match options.mode {
        ModeName::Saturate | ModeName::Rate => redeem_load(options, target).await,
        ModeName::Health => Ok(reads::health_mode(target, &options.levels(), seconds).await),
        ModeName::Evaluate => {
            let levels = options.levels();
            reads::evaluate_mode(target, &levels, seconds, options.ceiling, setup).await
        }
        ModeName::Burst => {
            let connections = options.one_concurrency(options.attempts)?;
            let (attempts, limit, repeat) = (options.attempts, options.limit, options.repeat);
            writes::burst_mode(target, attempts, limit, repeat, connections, setup).await
        }
        ModeName::EvaluateBesideRedeem => {
            let connections = options.one_concurrency(8)?;
            reads::beside_mode(target, connections, options.rate, seconds, setup).await
        }
        ModeName::Memory => {
            writes::memory_mode(target, options.members, setup).await?;
            Ok(Vec::new())
        }
        ModeName::BulkBesideRate => {
            bulk::bulk_mode(target, options.members, options.rate, seconds, setup).await
        }
        ModeName::Forward => {
            let via = options
                .via
                .as_deref()
                .context("--via is needed in forward mode")?;
            let (partitions, rate) = (options.partitions, options.rate);
            forward::forward_mode(target, via, partitions, rate, seconds, setup).await
        }
    }
}

/// `saturate` and `rate`: redemptions, with the engine's split of the time.
async fn redeem_load(options: &Options, target: &Target) -> anyhow::Result<Vec<Phase>> {
    let api = &target.api;
    let mode = match options.mode {
        ModeName::Rate => Mode::Rate(options.rate),
        _ => Mode::Saturate,
    };
    let needed = options.credentials.unwrap_or(match mode {
        Mode::Saturate => 15_000 * usize::try_from(options.seconds)?,
        Mode::Rate(rate) => usize::try_from(u64::from(rate) * options.seconds)? + 1_000,
    });
    let setup = Instant::now();
    let fixture = PosFixture::create(api, needed, options.setup_concurrency, json!({})).await?;
    println!(
        "setup: {} credentials in {:.1} s",
        fixture.codes.len(),
        setup.elapsed().as_secs_f64()
    );
    let config = RunConfig {
        mode,
        duration: Duration::from_secs(options.seconds),
        concurrency: options.one_concurrency(64)?,
    };
    println!("run: {config:?}");
    let before = api.engine_split().await?;
    let label = format!("{mode:?}, {} conn", config.concurrency);
    let (report, cpu) = phase::measured(run(api, &fixture, config)).await;
    let phase = Phase::new(label, report?, cpu);
    phase.print();
    println!("{}", api.engine_split().await?.since(&before));
    if let Some(path) = &options.timeline {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        phase.report.write_timeline(&mut file)?;
    }
    Ok(vec![phase])
}
