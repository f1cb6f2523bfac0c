//! `--mode forward`: what forwarding costs when command services share the partitions.
//! Redemptions of one account open-loop at `--rate` for `--seconds`, sent straight to `--url`
//! (the instance serving the account's partition) and through `--via` (another instance,
//! which forwards them to the owner), alternately, two rounds of each, in one run; the
//! summary table puts their p50 and p99 side by side. Before loading, the generator checks
//! on both instances' `/health` which one serves the partition (`--partitions` of the log).

use crate::phase::Phase;
use crate::Target;
use anyhow::Context as _;
use benches::load::{drive, Api, Mode, PosFixture, Redemptions, RunConfig};
use serde_json::{json, Value};
use std::time::Duration;

/// Rounds of each route.
const ROUNDS: usize = 2;

/// Runs the mode; its phases, owner and forwarded alternately.
pub async fn forward_mode(
    target: &Target,
    via: &str,
    partitions: u32,
    rate: u32,
    seconds: u64,
    setup_concurrency: usize,
) -> anyhow::Result<Vec<Phase>> {
    let api = &target.api;
    let through = Api::new(via, api.token())?;
    check_owner(api, &through, partitions).await?;
    let per_phase = usize::try_from(u64::from(rate) * seconds)? + 500;
    let fixture =
        PosFixture::create(api, per_phase * 2 * ROUNDS, setup_concurrency, json!({})).await?;
    let config = RunConfig {
        mode: Mode::Rate(rate),
        duration: Duration::from_secs(seconds),
        concurrency: 64,
    };
    let mut phases = Vec::new();
    let mut chunks = fixture.codes.chunks(per_phase);
    for round in 1..=ROUNDS {
        for (route, client) in [("owner", api), ("forwarded", &through)] {
            let codes = chunks.next().context("codes ran out")?.to_vec();
            let prefix = format!("{route}-{round}-");
            let requests = Redemptions::new(client, &fixture, codes, &prefix)?;
            let label = format!("{rate}/s to the {route}, round {round}");
            let work = drive(client.address(), requests, config);
            phases.push(Phase::measure(label, work).await);
        }
    }
    Ok(phases)
}

/// Fails unless `owner` serves the partition of the account `api` is logged in to, and
/// `through` does not.
async fn check_owner(owner: &Api, through: &Api, partitions: u32) -> anyhow::Result<()> {
    let account: u64 = owner
        .token()
        .split('.')
        .next()
        .and_then(|account| account.parse().ok())
        .context("the token names no account")?;
    let partition = eventlog::partition_of(domain::ids::AccountId(account), partitions);
    for (api, serves) in [(owner, true), (through, false)] {
        let health: Value = reqwest::get(format!("{}/health", api.base()))
            .await?
            .json()
            .await?;
        let owned = health["owned_partitions"]
            .as_array()
            .context("/health names no partitions: is PROMO_ADVERTISE_URL set?")?;
        let owns = owned
            .iter()
            .any(|owned| owned.as_u64() == Some(u64::from(partition)));
        anyhow::ensure!(
            owns == serves,
            "{} {} partition {partition} of account {account}: pass the owner as --url and \
             another instance as --via",
            api.base(),
            if owns { "serves" } else { "does not serve" }
        );
    }
    Ok(())
}
