//! What the resource tests repeat, written once: requests that answer the status and JSON
//! body, resources created over HTTP (asserting the 201), and the checks every resource family
//! makes (an empty first page, delete then 404, out of another account's reach, reporting may
//! only read).

use super::{read, TestApp};
use domain::account::Role;
use reqwest::Method;
use serde_json::{json, Value};

/// `method` on `path` with the JSON `body`: the status and JSON answer.
pub async fn send(
    app: &TestApp,
    method: Method,
    token: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    read(app.send_json(method, token, path, &body).await).await
}

/// `PUT` of `body` on `path`: the status and JSON answer.
pub async fn put(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value) {
    send(app, Method::PUT, token, path, body.clone()).await
}

/// `DELETE` of `path` with `body`: the status and JSON answer.
pub async fn delete(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value) {
    send(app, Method::DELETE, token, path, body.clone()).await
}

/// POSTs `body` to `path`, asserts 201 and answers the created `key` object.
pub async fn create(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> Value {
    let (status, body) = read(app.post(token, path, body).await).await;
    assert_eq!(status, 201, "{body}");
    body[key].clone()
}

/// The id of a member `identifier` created over HTTP.
pub async fn create_member(app: &TestApp, token: &str, identifier: &str) -> u64 {
    let body = json!({"member": {"identifier": identifier}});
    id_of(&create(app, token, "/v1.0/members", "member", &body).await)
}

/// The id of a merchant `name` created over HTTP.
pub async fn create_merchant(app: &TestApp, token: &str, name: &str) -> u64 {
    let body = json!({"merchant": {"name": name}});
    id_of(&create(app, token, "/v1.0/merchants", "merchant", &body).await)
}

/// The id of a store `name` of `merchant` created over HTTP.
pub async fn create_store(app: &TestApp, token: &str, merchant: u64, name: &str) -> u64 {
    let body = json!({"store": {"name": name}});
    let path = format!("/v1.0/merchants/{merchant}/stores");
    id_of(&create(app, token, &path, "store", &body).await)
}

/// The id of a channel `name` created over HTTP.
pub async fn create_channel(app: &TestApp, token: &str, name: &str) -> u64 {
    let body = json!({"channel": {"name": name}});
    id_of(&create(app, token, "/v1.0/channels.json", "channel", &body).await)
}

/// The id of an item `name` with `code` created under `base` (`/v1.0/items` or a
/// merchant's).
pub async fn create_item(app: &TestApp, token: &str, base: &str, name: &str, code: &str) -> u64 {
    let body = json!({"item": {"name": name, "code": code}});
    id_of(&create(app, token, base, "item", &body).await)
}

fn id_of(resource: &Value) -> u64 {
    resource["id"].as_u64().unwrap()
}

/// Asserts `path` lists nothing yet: page 1 of 50, no entries, an empty `key` array.
pub async fn assert_empty_list(app: &TestApp, token: &str, path: &str, key: &str) {
    let (status, body) = read(app.get(token, path).await).await;
    assert_eq!(status, 200);
    let mut empty = json!({"page": 1, "per_page": 50, "total_entries": 0, "total_pages": 0});
    empty[key] = json!([]);
    assert_eq!(body, empty);
}

/// Asserts `path` answers exactly `{key: resource}`, and `list` lists it alone.
pub async fn assert_read_back(
    app: &TestApp,
    token: &str,
    path: &str,
    list: &str,
    key: &str,
    resource: &Value,
) {
    let (status, body) = read(app.get(token, &format!("{path}.json")).await).await;
    assert_eq!((status, &body), (200, &json!({ key: resource })));
    let (status, body) = read(app.get(token, list).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 1);
    let listed = format!("{key}s");
    assert_eq!(body[listed.as_str()], json!([{ key: resource }]));
}

/// Deletes `path`, asserting 200, and asserts it then answers 404.
pub async fn assert_deleted(app: &TestApp, token: &str, path: &str) {
    let (status, _) = delete(app, token, path, &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(app.get(token, path).await.status(), 404);
}

/// Asserts `intruder` gets 404 reading, changing (with `change`) and deleting `path`, and
/// finds nothing in `list`; its owner (`token`) still reads it.
pub async fn assert_out_of_reach(
    app: &TestApp,
    token: &str,
    intruder: &str,
    path: &str,
    change: &Value,
    list: &str,
) {
    let puts = [(path.to_owned(), change.clone())];
    assert_puts_out_of_reach(app, token, intruder, path, &puts, Some(list)).await;
}

/// Asserts `intruder` gets 404 reading and deleting `path` and PUTting each `(path, body)` of
/// `puts` (the resource itself or what is nested below it: a set's `/items`, a list's
/// `/members` or `/stores`), and finds nothing in `list` when one is given; its owner
/// (`token`) still reads `path`.
pub async fn assert_puts_out_of_reach(
    app: &TestApp,
    token: &str,
    intruder: &str,
    path: &str,
    puts: &[(String, Value)],
    list: Option<&str>,
) {
    assert_eq!(app.get(intruder, path).await.status(), 404);
    for (target, body) in puts {
        assert_eq!(
            put(app, intruder, target, body).await.0,
            404,
            "PUT {target}"
        );
    }
    assert_eq!(delete(app, intruder, path, &json!({})).await.0, 404);
    if let Some(list) = list {
        let (_, listed) = read(app.get(intruder, list).await).await;
        assert_eq!(listed["total_entries"], 0);
    }
    assert_eq!(app.get(token, path).await.status(), 200);
}

/// A reporting key of a fresh account 1: its token, after asserting it reads `path` (200)
/// and may not POST `body` there (403).
pub async fn reporting_reads_only(app: &TestApp, path: &str, body: &Value) -> String {
    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let token = app.token("reports", "secret").await;
    assert_eq!(app.get(&token, path).await.status(), 200);
    assert_eq!(app.post(&token, path, body).await.status(), 403);
    token
}

/// POSTs `body` to `path` and asserts the answer is `status` with `{"error": error}`.
pub async fn assert_post_refused(
    app: &TestApp,
    token: &str,
    path: &str,
    body: &Value,
    (status, error): (u16, &str),
) {
    let answer = read(app.post(token, path, body).await).await;
    assert_eq!(answer, (status, json!({ "error": error })));
}

/// `GET` of `path` without a token: the status and JSON answer.
pub async fn get_without_token(app: &TestApp, path: &str) -> (u16, Value) {
    read(app.client.get(app.url(path)).send().await.unwrap()).await
}
