//! The real `dispatcher` binary killed with SIGKILL in the middle of a stream of redemptions,
//! then started again on the same data folder: every redemption's callback reaches the
//! partner at least once, none is lost, every repeat carries the same delivery id, and no
//! redemption is scheduled twice. Also: `/health`, `/metrics`, and a graceful SIGTERM stop.
//!
//! The redemptions are written by real partition actors in this process on `events.db` (the
//! shop set-up is the callbacks crate's test harness); the dispatcher reads that file from its
//! own process, as it does beside the server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../libs/callbacks/tests/support/mod.rs"]
mod support;

use benches::load::{Behaviour, Receiver, ServerProcess};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
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
            ("PROMO_PARTITIONS", partitions.as_str()),
            ("PROMO_SERVER_BIND", "127.0.0.1:1"),
            ("PROMO_CALLBACK_DEADLINE_MS", "20000"),
            ("PROMO_CALLBACK_ALLOW", "127.0.0.0/8"),
        ],
    )
    .await
    .unwrap()
}

/// Requests per credential path, with the delivery ids and statuses they carried.
fn by_credential(receiver: &Receiver) -> BTreeMap<String, Vec<(String, u16)>> {
    let mut map: BTreeMap<String, Vec<(String, u16)>> = BTreeMap::new();
    for request in receiver.received() {
        map.entry(request.target.clone()).or_default().push((
            request.header("x-delivery-id").unwrap().to_owned(),
            request.answered,
        ));
    }
    map
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

    let mut dispatcher = start(&data).await;
    let all: BTreeSet<String> = codes
        .iter()
        .map(|(credential, _)| format!("/cb/{}", credential.0))
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let delivered: BTreeSet<String> = by_credential(&receiver)
            .into_iter()
            .filter(|(_, requests)| requests.iter().any(|(_, status)| *status == 200))
            .map(|(path, _)| path)
            .collect();
        if delivered == all {
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
    let seen = by_credential(&receiver);
    assert_eq!(seen.keys().cloned().collect::<BTreeSet<_>>(), all);
    let mut repeats = 0;
    for (path, requests) in &seen {
        let ids: BTreeSet<&String> = requests.iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids.len(),
            1,
            "{path}: one delivery id across repeats: {requests:?}"
        );
        repeats += requests.len() - 1;
    }
    println!(
        "{} callbacks before the kill, {} repeated after the restart, {} in all",
        at_kill,
        repeats,
        receiver.received().len()
    );

    let metrics = reqwest::get(format!("{}/metrics", dispatcher.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("callbacks_delivered_total"), "{metrics}");
    let exit = dispatcher.terminate().unwrap();
    assert!(exit.success(), "{exit}");
    let scheduled: Vec<String> = world
        .own_records()
        .await
        .into_iter()
        .filter(|record| record["type"] == "delivery_scheduled")
        .map(|record| record["delivery_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        scheduled.len(),
        REDEMPTIONS,
        "each redemption scheduled once"
    );
    assert_eq!(scheduled.iter().collect::<BTreeSet<_>>().len(), REDEMPTIONS);
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
