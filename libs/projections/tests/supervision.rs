//! A supervised projector ([`ProjectorGroup`]) on a read database that fails for real: a
//! trigger ([`FailureSwitch`]) fails every insert into `members` while it is armed. Meanwhile
//! the projector fails run after run, each failure counted as an error (never a panic), the
//! partition is reported failing and nothing of the failing batches is visible; once
//! disarmed, it recovers by itself (the group is never restarted), reports healthy again, and
//! the tables equal a rebuild from offset 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use projections::{ProjectorConfig, ProjectorGroup, ProjectorMetrics, RestartPolicy, Supervision};
use prometheus::{Encoder as _, Registry, TextEncoder};
use std::time::Duration;
use support::{has_member, projected, traffic, Backend, PARTITION};
use testkit::{eventually, FailureSwitch};

/// Restarts within milliseconds, so failures pile up quickly.
const FAST: RestartPolicy = RestartPolicy {
    first_delay: Duration::from_millis(1),
    max_delay: Duration::from_millis(20),
    reset_after: Duration::from_secs(30),
};

/// The longest any condition is waited for.
const DEADLINE: Duration = Duration::from_secs(10);

/// The failures of [`PARTITION`]'s projector of `kind` counted in `registry`.
fn failures(registry: &Registry, kind: &str) -> f64 {
    let mut text = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut text)
        .unwrap();
    let text = String::from_utf8(text).unwrap();
    let partition = PARTITION.to_string();
    let labels = [("partition", partition.as_str()), ("kind", kind)];
    testkit::metric(&text, "projector_failures_total", &labels).unwrap_or(0.0)
}

/// Fails if a failed projector is not started again (`supervise` returning after the first
/// error: one failure is counted, then none, and the members never appear), if it is
/// restarted from offset 0 or a kept position instead of the stored one (the tables differ
/// from a rebuild), or if the failing mark is never cleared (never healthy again).
async fn a_failing_projector_recovers_by_itself(backend: Backend) {
    let setup = traffic(backend).await;
    let store = setup.store("read.db").await;
    let switch = FailureSwitch::install(&setup.read_url("read.db").await, "members").await;
    let registry = Registry::new();
    let supervision = Supervision {
        restart: FAST,
        metrics: Some(ProjectorMetrics::register(&registry).unwrap()),
    };
    let group = ProjectorGroup::start(&setup.log, &store, ProjectorConfig::default(), &supervision);
    assert!(projected(&store, setup.last_offset().await).await);
    eventually(DEADLINE, "healthy once caught up", || async {
        group.healthy()
    })
    .await;

    switch.arm().await;
    let before = store.next_offset(PARTITION).await.unwrap();
    setup.members("late", 5).await;
    let end = setup.last_offset().await;
    eventually(DEADLINE, "three failures", || async {
        failures(&registry, "error") >= 3.0
    })
    .await;
    assert_eq!(group.failing(), [PARTITION]);
    assert!(!group.healthy());
    assert_eq!(store.failing_projectors(), [PARTITION]);
    assert_eq!(store.next_offset(PARTITION).await.unwrap(), before);
    assert!(!has_member(&store, "late-00000").await);

    switch.disarm().await;
    assert!(
        projected(&store, end).await,
        "caught up once the database works"
    );
    eventually(DEADLINE, "healthy again", || async { group.healthy() }).await;
    assert!(store.failing_projectors().is_empty());
    assert_eq!(
        failures(&registry, "panic"),
        0.0,
        "failed without panicking"
    );
    tokio::time::timeout(DEADLINE, group.shutdown())
        .await
        .expect("the group stops");

    let recovered = store.dump().await.unwrap();
    assert!(has_member(&store, "late-00004").await);
    let clean = setup.store("clean.db").await;
    setup.projector(&clean).catch_up().await.unwrap();
    assert_eq!(recovered, clean.dump().await.unwrap(), "a rebuild from 0");
}

/// Fails if the shutdown signal does not end the wait before a restart: the wait is an hour.
async fn shutdown_ends_a_failing_projector_promptly(backend: Backend) {
    let setup = support::Setup::new(backend).await;
    setup.account().await;
    setup.member("first").await;
    let store = setup.store("read.db").await;
    let switch = FailureSwitch::install(&setup.read_url("read.db").await, "members").await;
    switch.arm().await;
    let supervision = Supervision {
        restart: RestartPolicy {
            first_delay: Duration::from_secs(3600),
            ..FAST
        },
        metrics: None,
    };
    let group = ProjectorGroup::start(&setup.log, &store, ProjectorConfig::default(), &supervision);
    eventually(DEADLINE, "failing", || async {
        !group.failing().is_empty()
    })
    .await;
    tokio::time::timeout(DEADLINE, group.shutdown())
        .await
        .expect("the group stops while waiting to restart");
}

per_backend!(
    a_failing_projector_recovers_by_itself,
    shutdown_ends_a_failing_projector_promptly,
);
