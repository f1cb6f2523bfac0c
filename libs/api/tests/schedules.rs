//! Schedules over real HTTP, on a clock driven by hand: an offer approved, its window changed
//! and a cancelled stop left undone, each at its time; an action refused at its time is
//! recorded as failed with the reason; lists filter by status and offer; and what hostile,
//! foreign or read-only callers can do (nothing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use clock::{Clock, ManualClock};
use domain::account::Role;
use serde_json::{json, Value};
use std::sync::Arc;
use support::commands::{open_shop, world, World};
use support::resources::delete;
use support::{read, spawn_app_with_clock, TestApp};
use testkit::fixtures::ShopData;

fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn create(app: &TestApp, token: &str, schedule: Value) -> (u16, Value) {
    let body = json!({ "schedule": schedule });
    read(app.post(token, "/v1.0/schedules", &body).await).await
}

async fn pending_offer(app: &TestApp, world: &World) -> u64 {
    let body = json!({"offer": {"name": "Later", "merchant_id": world.merchant,
        "reward_kind": "order_percent_off", "reward_value": "10"}});
    let (status, created) = read(app.post(&world.token, "/v1.0/offers", &body).await).await;
    assert_eq!(status, 201, "{created}");
    created["offer"]["id"].as_u64().unwrap()
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let (status, body) = read(app.get(token, path).await).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Polls schedule `id` until it is no longer pending (at most 10 s); its view.
async fn settled(app: &TestApp, token: &str, id: u64) -> Value {
    let path = format!("/v1.0/schedules/{id}");
    for _ in 0..200 {
        let view = get(app, token, &path).await["schedule"].clone();
        if view["status"] != "pending" {
            return view;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("schedule {id} stayed pending");
}

fn ids(listed: &Value) -> Vec<u64> {
    listed["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["schedule"]["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_actions_are_taken_at_their_time_and_a_cancelled_one_never() {
    let started = clock::SystemClock.now();
    let clock = Arc::new(ManualClock::new(started));
    let app = spawn_app_with_clock(clock.clone()).await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let offer = pending_offer(&app, &world).await;
    let hour = Duration::hours(1);
    let (status, approve) = create(
        &app,
        token,
        json!({"action": "approve_offer", "offer_id": offer, "fires_at": at(started + hour)}),
    )
    .await;
    assert_eq!(status, 201, "{approve}");
    let approve = approve["schedule"].clone();
    assert_eq!(approve["status"], "pending");
    assert_eq!(approve["action"], "approve_offer");
    assert_eq!(approve["offer_id"], offer);
    let approve = approve["id"].as_u64().unwrap();
    let expires_at = at(started + Duration::days(30));
    let (status, window) = create(
        &app,
        token,
        json!({"action": "change_offer_window", "offer_id": offer,
               "fires_at": at(started + hour * 2), "expires_at": expires_at}),
    )
    .await;
    assert_eq!(status, 201, "{window}");
    assert_eq!(window["schedule"]["expires_at"], expires_at.as_str());
    let window = window["schedule"]["id"].as_u64().unwrap();
    let (_, stop) = create(
        &app,
        token,
        json!({"action": "stop_offer", "offer_id": offer, "fires_at": at(started + hour * 3)}),
    )
    .await;
    let stop = stop["schedule"]["id"].as_u64().unwrap();
    let stop_path = format!("/v1.0/schedules/{stop}");
    let (status, cancelled) = delete(&app, token, &stop_path, &json!({})).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["schedule"]["status"], "cancelled");
    assert!(cancelled["schedule"]["cancelled_at"].is_string());
    assert_eq!(delete(&app, token, &stop_path, &json!({})).await.0, 409);
    let pending = get(&app, token, "/v1.0/schedules?status=pending").await;
    assert_eq!(
        ids(&pending),
        vec![approve, window],
        "by the time they fire"
    );
    assert_eq!(pending["total_entries"], 2);

    let offer_path = format!("/v1.0/offers/{offer}");
    clock.advance(hour);
    let fired = settled(&app, token, approve).await;
    assert_eq!(fired["status"], "fired", "{fired}");
    assert!(fired["fired_at"].is_string());
    assert_eq!(
        get(&app, token, &offer_path).await["offer"]["status"],
        "approved"
    );
    clock.advance(hour);
    assert_eq!(settled(&app, token, window).await["status"], "fired");
    let changed = get(&app, token, &offer_path).await;
    assert_eq!(
        changed["offer"]["expires_at"],
        expires_at.as_str(),
        "{changed}"
    );
    clock.advance(hour * 2);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        get(&app, token, &offer_path).await["offer"]["status"],
        "approved"
    );
    let stopped = get(&app, token, &stop_path).await;
    assert_eq!(stopped["schedule"]["status"], "cancelled");
    assert!(stopped["schedule"].get("fired_at").is_none());

    let fired = get(&app, token, "/v1.0/schedules?status=fired").await;
    assert_eq!(ids(&fired), vec![approve, window]);
    let by_offer = format!("/v1.0/schedules?offer_id={offer}&per_page=1&page=3");
    let page = get(&app, token, &by_offer).await;
    assert_eq!(
        (ids(&page), page["total_pages"].clone()),
        (vec![stop], json!(3))
    );
    let other = format!("/v1.0/schedules?offer_id={}", world.offer);
    assert_eq!(get(&app, token, &other).await["total_entries"], 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_refused_at_its_time_is_recorded_as_failed() {
    let started = clock::SystemClock.now();
    let clock = Arc::new(ManualClock::new(started));
    let app = spawn_app_with_clock(clock.clone()).await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let offer = pending_offer(&app, &world).await;
    let (_, approve) = create(
        &app,
        token,
        json!({"action": "approve_offer", "offer_id": offer,
               "fires_at": at(started + Duration::minutes(5))}),
    )
    .await;
    let approve = approve["schedule"]["id"].as_u64().unwrap();
    let stop = format!("/v1.0/offers/{offer}/actions/stop");
    let (status, body) = support::resources::put(&app, token, &stop, &json!({})).await;
    assert_eq!(status, 200, "{body}");
    clock.advance(Duration::minutes(5));
    let failed = settled(&app, token, approve).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failure"], "Offer cannot be approved while stopped");
    assert!(failed["fired_at"].is_string());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_schedules_change_nothing() {
    let started = clock::SystemClock.now();
    let clock = Arc::new(ManualClock::new(started));
    let app = spawn_app_with_clock(clock.clone()).await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let offer = pending_offer(&app, &world).await;
    let soon = at(started + Duration::minutes(1));
    for (schedule, status) in [
        (json!({"offer_id": offer, "fires_at": soon}), 400),
        (
            json!({"action": "delete_offer", "offer_id": offer, "fires_at": soon}),
            400,
        ),
        (json!({"action": "approve_offer", "fires_at": soon}), 400),
        (json!({"action": "approve_offer", "offer_id": offer}), 400),
        (
            json!({"action": "approve_offer", "offer_id": offer, "fires_at": "soon"}),
            400,
        ),
        (
            json!({"action": "approve_offer", "offer_id": offer, "fires_at": at(started)}),
            400,
        ),
        (
            json!({"action": "approve_offer", "offer_id": offer,
                   "fires_at": at(started + Duration::days(5 * 366 + 1))}),
            400,
        ),
        (
            json!({"action": "approve_offer", "offer_id": 999_999, "fires_at": soon}),
            404,
        ),
        (
            json!({"action": "approve_offer", "offer_id": -1, "fires_at": soon}),
            400,
        ),
        (
            json!({"action": "approve_offer", "offer_id": offer, "fires_at": soon,
                   "expires_at": soon}),
            400,
        ),
        (
            json!({"action": "change_offer_window", "offer_id": offer, "fires_at": soon}),
            400,
        ),
        (
            json!({"action": "change_offer_window", "offer_id": offer, "fires_at": soon,
                   "activates_at": at(started + Duration::days(2)),
                   "expires_at": at(started + Duration::days(1))}),
            400,
        ),
    ] {
        let (answered, body) = create(&app, token, schedule.clone()).await;
        assert_eq!(answered, status, "{schedule}: {body}");
        assert!(body["error"].is_string(), "{schedule}: {body}");
    }
    assert_eq!(
        app.get(token, "/v1.0/schedules?status=late").await.status(),
        400
    );
    let huge = format!("/v1.0/schedules/{}", u64::MAX);
    assert_eq!(app.get(token, &huge).await.status(), 404);
    assert_eq!(delete(&app, token, &huge, &json!({})).await.0, 404);
    assert_eq!(
        get(&app, token, "/v1.0/schedules").await["total_entries"],
        0
    );

    let body =
        json!({"schedule": {"action": "approve_offer", "offer_id": offer, "fires_at": soon}});
    let keyed = || async {
        let response = app
            .client
            .post(app.url("/v1.0/schedules"))
            .header("X-Auth-Token", token.as_str())
            .header("Idempotency-Key", "schedule-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        read(response).await
    };
    let (status, first) = keyed().await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        keyed().await,
        (201, first.clone()),
        "a keyed retry answers the same"
    );
    assert_eq!(
        get(&app, token, "/v1.0/schedules").await["total_entries"],
        1
    );
    let id = first["schedule"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/schedules/{id}");

    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    assert_eq!(app.get(&intruder, &path).await.status(), 404);
    assert_eq!(delete(&app, &intruder, &path, &json!({})).await.0, 404);
    assert_eq!(
        get(&app, &intruder, "/v1.0/schedules").await["total_entries"],
        0
    );
    let (status, _) = create(
        &app,
        &intruder,
        json!({"action": "approve_offer", "offer_id": offer, "fires_at": soon}),
    )
    .await;
    assert_eq!(status, 404, "another account's offer is not there");

    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(app.get(&reporting, &path).await.status(), 200);
    let (status, _) = create(
        &app,
        &reporting,
        json!({"action": "approve_offer", "offer_id": offer, "fires_at": soon}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(delete(&app, &reporting, &path, &json!({})).await.0, 403);
    assert_eq!(
        get(&app, token, &path).await["schedule"]["status"],
        "pending"
    );
    assert_eq!(
        get(&app, token, "/v1.0/schedules").await["total_entries"],
        1
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_bulk_job_starts_at_its_time() {
    let started = clock::SystemClock.now();
    let clock = Arc::new(ManualClock::new(started));
    let app = spawn_app_with_clock(clock.clone()).await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let (_, member) = read(
        app.get(token, &format!("/v1.0/members/{}", world.member))
            .await,
    )
    .await;
    let identifier = member["member"]["identifier"].clone();
    let (status, scheduled) = create(
        &app,
        token,
        json!({"action": "start_bulk_job", "offer_id": world.offer, "channel_id": world.channel,
               "identifiers": [identifier, "nobody"], "fires_at": at(started + Duration::hours(1))}),
    )
    .await;
    assert_eq!(status, 201, "{scheduled}");
    assert_eq!(scheduled["schedule"]["identifiers"], 2);
    let refused = json!({"action": "start_bulk_job", "offer_id": world.offer,
        "channel_id": world.channel, "fires_at": at(started + Duration::hours(1))});
    assert_eq!(create(&app, token, refused).await.0, 400, "no targets");
    let mixed = json!({"action": "approve_offer", "offer_id": world.offer,
        "member_list_id": 1, "fires_at": at(started + Duration::hours(1))});
    assert_eq!(create(&app, token, mixed).await.0, 400);
    assert_eq!(
        get(&app, token, "/v1.0/bulk_jobs").await["total_entries"],
        0
    );

    clock.advance(Duration::hours(1));
    let id = scheduled["schedule"]["id"].as_u64().unwrap();
    assert_eq!(settled(&app, token, id).await["status"], "fired");
    let mut job = Value::Null;
    for _ in 0..200 {
        job = get(&app, token, "/v1.0/bulk_jobs").await["bulk_jobs"][0]["bulk_job"].clone();
        if job["status"] == "finished" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        (job["issued"].clone(), job["failed"].clone()),
        (json!(1), json!(1)),
        "{job}"
    );
    app.stop().await;
}
