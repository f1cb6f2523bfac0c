//! The all-in-one server in the test's own process, stopped by the future passed to
//! `Application::run_until` instead of a signal: it answers until told, then stops
//! gracefully and releases its data folder for the next start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use server::{Application, Role, Settings};
use std::path::Path;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

fn settings(data: &Path) -> Settings {
    Settings::from_vars(|name| match name {
        "PROMO_DATA_DIR" => Some(data.display().to_string()),
        "PROMO_BIND" => Some("127.0.0.1:0".into()),
        "PROMO_PARTITIONS" => Some("2".into()),
        "PROMO_WORKERS" => Some("1".into()),
        _ => None,
    })
    .unwrap()
}

async fn healthy(client: &reqwest::Client, base: &str) -> bool {
    client
        .get(format!("{base}/health"))
        .send()
        .await
        .is_ok_and(|response| response.status() == 200)
}

/// Fails if `run_until` stops before its future resolves, or does not stop (within 10 s) once
/// it has, or keeps the data folder's lock after stopping (a second start on it is refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_serves_until_its_shutdown_future_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = Application::build(settings(&data), Role::AllInOne)
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async move {
        let _told = stopped.await;
        "the test"
    }));
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !healthy(&client, &base).await {
        assert!(Instant::now() < deadline, "never answered /health");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!running.is_finished(), "stopped before it was told");

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("did not stop within 10 s")
        .unwrap()
        .unwrap();
    assert!(!healthy(&client, &base).await, "still answering");

    let again = Application::build(settings(&data), Role::AllInOne)
        .await
        .expect("the data folder is free again");
    tokio::time::timeout(
        Duration::from_secs(10),
        again.run_until(async { "at once" }),
    )
    .await
    .expect("did not stop within 10 s")
    .unwrap();
}
