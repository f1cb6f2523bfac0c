//! Manufacturers over real HTTP: create, list, get, update, delete (with and without `.json`),
//! validation that changes nothing, the refusal to delete one that owns items, the merchants
//! it names (set, added, removed, read; unknown ids refused), roles and tenant isolation.
//! Its items and item sets are in `manufacturer_items.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use reqwest::Method;
use serde_json::{json, Value};
use support::resources::{
    assert_deleted, assert_empty_list, assert_out_of_reach, assert_post_refused,
    assert_puts_out_of_reach, assert_read_back, create, create_item, create_merchant, delete, put,
    reporting_reads_only, send,
};
use support::{read, spawn_app, TestApp};

/// The id of a manufacturer `name` created over HTTP.
async fn manufacturer(app: &TestApp, token: &str, name: &str) -> u64 {
    let body = json!({"manufacturer": {"name": name}});
    let created = create(
        app,
        token,
        "/v1.0/manufacturers.json",
        "manufacturer",
        &body,
    )
    .await;
    created["id"].as_u64().unwrap()
}

/// `{"manufacturer": {"merchant_ids": ids}}`.
fn merchants(ids: &[u64]) -> Value {
    json!({"manufacturer": {"merchant_ids": ids}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manufacturers_are_created_listed_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    assert_empty_list(&app, &token, "/v1.0/manufacturers.json", "manufacturers").await;

    let body = json!({"manufacturer": {"name": "Acme Foods", "description": "Snacks",
        "logo": "https://acme.example/logo.png", "billing_arrangement": null}});
    let made = create(&app, &token, "/v1.0/manufacturers", "manufacturer", &body).await;
    assert_eq!(made["name"], "Acme Foods");
    assert_eq!(made["description"], "Snacks");
    assert_eq!(made["logo"], "https://acme.example/logo.png");
    assert_eq!(made["is_active"], true);
    assert_eq!(made["merchant_ids"], json!([]));
    assert!(made["created_at"].as_str().unwrap().ends_with('Z'));
    let id = made["id"].as_u64().unwrap();

    let path = format!("/v1.0/manufacturers/{id}");
    let list = "/v1.0/manufacturers";
    assert_read_back(&app, &token, &path, list, "manufacturer", &made).await;

    let change = json!({"manufacturer": {"name": "Acme", "is_active": false, "logo": ""}});
    let (status, body) = put(&app, &token, &format!("{path}.json"), &change).await;
    assert_eq!(status, 200);
    let changed = &body["manufacturer"];
    assert_eq!(
        (&changed["name"], &changed["is_active"]),
        (&json!("Acme"), &json!(false))
    );
    assert_eq!(
        (&changed["description"], &changed["id"]),
        (&json!("Snacks"), &json!(id))
    );
    assert!(changed.get("logo").is_none(), "an empty logo clears it");
    let (_, page) = read(app.get(&token, "/v1.0/manufacturers?per_page=1").await).await;
    assert_eq!(page["manufacturers"][0]["manufacturer"], *changed);

    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_manufacturers_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let list = "/v1.0/manufacturers";
    let refusals = [
        (
            json!({"manufacturer": {"name": " "}}),
            "Name can't be blank",
        ),
        (json!({"manufacturer": {}}), "Name can't be blank"),
        (
            json!({"manufacturer": {"name": "x".repeat(256)}}),
            "Name is too long (maximum is 255 characters)",
        ),
        (
            json!({"manufacturer": {"name": "Acme", "logo": "ftp://acme.example/l.png"}}),
            "Logo must be an http or https url",
        ),
        (
            json!({"manufacturer": {"name": "Acme", "description": "a\u{7}b"}}),
            "description must not contain control characters",
        ),
    ];
    for (body, error) in &refusals {
        assert_post_refused(&app, &token, list, body, (400, error)).await;
    }
    for body in [
        json!({"manufacturer": {"name": 5}}),
        json!({"manufacturer": "Acme"}),
        json!({"name": "Acme"}),
        json!([]),
    ] {
        let (status, answer) = read(app.post(&token, list, &body).await).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    assert_empty_list(&app, &token, list, "manufacturers").await;

    let id = manufacturer(&app, &token, "Acme").await;
    let path = format!("/v1.0/manufacturers/{id}");
    let blank = json!({"manufacturer": {"name": ""}});
    let (status, _) = put(&app, &token, &path, &blank).await;
    assert_eq!(status, 400);
    let (_, body) = read(app.get(&token, &path).await).await;
    assert_eq!(body["manufacturer"]["name"], "Acme");
    for missing in ["999", "9223372036854775808", "acme"] {
        let path = format!("/v1.0/manufacturers/{missing}");
        assert_eq!(app.get(&token, &path).await.status(), 404, "{path}");
        let change = json!({"manufacturer": {"name": "X"}});
        assert_eq!(put(&app, &token, &path, &change).await.0, 404, "{path}");
        assert_eq!(
            delete(&app, &token, &path, &json!({})).await.0,
            404,
            "{path}"
        );
        let links = format!("{path}/merchants");
        assert_eq!(app.get(&token, &links).await.status(), 404, "{links}");
        assert_eq!(put(&app, &token, &links, &merchants(&[])).await.0, 404);
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manufacturer_owning_items_is_not_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = manufacturer(&app, &token, "Acme").await;
    let path = format!("/v1.0/manufacturers/{id}");
    let items = format!("{path}/items");
    let item = create_item(&app, &token, &items, "Chips", "CHIPS").await;
    let (status, error) = delete(&app, &token, &path, &json!({})).await;
    assert_eq!(
        (status, error),
        (
            409,
            json!({"error": "Manufacturer cannot be deleted while it has items"})
        )
    );
    assert_eq!(app.get(&token, &path).await.status(), 200);
    let (status, _) = delete(&app, &token, &format!("{items}/{item}"), &json!({})).await;
    assert_eq!(status, 200);
    assert_deleted(&app, &token, &path).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merchants_are_set_added_removed_and_read() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = manufacturer(&app, &token, "Acme").await;
    let north = create_merchant(&app, &token, "North").await;
    let south = create_merchant(&app, &token, "South").await;
    let east = create_merchant(&app, &token, "East").await;
    let links = format!("/v1.0/manufacturers/{id}/merchants");
    let answer = |ids: &[u64]| json!({"manufacturer": {"id": id, "merchant_ids": ids}});

    let (status, body) = read(app.get(&token, &format!("{links}.json")).await).await;
    assert_eq!((status, body), (200, answer(&[])));
    let (status, body) = read(app.post(&token, &links, &merchants(&[south, north])).await).await;
    assert_eq!((status, body), (201, answer(&[north, south])));
    let (status, body) = put(&app, &token, &links, &merchants(&[east, north])).await;
    assert_eq!((status, body), (201, answer(&[north, south, east])));
    let (status, body) = delete(&app, &token, &links, &merchants(&[south])).await;
    assert_eq!((status, body), (201, answer(&[north, east])));
    let (status, body) = read(app.post(&token, &links, &merchants(&[south])).await).await;
    assert_eq!((status, body), (201, answer(&[south])));
    let (_, body) = read(app.get(&token, &format!("/v1.0/manufacturers/{id}")).await).await;
    assert_eq!(body["manufacturer"]["merchant_ids"], json!([south]));

    let (status, _) = delete(
        &app,
        &token,
        &format!("/v1.0/merchants/{south}"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = read(app.get(&token, &links).await).await;
    assert_eq!(
        body,
        answer(&[]),
        "a deleted merchant leaves the manufacturer"
    );
    let (_, page) = read(app.get(&token, "/v1.0/manufacturers").await).await;
    assert_eq!(
        page["manufacturers"][0]["manufacturer"]["merchant_ids"],
        json!([])
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_merchant_links_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = manufacturer(&app, &token, "Acme").await;
    let north = create_merchant(&app, &token, "North").await;
    let links = format!("/v1.0/manufacturers/{id}/merchants");
    put(&app, &token, &links, &merchants(&[north])).await;

    let unknown = merchants(&[north, 999]);
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let (status, body) = send(&app, method.clone(), &token, &links, unknown.clone()).await;
        assert_eq!(
            (status, body),
            (400, json!({"error": "Merchant not found"})),
            "{method}"
        );
    }
    let too_many: Vec<u64> = (1..=1_001).collect();
    let (status, body) = put(&app, &token, &links, &merchants(&too_many)).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Merchant ids must name at most 1000 distinct ids"})
        )
    );
    let (status, body) = put(&app, &token, &links, &json!({"manufacturer": {}})).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Merchant ids can't be blank"}))
    );
    for body in [
        json!({"manufacturer": {"merchant_ids": ["1"]}}),
        json!({"manufacturer": {"merchant_ids": [-1]}}),
        json!({"manufacturer": {"merchant_ids": 1}}),
    ] {
        assert_eq!(put(&app, &token, &links, &body).await.0, 400, "{body}");
    }
    let (_, body) = read(app.get(&token, &links).await).await;
    assert_eq!(body["manufacturer"]["merchant_ids"], json!([north]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_change_of_merchants_answers_its_repeat_the_same() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let id = manufacturer(&app, &token, "Acme").await;
    let north = create_merchant(&app, &token, "North").await;
    let south = create_merchant(&app, &token, "South").await;
    let links = format!("/v1.0/manufacturers/{id}/merchants");
    let keyed = |body: &Value| {
        app.client
            .post(app.url(&links))
            .header("X-Auth-Token", &token)
            .header("Idempotency-Key", "set-1")
            .json(body)
    };
    let (status, first) = read(keyed(&merchants(&[north])).send().await.unwrap()).await;
    assert_eq!(status, 201);
    let (status, again) = read(keyed(&merchants(&[north])).send().await.unwrap()).await;
    assert_eq!((status, again), (201, first));
    let (status, body) = read(keyed(&merchants(&[south])).send().await.unwrap()).await;
    assert_eq!(status, 409, "{body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404_and_cannot_link_its_merchants() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let intruder = app.login(2).await;
    let id = manufacturer(&app, &token, "Acme").await;
    let path = format!("/v1.0/manufacturers/{id}");
    let links = format!("{path}/merchants");
    let change = json!({"manufacturer": {"name": "Mine"}});
    assert_out_of_reach(
        &app,
        &token,
        &intruder,
        &path,
        &change,
        "/v1.0/manufacturers",
    )
    .await;

    let theirs = create_merchant(&app, &intruder, "Theirs").await;
    let puts = [(links.clone(), merchants(&[theirs]))];
    assert_puts_out_of_reach(&app, &token, &intruder, &path, &puts, None).await;
    assert_eq!(app.get(&intruder, &links).await.status(), 404);
    let (status, _) = read(app.post(&intruder, &links, &merchants(&[])).await).await;
    assert_eq!(status, 404);
    let (status, body) = put(&app, &token, &links, &merchants(&[theirs])).await;
    assert_eq!(
        (status, body),
        (400, json!({"error": "Merchant not found"})),
        "another account's merchant is unknown here"
    );
    let (_, body) = read(app.get(&token, &links).await).await;
    assert_eq!(body["manufacturer"]["merchant_ids"], json!([]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_may_read_but_not_write() {
    let app = spawn_app().await;
    let body = json!({"manufacturer": {"name": "Acme"}});
    let reporting = reporting_reads_only(&app, "/v1.0/manufacturers", &body).await;
    let admin = app.login(1).await;
    let id = manufacturer(&app, &admin, "Acme").await;
    let path = format!("/v1.0/manufacturers/{id}");
    let links = format!("{path}/merchants");
    for read_path in [&path, &links] {
        assert_eq!(app.get(&reporting, read_path).await.status(), 200);
    }
    assert_eq!(put(&app, &reporting, &path, &body).await.0, 403);
    for method in [Method::POST, Method::PUT, Method::DELETE] {
        let (status, _) = send(&app, method.clone(), &reporting, &links, merchants(&[])).await;
        assert_eq!(status, 403, "{method}");
    }
    app.stop().await;
}
