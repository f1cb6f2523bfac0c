//! The read modes: `health` and `evaluate` (closed loops of one fixed request at each
//! concurrency, evaluate optionally beside the `health` ceiling of the same server), and
//! `evaluate-beside-redeem` (evaluate alone, redemptions alone at a rate, then both at once on
//! the same account).

use crate::phase::{measured, Phase, CEILING_PID};
use crate::sized::SizedCeiling;
use crate::Target;
use anyhow::Context as _;
use benches::load::{drive, Api, EvaluateFixture, Fixed, Mode, PosFixture, Redemptions, RunConfig};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// `GET /health`, the cheapest request the server answers: the box's HTTP ceiling.
fn health(api: &Api) -> Fixed {
    Fixed::new(api, "GET", "/health", None)
}

/// An account with the evaluate fixture, the dry run it sends and the answer to a first one
/// (checked).
async fn evaluate_setup(
    api: &Api,
    pos: &PosFixture,
) -> anyhow::Result<(EvaluateFixture, Fixed, Value)> {
    let fixture = EvaluateFixture::create(api, pos).await?;
    let answer = api
        .expect(Method::POST, "/v1.0/pos/evaluate", Some(&fixture.body), 200)
        .await
        .context("a first dry run")?;
    let evaluation = &answer["evaluation"];
    println!(
        "evaluate: offers {:?}, codes {}; a dry run answers subtotal {}, discount {}, per offer {}",
        fixture.offer_ids,
        fixture.codes.len(),
        evaluation["subtotal"],
        evaluation["total_discount"],
        evaluation["offers"]
    );
    let request = Fixed::new(api, "POST", "/v1.0/pos/evaluate", Some(&fixture.body));
    Ok((fixture, request, answer))
}

/// A closed loop of `connections` for `seconds`.
fn closed(connections: usize, seconds: u64) -> RunConfig {
    RunConfig {
        mode: Mode::Saturate,
        duration: Duration::from_secs(seconds),
        concurrency: connections,
    }
}

/// `--mode health`: the ceiling at every concurrency.
pub async fn health_mode(target: &Target, levels: &[usize], seconds: u64) -> Vec<Phase> {
    let mut phases = Vec::new();
    for &connections in levels {
        let load = drive(
            target.api.address(),
            health(&target.api),
            closed(connections, seconds),
        );
        phases.push(Phase::measure(format!("health, {connections} conn"), load).await);
    }
    phases
}

/// `--mode evaluate`: dry runs at every concurrency. When `ceiling` is set, each level first
/// measures `/health` and the bare HTTP server answering the dry run's own bytes
/// ([`SizedCeiling`]), and prints evaluate as a share of both.
pub async fn evaluate_mode(
    target: &Target,
    levels: &[usize],
    seconds: u64,
    ceiling: bool,
    setup_concurrency: usize,
) -> anyhow::Result<Vec<Phase>> {
    let api = &target.api;
    let pos = PosFixture::create(api, 0, setup_concurrency, json!({})).await?;
    let (_fixture, request, answer) = evaluate_setup(api, &pos).await?;
    let sized = if ceiling {
        let sized = SizedCeiling::start(&serde_json::to_vec(&answer)?).await?;
        let _first = CEILING_PID.set(sized.pid());
        Some(sized)
    } else {
        None
    };
    let mut phases = Vec::new();
    for &connections in levels {
        let config = closed(connections, seconds);
        let mut tops = Vec::new();
        if let Some(sized) = &sized {
            let load = drive(api.address(), health(api), config);
            let phase = Phase::measure(format!("health, {connections} conn"), load).await;
            tops.push(("the health ceiling", phase.report.throughput()));
            phases.push(phase);
            let address = sized.address.to_string();
            let load = drive(&address, request.clone(), config);
            let label = format!("bare HTTP, evaluate's bytes, {connections} conn");
            let phase = Phase::measure(label, load).await;
            tops.push(("bare HTTP of its size", phase.report.throughput()));
            phases.push(phase);
        }
        let load = drive(api.address(), request.clone(), config);
        let phase = Phase::measure(format!("evaluate, {connections} conn"), load).await;
        for (name, top) in tops.into_iter().filter(|(_, top)| *top > 0.0) {
            println!(
                "evaluate at {connections} conn: {:.0} % of {name}",
                100.0 * phase.report.throughput() / top
            );
        }
        phases.push(phase);
    }
    Ok(phases)
}

/// `--mode evaluate-beside-redeem`: evaluate alone at `connections`, redemptions alone at
/// `rate`, then both at once on the same account, and how the pair compares with each alone.
pub async fn beside_mode(
    target: &Target,
    connections: usize,
    rate: u32,
    seconds: u64,
    setup_concurrency: usize,
) -> anyhow::Result<Vec<Phase>> {
    let api = &target.api;
    let per_run = usize::try_from(u64::from(rate) * seconds)? + 1_000;
    let setup = Instant::now();
    let pos = PosFixture::create(api, 2 * per_run, setup_concurrency, json!({})).await?;
    println!(
        "setup: {} credentials in {:.1} s",
        pos.codes.len(),
        setup.elapsed().as_secs_f64()
    );
    let (_fixture, request, _answer) = evaluate_setup(api, &pos).await?;
    let (alone_codes, beside_codes) = pos.codes.split_at(per_run);
    let open = RunConfig {
        mode: Mode::Rate(rate),
        duration: Duration::from_secs(seconds),
        concurrency: connections,
    };
    let address = api.address();
    let alone = drive(address, request.clone(), closed(connections, seconds));
    let evaluate_alone = Phase::measure(format!("evaluate alone, {connections} conn"), alone).await;
    let redemptions = Redemptions::new(api, &pos, alone_codes.to_vec(), "alone-")?;
    let label = format!("redeem alone, {rate}/s");
    let redeem_alone = Phase::measure(label, drive(address, redemptions, open)).await;
    let redemptions = Redemptions::new(api, &pos, beside_codes.to_vec(), "beside-")?;
    let both = async {
        tokio::join!(
            drive(address, request, closed(connections, seconds)),
            drive(address, redemptions, open)
        )
    };
    let ((evaluate_report, redeem_report), cpu) = measured(both).await;
    let label = format!("evaluate beside redeem, {connections} conn");
    let evaluate_beside = Phase::new(label, evaluate_report, cpu);
    let label = format!("redeem beside evaluate, {rate}/s");
    let redeem_beside = Phase::new(label, redeem_report, cpu);
    evaluate_beside.print();
    redeem_beside.print();
    let ratio = 100.0 * evaluate_beside.report.throughput()
        / evaluate_alone.report.throughput().max(f64::MIN_POSITIVE);
    println!(
        "evaluate beside redeem: {ratio:.0} % of alone (target >= 90 %); redemptions p99 {:.3} ms \
         beside, {:.3} ms alone (target: not worse)",
        redeem_beside.report.percentile_ms(0.99),
        redeem_alone.report.percentile_ms(0.99)
    );
    Ok(vec![
        evaluate_alone,
        redeem_alone,
        evaluate_beside,
        redeem_beside,
    ])
}
