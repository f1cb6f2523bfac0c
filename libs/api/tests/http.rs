//! Cross-cutting behaviour over real HTTP: auth, tokens, request ids and timing, errors,
//! content types, health and metrics, and the OpenAPI document against what is served.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use api::auth::{KeyBinding, Token};
use api::hash_key;
use chrono::Duration;
use domain::account::Role;
use domain::ids::AccountId;
use domain::Command;
use serde_json::{json, Value};
use support::resources::get_without_token;
use support::{read, spawn_app};

/// The `X-Auth-Token` header of `response`, if it has one.
fn token_header(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("x-auth-token")
        .map(|value| value.to_str().unwrap().to_owned())
}

/// `GET /auth` answers 204 with the token in the `X-Auth-Token` header (a token that then
/// opens the API) for a right identity and key, and 401 without that header for a wrong key,
/// an unknown identity or no credentials. Fails if the token moves into the body (or the
/// header is dropped), or if a refusal carries a token header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_trades_identity_and_key_for_a_token() {
    let app = spawn_app().await;
    app.bootstrap(1, "app", "s3cret", vec![Role::Issuer]).await;
    let response = app.auth_from(&app.client, "app", "s3cret").await;
    let token = token_header(&response);
    let (status, _) = read(response).await;
    assert_eq!(status, 204);
    let token = token.expect("a 204 from /auth carries X-Auth-Token");
    assert!(!token.is_empty());
    assert_eq!(app.get(&token, "/v1.0/members").await.status(), 200);

    for (identity, key) in [("app", "wrong"), ("nobody", "s3cret")] {
        let response = app.auth_from(&app.client, identity, key).await;
        let refused_token = token_header(&response);
        let (status, body) = read(response).await;
        assert_eq!(status, 401, "{identity}/{key}");
        assert!(body["error"].is_string());
        assert_eq!(
            refused_token, None,
            "{identity}/{key}: a 401 carries a token"
        );
    }
    let response = app.client.get(app.url("/auth")).send().await.unwrap();
    let refused_token = token_header(&response);
    let (status, _) = read(response).await;
    assert_eq!(status, 401);
    assert_eq!(refused_token, None, "no credentials: a 401 carries a token");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_valid_token_are_refused() {
    let app = spawn_app().await;
    let token = app.login(1).await;

    let (status, body) = get_without_token(&app, "/v1.0/members").await;
    assert_eq!(status, 401);
    assert!(body["error"].is_string());

    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('0') { '1' } else { '0' });
    for bad in ["garbage", forged.as_str()] {
        let (status, body) = read(app.get(bad, "/v1.0/members").await).await;
        assert_eq!(status, 401, "{bad}");
        assert!(body["error"].is_string());
    }

    let key_id = app
        .state
        .store()
        .api_keys_by_identity("account-1")
        .await
        .unwrap()[0]
        .id;
    let signed = |expires_at| {
        app.state.secret().sign(Token {
            account_id: AccountId(1),
            key_id,
            expires_at,
            binding: KeyBinding::of(&hash_key("key-1")),
        })
    };
    let now = app.state.now();
    let fresh = signed(now + Duration::hours(1));
    assert_eq!(app.get(&fresh, "/v1.0/members").await.status(), 200);
    let expired = signed(now - Duration::seconds(1));
    assert_eq!(app.get(&expired, "/v1.0/members").await.status(), 401);
    let two_days = signed(now + Duration::hours(48));
    assert_eq!(
        app.get(&two_days, "/v1.0/members").await.status(),
        401,
        "no token lasts more than 24 hours, even one signed with the right secret"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_s_tokens_stop_working() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    assert_eq!(app.get(&token, "/v1.0/members").await.status(), 200);
    let key = app
        .state
        .store()
        .api_keys_by_identity("account-1")
        .await
        .unwrap()
        .remove(0);
    app.state
        .execute(
            AccountId(1),
            Command::RevokeApiKey { api_key_id: key.id },
            None,
            None,
        )
        .await
        .unwrap();
    app.state.read_barrier(AccountId(1)).await.unwrap();
    assert_eq!(app.get(&token, "/v1.0/members").await.status(), 401);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id_and_runtime() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    let headers = response.headers();
    let id = headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 26, "a ULID: {id}");
    let runtime: f64 = headers["x-runtime"].to_str().unwrap().parse().unwrap();
    assert!((0.0..10.0).contains(&runtime));

    let response = app
        .client
        .get(app.url("/nowhere"))
        .header("X-Request-Id", "client-id-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "client-id-42");
    assert!(response.headers().contains_key("x-runtime"));

    let response = app
        .client
        .get(app.url("/health"))
        .header("X-Request-Id", "not sane!")
        .send()
        .await
        .unwrap();
    assert_ne!(response.headers()["x-request-id"], "not sane!");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_answer_a_json_404() {
    // A single segment (`/nowhere`) is a landing page's xid: its 404 is a page (see landing.rs).
    let app = spawn_app().await;
    let token = app.login(1).await;
    for path in ["/nowhere/at/all", "/v1.0/widgets.json", "/v1.0/members/abc"] {
        let (status, body) = read(app.get(&token, path).await).await;
        assert_eq!(
            (status, body),
            (404, json!({"error": "Not found"})),
            "{path}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_must_be_json_or_forms() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let response = app
        .client
        .post(app.url("/v1.0/members"))
        .header("X-Auth-Token", &token)
        .header("Content-Type", "text/plain")
        .body("identifier=x")
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 415);
    assert!(body["error"].is_string());

    let response = app
        .client
        .post(app.url("/v1.0/members"))
        .header("X-Auth-Token", &token)
        .header("Content-Type", "application/json")
        .body("{\"member\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = read(response).await;
    assert_eq!(status, 400);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("Malformed JSON"));

    let (status, body) = read(app.post(&token, "/v1.0/members", &json!({})).await).await;
    assert_eq!(status, 400);
    assert!(body["error"].is_string());
    let (_, list) = read(app.get(&token, "/v1.0/members").await).await;
    assert_eq!(list["total_entries"], 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_metrics_need_no_auth() {
    let app = spawn_app().await;
    let _token = app.login(1).await;
    let (status, body) = read(app.client.get(app.url("/health")).send().await.unwrap()).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
    assert_eq!(
        app.client
            .get(app.url("/nowhere"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"http_requests_total{status="2xx"}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"http_requests_total{status="4xx"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "{text}"
    );
    // The account logged in above was written by a partition actor: its append, its
    // batch and its command's wait are counted, under that partition's label.
    for series in [
        "engine_append_duration_seconds_count",
        "engine_batch_commands_count",
        "engine_command_wait_seconds_count",
    ] {
        let counted: f64 = text
            .lines()
            .filter(|line| line.starts_with(&format!("{series}{{partition=\"")))
            .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok())
            .sum();
        assert!(counted >= 1.0, "{series} in {text}");
    }
    app.stop().await;
}

/// A value of the path parameter `schema` describes: its first choice, a word for text, an id
/// otherwise.
fn path_value(schema: &Value) -> String {
    if let Some(first) = schema["enum"].get(0).and_then(Value::as_str) {
        return first.to_owned();
    }
    match schema["type"].as_str() {
        Some("string") => "x".to_owned(),
        _ => "1".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_is_served_with_a_documented_answer() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let (status, document) = get_without_token(&app, "/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.contains_key("/v1.0/offers/{id}/channels/{channel_id}"));
    let mut served = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let mut url = path.clone();
            let parameters = operation["parameters"].as_array().unwrap();
            for parameter in parameters
                .iter()
                .filter(|parameter| parameter["in"] == "path")
            {
                let name = parameter["name"].as_str().unwrap();
                url = url.replace(&format!("{{{name}}}"), &path_value(&parameter["schema"]));
            }
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(&url))
                .header("X-Auth-Token", &token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let kind = response
                .headers()
                .get("content-type")
                .map(|kind| kind.to_str().unwrap().to_owned());
            let answer = &operation["responses"][status.to_string()];
            assert!(
                answer.is_object(),
                "{method} {url}: {status} is not documented"
            );
            match answer["content"]
                .as_object()
                .and_then(|content| content.keys().next())
            {
                Some(media) => assert!(
                    kind.as_deref()
                        .is_some_and(|kind| kind.starts_with(media.as_str())),
                    "{method} {url}: {kind:?} is not {media}"
                ),
                None => assert_eq!(response.text().await.unwrap(), "", "{method} {url}"),
            }
            served += 1;
        }
    }
    assert!(served > 100, "{served} operations");
    app.stop().await;
}
