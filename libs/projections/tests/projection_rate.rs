//! The projector's rate on a realistic mix, per backend (a measurement, not a check: run with
//! `cargo test -p projections --release --test projection_rate -- --ignored --nocapture
//! --test-threads 1`). First 10,000 members alone, then 4 rounds of 1,000 new members, a
//! credential issued to each and every one redeemed at the POS (12,000 events), each phase
//! projected by one `catch_up` from a SQLite event log. Besides events/s it prints the CPU time
//! per event of this process (projector and log reads) and, for Postgres, of the server
//! processes serving the test database: wall-clock rates on a shared machine vary with what
//! else runs, CPU time per event much less.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::ids::MemberId;
use domain::{Command, Event, EventKind};
use projections::ReadStore;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::time::{Duration, Instant};
use support::{create_member, issue, redeem, Backend, Setup, ACCOUNT, PARTITION};

async fn projection_rate(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    setup.members("m", 10_000).await;
    let store = setup.store("read.db").await;
    let projector = setup.projector(&store);
    let cpu = Cpu::new(&setup, backend).await;
    let members = measure("member_created", &cpu, &store, || projector.catch_up()).await;

    let shop = setup.store_id().await;
    let channel = setup.channel().await;
    let offer = setup.offer(channel).await;
    projector.catch_up().await.unwrap();
    for round in 0..4 {
        let created = concurrently(
            &setup,
            (0..1000).map(|n| create_member(&format!("round-{round}-{n:04}"))),
        )
        .await;
        let issued = concurrently(
            &setup,
            created
                .iter()
                .map(|events| issue(MemberId(support::created(events)), channel, offer)),
        )
        .await;
        let codes: Vec<String> = issued
            .iter()
            .filter_map(|events| {
                events.iter().find_map(|event| match &event.kind {
                    EventKind::CredentialIssued(x) => x.identifier.as_deref().map(str::to_owned),
                    _ => None,
                })
            })
            .collect();
        concurrently(&setup, codes.iter().map(|code| redeem(shop, code))).await;
    }
    let mixed = measure(
        "member_created + credential_issued + redemption_committed",
        &cpu,
        &store,
        || projector.catch_up(),
    )
    .await;
    assert!(members > 0.0 && mixed > 0.0);
}

/// Where CPU time is read: this process, and the Postgres server processes of the database.
struct Cpu {
    backend: Backend,
    url: String,
}

impl Cpu {
    async fn new(setup: &Setup, backend: Backend) -> Self {
        Self {
            backend,
            url: setup.read_url("read.db").await,
        }
    }

    /// CPU seconds so far: (this process, the Postgres processes serving the database).
    async fn used(&self) -> (f64, f64) {
        let own = seconds("/proc/self/stat");
        if self.backend == Backend::Sqlite {
            return (own, 0.0);
        }
        let mut connection = sqlx::postgres::PgConnectOptions::from_str(&self.url)
            .unwrap()
            .disable_statement_logging()
            .connect()
            .await
            .unwrap();
        let pids: Vec<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_all(&mut connection)
        .await
        .unwrap();
        connection.close().await.unwrap();
        let server = pids
            .iter()
            .map(|pid| seconds(&format!("/proc/{pid}/stat")))
            .sum();
        (own, server)
    }
}

/// User plus system CPU seconds of the process whose `stat` file is `path` (0 when it is
/// gone), in the kernel's 100 ticks per second.
fn seconds(path: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(path) else {
        return 0.0;
    };
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|field| field.parse::<f64>().ok())
    };
    (ticks(11).unwrap_or(0.0) + ticks(12).unwrap_or(0.0)) / 100.0
}

/// Runs `project` and prints how many events per second it applied, and the CPU time each
/// event cost here and in Postgres.
async fn measure<F, Fut>(what: &str, cpu: &Cpu, store: &ReadStore, project: F) -> f64
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<u64, projections::ProjectionError>>,
{
    let from = store.next_offset(PARTITION).await.unwrap();
    let before = cpu.used().await;
    let started = Instant::now();
    let to = project().await.unwrap();
    let elapsed = started.elapsed();
    let after = cpu.used().await;
    let events = (to - from) as f64;
    let rate = events / elapsed.as_secs_f64();
    let per_event = |seconds: f64| Duration::from_secs_f64(seconds / events.max(1.0));
    println!(
        "{what} into {:?}: {} events in {elapsed:.0?}, {rate:.0} events/s; CPU per event: \
         projector {:.1?}, Postgres {:.1?}",
        cpu.backend,
        to - from,
        per_event(after.0 - before.0),
        per_event(after.1 - before.1),
    );
    rate
}

/// Executes `commands` at once (they share group-commit batches); answers their events.
async fn concurrently(setup: &Setup, commands: impl Iterator<Item = Command>) -> Vec<Vec<Event>> {
    let tasks: Vec<_> = commands
        .map(|command| {
            let actor = setup.actor.clone();
            tokio::spawn(async move { actor.execute(ACCOUNT, command, None, None).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap().unwrap().outcome().to_vec());
    }
    answers
}

per_backend!(
    #[ignore = "a measurement: run with --release -- --ignored --nocapture --test-threads 1"]
    projection_rate,
);
