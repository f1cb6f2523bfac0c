//! Callbacks over the API: the account's callback settings (`/v1.0/account`,
//! `/v1.0/account/callbacks/enable|disable`), callback urls refused unless http(s), the
//! channel's secret shown to writers only, and a channel's deliveries listed and replayed,
//! with a real local receiver and the dispatcher in the stack. Where callbacks may go is in
//! `destinations`; what bounds a partner's answer and a tenant's share is in `limits`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/mod.rs"]
mod support;

mod destinations;
mod limits;

use benches::load::{Api, Behaviour, PosFixture, Receiver};
use callbacks::{Destinations, DispatcherConfig};
use domain::account::Role;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use support::{read, spawn_app, spawn_app_with, TestApp};

/// `method` on `path` with the token and an optional JSON body; the status and JSON answer.
async fn send(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header("X-Auth-Token", token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    read(request.send().await.unwrap()).await
}

/// The policy of a stack whose partners are local receivers: 127.0.0.0/8 allowed.
fn local_partners() -> Destinations {
    Destinations::new("127.0.0.0/8".parse().unwrap())
}

/// Points `channel`'s callbacks at `url`; the status and answer.
async fn point_channel(app: &TestApp, token: &str, channel: u64, url: &str) -> (u16, Value) {
    let body = json!({"channel": {"conversion_callback_url": url}});
    let path = format!("/v1.0/channels/{channel}");
    send(app, token, Method::PUT, &path, Some(body)).await
}

/// Account `id`'s token, API client and a fixture of `codes` credentials whose channel calls
/// `url`.
async fn shop(app: &TestApp, id: u64, codes: usize, url: &str) -> (String, Api, PosFixture) {
    let token = app.login(id).await;
    let api = Api::new(&app.address, &token).unwrap();
    let fixture = PosFixture::create(&api, codes, 4, json!({})).await.unwrap();
    let (status, body) = point_channel(app, &token, fixture.channel_id, url).await;
    assert_eq!(status, 200, "{body}");
    (token, api, fixture)
}

/// Redeems code `index` of `fixture`; the redemption.
async fn redeem(api: &Api, fixture: &PosFixture, index: usize) -> Value {
    let (status, body) = fixture.redeem(api, index).await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// The newest delivery of `channel` once `done` holds for it (at most `within`).
async fn newest_delivery(
    app: &TestApp,
    token: &str,
    channel: u64,
    within: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let path = format!("/v1.0/channels/{channel}/deliveries");
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let (status, listed) = send(app, token, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{listed}");
        let newest = &listed["deliveries"][0]["delivery"];
        if done(newest) {
            return newest.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no such delivery in time: {listed}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn account_callbacks_are_enabled_disabled_and_pointed_by_admins() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let (status, body) = send(&app, &token, Method::GET, "/v1.0/account.json", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["account"]["id"], 1);
    assert_eq!(body["account"]["enable_callbacks"], false);
    assert_eq!(body["errors"], json!({}));

    let url = json!({"account": {"callbacks": {"credential_url": "https://partner.example/c/%{credential_id}"}}});
    let (status, body) = send(&app, &token, Method::PUT, "/v1.0/account", Some(url)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["account"]["credential_callback_url"],
        "https://partner.example/c/%{credential_id}"
    );
    let (status, body) = send(
        &app,
        &token,
        Method::PUT,
        "/v1.0/account/callbacks/enable.json",
        None,
    )
    .await;
    assert_eq!(
        (status, body["account"]["enable_callbacks"].clone()),
        (200, json!(true))
    );
    let (status, body) = send(
        &app,
        &token,
        Method::PUT,
        "/v1.0/account/callbacks/disable",
        None,
    )
    .await;
    assert_eq!(
        (status, body["account"]["enable_callbacks"].clone()),
        (200, json!(false))
    );

    let bad = json!({"account": {"callbacks": {"credential_url": "ftp://partner.example/"}}});
    let (status, body) = send(&app, &token, Method::PUT, "/v1.0/account", Some(bad)).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("http"), "{body}");

    app.bootstrap(1, "issuer", "issuer-key", vec![Role::Issuer])
        .await;
    let issuer = app.token("issuer", "issuer-key").await;
    let (status, _) = send(
        &app,
        &issuer,
        Method::PUT,
        "/v1.0/account/callbacks/enable",
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(&app, &issuer, Method::GET, "/v1.0/account", None).await;
    assert_eq!(status, 403);
    app.stop().await;
}

#[tokio::test]
async fn callback_urls_must_be_http_and_the_secret_is_for_writers() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    for url in [
        "ftp://partner.example/x",
        "javascript:alert(1)",
        "file:///etc/passwd",
    ] {
        let body = json!({"channel": {"name": "Bad", "conversion_callback_url": url}});
        let (status, answer) = send(&app, &token, Method::POST, "/v1.0/channels", Some(body)).await;
        assert_eq!(status, 400, "{url}: {answer}");
    }
    let body = json!({"channel": {"name": "Signed", "allow_hmac": true,
        "conversion_callback_url": "https://partner.example/cb?c=%{credential_id}"}});
    let (status, created) = send(&app, &token, Method::POST, "/v1.0/channels", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let secret = created["channel"]["hmac_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(secret.len(), 64);
    let id = created["channel"]["id"].as_u64().unwrap();
    let update = json!({"channel": {"conversion_callback_url": "gopher://x"}});
    let (status, _) = send(
        &app,
        &token,
        Method::PUT,
        &format!("/v1.0/channels/{id}"),
        Some(update),
    )
    .await;
    assert_eq!(status, 400);
    let rotate = json!({"channel": {"rotate_hmac_secret": true}});
    let (status, rotated) = send(
        &app,
        &token,
        Method::PUT,
        &format!("/v1.0/channels/{id}"),
        Some(rotate),
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(rotated["channel"]["hmac_secret"].as_str().unwrap(), secret);

    app.bootstrap(1, "reporter", "reporter-key", vec![Role::Reporting])
        .await;
    let reporter = app.token("reporter", "reporter-key").await;
    let (status, one) = send(
        &app,
        &reporter,
        Method::GET,
        &format!("/v1.0/channels/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(one["channel"].get("hmac_secret").is_none(), "{one}");
    let (_, list) = send(&app, &reporter, Method::GET, "/v1.0/channels", None).await;
    assert!(
        list["channels"][0]["channel"].get("hmac_secret").is_none(),
        "{list}"
    );
    let (_, list) = send(&app, &token, Method::GET, "/v1.0/channels", None).await;
    assert!(
        list["channels"][0]["channel"]["hmac_secret"].is_string(),
        "{list}"
    );
    app.stop().await;
}

#[tokio::test]
async fn deliveries_answer_503_without_a_dispatcher_in_the_process() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let (status, body) = send(
        &app,
        &token,
        Method::GET,
        "/v1.0/channels/1/deliveries",
        None,
    )
    .await;
    assert_eq!(status, 503);
    assert!(body["error"].is_string());
    app.stop().await;
}

/// A delivery that timed out against a failing partner is listed with its error, and a
/// replay (once the partner accepts) sends it again under the same delivery id: the partner
/// gets one more request, answered 200, and the delivery becomes `delivered` with one replay
/// and one more attempt. Other accounts and unknown ids get 404. Fails if a replay records
/// its request but never sends the delivery again (no `delivery::spawn` in `replay`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channels_deliveries_are_listed_and_replayed() {
    let receiver = Receiver::start(Behaviour::Status(500)).unwrap();
    let app = spawn_app_with(Some(DispatcherConfig {
        deadline: Duration::from_millis(400),
        request_timeout: Duration::from_millis(200),
        destinations: local_partners(),
        ..DispatcherConfig::default()
    }))
    .await;
    let url = format!("{}/cb/%{{credential_id}}", receiver.base);
    let (token, api, fixture) = shop(&app, 1, 1, &url).await;
    let channel = fixture.channel_id;
    let redeemed = redeem(&api, &fixture, 0).await;

    newest_delivery(&app, &token, channel, Duration::from_secs(4), |delivery| {
        delivery["status"] == "timed_out"
    })
    .await;
    let path = format!("/v1.0/channels/{channel}/deliveries.json");
    let (_, listed) = send(&app, &token, Method::GET, &path, None).await;
    assert_eq!(listed["total_entries"], 1, "{listed}");
    assert_eq!(listed["page"], 1);
    let delivery = &listed["deliveries"][0]["delivery"];
    assert_eq!(delivery["status"], "timed_out", "{listed}");
    assert_eq!(delivery["error_code"], "TIMEOUT_EXCEEDED");
    assert_eq!(delivery["channel_id"], channel);
    assert_eq!(delivery["redemption_id"], redeemed["redemption"]["id"]);
    let id = delivery["id"].as_str().unwrap().to_owned();

    // Every attempt so far failed; only what arrives after the replay can be a success.
    let before = receiver.received();
    assert!(!before.is_empty(), "attempts before the replay");
    assert!(before.iter().all(|attempt| attempt.answered == 500));
    let attempts_before = delivery["attempts"].as_u64().unwrap();
    assert!(
        (1..=before.len() as u64).contains(&attempts_before),
        "{listed}"
    );

    receiver.set_behaviour(Behaviour::Accept);
    let replay = format!("/v1.0/channels/{channel}/deliveries/{id}/replay");
    let (status, replayed) = send(&app, &token, Method::POST, &replay, None).await;
    assert_eq!(status, 202, "{replayed}");
    assert_eq!(replayed["delivery"]["id"], id.as_str());
    let received = receiver
        .wait_for(before.len() + 1, Duration::from_secs(5))
        .await;
    let after = &received[before.len().min(received.len())..];
    assert_eq!(
        after.len(),
        1,
        "one attempt after the replay, accepted at once: {after:?}"
    );
    assert_eq!(after[0].answered, 200);
    assert_eq!(after[0].header("x-delivery-id"), Some(id.as_str()));
    assert_eq!(after[0].target, before[0].target, "the same callback again");
    let delivered = newest_delivery(&app, &token, channel, Duration::from_secs(4), |delivery| {
        delivery["status"] != "pending" && delivery["status"] != "timed_out"
    })
    .await;
    assert_eq!(delivered["id"], id.as_str());
    assert_eq!(delivered["status"], "delivered", "{delivered}");
    assert_eq!(delivered["replays"], 1, "{delivered}");
    assert_eq!(delivered["attempts"], attempts_before + 1, "{delivered}");
    assert_eq!(delivered["last_status"], 200, "{delivered}");
    assert!(delivered["delivered_at"].is_string(), "{delivered}");

    let unknown = format!("/v1.0/channels/{channel}/deliveries/01ARZ3NDEKTSV4RRFFQ69G5FAV/replay");
    assert_eq!(
        send(&app, &token, Method::POST, &unknown, None).await.0,
        404
    );
    let (status, _) = send(
        &app,
        &token,
        Method::GET,
        "/v1.0/channels/999999/deliveries",
        None,
    )
    .await;
    assert_eq!(status, 404);
    let other = app.login(2).await;
    let (status, _) = send(&app, &other, Method::GET, &path, None).await;
    assert_eq!(status, 404, "another account's channel");
    let (status, _) = send(&app, &other, Method::POST, &replay, None).await;
    assert_eq!(status, 404);
    app.stop().await;
}
