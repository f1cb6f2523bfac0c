//! Members over real HTTP: the Sparkfly sample implementation's steps, validation, updates,
//! deletes, roles and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use reqwest::Method;
use serde_json::json;
use support::{read, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_implementation_member_steps() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    let (status, body) = read(app.get(&token, "/v1.0/members.json").await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"page": 1, "per_page": 50, "total_entries": 0, "total_pages": 0, "members": []})
    );

    let created = app
        .post(
            &token,
            "/v1.0/members.json",
            &json!({"member": {"identifier": "unique-member-id"}}),
        )
        .await;
    let (status, body) = read(created).await;
    assert_eq!(status, 201);
    let member = body["member"].clone();
    assert_eq!(member["identifier"], "unique-member-id");
    assert_eq!(member["notification_mode"], "app");
    let id = member["id"].as_u64().unwrap();
    for field in ["created_at", "updated_at"] {
        assert!(member[field].as_str().unwrap().ends_with('Z'), "{member}");
    }

    let (status, body) = read(app.get(&token, &format!("/v1.0/members/{id}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ "member": member })));

    let search = "/v1.0/members/search.json?identifier=unique-member-id";
    let (status, body) = read(app.get(&token, search).await).await;
    assert_eq!((status, &body), (200, &json!({ "member": member })));

    let (status, body) = read(app.get(&token, "/v1.0/members").await).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"page": 1, "per_page": 50, "total_entries": 1, "total_pages": 1,
               "members": [{"member": member}]})
    );

    let missing = "/v1.0/members/search?identifier=nobody";
    let (status, body) = read(app.get(&token, missing).await).await;
    assert_eq!((status, body), (404, json!({"error": "Not found"})));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_identifier_is_refused_with_the_seed_message() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let body = json!({"member": {"identifier": "alice"}});
    assert_eq!(app.post(&token, "/v1.0/members", &body).await.status(), 201);
    let (status, error) = read(app.post(&token, "/v1.0/members", &body).await).await;
    assert_eq!(status, 400);
    assert_eq!(error, json!({"error": "Identifier has already been taken"}));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_are_updated_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let (_, body) = read(
        app.post(
            &token,
            "/v1.0/members",
            &json!({"member": {"identifier": "a"}}),
        )
        .await,
    )
    .await;
    let id = body["member"]["id"].as_u64().unwrap();
    let path = format!("/v1.0/members/{id}");

    let change = json!({"member": {"notification_mode": "email"}});
    let (status, body) = read(app.send_json(Method::PUT, &token, &path, &change).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["member"]["notification_mode"], "email");
    assert_eq!(body["member"]["identifier"], "a");
    let (_, got) = read(app.get(&token, &path).await).await;
    assert_eq!(got, body);

    let deleted = app
        .client
        .delete(app.url(&format!("{path}.json")))
        .header("X-Auth-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(app.get(&token, &path).await.status(), 404);
    let (status, body) = read(app.send_json(Method::PUT, &token, &path, &change).await).await;
    assert_eq!(status, 404);
    assert!(
        body["error"].as_str().unwrap().contains("not found"),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_encoded_create_is_accepted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let response = app
        .client
        .post(app.url("/v1.0/members.json"))
        .header("X-Auth-Token", &token)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("member[identifier]=from-a-form")
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 201);
    assert_eq!(body["member"]["identifier"], "from-a-form");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_cannot_see_or_change_each_others_members() {
    let app = spawn_app().await;
    let a = app.login(1).await;
    let b = app.login(2).await;
    let (_, body) = read(
        app.post(
            &a,
            "/v1.0/members",
            &json!({"member": {"identifier": "shared"}}),
        )
        .await,
    )
    .await;
    let path = format!("/v1.0/members/{}", body["member"]["id"]);

    assert_eq!(app.get(&b, &path).await.status(), 404);
    let search = "/v1.0/members/search?identifier=shared";
    assert_eq!(app.get(&b, search).await.status(), 404);
    let change = json!({"member": {"identifier": "stolen"}});
    assert_eq!(
        app.send_json(Method::PUT, &b, &path, &change)
            .await
            .status(),
        404
    );
    let deleted = app
        .client
        .delete(app.url(&path))
        .header("X-Auth-Token", &b)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 404);
    let (_, list) = read(app.get(&b, "/v1.0/members").await).await;
    assert_eq!(list["total_entries"], 0);

    let (status, body) = read(app.get(&a, &path).await).await;
    assert_eq!(
        (status, &body["member"]["identifier"]),
        (200, &json!("shared"))
    );
    let (_, body) = read(
        app.post(
            &b,
            "/v1.0/members",
            &json!({"member": {"identifier": "shared"}}),
        )
        .await,
    )
    .await;
    assert_eq!(body["member"]["identifier"], "shared");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_may_read_but_not_write() {
    let app = spawn_app().await;
    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let token = app.token("reports", "secret").await;
    assert_eq!(app.get(&token, "/v1.0/members").await.status(), 200);
    let (status, body) = read(
        app.post(
            &token,
            "/v1.0/members",
            &json!({"member": {"identifier": "x"}}),
        )
        .await,
    )
    .await;
    assert_eq!((status, body), (403, json!({"error": "Forbidden"})));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_repeated_with_its_idempotency_key_is_answered_once() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/v1.0/members"))
            .header("X-Auth-Token", &token)
            .header("Idempotency-Key", "create-bob")
            .json(&json!({"member": {"identifier": "bob"}}))
            .send()
            .await
            .unwrap();
        answers.push(read(response).await);
    }
    assert_eq!(answers[0].0, 201);
    assert_eq!(answers[0], answers[1]);
    let (_, list) = read(app.get(&token, "/v1.0/members").await).await;
    assert_eq!(list["total_entries"], 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_method_answers_a_json_405() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let (status, body) = read(
        app.send_json(Method::PATCH, &token, "/v1.0/members.json", &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, body),
        (405, json!({"error": "Method not allowed"}))
    );
    app.stop().await;
}
