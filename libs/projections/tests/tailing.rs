//! The projector following the log: a client waits until its own write is projected, also
//! when another store on the same database projects it, and at once when the projector is
//! pacing its batches.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use eventlog::EventLog;
use projections::{Projector, ProjectorConfig};
use std::time::Duration;
use support::{create_member, has_member, projected, Backend, Running, Setup, PARTITION};

async fn a_client_sees_its_own_write_in_the_next_list(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    let store = setup.store("read.db").await;
    let running = Running::spawn(setup.projector(&store));

    for n in 0..5 {
        let identifier = format!("new-{n}");
        setup.ok(create_member(&identifier)).await;
        assert!(projected(&store, setup.last_offset().await).await);
        assert!(has_member(&store, &identifier).await);
    }
    let beyond = setup.log.end_offset(PARTITION).await.unwrap() + 10;
    let waited = store
        .wait_until(PARTITION, beyond, Duration::from_millis(50))
        .await
        .unwrap();
    assert!(!waited);

    running.stop().await;
}

async fn a_projection_by_another_store_on_the_same_file_is_seen(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    let projecting = setup.store("read.db").await;
    let reading = setup.store("read.db").await;
    let running = Running::spawn(setup.projector(&projecting));

    setup.ok(create_member("elsewhere")).await;
    assert!(projected(&reading, setup.last_offset().await).await);
    assert!(has_member(&reading, "elsewhere").await);

    running.abandon().await;
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
    let running = Running::spawn(projector);
    assert!(projected(&store, setup.last_offset().await).await);

    setup.ok(create_member("paced")).await;
    let written = setup.last_offset().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        store.next_offset(PARTITION).await.unwrap() <= written,
        "with nobody waiting, the projector waits out its pace"
    );
    let asked = std::time::Instant::now();
    assert!(projected(&store, written).await);
    assert!(asked.elapsed() < Duration::from_secs(3));
    assert!(has_member(&store, "paced").await);

    running.stop().await;
}

per_backend!(
    a_client_sees_its_own_write_in_the_next_list,
    a_projection_by_another_store_on_the_same_file_is_seen,
    a_pacing_projector_applies_at_once_for_a_waiting_reader,
);
