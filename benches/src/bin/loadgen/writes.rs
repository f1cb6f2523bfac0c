//! The write modes: `burst` (attempts on an offer capped at `--limit` redemptions released at
//! once; exactly the limit must succeed) and `memory` (the server's resident memory per member
//! with one credential).

use crate::phase::{measured, Measured, Phase};
use crate::Target;
use anyhow::Context as _;
use benches::load::{burst, resident_bytes, PosFixture, Redemptions};
use serde_json::json;
use std::time::{Duration, Instant};

/// Members the burst's credentials are spread over, at most.
const BURST_MEMBERS: usize = 1_000;

/// How long the server is left alone before its memory is read: its projectors catch up.
const SETTLE: Duration = Duration::from_secs(5);

/// `--mode burst`: `repeat` rounds, each on a fresh offer with `max_redemptions = limit`, of
/// `attempts` redemptions (one code and idempotency key each) released at once over
/// `connections` connections opened before. Fails when a round's successes are not the limit.
pub async fn burst_mode(
    target: &Target,
    attempts: usize,
    limit: u32,
    repeat: usize,
    connections: usize,
    setup_concurrency: usize,
) -> anyhow::Result<Vec<Phase>> {
    let api = &target.api;
    let mut pos = PosFixture::create(api, 0, setup_concurrency, json!({})).await?;
    let more = attempts
        .min(BURST_MEMBERS)
        .saturating_sub(pos.member_ids.len());
    pos.add_members(api, more, setup_concurrency).await?;
    let mut phases = Vec::new();
    let mut wrong = Vec::new();
    let (rounds, whole) = measured(async {
        for round in 1..=repeat {
            let capped = json!({"name": format!("Burst {round}"), "max_redemptions": limit});
            let mut offer = pos.with_new_offer(api, capped).await?;
            offer.codes = offer.issue(api, attempts, setup_concurrency).await?;
            let key_prefix = format!("burst-{round}-");
            let redemptions = Redemptions::new(api, &offer, offer.codes.clone(), &key_prefix)?;
            let label = format!(
                "burst round {round}: {attempts} attempts, limit {limit}, {connections} conn"
            );
            let (report, cpu) =
                measured(burst(api.address(), &redemptions, attempts, connections)).await;
            let mut phase = Phase::new(label, report.context("the burst")?, cpu);
            phase.count_every_answer = true;
            phase.print();
            let successes = phase.report.succeeded();
            println!(
                "round {round}: successes {successes} (limit {limit}), attempts/s {:.0}",
                phase.per_second()
            );
            if successes != u64::from(limit) {
                wrong.push(format!(
                    "round {round}: {successes} successes, limit {limit}"
                ));
            }
            phases.push(phase);
        }
        anyhow::Ok(())
    })
    .await;
    rounds?;
    println!("{}", whole_run(&whole));
    if !wrong.is_empty() {
        crate::phase::print_summaries(&phases);
        anyhow::bail!("successes differ from the limit: {}", wrong.join("; "));
    }
    Ok(phases)
}

/// The CPU over every round with its setup: a round lasts tens of milliseconds, a few clock
/// ticks, too few for its own steal figure to mean much.
fn whole_run(whole: &Measured) -> String {
    let percent = |value: Option<f64>| value.map_or_else(|| "?".to_owned(), |v| format!("{v:.1}"));
    format!(
        "over every round with its setup: steal {} %, others' CPU {} %",
        percent(whole.cpu.map(|cpu| cpu.steal_percent())),
        percent(whole.others_percent)
    )
}

/// `--mode memory`: the server's resident memory before and after `members` members with
/// one credential each, created `setup_concurrency` requests at a time.
pub async fn memory_mode(
    target: &Target,
    members: usize,
    setup_concurrency: usize,
) -> anyhow::Result<()> {
    let api = &target.api;
    let pid = target
        .pid
        .context("--mode memory needs a server the generator starts (no --url)")?;
    let mut pos = PosFixture::create(api, 0, setup_concurrency, json!({})).await?;
    tokio::time::sleep(SETTLE).await;
    let before = resident_bytes(pid).context("reading the server's VmRSS")?;
    println!("server pid {pid}: VmRSS before {}", mib(before));
    let started = Instant::now();
    let (created, cpu) = measured(async {
        let ids = pos.add_members(api, members, setup_concurrency).await?;
        let made = started.elapsed();
        println!(
            "created {members} members in {:.1} s ({:.0}/s)",
            made.as_secs_f64(),
            members as f64 / made.as_secs_f64().max(f64::MIN_POSITIVE)
        );
        let codes = pos
            .issue_to(api, ids, pos.offer_id, setup_concurrency)
            .await?;
        let issued = started.elapsed() - made;
        println!(
            "issued {} credentials in {:.1} s ({:.0}/s)",
            codes.len(),
            issued.as_secs_f64(),
            codes.len() as f64 / issued.as_secs_f64().max(f64::MIN_POSITIVE)
        );
        anyhow::Ok(codes.len())
    })
    .await;
    let issued = created?;
    let right_after = resident_bytes(pid).context("reading the server's VmRSS")?;
    tokio::time::sleep(SETTLE).await;
    let after = resident_bytes(pid).context("reading the server's VmRSS")?;
    let steal = cpu
        .cpu
        .map_or_else(|| "?".into(), |cpu| format!("{:.1}", cpu.steal_percent()));
    let others = cpu
        .others_percent
        .map_or_else(|| "?".into(), |others| format!("{others:.1}"));
    println!(
        "server VmRSS: before {}, right after {}, {} s later {}",
        mib(before),
        mib(right_after),
        SETTLE.as_secs(),
        mib(after)
    );
    let grown = after.saturating_sub(before);
    println!(
        "memory: {members} members + {issued} credentials: +{}, {:.0} bytes per member+credential \
         (over the creation: steal {steal} %, others' CPU {others} %)",
        mib(grown),
        grown as f64 / members.max(1) as f64
    );
    Ok(())
}

/// `bytes` as MiB with one decimal.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
