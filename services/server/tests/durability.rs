//! Durability of the real `server` binary: SIGKILL during a stream of redemptions, restart on
//! the same data folder, and every redemption that was answered is there exactly once; the
//! ones cut off in flight, retried with their Idempotency-Key, end up there exactly once too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::{Api, PosFixture, Printed, ServerProcess};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use support::{check_exactly_once, confirmed, stream, wait_for_answers, Answers};

const BIN: &str = env!("CARGO_BIN_EXE_promo");
const CODES: usize = 600;
const SENDERS: usize = 8;
const KILL_AFTER: usize = 150;

async fn start(data: &Path) -> ServerProcess {
    ServerProcess::start(
        Path::new(BIN),
        &["serve"],
        data,
        &[("PROMO_PARTITIONS", "2")],
    )
    .await
    .unwrap()
}

/// A server killed (SIGKILL) mid-stream and restarted has every answered redemption once,
/// and the cut-off ones once after a keyed retry; the restart prints no credentials (its
/// whole output up to its exit). Fails if a restart prints credentials before it exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_redemptions_survive_sigkill_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = start(&data).await;
    let printed = server.printed.clone().unwrap();
    let api = Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap();
    let fixture = PosFixture::create(&api, CODES, 16, json!({}))
        .await
        .unwrap();

    let answers = Arc::new(Answers::default());
    let answered = Arc::new(AtomicUsize::new(0));
    let sending = tokio::spawn(stream(
        api.clone(),
        fixture.clone(),
        SENDERS,
        answers.clone(),
        answered.clone(),
    ));
    wait_for_answers(&answered, &sending, KILL_AFTER).await;
    server.kill().unwrap();
    sending.await.unwrap();
    let answers = answers.lock().unwrap().clone();
    let confirmed = confirmed(&answers);
    assert!(confirmed.len() >= KILL_AFTER);
    assert!(
        confirmed.len() < CODES,
        "the kill came after the whole stream"
    );

    let mut server = start(&data).await;
    let api = Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap();
    check_exactly_once(&api, &fixture, &answers).await;
    let exit = server.terminate().unwrap();
    assert!(exit.success(), "exit status {exit}");
    let lines = server.lines_until_exit().unwrap();
    assert_eq!(
        Printed::parse(&lines),
        None,
        "a restart prints no credentials: {lines:?}"
    );
}
