//! The accounts' states a partition actor publishes for reads on any thread
//! ([`engine::PartitionHandle::view`]): every acknowledged write is in the view when its answer
//! arrives, nothing that is not yet durable (or whose append failed) ever is, a view already
//! taken keeps its version while the writer goes on, and a view is read while the actor is busy
//! in an append.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use engine::{ActorConfig, EngineError};
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::*;

/// Whether the view of [`ACCOUNT`] holds a member with `identifier`.
fn has_member(actor: &Actor, identifier: &str) -> bool {
    actor
        .handle
        .view(ACCOUNT)
        .unwrap()
        .member_id_by_identifier(identifier)
        .is_some()
}

/// Fails if the actor publishes no view after a batch (the write is then missing from the
/// view when its answer arrives) or if a published view is changed in place by later writes
/// (seen with `Views::publish` handing readers the actor's own map).
#[tokio::test]
async fn a_write_is_in_the_view_when_answered_and_older_views_keep_their_version() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    actor.account().await;
    let before = actor.handle.view(ACCOUNT).unwrap();
    assert!(before.account().is_some());

    let member = actor.member("ann").await;
    let after = actor.handle.view(ACCOUNT).unwrap();
    assert_eq!(
        after.member(member).map(|m| m.identifier.as_str()),
        Some("ann")
    );
    assert!(before.member(member).is_none(), "an older view changed");
    assert!(
        *after == actor.state().await,
        "the view is not the actor's state"
    );

    let unknown = actor.handle.view(domain::ids::AccountId(999)).unwrap();
    assert!(unknown.account().is_none());
}

/// While an append is in flight the view answers at once with the last durable state: the
/// command being appended is not in it. Fails if the actor published its state before the
/// append (a reader would see a write the log may never hold).
#[tokio::test]
async fn a_view_is_read_during_an_append_and_shows_only_what_is_durable() {
    let setup = Setup::new().await;
    let log = FlakyLog::new(setup.log.clone());
    let (hold, appending) = (log.hold.clone(), log.appending.clone());
    let actor = flaky_actor(&setup, log, ActorConfig::default()).await;
    actor.account().await;
    let started = appending.load(Ordering::SeqCst);

    let held = hold.lock().await;
    let writer = actor.clone();
    let write = tokio::spawn(async move { writer.member("bea").await });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while appending.load(Ordering::SeqCst) == started {
        assert!(tokio::time::Instant::now() < deadline, "no append started");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert!(
        !has_member(&actor, "bea"),
        "a batch not yet durable is visible"
    );
    assert!(!write.is_finished());

    drop(held);
    let member = tokio::time::timeout(Duration::from_secs(5), write)
        .await
        .expect("the write was not answered")
        .unwrap();
    assert!(has_member(&actor, "bea"));
    assert!(actor.handle.view(ACCOUNT).unwrap().member(member).is_some());
}

/// A batch whose append fails is never published; the view stays the log's. Fails if views are
/// published whatever the append's outcome.
#[tokio::test]
async fn a_failed_append_is_never_published() {
    let setup = Setup::new().await;
    let log = FlakyLog::new(setup.log.clone());
    let fail = log.fail.clone();
    let actor = flaky_actor(&setup, log, ActorConfig::default()).await;
    actor.account().await;

    fail.store(true, Ordering::SeqCst);
    let failed = actor.execute(create_member("cy")).await;
    assert!(
        matches!(failed, Err(EngineError::AppendFailed(_))),
        "{failed:?}"
    );
    assert!(!has_member(&actor, "cy"));

    actor.member("cy").await;
    assert!(has_member(&actor, "cy"));
}

/// A fenced actor refuses views: a newer writer may have changed the account since.
#[tokio::test]
async fn a_fenced_actor_refuses_views() {
    let setup = Setup::new().await;
    let first = setup.actor(0).await;
    first.account().await;
    let _second = setup.actor(0).await;
    let fenced = first.execute(create_member("zed")).await;
    assert!(
        matches!(fenced, Err(EngineError::Fenced { .. })),
        "{fenced:?}"
    );
    assert!(matches!(
        first.handle.view(ACCOUNT),
        Err(EngineError::Fenced { .. })
    ));
}
