//! The real `dispatcher` binary killed with SIGKILL in the middle of a stream of redemptions,
//! then started again: every redemption's callback reaches the partner at least once, none is
//! lost, every repeat carries the same delivery id, and no redemption is scheduled twice. Also:
//! `/health`, `/metrics`, and a graceful SIGTERM stop, and a second dispatcher on one folder
//! refused.
//!
//! - On the embedded log: the redemptions are written by real partition actors in this
//!   process on `events.db` (the shop set-up is the callbacks crate's test harness); the
//!   dispatcher reads that file from its own process, as it does beside the server.
//! - On the production stack: a `command-service` (callbacks off) and a `projector` on a
//!   fresh topic of the Kafka broker and a fresh Postgres database answer the redemptions over
//!   HTTP, and the dispatcher reads that topic and keeps its deliveries on
//!   `<topic>-callbacks` (the server tests' production layout).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mod.rs"]
mod layout;
#[path = "../../../libs/callbacks/tests/support/mod.rs"]
mod support;

use benches::load::{Api, Behaviour, PosFixture, Received, Receiver, ServerProcess};
use layout::{admitted_records, confirmed, stream_range, wait_until, Answers, Production};
use reqwest::Method;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{World, PARTITIONS};

const BIN: &str = env!("CARGO_BIN_EXE_promo");
const REDEMPTIONS: usize = 240;
const KILL_AFTER: usize = 60;

async fn start(data: &Path) -> ServerProcess {
    let partitions = PARTITIONS.to_string();
    ServerProcess::start(
        Path::new(BIN),
        &["dispatcher"],
        data,
        &[
            DISPATCHER_ENV,
            &[
                ("PROMO_PARTITIONS", partitions.as_str()),
                ("PROMO_SERVER_BIND", "127.0.0.1:1"),
            ],
        ]
        .concat(),
    )
    .await
    .unwrap()
}

/// Settings every dispatcher of these tests gets: a long delivery deadline (so that no
/// callback times out across the kill), local partners allowed.
const DISPATCHER_ENV: &[(&str, &str)] = &[
    ("PROMO_CALLBACK_DEADLINE_MS", "20000"),
    ("PROMO_CALLBACK_ALLOW", "127.0.0.0/8"),
];

/// Requests per `key`, with the delivery ids and statuses they carried.
fn by_key(
    receiver: &Receiver,
    key: fn(&Received) -> String,
) -> BTreeMap<String, Vec<(String, u16)>> {
    let mut map: BTreeMap<String, Vec<(String, u16)>> = BTreeMap::new();
    for request in receiver.received() {
        map.entry(key(&request)).or_default().push((
            request.header("x-delivery-id").unwrap().to_owned(),
            request.answered,
        ));
    }
    map
}

/// Waits (at most `within`) until every key of `all` has had a request answered 200, then
/// checks that no other key was called and that each key's repeats carry one delivery id;
/// answers how many requests were repeats.
async fn delivered_once_each(
    receiver: &Receiver,
    all: &BTreeSet<String>,
    key: fn(&Received) -> String,
    within: Duration,
) -> usize {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let delivered: BTreeSet<String> = by_key(receiver, key)
            .into_iter()
            .filter(|(_, requests)| requests.iter().any(|(_, status)| *status == 200))
            .map(|(key, _)| key)
            .collect();
        if &delivered == all {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of {} delivered",
            delivered.len(),
            all.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seen = by_key(receiver, key);
    assert_eq!(&seen.keys().cloned().collect::<BTreeSet<_>>(), all);
    let mut repeats = 0;
    for (key, requests) in &seen {
        let ids: BTreeSet<&String> = requests.iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids.len(),
            1,
            "{key}: one delivery id across repeats: {requests:?}"
        );
        repeats += requests.len() - 1;
    }
    repeats
}

/// Checks `/metrics` counts deliveries, then stops the dispatcher with SIGTERM and checks it
/// exits cleanly.
async fn metrics_then_terminate(mut dispatcher: ServerProcess) {
    let metrics = reqwest::get(format!("{}/metrics", dispatcher.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("callbacks_delivered_total"), "{metrics}");
    let exit = dispatcher.terminate().unwrap();
    assert!(exit.success(), "{exit}");
}

/// Checks the dispatcher's own records (decoded JSON) schedule `count` deliveries, each once.
fn scheduled_once_each(records: &[serde_json::Value], count: usize) {
    let scheduled: Vec<&str> = records
        .iter()
        .filter(|record| record["type"] == "delivery_scheduled")
        .map(|record| record["delivery_id"].as_str().unwrap())
        .collect();
    assert_eq!(scheduled.len(), count, "each redemption scheduled once");
    assert_eq!(scheduled.iter().collect::<BTreeSet<_>>().len(), count);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_stream_loses_no_callback_and_repeats_keep_their_id() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let world = World::new().await;
    let data = world.dir.path().to_path_buf();
    let shop = world
        .shop(
            1,
            Some(&format!("{}/cb/%{{credential_id}}", receiver.base)),
            true,
        )
        .await;
    let mut codes = Vec::new();
    for _ in 0..REDEMPTIONS {
        codes.push(world.issue(&shop, &[]).await);
    }
    let mut dispatcher = start(&data).await;
    let health = reqwest::get(format!("{}/health", dispatcher.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    let world = Arc::new(world);
    let sent = Arc::new(AtomicUsize::new(0));
    let stream = {
        let (world, shop, sent, codes) = (world.clone(), shop.clone(), sent.clone(), codes.clone());
        tokio::spawn(async move {
            for (_, code) in &codes {
                world.redeem(&shop, code).await;
                sent.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let before_kill = receiver.wait_for(KILL_AFTER, Duration::from_secs(60)).await;
    assert!(
        before_kill.len() >= KILL_AFTER,
        "{} of {KILL_AFTER} callbacks before the kill",
        before_kill.len()
    );
    dispatcher.kill().unwrap();
    let at_kill = receiver.received().len();
    assert!(
        sent.load(Ordering::Relaxed) < REDEMPTIONS,
        "the kill came after the stream"
    );
    stream.await.unwrap();

    let dispatcher = start(&data).await;
    let all: BTreeSet<String> = codes
        .iter()
        .map(|(credential, _)| format!("/cb/{}", credential.0))
        .collect();
    let target = |request: &Received| request.target.clone();
    let repeats = delivered_once_each(&receiver, &all, target, Duration::from_secs(15)).await;
    println!(
        "{} callbacks before the kill, {} repeated after the restart, {} in all",
        at_kill,
        repeats,
        receiver.received().len()
    );
    metrics_then_terminate(dispatcher).await;
    scheduled_once_each(&world.own_records().await, REDEMPTIONS);
}

/// Redemptions streamed in chunks of this many (four at a time): while the dispatcher runs,
/// a chunk is sent only once the partner has had the callbacks of all but the last one.
const CHUNK: usize = 20;

/// Redeems every code of `fixture` (see [`stream_range`]), chunk by chunk, keeping at most
/// two chunks ahead of the callbacks `receiver` has had until `killed`; so that the stream
/// cannot end before the kill, however slowly the dispatcher goes.
async fn stream_behind_callbacks(
    api: Api,
    fixture: PosFixture,
    receiver: Arc<Receiver>,
    killed: Arc<AtomicBool>,
    answers: Arc<Answers>,
    answered: Arc<AtomicUsize>,
) {
    for start in (0..REDEMPTIONS).step_by(CHUNK) {
        let behind = start.saturating_sub(CHUNK);
        wait_until(Duration::from_secs(60), "callbacks keeping up", || {
            killed.load(Ordering::Relaxed) || receiver.received().len() >= behind
        })
        .await;
        let codes = start..start + CHUNK;
        let (api, fixture) = (api.clone(), fixture.clone());
        stream_range(api, fixture, 4, answers.clone(), answered.clone(), codes).await;
    }
}

/// The same on the production stack. The kill follows the dispatcher's progress, as the
/// stream does ([`stream_behind_callbacks`]): it comes once [`KILL_AFTER`] callbacks arrived,
/// with redemptions in flight and more to send (answered while the dispatcher is down). Fails
/// if the dispatcher loses a callback, gives a redemption's callback a delivery id that is
/// not derived from the redemption (tried: the scheduling time in the id; a callback sent
/// before its `delivery_scheduled` was durable comes again under another id), or schedules
/// again what it recorded (tried: the follower ignoring its recorded position; each
/// redemption before the kill has a second `delivery_scheduled`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_kafka_sigkill_mid_stream_loses_no_callback_and_repeats_keep_their_id() {
    let receiver = Arc::new(Receiver::start(Behaviour::Accept).unwrap());
    let production = Production::new().await;
    let _projector = production.start("projector", "projector").await;
    let commands = production
        .start_with(
            "command-service",
            "commands",
            &[
                ("PROMO_CALLBACKS", "off"),
                ("PROMO_CALLBACK_ALLOW", "127.0.0.0/8"),
            ],
        )
        .await;
    let printed = commands.printed.clone().unwrap();
    let api = Api::login(&commands.base, &printed.identity, &printed.key)
        .await
        .unwrap();
    let fixture = PosFixture::create(&api, REDEMPTIONS, 16, json!({}))
        .await
        .unwrap();
    let url = json!({"channel": {"conversion_callback_url":
        format!("{}/cb/%{{credential_id}}", receiver.base)}});
    let channel = format!("/v1.0/channels/{}", fixture.channel_id);
    api.expect(Method::PUT, &channel, Some(&url), 200)
        .await
        .unwrap();
    let server = commands.base.trim_start_matches("http://");
    let env = [DISPATCHER_ENV, &[("PROMO_SERVER_BIND", server)]].concat();
    let mut dispatcher = production
        .start_with("dispatcher", "dispatcher", &env)
        .await;

    let answers = Arc::new(Answers::default());
    let answered = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let sending = tokio::spawn(stream_behind_callbacks(
        api,
        fixture,
        receiver.clone(),
        killed.clone(),
        answers.clone(),
        answered.clone(),
    ));
    wait_until(Duration::from_secs(60), "callbacks before the kill", || {
        assert!(!sending.is_finished(), "the stream ended before the kill");
        receiver.received().len() >= KILL_AFTER
    })
    .await;
    dispatcher.kill().unwrap();
    killed.store(true, Ordering::Relaxed);
    let (at_kill, sent) = (receiver.received().len(), answered.load(Ordering::Relaxed));
    assert!(sent < REDEMPTIONS, "the kill came after the stream");
    sending.await.unwrap();
    let answers = answers.lock().unwrap().clone();
    let redemptions = confirmed(&answers);
    assert_eq!(redemptions.len(), REDEMPTIONS, "every redemption answered");

    let dispatcher = production
        .start_with("dispatcher", "dispatcher", &env)
        .await;
    let all: BTreeSet<String> = redemptions.values().map(u64::to_string).collect();
    let redemption = |request: &Received| request.json()["redemption_id"].to_string();
    let repeats = delivered_once_each(&receiver, &all, redemption, Duration::from_secs(30)).await;
    println!(
        "{at_kill} callbacks of {sent} redemptions at the kill, {repeats} repeated after the \
         restart, {} in all",
        receiver.received().len()
    );
    metrics_then_terminate(dispatcher).await;
    let own: Vec<serde_json::Value> = admitted_records(&format!("{}-callbacks", production.topic))
        .await
        .iter()
        .map(|record| serde_json::from_slice(&record.payload).unwrap())
        .collect();
    scheduled_once_each(&own, REDEMPTIONS);
}

#[tokio::test]
async fn a_second_dispatcher_on_the_same_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    eventlog::SqliteLog::open(data.join("events.db"), PARTITIONS)
        .await
        .unwrap();
    let first = start(&data).await;
    let partitions = PARTITIONS.to_string();
    let second = ServerProcess::start(
        Path::new(BIN),
        &["dispatcher"],
        &data,
        &[("PROMO_PARTITIONS", partitions.as_str())],
    )
    .await;
    assert!(
        second.is_err(),
        "the callbacks lock refuses a second dispatcher"
    );
    drop(first);
}
