//! Merchants over real HTTP: create, list, get, update, delete, validation, the refusal to
//! delete a merchant with stores, roles and tenant isolation.
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
async fn merchants_are_created_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    assert_empty_list(&app, &token, "/v1.0/merchants.json", "merchants").await;

    let body = json!({"merchant": {"name": "Coffee Co"}});
    let merchant = create(&app, &token, "/v1.0/merchants.json", "merchant", &body).await;
    assert_eq!(merchant["name"], "Coffee Co");
    assert_eq!(merchant["is_active"], true);
    assert!(merchant["created_at"].as_str().unwrap().ends_with('Z'));
    let id = merchant["id"].as_u64().unwrap();

    let path = format!("/v1.0/merchants/{id}");
    assert_read_back(
        &app,
        &token,
        &path,
        "/v1.0/merchants",
        "merchant",
        &merchant,
    )
    .await;

    let change = json!({"merchant": {"name": "Tea Co", "is_active": false}});
    let (status, body) = read(app.send_json(Method::PUT, &token, &path, &change).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["merchant"]["name"], "Tea Co");
    assert_eq!(body["merchant"]["is_active"], false);
    assert_eq!(body["merchant"]["id"], id);

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
        "/v1.0/merchants",
        &json!({"merchant": {"name": " "}}),
        blank,
    )
    .await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_with_stores_is_not_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let body = json!({"merchant": {"name": "Coffee Co"}});
    let (_, body) = read(app.post(&token, "/v1.0/merchants", &body).await).await;
    let id = body["merchant"]["id"].as_u64().unwrap();
    let store = json!({"store": {"name": "Main St"}});
    let stores = format!("/v1.0/merchants/{id}/stores");
    assert_eq!(app.post(&token, &stores, &store).await.status(), 201);

    let path = format!("/v1.0/merchants/{id}");
    let (status, error) = read(
        app.send_json(Method::DELETE, &token, &path, &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, error),
        (
            409,
            json!({"error": "Merchant cannot be deleted while it has stores"})
        )
    );
    assert_eq!(app.get(&token, &path).await.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let other = app.login(2).await;
    let body = json!({"merchant": {"name": "Coffee Co"}});
    let (_, body) = read(app.post(&token, "/v1.0/merchants", &body).await).await;
    let path = format!("/v1.0/merchants/{}", body["merchant"]["id"]);

    let change = json!({"merchant": {"name": "Mine"}});
    assert_out_of_reach(&app, &token, &other, &path, &change, "/v1.0/merchants").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_may_read_but_not_write() {
    let app = spawn_app().await;
    let body = json!({"merchant": {"name": "Coffee Co"}});
    reporting_reads_only(&app, "/v1.0/merchants", &body).await;
    app.stop().await;
}
