//! Member erasure over real HTTP, on the stack `PROMO_TEST_STACK` names: a deletion request
//! voids the member's wallet, the member is erased 7 days later (a manual clock moves them),
//! its keys are destroyed, and after a restart (which writes a snapshot) its identifier is
//! nowhere in the data (every file of the embedded data folder, the event log and the
//! dispatcher's log included; the topics' records and every table of the database in
//! production) while the account's counts and limits stay exact. Its callbacks, which
//! rendered the identifier as `sf_uid`, list without it. Also the request's refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use benches::load::{Behaviour, Receiver};
use callbacks::{Destinations, DispatcherConfig};
use chrono::{Duration, Utc};
use clock::Clock;
use clock::ManualClock;
use domain::account::Role;
use domain::ids::{AccountId, MemberId};
use eventlog::LogUrl;
use serde_json::{json, Value};
use server::startup::open_key_store;
use std::sync::Arc;
use support::commands::{redeem_at_store, world, World};
use support::data::{callback_records_holding, files_holding, places_holding, records_holding};
use support::{read, spawn_app, spawn_app_configured, TestApp};
use testkit::fixtures::ShopData;

/// Counts of the offer activity report by type.
async fn activity_counts(app: &TestApp, token: &str) -> Value {
    let (status, report) = read(app.get(token, "/v1.0/reports/offer_activity").await).await;
    assert_eq!(status, 200, "{report}");
    let mut counts = serde_json::Map::new();
    for item in report.as_array().unwrap() {
        let kind = item["activity"].as_str().unwrap_or("?").to_owned();
        let count = counts.get(&kind).and_then(Value::as_u64).unwrap_or(0);
        counts.insert(kind, json!(count + 1));
    }
    Value::Object(counts)
}

async fn issue_code(app: &TestApp, world: &World, member: u64) -> String {
    let issue = json!({"credential": {"member_id": member, "offer_id": world.offer,
        "channel_id": world.channel}});
    let (status, issued) = read(app.post(&world.token, "/v1.0/credentials", &issue).await).await;
    assert_eq!(status, 201, "{issued}");
    issued["credential"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn until_gone(app: &TestApp, token: &str, path: &str) {
    for _ in 0..200 {
        if app.get(token, path).await.status() == 404 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{path} is still there");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_member_is_nowhere_in_the_data_and_every_count_stays() {
    let started = clock::SystemClock.now();
    let identifier = format!("erase-me-{}", started.timestamp_micros());
    let clock = Arc::new(ManualClock::new(started));
    let partner = Receiver::start(Behaviour::Accept).unwrap();
    let local = Destinations::new("127.0.0.0/8".parse().unwrap());
    let driven = clock.clone();
    let app = spawn_app_configured(move |config| {
        config.clock = driven;
        config.callback_destinations = local.clone();
        config.callbacks = Some(DispatcherConfig {
            destinations: local,
            ..DispatcherConfig::default()
        });
    })
    .await;
    let mut data = ShopData::new(Some(3));
    data.member.identifier = Some(identifier.clone());
    let mut world = world(&app, data).await;
    let member = world.member;
    let (status, bob) = read(
        app.post(
            &world.token,
            "/v1.0/members",
            &json!({"member": {"identifier": "bob"}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{bob}");
    let bob = bob["member"]["id"].as_u64().unwrap();
    let callback = json!({"channel": {"conversion_callback_url":
        format!("{}/cb?u=%{{sf_uid}}", partner.base)}});
    let channel = format!("/v1.0/channels/{}", world.channel);
    let (status, pointed) = read(
        app.send_json(reqwest::Method::PUT, &world.token, &channel, &callback)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{pointed}");
    for transaction in ["txn-1", "txn-2"] {
        let code = issue_code(&app, &world, member).await;
        let (status, redeemed) = redeem_at_store(&app, &world, &code, transaction).await;
        assert_eq!(status, 201, "{redeemed}");
    }
    let wallet = format!(
        "/v1.0/members/{member}/offer_states?channel_id={}&offer_id={}",
        world.channel, world.offer
    );
    let (status, saved) = read(app.post(&world.token, &wallet, &json!({})).await).await;
    assert_eq!(status, 200, "{saved}");
    // The partner got the identifier (sf_uid), and the dispatcher's log holds it sealed.
    for _ in 0..200 {
        if partner.received().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let received = partner.received();
    assert_eq!(received.len(), 2);
    assert!(
        received
            .iter()
            .all(|call| call.target.contains(&identifier)),
        "{:?}",
        received[0].target
    );
    assert_eq!(
        callback_records_holding(&app, identifier.as_bytes()).await,
        Vec::<String>::new()
    );
    // A clean stop writes a snapshot: it holds the identifier, and must not outlive the erasure.
    let app = app.restart().await;
    if let LogUrl::Sqlite(_) = &app.config.event_log {
        let holding = files_holding(app.data_dir(), identifier.as_bytes());
        assert!(
            holding
                .iter()
                .any(|file| file.ends_with("events.snapshots.db")),
            "{holding:?}"
        );
    }

    // Sealed from the start: the event log never holds the identifier in the clear.
    if let LogUrl::Sqlite(events) = &app.config.event_log {
        let log = std::fs::read(events).unwrap();
        assert!(!log
            .windows(identifier.len())
            .any(|w| w == identifier.as_bytes()));
    } else {
        assert_eq!(
            records_holding(&app.config.event_log, identifier.as_bytes()).await,
            Vec::<String>::new()
        );
    }

    let ask = format!("/v1.0/privacy/member/delete_request?member_identifier={identifier}");
    let (status, requested) = read(app.post(&world.token, &ask, &json!({})).await).await;
    assert_eq!(status, 200, "{requested}");
    let request = &requested["member_deletion_request"];
    assert_eq!(request["member_id"], member);
    assert_eq!(request["offer_states_voided"], 1);
    let erase_at =
        chrono::DateTime::parse_from_rfc3339(request["erase_at"].as_str().unwrap()).unwrap();
    let grace = erase_at.with_timezone(&Utc) - clock.now();
    assert!(
        (Duration::days(7) - grace).num_seconds().abs() <= 1,
        "{grace}"
    );
    let (status, again) = read(app.post(&world.token, &ask, &json!({})).await).await;
    assert_eq!(
        (status, &again["member_deletion_request"]["erase_at"]),
        (200, &request["erase_at"])
    );
    assert_eq!(again["member_deletion_request"]["offer_states_voided"], 0);
    let (status, _) = read(
        app.get(&world.token, &format!("/v1.0/members/{member}"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "the member stays until the grace has passed");
    let counts = activity_counts(&app, &world.token).await;
    assert_eq!(counts, json!({"issued": 3, "redeemed": 2, "voided": 1}));

    clock.advance(Duration::days(7) + Duration::seconds(1));
    world.token = app.token("account-1", "key-1").await;
    until_gone(&app, &world.token, &format!("/v1.0/members/{member}")).await;
    let deliveries = format!("/v1.0/channels/{}/deliveries", world.channel);
    for _ in 0..200 {
        let (_, listed) = read(app.get(&world.token, &deliveries).await).await;
        if !listed.to_string().contains(&identifier) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (status, listed) = read(app.get(&world.token, &deliveries).await).await;
    assert_eq!(
        (status, listed["total_entries"].as_u64()),
        (200, Some(2)),
        "{listed}"
    );
    assert!(!listed.to_string().contains(&identifier), "{listed}");
    let search = format!("/v1.0/members/search?identifier={identifier}");
    assert_eq!(app.get(&world.token, &search).await.status(), 404);
    let export = format!("/v1.0/privacy/member/export?member_identifier={identifier}");
    assert_eq!(app.get(&world.token, &export).await.status(), 404);

    assert_eq!(
        activity_counts(&app, &world.token).await,
        counts,
        "counts stay"
    );
    // The erased member's two redemptions still hold the offer's limit of 3.
    let first = issue_code(&app, &world, bob).await;
    let second = issue_code(&app, &world, bob).await;
    assert_eq!(redeem_at_store(&app, &world, &first, "txn-3").await.0, 201);
    let (status, refused) = redeem_at_store(&app, &world, &second, "txn-4").await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(
        refused["error"],
        "Member must be eligible for offer: Dollar off"
    );
    let counts = activity_counts(&app, &world.token).await;
    let keys = open_key_store(&app.config.key_store()).await.unwrap();
    assert_eq!(keys.count(AccountId(1), MemberId(member)).await.unwrap(), 0);
    assert!(keys.count(AccountId(1), MemberId(bob)).await.unwrap() > 0);
    drop(keys);

    // After a restart (the clean stop wrote a snapshot), only reads: nothing new is written.
    let app = app.restart().await;
    let token = app.token("account-1", "key-1").await;
    assert_eq!(
        app.get(&token, &format!("/v1.0/members/{member}"))
            .await
            .status(),
        404
    );
    assert_eq!(activity_counts(&app, &token).await, counts, "counts stay");
    let (config, dir, _database) = app.stop_keeping_data().await;
    let found = places_holding(&config, dir.path(), identifier.as_bytes()).await;
    assert_eq!(
        found,
        Vec::<String>::new(),
        "the identifier is still in the data"
    );
    let found_bob = places_holding(&config, dir.path(), b"bob").await;
    assert!(
        found_bob
            .iter()
            .any(|place| place.contains("read") || place.contains("table")),
        "{found_bob:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_request_is_refused_without_a_member_or_the_role() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let other = app.login(2).await;
    app.bootstrap(1, "reporter", "reporter-key", vec![Role::Reporting])
        .await;
    let reporter = app.token("reporter", "reporter-key").await;
    let path = "/v1.0/privacy/member/delete_request";
    let cases = [
        (&world.token, path.to_owned(), 400),
        (&world.token, format!("{path}?member_identifier=%20"), 400),
        (
            &world.token,
            format!("{path}?member_identifier=nobody"),
            404,
        ),
        (
            &world.token,
            format!("{path}?credential_identifier=NOPE"),
            404,
        ),
        (&other, format!("{path}?member_identifier=alice"), 404),
        (&reporter, format!("{path}?member_identifier=alice"), 403),
    ];
    for (token, path, expected) in cases {
        let (status, body) = read(app.post(token, &path, &json!({})).await).await;
        assert_eq!(status, expected, "{path}: {body}");
        if status != 404 {
            assert!(
                body["error"].is_string() || body["errors"].is_object(),
                "{body}"
            );
        }
    }
    let (status, member) = read(
        app.get(&world.token, &format!("/v1.0/members/{}", world.member))
            .await,
    )
    .await;
    assert_eq!(
        (status, &member["member"]["identifier"]),
        (200, &json!("alice")),
        "nothing changed"
    );
}
