//! A merchant's stores over real HTTP: the Sparkfly `store` shape, listing per merchant,
//! updates, deletes, validation, and stores out of reach (another merchant, another account).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use reqwest::Method;
use serde_json::json;
use support::resources::{
    assert_deleted, assert_empty_list, assert_post_refused, assert_read_back, create,
    create_merchant,
};
use support::{read, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stores_are_created_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let coffee = create_merchant(&app, &token, "Coffee Co").await;
    let tea = create_merchant(&app, &token, "Tea Co").await;
    let stores = format!("/v1.0/merchants/{coffee}/stores");

    assert_empty_list(&app, &token, &format!("{stores}.json"), "stores").await;

    let input = json!({"store": {"name": "Main St", "number": "0042",
                                 "location": {"address": "1 Main St"}}});
    let store = create(&app, &token, &format!("{stores}.json"), "store", &input).await;
    let id = store["id"].as_u64().unwrap();
    assert_eq!(store["merchant_id"], coffee);
    assert_eq!(store["name"], "Main St");
    assert_eq!(store["number"], "0042");
    assert_eq!(store["location"], json!({"address": "1 Main St"}));
    assert!(store["updated_at"].as_str().unwrap().ends_with('Z'));
    let other = json!({"store": {"name": "Elsewhere"}});
    let tea_stores = format!("/v1.0/merchants/{tea}/stores");
    assert_eq!(app.post(&token, &tea_stores, &other).await.status(), 201);

    let path = format!("{stores}/{id}");
    assert_read_back(&app, &token, &path, &stores, "store", &store).await;

    let change = json!({"store": {"name": "High St"}});
    let (status, body) = read(app.send_json(Method::PUT, &token, &path, &change).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["store"]["name"], "High St");
    assert_eq!(body["store"]["number"], "0042");

    assert_deleted(&app, &token, &path).await;
    let (_, body) = read(app.get(&token, &stores).await).await;
    assert_eq!(body["total_entries"], 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blank_name_is_refused_with_the_domain_message() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let coffee = create_merchant(&app, &token, "Coffee Co").await;
    let path = format!("/v1.0/merchants/{coffee}/stores");
    let blank = (400, "Name can't be blank");
    assert_post_refused(&app, &token, &path, &json!({"store": {"name": ""}}), blank).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_is_found_only_under_its_own_merchant() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let coffee = create_merchant(&app, &token, "Coffee Co").await;
    let tea = create_merchant(&app, &token, "Tea Co").await;
    let body = json!({"store": {"name": "Main St"}});
    let (_, body) = read(
        app.post(&token, &format!("/v1.0/merchants/{coffee}/stores"), &body)
            .await,
    )
    .await;
    let id = body["store"]["id"].as_u64().unwrap();
    let wrong = format!("/v1.0/merchants/{tea}/stores/{id}");
    assert_eq!(app.get(&token, &wrong).await.status(), 404);
    let change = json!({"store": {"name": "Mine"}});
    let update = app.send_json(Method::PUT, &token, &wrong, &change).await;
    assert_eq!(update.status(), 404);
    let delete = app
        .send_json(Method::DELETE, &token, &wrong, &json!({}))
        .await;
    assert_eq!(delete.status(), 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_of_another_account_is_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let other = app.login(2).await;
    let coffee = create_merchant(&app, &token, "Coffee Co").await;
    let stores = format!("/v1.0/merchants/{coffee}/stores");
    let body = json!({"store": {"name": "Main St"}});
    let (_, created) = read(app.post(&token, &stores, &body).await).await;
    let path = format!("{stores}/{}", created["store"]["id"]);

    assert_eq!(app.get(&other, &stores).await.status(), 404);
    assert_eq!(app.post(&other, &stores, &body).await.status(), 404);
    assert_eq!(app.get(&other, &path).await.status(), 404);
    let update = app.send_json(Method::PUT, &other, &path, &body).await;
    assert_eq!(update.status(), 404);
    let delete = app
        .send_json(Method::DELETE, &other, &path, &json!({}))
        .await;
    assert_eq!(delete.status(), 404);
    assert_eq!(app.get(&token, &path).await.status(), 200);
    app.stop().await;
}
