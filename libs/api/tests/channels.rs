//! Channels over real HTTP: the seed sample's create, list, get, update, delete, validation,
//! roles and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use reqwest::Method;
use serde_json::json;
use support::{read, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_are_created_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    let (status, body) = read(app.get(&token, "/v1.0/channels.json").await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"page": 1, "per_page": 50, "total_entries": 0, "total_pages": 0, "channels": []})
    );

    let input = json!({"channel": {"name": "Email"}});
    let (status, body) = read(app.post(&token, "/v1.0/channels.json", &input).await).await;
    assert_eq!(status, 201);
    let channel = body["channel"].clone();
    assert_eq!(channel["name"], "Email");
    assert_eq!(channel["allow_sms_keyword"], false);
    assert_eq!(channel["allow_hmac"], false);
    assert!(channel["created_at"].as_str().unwrap().ends_with('Z'));
    let id = channel["id"].as_u64().unwrap();

    let path = format!("/v1.0/channels/{id}");
    let (status, body) = read(app.get(&token, &format!("{path}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ "channel": channel })));

    let (status, body) = read(app.get(&token, "/v1.0/channels").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["channels"], json!([{ "channel": channel }]));

    let url = "https://partner.example/conv?code=%{code}";
    let change = json!({"channel": {"allow_hmac": true, "conversion_callback_url": url}});
    let (status, body) = read(app.send_json(Method::PUT, &token, &path, &change).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["channel"]["name"], "Email");
    assert_eq!(body["channel"]["allow_hmac"], true);
    assert_eq!(body["channel"]["conversion_callback_url"], url);

    let (status, _) = read(
        app.send_json(Method::DELETE, &token, &path, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(app.get(&token, &path).await.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_name_is_refused_with_the_domain_message() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let body = json!({"channel": {"name": ""}});
    let (status, error) = read(app.post(&token, "/v1.0/channels", &body).await).await;
    assert_eq!(
        (status, error),
        (400, json!({"error": "Name can't be blank"}))
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let other = app.login(2).await;
    let body = json!({"channel": {"name": "Email"}});
    let (_, body) = read(app.post(&token, "/v1.0/channels", &body).await).await;
    let path = format!("/v1.0/channels/{}", body["channel"]["id"]);

    assert_eq!(app.get(&other, &path).await.status(), 404);
    let change = json!({"channel": {"name": "Mine"}});
    let update = app.send_json(Method::PUT, &other, &path, &change).await;
    assert_eq!(update.status(), 404);
    let delete = app
        .send_json(Method::DELETE, &other, &path, &json!({}))
        .await;
    assert_eq!(delete.status(), 404);
    let (_, list) = read(app.get(&other, "/v1.0/channels").await).await;
    assert_eq!(list["total_entries"], 0);
    assert_eq!(app.get(&token, &path).await.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_may_read_but_not_write() {
    let app = spawn_app().await;
    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let token = app.token("reports", "secret").await;
    assert_eq!(app.get(&token, "/v1.0/channels").await.status(), 200);
    let body = json!({"channel": {"name": "Email"}});
    assert_eq!(
        app.post(&token, "/v1.0/channels", &body).await.status(),
        403
    );
    app.stop().await;
}
