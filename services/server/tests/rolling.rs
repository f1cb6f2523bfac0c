//! A rolling restart of three command services sharing the partitions (with two projectors,
//! on Nisshi and Postgres) under a steady 500 redemptions/s: each instance in turn is asked
//! to stop (SIGTERM: it answers what it was asked, stops its writers and gives its leases
//! up), the other two take its partitions, and a new instance joins and takes its share. A
//! client that retries a redemption with its idempotency key on the next live instance (on a
//! 503 or a broken connection) has no request fail; every code is in the log exactly once;
//! the p99 of a redemption over the roll, retries included, is printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::{Api, PosFixture};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use support::cluster::{
    committed_in_log, percentile, redeem_retrying, Layout, COMMANDS, MEMBER_SETTINGS,
};
use tokio::task::JoinSet;

/// Redemptions per second during the roll.
const RATE: u64 = 500;
/// Codes issued: enough for the longest roll expected.
const CODES: usize = 30 * RATE as usize;

/// Sends code after code every 1/[`RATE`] s, each through [`redeem_retrying`], until `stop`;
/// answers (index, id, time from its due time to its answer) of every code sent.
async fn paced(
    apis: Arc<RwLock<Vec<Api>>>,
    fixture: PosFixture,
    stop: Arc<AtomicBool>,
) -> Vec<(usize, u64, Duration)> {
    let mut interval = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut sent = JoinSet::new();
    let mut index = 0;
    while !stop.load(Ordering::Relaxed) {
        let due = interval.tick().await;
        assert!(index < CODES, "the roll outlasted the codes");
        let (apis, fixture) = (apis.clone(), fixture.clone());
        sent.spawn(async move {
            let id = redeem_retrying(&apis, &fixture, index).await;
            (index, id, due.elapsed())
        });
        index += 1;
    }
    let mut answers = Vec::new();
    while let Some(answer) = sent.join_next().await {
        answers.push(answer.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_under_load_fails_no_request_of_a_retrying_client() {
    let mut layout = Layout::start().await;
    let owner = layout.owner_of(1).await;
    let fixture = PosFixture::create(&layout.api(owner).await, CODES, 32, json!({}))
        .await
        .unwrap();
    let apis = layout.apis().await;
    let apis = Arc::new(RwLock::new(apis));
    let stop = Arc::new(AtomicBool::new(false));
    let stream = tokio::spawn(paced(apis.clone(), fixture.clone(), stop.clone()));

    tokio::time::sleep(Duration::from_secs(2)).await;
    let rolling = Instant::now();
    for round in 0..3 {
        let mut leaving = layout.members.remove(0);
        apis.write()
            .unwrap()
            .retain(|api| api.base() != leaving.base);
        let stopped = tokio::task::spawn_blocking(move || leaving.terminate().unwrap());
        assert!(stopped.await.unwrap().success(), "a graceful stop");
        layout.wait_balanced(Duration::from_secs(15)).await;
        let name = format!("member-rolled-{round}");
        let joining = layout
            .production
            .start_member(COMMANDS, &name, &MEMBER_SETTINGS)
            .await;
        let api = Api::login(&joining.base, &layout.printed.identity, &layout.printed.key)
            .await
            .unwrap();
        layout.members.push(joining);
        apis.write().unwrap().push(api);
        layout.wait_balanced(Duration::from_secs(15)).await;
    }
    let rolled_in = rolling.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let answers = stream.await.unwrap();

    let ids: BTreeSet<u64> = answers.iter().map(|(_, id, _)| *id).collect();
    assert_eq!(ids.len(), answers.len(), "one redemption per code");
    let logged = committed_in_log(&layout.production.topic).await;
    assert_eq!(logged.keys().copied().collect::<BTreeSet<_>>(), ids);
    assert!(logged.values().all(|count| *count == 1), "{logged:?}");
    let mut latencies: Vec<Duration> = answers.iter().map(|(_, _, took)| *took).collect();
    latencies.sort();
    let steady = usize::try_from(2 * RATE).unwrap();
    let mut before: Vec<Duration> = answers
        .iter()
        .filter(|(index, _, _)| *index < steady)
        .map(|(_, _, took)| *took)
        .collect();
    before.sort();
    eprintln!(
        "before the roll: p50 {:?}, p99 {:?}",
        percentile(&before, 0.5),
        percentile(&before, 0.99)
    );
    eprintln!(
        "rolling restart of 3 instances in {rolled_in:?} under {RATE}/s: {} redemptions, 0 \
         failed; p50 {:?}, p99 {:?}, max {:?} (retries included)",
        answers.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default()
    );
}
