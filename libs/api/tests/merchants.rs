//! Merchants over real HTTP: create, list, get, update, delete, validation, the refusal to
//! delete a merchant with stores, roles and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use reqwest::Method;
use serde_json::json;
use support::{read, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merchants_are_created_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    let (status, body) = read(app.get(&token, "/v1.0/merchants.json").await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"page": 1, "per_page": 50, "total_entries": 0, "total_pages": 0, "merchants": []})
    );

    let body = json!({"merchant": {"name": "Coffee Co"}});
    let (status, body) = read(app.post(&token, "/v1.0/merchants.json", &body).await).await;
    assert_eq!(status, 201);
    let merchant = body["merchant"].clone();
    assert_eq!(merchant["name"], "Coffee Co");
    assert_eq!(merchant["is_active"], true);
    assert!(merchant["created_at"].as_str().unwrap().ends_with('Z'));
    let id = merchant["id"].as_u64().unwrap();

    let path = format!("/v1.0/merchants/{id}");
    let (status, body) = read(app.get(&token, &format!("{path}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ "merchant": merchant })));

    let (status, body) = read(app.get(&token, "/v1.0/merchants").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 1);
    assert_eq!(body["merchants"], json!([{ "merchant": merchant }]));

    let change = json!({"merchant": {"name": "Tea Co", "is_active": false}});
    let (status, body) = read(app.send_json(Method::PUT, &token, &path, &change).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["merchant"]["name"], "Tea Co");
    assert_eq!(body["merchant"]["is_active"], false);
    assert_eq!(body["merchant"]["id"], id);

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
    let body = json!({"merchant": {"name": " "}});
    let (status, error) = read(app.post(&token, "/v1.0/merchants", &body).await).await;
    assert_eq!(
        (status, error),
        (400, json!({"error": "Name can't be blank"}))
    );
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

    assert_eq!(app.get(&other, &path).await.status(), 404);
    let change = json!({"merchant": {"name": "Mine"}});
    let update = app.send_json(Method::PUT, &other, &path, &change).await;
    assert_eq!(update.status(), 404);
    let delete = app
        .send_json(Method::DELETE, &other, &path, &json!({}))
        .await;
    assert_eq!(delete.status(), 404);
    let (_, list) = read(app.get(&other, "/v1.0/merchants").await).await;
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
    assert_eq!(app.get(&token, "/v1.0/merchants").await.status(), 200);
    let body = json!({"merchant": {"name": "Coffee Co"}});
    assert_eq!(
        app.post(&token, "/v1.0/merchants", &body).await.status(),
        403
    );
    app.stop().await;
}
