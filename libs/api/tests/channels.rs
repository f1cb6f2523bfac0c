//! Channels over real HTTP: the seed sample's create, list, get, update, delete, validation,
//! roles and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use reqwest::Method;
use serde_json::json;
use support::resources::{
    assert_deleted, assert_empty_list, assert_out_of_reach, assert_post_refused, assert_read_back,
    create, reporting_reads_only,
};
use support::{read, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_are_created_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    assert_empty_list(&app, &token, "/v1.0/channels.json", "channels").await;

    let input = json!({"channel": {"name": "Email"}});
    let channel = create(&app, &token, "/v1.0/channels.json", "channel", &input).await;
    assert_eq!(channel["name"], "Email");
    assert_eq!(channel["allow_sms_keyword"], false);
    assert_eq!(channel["allow_hmac"], false);
    assert!(channel["created_at"].as_str().unwrap().ends_with('Z'));
    let id = channel["id"].as_u64().unwrap();

    let path = format!("/v1.0/channels/{id}");
    assert_read_back(&app, &token, &path, "/v1.0/channels", "channel", &channel).await;

    let url = "https://partner.example/conv?code=%{code}";
    let change = json!({"channel": {"allow_hmac": true, "conversion_callback_url": url}});
    let (status, body) = read(app.send_json(Method::PUT, &token, &path, &change).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["channel"]["name"], "Email");
    assert_eq!(body["channel"]["allow_hmac"], true);
    assert_eq!(body["channel"]["conversion_callback_url"], url);

    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_name_is_refused_with_the_domain_message() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let blank = (400, "Name can't be blank");
    assert_post_refused(
        &app,
        &token,
        "/v1.0/channels",
        &json!({"channel": {"name": ""}}),
        blank,
    )
    .await;
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

    let change = json!({"channel": {"name": "Mine"}});
    assert_out_of_reach(&app, &token, &other, &path, &change, "/v1.0/channels").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_may_read_but_not_write() {
    let app = spawn_app().await;
    let body = json!({"channel": {"name": "Email"}});
    reporting_reads_only(&app, "/v1.0/channels", &body).await;
    app.stop().await;
}
