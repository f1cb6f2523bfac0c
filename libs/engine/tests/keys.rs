//! The API keys a partition actor publishes for token checks: what the log holds, as soon as
//! the batch that changed it is durable, and again after a restart.
#![allow(clippy::expect_used)]

mod support;

use domain::account::Role;
use domain::ids::{AccountId, ApiKeyId};
use domain::{Command, EventKind};
use engine::Clock;
use support::{Setup, ACCOUNT};

fn issued_key(events: &[domain::Event]) -> ApiKeyId {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ApiKeyIssued(key) => Some(key.id),
            _ => None,
        })
        .expect("no key issued")
}

#[tokio::test]
async fn issued_rotated_and_revoked_keys_are_published_when_durable() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    actor.account().await;
    let issued = actor
        .ok(Command::IssueApiKey {
            identity: "lane-1".into(),
            key_hash: "hash-1".into(),
            roles: vec![Role::Pos],
        })
        .await;
    let key = issued_key(&issued);
    let now = setup.clock.now();

    let published = actor
        .handle
        .api_key(ACCOUNT, key)
        .expect("issued key published");
    assert_eq!(published.roles, vec![Role::Pos]);
    assert!(published.accepts("hash-1", now));
    assert!(actor
        .handle
        .api_key(ACCOUNT, ApiKeyId(key.0 + 100))
        .is_none());
    assert!(actor.handle.api_key(AccountId(2), key).is_none());

    actor
        .ok(Command::RotateApiKey {
            api_key_id: key,
            key_hash: "hash-2".into(),
            grace_seconds: 60,
        })
        .await;
    let rotated = actor
        .handle
        .api_key(ACCOUNT, key)
        .expect("rotated key published");
    assert!(rotated.accepts("hash-2", now) && rotated.accepts("hash-1", now));

    actor.ok(Command::RevokeApiKey { api_key_id: key }).await;
    let revoked = actor
        .handle
        .api_key(ACCOUNT, key)
        .expect("revoked key published");
    assert!(revoked.is_revoked(now) && !revoked.accepts("hash-2", now));
}

#[tokio::test]
async fn a_restarted_actor_publishes_the_keys_the_log_holds() {
    let setup = Setup::new().await;
    let first = setup.actor(0).await;
    first.account().await;
    let key = issued_key(
        &first
            .ok(Command::IssueApiKey {
                identity: "back-office".into(),
                key_hash: "hash-1".into(),
                roles: vec![Role::Reporting],
            })
            .await,
    );
    first.ok(Command::RevokeApiKey { api_key_id: key }).await;
    first.handle.shutdown().await;

    let second = setup.actor(0).await;
    let now = setup.clock.now();
    let published = second
        .handle
        .api_key(ACCOUNT, key)
        .expect("key published at start");
    assert_eq!(published.roles, vec![Role::Reporting]);
    assert!(published.is_revoked(now));
}
