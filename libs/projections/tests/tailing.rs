//! The projector following the log: a client waits until its own write is projected, also
//! when another store on the same database projects it, and at once when the projector is
//! pacing its batches.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use eventlog::EventLog;
use projections::{Projector, ProjectorConfig};
use std::time::Duration;
use support::{create_member, Backend, Setup, ACCOUNT, PARTITION};
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

async fn a_pacing_projector_applies_at_once_for_a_waiting_reader(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    let store = setup.store("read.db").await;
    let config = ProjectorConfig {
        pace: Duration::from_secs(60),
        ..ProjectorConfig::default()
    };
    let projector = Projector::new(setup.log.clone(), store.clone(), PARTITION, config);
    let (stop, shutdown) = watch::channel(false);
    let running = tokio::spawn(async move { projector.run(shutdown).await });
    let first = setup.log.end_offset(PARTITION).await.unwrap() - 1;
    assert!(store
        .wait_until(PARTITION, first, Duration::from_secs(5))
        .await
        .unwrap());

    setup.ok(create_member("paced")).await;
    let written = setup.log.end_offset(PARTITION).await.unwrap() - 1;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        store.next_offset(PARTITION).await.unwrap() <= written,
        "with nobody waiting, the projector waits out its pace"
    );
    let asked = std::time::Instant::now();
    assert!(store
        .wait_until(PARTITION, written, Duration::from_secs(5))
        .await
        .unwrap());
    assert!(asked.elapsed() < Duration::from_secs(3));
    assert!(store
        .member_by_identifier(ACCOUNT, "paced")
        .await
        .unwrap()
        .is_some());

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

per_backend!(
    a_client_sees_its_own_write_in_the_next_list,
    a_projection_by_another_store_on_the_same_file_is_seen,
    a_pacing_projector_applies_at_once_for_a_waiting_reader,
);
