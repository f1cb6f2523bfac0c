//! The key stores' contract, written once and run on SQLite and on Postgres: keys stored are
//! found, only the ones asked for; shredding destroys every key of one member (and nothing
//! else), after which what was sealed under them never opens; and sealing an event then
//! opening it through a store gives the event back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use domain::catalog::Member;
use domain::ids::{AccountId, MemberId};
use domain::{Event, EventKind};
use privacy::{
    open_events, seal_event, KeyRef, KeyRow, KeyStore, MemberKey, PostgresKeys, SqliteKeys,
};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use testkit::TestDatabase;

fn member_created(member: u64, identifier: &str) -> Event {
    let at = DateTime::from_timestamp(1_770_000_000, 0).unwrap();
    Event {
        occurred_at: at,
        idempotency: None,
        kind: EventKind::MemberCreated(Member {
            id: MemberId(member),
            identifier: identifier.into(),
            notification_mode: "app".into(),
            created_at: at,
            updated_at: at,
        }),
    }
}

/// `event` sealed, with the one key it is sealed under.
fn sealed(event: &Event, account: AccountId, rng: &mut ChaCha8Rng) -> (Event, KeyRow) {
    let (sealed, mut keys) = seal_event(event, account, rng).unwrap().unwrap();
    assert_eq!(keys.len(), 1, "one owner, one key");
    (sealed, keys.remove(0))
}

fn identifier(event: &Event) -> &str {
    domain::privacy::personal_text(&event.kind).unwrap().1
}

async fn contract(store: &dyn KeyStore) {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let account = AccountId(5);
    let ann = member_created(1, "ann@example.com");
    let bob = member_created(2, "bob@example.com");
    let (mut sealed_ann, ann_key) = sealed(&ann, account, &mut rng);
    let (mut sealed_bob, bob_key) = sealed(&bob, account, &mut rng);
    assert!(identifier(&sealed_ann).starts_with("sealed:1:"));
    assert!(!serde_json::to_string(&sealed_ann).unwrap().contains("ann@"));
    let other_account = KeyRow {
        at: KeyRef {
            account_id: AccountId(6),
            ..ann_key.at
        },
        key: MemberKey::from_bytes([9; 32]),
    };
    store
        .put(&[ann_key.clone(), bob_key.clone(), other_account.clone()])
        .await
        .unwrap();
    store.put(std::slice::from_ref(&ann_key)).await.unwrap();
    let found = store.get(&[ann_key.at, bob_key.at]).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(found.contains(&ann_key) && found.contains(&bob_key));
    assert_eq!(store.count(account, MemberId(1)).await.unwrap(), 1);

    let opened = open_events(
        store,
        [(account, &mut sealed_ann), (account, &mut sealed_bob)],
    )
    .await
    .unwrap();
    assert_eq!((opened.opened, opened.unreadable), (2, 0));
    assert_eq!(sealed_ann, ann);
    assert_eq!(sealed_bob, bob);

    assert_eq!(store.shred(account, MemberId(1)).await.unwrap(), 1);
    assert_eq!(
        store.shred(account, MemberId(1)).await.unwrap(),
        0,
        "idempotent"
    );
    assert_eq!(store.count(account, MemberId(1)).await.unwrap(), 0);
    assert_eq!(
        store.count(AccountId(6), MemberId(1)).await.unwrap(),
        1,
        "another account's"
    );
    assert_eq!(
        store.get(&[ann_key.at, bob_key.at]).await.unwrap(),
        vec![bob_key]
    );

    let (mut again, _) = sealed(&ann, account, &mut rng);
    let mut resealed = again.clone();
    let outcome = open_events(store, [(account, &mut again)]).await.unwrap();
    assert_eq!((outcome.opened, outcome.unreadable), (0, 1));
    assert_eq!(again, resealed, "a text whose key is gone stays sealed");
    let (_, text) = domain::privacy::personal_text_mut(&mut resealed.kind).unwrap();
    assert!(!text.contains("ann"));
}

#[tokio::test]
async fn the_sqlite_store_keeps_and_shreds_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.db");
    let store = SqliteKeys::open(&path).await.unwrap();
    contract(&store).await;
    store.close().await;
    let reopened = SqliteKeys::open(&path).await.unwrap();
    assert_eq!(
        reopened.count(AccountId(5), MemberId(2)).await.unwrap(),
        1,
        "durable"
    );
}

#[tokio::test]
async fn the_postgres_store_keeps_and_shreds_keys() {
    let database = TestDatabase::create().await;
    let store = PostgresKeys::connect(&database.url).await.unwrap();
    contract(&store).await;
    store.close().await;
}
