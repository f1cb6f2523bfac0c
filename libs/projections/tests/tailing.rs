//! The projector following the log: a client waits until its own write is projected; and the
//! projection rate (run with `--ignored --nocapture`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::ids::MemberId;
use domain::{Command, Event, EventKind};
use eventlog::EventLog;
use projections::ReadStore;
use std::time::{Duration, Instant};
use support::{create_member, issue, redeem, Backend, Setup, ACCOUNT, PARTITION};
use tokio::sync::watch;

async fn a_client_sees_its_own_write_in_the_next_list(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    let store = setup.store("read.db").await;
    let (stop, shutdown) = watch::channel(false);
    let projector = setup.projector(&store);
    let running = tokio::spawn(async move { projector.run(shutdown).await });

    for n in 0..5 {
        let identifier = format!("new-{n}");
        setup.ok(create_member(&identifier)).await;
        let written = setup.log.end_offset(PARTITION).await.unwrap() - 1;
        let projected = store
            .wait_until(PARTITION, written, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(projected);
        assert!(store
            .member_by_identifier(ACCOUNT, &identifier)
            .await
            .unwrap()
            .is_some());
    }
    let beyond = setup.log.end_offset(PARTITION).await.unwrap() + 10;
    let waited = store
        .wait_until(PARTITION, beyond, Duration::from_millis(50))
        .await
        .unwrap();
    assert!(!waited);

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

async fn a_projection_by_another_store_on_the_same_file_is_seen(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    let projecting = setup.store("read.db").await;
    let reading = setup.store("read.db").await;
    let (stop, shutdown) = watch::channel(false);
    let projector = setup.projector(&projecting);
    let running = tokio::spawn(async move { projector.run(shutdown).await });

    setup.ok(create_member("elsewhere")).await;
    let written = setup.log.end_offset(PARTITION).await.unwrap() - 1;
    let projected = reading
        .wait_until(PARTITION, written, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(projected);
    assert!(reading
        .member_by_identifier(ACCOUNT, "elsewhere")
        .await
        .unwrap()
        .is_some());

    drop(stop);
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

/// The projector's rate on the realistic mix: first 10,000 members alone, then 4 rounds of
/// 1,000 new members, a credential issued to each and every one redeemed at the POS.
async fn projection_rate(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    setup.members("m", 10_000).await;
    let store = setup.store("read.db").await;
    let projector = setup.projector(&store);
    let members = measure("member_created", backend, &store, || projector.catch_up()).await;

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
                    EventKind::CredentialIssued(x) => x.identifier.clone(),
                    _ => None,
                })
            })
            .collect();
        concurrently(&setup, codes.iter().map(|code| redeem(shop, code))).await;
    }
    let mixed = measure(
        "member_created + credential_issued + redemption_committed",
        backend,
        &store,
        || projector.catch_up(),
    )
    .await;
    assert!(members > 0.0 && mixed > 0.0);
}

/// Runs `project` and prints how many events per second it applied.
async fn measure<F, Fut>(what: &str, backend: Backend, store: &ReadStore, project: F) -> f64
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<u64, projections::ProjectionError>>,
{
    let from = store.next_offset(PARTITION).await.unwrap();
    let started = Instant::now();
    let to = project().await.unwrap();
    let elapsed = started.elapsed();
    let rate = (to - from) as f64 / elapsed.as_secs_f64();
    println!(
        "{what} into {:?}: {} events in {elapsed:?}, {rate:.0} events/s",
        backend,
        to - from
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
    a_client_sees_its_own_write_in_the_next_list,
    a_projection_by_another_store_on_the_same_file_is_seen,
    #[ignore = "a measurement: run with --ignored --nocapture"]
    projection_rate,
);
