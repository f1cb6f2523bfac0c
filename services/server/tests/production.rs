//! The production layout as separate processes: the `command-service` and the `projector`
//! binaries on a fresh topic of the Kafka broker and a fresh Postgres database.
//!
//! - A command service killed with SIGKILL during a stream of redemptions, then replaced:
//!   every answered redemption is in the log exactly once and in Postgres exactly once, and
//!   the ones cut off, retried with their keys, end up there exactly once too.
//! - A projector killed with SIGKILL three times, each as a third of a stream of redemptions
//!   has been answered (so it is behind, applying that third): once it has caught up, the read
//!   models equal a rebuild from offset 0 (no row lost or doubled). The kills follow the
//!   stream's progress, not the wall clock: a kill timed by sleeps missed the stream on a busy
//!   machine ("the stream ended before the projector was killed twice").
//! - A second command service takes the partitions over: the first one's writes are refused
//!   (503, its `/health` too) and nothing it was asked after the takeover is in the log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::{Api, PosFixture};
use domain::{Event, EventKind};
use eventlog::Envelope;
use projections::ReadStore;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use support::{
    admitted_records, check_exactly_once, committed, confirmed, listed_redemptions, stream,
    stream_range, wait_for_answers, Answers, Production,
};
use testkit::TestDatabase;

const COMMANDS: &str = "command-service";
const PROJECTOR: &str = "projector";

/// The events a reader of the layout's topic uses, every partition, in log order.
/// The events the log holds, members' identifiers opened with the layout's key store (they
/// are stored sealed; `sealed` counts those that were).
async fn logged_events(production: &Production) -> (Vec<Event>, usize) {
    let mut envelopes: Vec<Envelope<Event>> = admitted_records(&production.topic)
        .await
        .iter()
        .map(|record| Envelope::<Event>::decode(&record.payload).unwrap())
        .collect();
    let keys = privacy::PostgresKeys::connect(&production.database.url)
        .await
        .unwrap();
    let opened = privacy::open_events(
        &keys,
        envelopes
            .iter_mut()
            .map(|envelope| (envelope.account_id, &mut envelope.event)),
    )
    .await
    .unwrap();
    keys.close().await;
    let events = envelopes
        .into_iter()
        .map(|envelope| envelope.event)
        .collect();
    (events, opened.opened)
}

async fn login(server: &benches::load::ServerProcess, printed: &benches::load::Printed) -> Api {
    Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap()
}

/// A command service killed mid-stream and replaced loses and doubles no answered
/// redemption, in the log or the read database; the replacement prints no credentials (its
/// whole output up to its exit, account 1 being in the log). Fails if a start on a log that
/// has account 1 prints credentials before it exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_command_service_loses_and_doubles_no_answered_redemption() {
    const CODES: usize = 400;
    const KILL_AFTER: usize = 100;
    let production = Production::new().await;
    let _projector = production.start(PROJECTOR, "projector").await;
    let mut commands = production.start(COMMANDS, "commands-1").await;
    let printed = commands
        .printed
        .clone()
        .expect("first start prints credentials");
    let api = login(&commands, &printed).await;
    let fixture = PosFixture::create(&api, CODES, 16, json!({}))
        .await
        .unwrap();

    let answers = Arc::new(Answers::default());
    let answered = Arc::new(AtomicUsize::new(0));
    let sending = tokio::spawn(stream(
        api.clone(),
        fixture.clone(),
        8,
        answers.clone(),
        answered.clone(),
    ));
    wait_for_answers(&answered, &sending, KILL_AFTER).await;
    commands.kill().unwrap();
    sending.await.unwrap();
    let answers = answers.lock().unwrap().clone();
    let confirmed = confirmed(&answers);
    assert!(confirmed.len() >= KILL_AFTER && confirmed.len() < CODES);

    let mut commands = production.start(COMMANDS, "commands-2").await;
    let api = login(&commands, &printed).await;
    let logged = committed(&logged_events(&production).await.0);
    for (index, id) in &confirmed {
        assert_eq!(
            logged.get(id),
            Some(&1),
            "code {index}, redemption {id} in the log"
        );
    }
    let ids = check_exactly_once(&api, &fixture, &answers).await;
    let logged = committed(&logged_events(&production).await.0);
    assert_eq!(logged.keys().copied().collect::<BTreeSet<_>>(), ids);
    assert!(logged.values().all(|count| *count == 1), "{logged:?}");
    commands.terminate().unwrap();
    let lines = commands.lines_until_exit().unwrap();
    assert_eq!(
        benches::load::Printed::parse(&lines),
        None,
        "account 1 is in the log already: {lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projector_killed_mid_batch_loses_and_doubles_no_row() {
    const CODES: usize = 600;
    const KILLS: usize = 3;
    let production = Production::new().await;
    let mut projector = production.start(PROJECTOR, "projector").await;
    let commands = production.start(COMMANDS, "commands").await;
    let printed = commands.printed.clone().unwrap();
    let api = login(&commands, &printed).await;
    let fixture = PosFixture::create(&api, CODES, 16, json!({}))
        .await
        .unwrap();

    let answers = Arc::new(Answers::default());
    let answered = Arc::new(AtomicUsize::new(0));
    for round in 1..=KILLS {
        let codes = CODES * (round - 1) / KILLS..CODES * round / KILLS;
        stream_range(
            api.clone(),
            fixture.clone(),
            8,
            answers.clone(),
            answered.clone(),
            codes,
        )
        .await;
        projector.kill().unwrap();
        projector = production.start(PROJECTOR, "projector").await;
    }
    let answers = answers.lock().unwrap().clone();
    assert_eq!(confirmed(&answers).len(), CODES);
    assert_eq!(listed_redemptions(&api, CODES).await.len(), CODES);

    let rebuilt = TestDatabase::create().await;
    let mut rebuild = production.start_rebuild(PROJECTOR, &rebuilt.url);
    assert!(rebuild.wait().unwrap().success());
    let live = ReadStore::connect(&production.database.url).await.unwrap();
    let fresh = ReadStore::connect(&rebuilt.url).await.unwrap();
    assert_eq!(live.dump().await.unwrap(), fresh.dump().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_command_service_takes_the_partitions_over() {
    let production = Production::new().await;
    let _projector = production.start(PROJECTOR, "projector").await;
    let first = production.start(COMMANDS, "first").await;
    let printed = first.printed.clone().unwrap();
    let old = login(&first, &printed).await;
    let member = json!({"member": {"identifier": "before-takeover"}});
    old.expect(Method::POST, "/v1.0/members", Some(&member), 201)
        .await
        .unwrap();

    let second = production.start(COMMANDS, "second").await;
    let new = login(&second, &printed).await;
    let late = json!({"member": {"identifier": "sent-to-the-fenced-one"}});
    let (status, body) = old
        .send(Method::POST, "/v1.0/members", Some(&late))
        .await
        .unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, json!({"error": "Service unavailable, retry later"}));
    let health = reqwest::get(format!("{}/health", first.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 503);

    let list = new
        .expect(Method::GET, "/v1.0/members", None, 200)
        .await
        .unwrap();
    let identifiers: Vec<&str> = list["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["member"]["identifier"].as_str().unwrap())
        .collect();
    assert_eq!(identifiers, ["before-takeover"]);
    let member = json!({"member": {"identifier": "after-takeover"}});
    new.expect(Method::POST, "/v1.0/members", Some(&member), 201)
        .await
        .unwrap();
    let (events, sealed) = logged_events(&production).await;
    assert!(sealed >= 2, "members' identifiers are written sealed");
    let created: Vec<String> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::MemberCreated(created) => Some(created.identifier.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(created, ["before-takeover", "after-takeover"]);
}
