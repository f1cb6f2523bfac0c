//! The `api_keys` read table: issued, rotated with a grace period, revoked, rebuilt.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use chrono::{Duration, TimeZone, Utc};
use domain::account::Role;
use domain::ids::{AccountId, ApiKeyId};
use domain::{Command, EventKind};
use support::{Backend, Setup, ACCOUNT};

async fn issue(setup: &Setup, identity: &str, hash: &str) -> ApiKeyId {
    let events = setup
        .ok(Command::IssueApiKey {
            identity: identity.into(),
            key_hash: hash.into(),
            roles: vec![Role::Issuer, Role::Reporting],
        })
        .await;
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ApiKeyIssued(key) => Some(key.id),
            _ => None,
        })
        .unwrap()
}

async fn keys_are_projected_through_their_lifecycle(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    let id = issue(&setup, "app", "hash-1").await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();

    let now = Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap();
    let rows = store.api_keys_by_identity("app").await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row.account_id, row.id), (ACCOUNT, id));
    assert_eq!(row.key_hash, "hash-1");
    assert_eq!(row.roles, vec![Role::Issuer, Role::Reporting]);
    assert!(row.accepts("hash-1", now) && !row.accepts("hash-2", now));
    assert!(store
        .api_keys_by_identity("other")
        .await
        .unwrap()
        .is_empty());

    setup
        .ok(Command::RotateApiKey {
            api_key_id: id,
            key_hash: "hash-2".into(),
            grace_seconds: 3600,
        })
        .await;
    setup.projector(&store).catch_up().await.unwrap();
    let row = store.api_key(ACCOUNT, id).await.unwrap().unwrap();
    assert_eq!(row.key_hash, "hash-2");
    assert_eq!(row.previous_key_hash.as_deref(), Some("hash-1"));
    assert_eq!(row.previous_valid_until, Some(now + Duration::hours(1)));
    assert!(row.accepts("hash-1", now) && row.accepts("hash-2", now));
    assert!(!row.accepts("hash-1", now + Duration::hours(2)));

    setup.ok(Command::RevokeApiKey { api_key_id: id }).await;
    setup.projector(&store).catch_up().await.unwrap();
    let row = store.api_key(ACCOUNT, id).await.unwrap().unwrap();
    assert_eq!(row.revoked_at, Some(now));
    assert!(row.is_revoked(now) && !row.accepts("hash-2", now));
    assert!(store.api_key(AccountId(99), id).await.unwrap().is_none());

    store.rebuild().await.unwrap();
    assert!(store.api_key(ACCOUNT, id).await.unwrap().is_none());
    setup.projector(&store).catch_up().await.unwrap();
    assert_eq!(store.api_key(ACCOUNT, id).await.unwrap(), Some(row));
}

per_backend!(keys_are_projected_through_their_lifecycle,);
