//! The read modes: `health` and `evaluate` (closed loops of one fixed request at each
//! concurrency, evaluate optionally beside the `health` ceiling of the same server), and
//! `evaluate-beside-redeem` (evaluate alone, redemptions alone at a rate, then both at once on
//! the same account).

use crate::phase::{measured, Phase};
use crate::Target;
use anyhow::Context as _;
use benches::load::{drive, Api, EvaluateFixture, Fixed, Mode, PosFixture, Redemptions, RunConfig};
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

/// `GET /health`, the cheapest request the server answers: the box's HTTP ceiling.
fn health(api: &Api) -> Fixed {
    Fixed::new(api, "GET", "/health", None)
}

/// An account with the evaluate fixture, and the dry run it sends; checks one answer first.
async fn evaluate_setup(api: &Api, pos: &PosFixture) -> anyhow::Result<(EvaluateFixture, Fixed)> {
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
    Ok((fixture, request))
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

/// `--mode evaluate`: dry runs at every concurrency, each after the ceiling at the same
/// concurrency when `ceiling` is set.
pub async fn evaluate_mode(
    target: &Target,
    levels: &[usize],
    seconds: u64,
    ceiling: bool,
    setup_concurrency: usize,
) -> anyhow::Result<Vec<Phase>> {
    let api = &target.api;
    let pos = PosFixture::create(api, 0, setup_concurrency, json!({})).await?;
    let (_fixture, request) = evaluate_setup(api, &pos).await?;
    let mut phases = Vec::new();
    for &connections in levels {
        let config = closed(connections, seconds);
        let top = if ceiling {
            let load = drive(api.address(), health(api), config);
            let phase = Phase::measure(format!("health, {connections} conn"), load).await;
            let top = phase.report.throughput();
            phases.push(phase);
            Some(top)
        } else {
            None
        };
        let load = drive(api.address(), request.clone(), config);
        let phase = Phase::measure(format!("evaluate, {connections} conn"), load).await;
        if let Some(top) = top.filter(|top| *top > 0.0) {
            println!(
                "evaluate at {connections} conn: {:.0} % of the health ceiling",
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
    let (_fixture, request) = evaluate_setup(api, &pos).await?;
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
