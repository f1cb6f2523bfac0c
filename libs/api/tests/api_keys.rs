//! API keys over real HTTP: an admin issues keys per role and each role keeps to its part,
//! lists never show a secret, revocation stops tokens at once, a rotated secret and its
//! tokens work until the grace period ends (time driven by the API's clock), and `GET /auth`
//! attempts are limited per identity and per client address.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "pos_cases/fixtures.rs"]
mod fixtures;
mod support;

use api::auth::{ADDRESS_BURST, IDENTITY_BURST};
use api::hash_key;
use chrono::Duration;
use clock::{Clock, ManualClock, SystemClock};
use domain::account::Role;
use fixtures::{redeem, Shop};
use reqwest::Method;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use support::{read, spawn_app, spawn_app_with_clock, TestApp};

/// Issues a key as `admin`; answers the key's JSON (with its secret).
async fn issue(app: &TestApp, admin: &str, body: Value) -> Value {
    let (status, answer) = read(app.post(admin, "/v1.0/api_keys", &body).await).await;
    assert_eq!(status, 201, "{answer}");
    answer["api_key"].clone()
}

/// `GET /auth` from the client `client`: status, and the token when one was answered.
async fn auth_from(
    app: &TestApp,
    client: &reqwest::Client,
    identity: &str,
    key: &str,
) -> (u16, Option<String>, Value) {
    let response = app.auth_from(client, identity, key).await;
    let token = response
        .headers()
        .get("x-auth-token")
        .map(|value| value.to_str().unwrap().to_owned());
    let retry_after = response.headers().get("retry-after").cloned();
    let (status, body) = read(response).await;
    if status == 429 {
        let seconds: u64 = retry_after.unwrap().to_str().unwrap().parse().unwrap();
        assert!(seconds >= 1, "Retry-After {seconds}");
        assert!(body["error"].as_str().unwrap().starts_with("Too many"));
    }
    (status, token, body)
}

async fn auth(app: &TestApp, identity: &str, key: &str) -> (u16, Option<String>) {
    let (status, token, _) = auth_from(app, &app.client, identity, key).await;
    (status, token)
}

/// A client whose requests come from `address` (any 127.x.y.z reaches the server).
fn client_from(address: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(address))
        .build()
        .unwrap()
}

async fn status_of(app: &TestApp, token: &str, path: &str) -> u16 {
    app.get(token, path).await.status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_issues_keys_and_each_role_keeps_to_its_part() {
    let app = spawn_app().await;
    let (shop, admin) = Shop::open(&app, 1).await;

    let till = issue(
        &app,
        &admin,
        json!({"api_key": {"identity": "till-1", "roles": ["pos"]}}),
    )
    .await;
    assert_eq!(till["identity"], "till-1");
    assert_eq!(till["roles"], json!(["pos"]));
    assert_eq!(till["status"], "active");
    assert!(till["created_at"].as_str().unwrap().ends_with('Z'));
    let till_secret = till["key"].as_str().unwrap().to_owned();
    assert_eq!(till_secret.len(), 64);
    assert!(till_secret.chars().all(|c| c.is_ascii_hexdigit()));
    let pos = app.token("till-1", &till_secret).await;

    let offer = shop.burger_offer(&app, json!({})).await;
    let (_, code) = shop.credential(&app, &[offer]).await;
    let (status, answer) = redeem(&app, &pos, "txn-1", &shop.basket(&[&code])).await;
    assert_eq!(status, 201, "the pos key redeems: {answer}");
    let channel = format!("/v1.0/channels/{}", shop.channel);
    let rename = json!({"channel": {"conversion_callback_url": "https://evil.example/x"}});
    let (status, _) = read(app.send_json(Method::PUT, &pos, &channel, &rename).await).await;
    assert_eq!(status, 403, "a pos key cannot change a channel");
    let another = json!({"api_key": {"roles": ["admin"]}});
    let (status, _) = read(app.post(&pos, "/v1.0/api_keys", &another).await).await;
    assert_eq!(status, 403, "a pos key cannot issue keys");
    assert_eq!(status_of(&app, &pos, "/v1.0/api_keys").await, 403);

    let reports = issue(&app, &admin, json!({"api_key": {"roles": ["reporting"]}})).await;
    let identity = reports["identity"].as_str().unwrap();
    assert!(identity.starts_with("account-1-reporting-"), "{identity}");
    let reporting = app.token(identity, reports["key"].as_str().unwrap()).await;
    assert_eq!(status_of(&app, &reporting, "/v1.0/channels").await, 200);
    assert_eq!(
        status_of(&app, &reporting, "/v1.0/pos/redemptions").await,
        200
    );
    let member = json!({"member": {"identifier": "m-2"}});
    let (status, _) = read(app.post(&reporting, "/v1.0/members", &member).await).await;
    assert_eq!(status, 403, "a reporting key cannot write");
    let (status, _) = read(
        app.send_json(Method::PUT, &reporting, &channel, &rename)
            .await,
    )
    .await;
    assert_eq!(status, 403);

    let (status, list) = read(app.get(&admin, "/v1.0/api_keys").await).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            &list["page"],
            &list["per_page"],
            &list["total_entries"],
            &list["total_pages"]
        ),
        (&json!(1), &json!(50), &json!(3), &json!(1))
    );
    let text = list.to_string();
    for secret in [till_secret.as_str(), reports["key"].as_str().unwrap()] {
        assert!(!text.contains(secret), "a secret in the list");
        assert!(!text.contains(&hash_key(secret)), "a hash in the list");
    }
    let listed = list["api_keys"].as_array().unwrap();
    assert!(listed
        .iter()
        .all(|entry| entry["api_key"].get("key").is_none()));
    let till_id = till["id"].as_u64().unwrap();
    let (status, one) = read(app.get(&admin, &format!("/v1.0/api_keys/{till_id}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(listed[1], one);
    assert_eq!(one["api_key"]["identity"], "till-1");

    let other = app.login(2).await;
    let path = format!("/v1.0/api_keys/{till_id}");
    assert_eq!(
        status_of(&app, &other, &path).await,
        404,
        "another account's key"
    );
    let (_, theirs) = read(app.get(&other, "/v1.0/api_keys").await).await;
    assert_eq!(theirs["total_entries"], 1);
    let revoke = format!("{path}/revoke");
    let (status, _) = read(app.post(&other, &revoke, &json!({})).await).await;
    assert_eq!(status, 404);
    assert_eq!(status_of(&app, &pos, "/v1.0/pos/redemptions").await, 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_key_requests_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.login(1).await;
    issue(
        &app,
        &admin,
        json!({"api_key": {"identity": "taken", "roles": ["pos"]}}),
    )
    .await;
    for body in [
        json!({"api_key": {"identity": "no-roles"}}),
        json!({"api_key": {"identity": "empty-roles", "roles": []}}),
        json!({"api_key": {"identity": "root", "roles": ["root"]}}),
        json!({"api_key": {"identity": "has space", "roles": ["pos"]}}),
        json!({"api_key": {"identity": "taken", "roles": ["pos"]}}),
        json!({"api_key": {"roles": "pos"}}),
        json!({}),
    ] {
        let (status, answer) = read(app.post(&admin, "/v1.0/api_keys", &body).await).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    let (_, list) = read(app.get(&admin, "/v1.0/api_keys").await).await;
    assert_eq!(list["total_entries"], 2);
    let taken = list["api_keys"][1]["api_key"]["id"].as_u64().unwrap();
    let rotate = format!("/v1.0/api_keys/{taken}/rotate");
    let week_and_a_second = json!({"api_key": {"grace_seconds": 7 * 24 * 3600 + 1}});
    let (status, _) = read(app.post(&admin, &rotate, &week_and_a_second).await).await;
    assert_eq!(status, 400);
    let negative = json!({"api_key": {"grace_seconds": -1}});
    let (status, _) = read(app.post(&admin, &rotate, &negative).await).await;
    assert_eq!(status, 400);
    for path in [
        "/v1.0/api_keys/999",
        "/v1.0/api_keys/999/rotate",
        "/v1.0/api_keys/999/revoke",
    ] {
        let (status, _) = read(app.post(&admin, path, &json!({})).await).await;
        assert!(status == 404 || status == 405, "{path}: {status}");
    }
    assert_eq!(status_of(&app, &admin, "/v1.0/api_keys/999").await, 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_s_tokens_are_refused_at_once() {
    let app = spawn_app().await;
    let admin = app.login(1).await;
    let mut tokens = Vec::new();
    for identity in ["till-1", "till-2"] {
        let key = issue(
            &app,
            &admin,
            json!({"api_key": {"identity": identity, "roles": ["pos"]}}),
        )
        .await;
        let secret = key["key"].as_str().unwrap().to_owned();
        let token = app.token(identity, &secret).await;
        assert_eq!(status_of(&app, &token, "/v1.0/pos/redemptions").await, 200);
        tokens.push((key["id"].as_u64().unwrap(), identity, secret, token));
    }

    let (id, identity, secret, token) = &tokens[0];
    let (status, revoked) = read(
        app.post(&admin, &format!("/v1.0/api_keys/{id}/revoke"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(revoked["api_key"]["status"], "revoked");
    assert!(revoked["api_key"]["revoked_at"].is_string());
    assert_eq!(status_of(&app, token, "/v1.0/pos/redemptions").await, 401);
    assert_eq!(auth(&app, identity, secret).await.0, 401);
    let (status, _) = read(
        app.post(&admin, &format!("/v1.0/api_keys/{id}/revoke"), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200, "revoking again changes nothing");
    let rotate = format!("/v1.0/api_keys/{id}/rotate");
    let (status, _) = read(app.post(&admin, &rotate, &json!({})).await).await;
    assert_eq!(status, 409, "a revoked key cannot be rotated");

    let (id, _, _, token) = &tokens[1];
    let path = format!("/v1.0/api_keys/{id}");
    let (status, _) = read(
        app.send_json(Method::DELETE, &admin, &path, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(status_of(&app, token, "/v1.0/pos/redemptions").await, 401);
    let (_, key) = read(app.get(&admin, &path).await).await;
    assert_eq!(key["api_key"]["status"], "revoked");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_and_its_tokens_work_until_the_grace_ends() {
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let app = spawn_app_with_clock(clock.clone()).await;
    let admin = app.login(1).await;
    let key = issue(
        &app,
        &admin,
        json!({"api_key": {"identity": "till", "roles": ["pos"]}}),
    )
    .await;
    let id = key["id"].as_u64().unwrap();
    let old_secret = key["key"].as_str().unwrap().to_owned();
    let before = app.token("till", &old_secret).await;

    let rotate = format!("/v1.0/api_keys/{id}/rotate");
    let grace = json!({"api_key": {"grace_seconds": 3600}});
    let (status, rotated) = read(app.post(&admin, &rotate, &grace).await).await;
    assert_eq!(status, 200, "{rotated}");
    let rotated = &rotated["api_key"];
    assert_eq!(rotated["status"], "rotated");
    assert!(rotated["grace_ends_at"].is_string());
    let new_secret = rotated["key"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, old_secret);

    assert_eq!(status_of(&app, &before, "/v1.0/pos/redemptions").await, 200);
    let (status, during) = auth(&app, "till", &old_secret).await;
    assert_eq!(status, 204, "the old secret works during the grace period");
    let during = during.unwrap();
    let after = app.token("till", &new_secret).await;
    let (_, listed) = read(app.get(&admin, &format!("/v1.0/api_keys/{id}")).await).await;
    assert_eq!(listed["api_key"]["status"], "rotated");

    clock.advance(Duration::seconds(3_600 + 120));
    for old in [&before, &during] {
        assert_eq!(
            status_of(&app, old, "/v1.0/pos/redemptions").await,
            401,
            "a token of the old secret stops when the grace ends"
        );
    }
    assert_eq!(auth(&app, "till", &old_secret).await.0, 401);
    assert_eq!(status_of(&app, &after, "/v1.0/pos/redemptions").await, 200);
    assert_eq!(auth(&app, "till", &new_secret).await.0, 204);
    let (_, listed) = read(app.get(&admin, &format!("/v1.0/api_keys/{id}")).await).await;
    assert_eq!(listed["api_key"]["status"], "active");
    assert!(listed["api_key"]["grace_ends_at"].is_null());

    let now = json!({"api_key": {"grace_seconds": 0}});
    let (status, rotated) = read(app.post(&admin, &rotate, &now).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        status_of(&app, &after, "/v1.0/pos/redemptions").await,
        401,
        "a rotation without grace cuts the tokens of the secret it replaced at once"
    );
    let newest = rotated["api_key"]["key"].as_str().unwrap();
    assert_eq!(auth(&app, "till", newest).await.0, 204);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_attempts_for_one_identity_end_in_429() {
    let app = spawn_app().await;
    app.bootstrap(1, "till", "right-key", vec![Role::Pos]).await;
    app.bootstrap(2, "other", "other-key", vec![Role::Pos])
        .await;
    let attempts = (0..40).map(|n| {
        let app = &app;
        async move { auth(app, "till", &format!("wrong-{n}")).await.0 }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let refused = statuses.iter().filter(|status| **status == 401).count();
    let limited = statuses.iter().filter(|status| **status == 429).count();
    let burst = usize::try_from(IDENTITY_BURST).unwrap();
    assert_eq!(refused + limited, 40, "{statuses:?}");
    assert!(
        (burst..=burst + 1).contains(&refused),
        "{refused} wrong keys looked at"
    );

    let elsewhere = client_from(Ipv4Addr::new(127, 0, 0, 2));
    let (status, token, _) = auth_from(&app, &elsewhere, "till", "right-key").await;
    assert_eq!(
        (status, token),
        (429, None),
        "a right key is refused while its identity is limited"
    );
    let (status, token, _) = auth_from(&app, &elsewhere, "other", "other-key").await;
    assert_eq!(status, 204, "another identity from another address");
    assert!(token.is_some());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_is_limited_across_identities() {
    let app = spawn_app().await;
    app.bootstrap(1, "till", "right-key", vec![Role::Pos]).await;
    let guesser = client_from(Ipv4Addr::new(127, 0, 0, 3));
    for n in 0..ADDRESS_BURST {
        let (status, _, _) = auth_from(&app, &guesser, &format!("guess-{n}"), "key").await;
        assert_eq!(status, 401);
    }
    let (status, _, _) = auth_from(&app, &guesser, "till", "right-key").await;
    assert_eq!(status, 429, "the address spent its allowance");
    let (status, _, _) = auth_from(&app, &app.client, "till", "right-key").await;
    assert_eq!(status, 204, "the identity is not limited from elsewhere");
    app.stop().await;
}
