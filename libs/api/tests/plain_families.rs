//! Counters, events (Sparkfly's) and POS offer codes over real HTTP, one test body for the
//! three plain families: create, list, get, update, delete (with and without `.json`),
//! validation that changes nothing, keyed repeats, roles and tenant isolation. A counter's
//! name is an integer (the reference's type), an event's is text; a POS offer code's `code`
//! is text unique in its account.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{json, Value};
use support::resources::{
    assert_deleted, assert_empty_list, assert_out_of_reach, assert_post_refused, assert_read_back,
    create, delete, put, reporting_reads_only,
};
use support::{read, spawn_app, TestApp};

/// A plain family as a client sees it.
struct Family {
    /// The collection's path.
    base: &'static str,
    /// The key of one (`counter`); the list's is its plural.
    one: &'static str,
    /// The field that names one (`name`, `code`).
    field: &'static str,
    /// Two names a client may give (the second replaces the first).
    names: [Value; 2],
    /// Bodies' names that are refused, with the error each answers.
    refused: Vec<(Value, &'static str)>,
}

fn families() -> [Family; 3] {
    [
        Family {
            base: "/v1.0/counters",
            one: "counter",
            field: "name",
            names: [json!(7), json!(-9_007_199_254_740_991_i64)],
            refused: vec![
                (json!(9_007_199_254_740_992_i64), ""),
                (json!("7"), ""),
                (json!(1.5), ""),
                (Value::Null, "Name can't be blank"),
            ],
        },
        Family {
            base: "/v1.0/events",
            one: "event",
            field: "name",
            names: [json!("Launch"), json!("Relaunch")],
            refused: vec![
                (json!(" "), "Name can't be blank"),
                (Value::Null, "Name can't be blank"),
                (
                    json!("x".repeat(256)),
                    "Name is too long (maximum is 255 characters)",
                ),
                (json!("a\u{7}b"), "name must not contain control characters"),
                (json!(5), ""),
            ],
        },
        Family {
            base: "/v1.0/pos_offer_codes",
            one: "pos_offer_code",
            field: "code",
            names: [json!("SAVE10"), json!("SAVE20")],
            refused: vec![
                (json!(" "), "Code can't be blank"),
                (Value::Null, "Code can't be blank"),
                (
                    json!("x".repeat(256)),
                    "Code is too long (maximum is 255 characters)",
                ),
                (json!("a\u{7}b"), "code must not contain control characters"),
                (json!(10), ""),
            ],
        },
    ]
}

impl Family {
    /// `{"<one>": {"<field>": name}}`, or `{"<one>": {}}` for a null name.
    fn body(&self, name: &Value) -> Value {
        if name.is_null() {
            json!({ self.one: {} })
        } else {
            json!({ self.one: { self.field: name } })
        }
    }

    fn list_key(&self) -> String {
        format!("{}s", self.one)
    }

    /// The answer of one created with the first name, and its path.
    async fn create(&self, app: &TestApp, token: &str) -> (Value, String) {
        let body = self.body(&self.names[0]);
        let made = create(app, token, &format!("{}.json", self.base), self.one, &body).await;
        let path = format!("{}/{}", self.base, made["id"]);
        (made, path)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_created_listed_renamed_and_deleted() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    for family in families() {
        assert_empty_list(&app, &token, family.base, &family.list_key()).await;
        let (made, path) = family.create(&app, &token).await;
        assert_eq!(made[family.field], family.names[0], "{}", family.base);
        assert!(made["id"].is_u64());
        assert_read_back(&app, &token, &path, family.base, family.one, &made).await;

        let (status, body) = put(
            &app,
            &token,
            &format!("{path}.json"),
            &family.body(&family.names[1]),
        )
        .await;
        assert_eq!(status, 200);
        let changed = &body[family.one];
        assert_eq!(
            (&changed["id"], &changed[family.field]),
            (&made["id"], &family.names[1])
        );
        let (status, body) = put(&app, &token, &path, &json!({ family.one: {} })).await;
        assert_eq!(
            (status, &body[family.one][family.field]),
            (200, &family.names[1]),
            "kept"
        );
        let (_, page) = read(
            app.get(&token, &format!("{}?per_page=1", family.base))
                .await,
        )
        .await;
        assert_eq!(
            page[family.list_key().as_str()][0][family.one][family.field],
            family.names[1]
        );

        assert_deleted(&app, &token, &path).await;
        assert_eq!(delete(&app, &token, &path, &json!({})).await.0, 404);
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_records_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    for family in families() {
        for (name, error) in &family.refused {
            let body = family.body(name);
            if error.is_empty() {
                let (status, answer) = read(app.post(&token, family.base, &body).await).await;
                assert_eq!(status, 400, "{body}: {answer}");
                assert!(answer["error"].is_string(), "{answer}");
            } else {
                assert_post_refused(&app, &token, family.base, &body, (400, error)).await;
            }
        }
        for body in [
            json!({ family.one: "x" }),
            json!({ family.field: 1 }),
            json!([]),
        ] {
            let (status, _) = read(app.post(&token, family.base, &body).await).await;
            assert_eq!(status, 400, "{body}");
        }
        assert_empty_list(&app, &token, family.base, &family.list_key()).await;

        let (made, path) = family.create(&app, &token).await;
        for (name, _) in &family.refused {
            if !name.is_null() {
                assert_eq!(put(&app, &token, &path, &family.body(name)).await.0, 400);
            }
        }
        let (_, body) = read(app.get(&token, &path).await).await;
        assert_eq!(body[family.one], made);
        for missing in ["999", "9223372036854775808", "x"] {
            let path = format!("{}/{missing}", family.base);
            assert_eq!(app.get(&token, &path).await.status(), 404, "{path}");
            let change = family.body(&family.names[1]);
            assert_eq!(put(&app, &token, &path, &change).await.0, 404, "{path}");
            assert_eq!(delete(&app, &token, &path, &json!({})).await.0, 404);
        }
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_create_answers_its_repeat_the_same() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    for family in families() {
        let keyed = |body: &Value| {
            app.client
                .post(app.url(family.base))
                .header("X-Auth-Token", &token)
                .header("Idempotency-Key", format!("create-{}", family.one))
                .json(body)
        };
        let first_body = family.body(&family.names[0]);
        let (status, first) = read(keyed(&first_body).send().await.unwrap()).await;
        assert_eq!(status, 201);
        let (status, again) = read(keyed(&first_body).send().await.unwrap()).await;
        assert_eq!((status, again), (201, first));
        let other = family.body(&family.names[1]);
        let (status, body) = read(keyed(&other).send().await.unwrap()).await;
        assert_eq!(status, 409, "{body}");
        let (_, page) = read(app.get(&token, family.base).await).await;
        assert_eq!(page["total_entries"], 1, "one created");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_account_gets_404() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let intruder = app.login(2).await;
    for family in families() {
        let (_, path) = family.create(&app, &token).await;
        let change = family.body(&family.names[1]);
        assert_out_of_reach(&app, &token, &intruder, &path, &change, family.base).await;
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_may_read_but_not_write() {
    let app = spawn_app().await;
    let [counters, events, codes] = families();
    let reporting =
        reporting_reads_only(&app, counters.base, &counters.body(&counters.names[0])).await;
    let admin = app.login(1).await;
    for family in [counters, events, codes] {
        let body = family.body(&family.names[0]);
        assert_eq!(app.post(&reporting, family.base, &body).await.status(), 403);
        let (_, path) = family.create(&app, &admin).await;
        assert_eq!(app.get(&reporting, &path).await.status(), 200);
        assert_eq!(app.get(&reporting, family.base).await.status(), 200);
        assert_eq!(put(&app, &reporting, &path, &body).await.0, 403);
        assert_eq!(delete(&app, &reporting, &path, &json!({})).await.0, 403);
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_offer_code_is_unique_in_its_account() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let other = app.login(2).await;
    let base = "/v1.0/pos_offer_codes";
    let body = |code: &str| json!({"pos_offer_code": {"code": code, "description": "Ten off"}});
    let first = create(&app, &token, base, "pos_offer_code", &body("SAVE10")).await;
    assert_eq!(first["description"], "Ten off");
    let taken = (400, "Code has already been taken");
    assert_post_refused(&app, &token, base, &body(" SAVE10 "), taken).await;
    let second = create(&app, &token, base, "pos_offer_code", &body("SAVE20")).await;
    let path = format!("{base}/{}", second["id"]);
    let (status, answer) = put(&app, &token, &path, &body("SAVE10")).await;
    assert_eq!((status, answer), (400, json!({"error": taken.1})));
    let cleared = json!({"pos_offer_code": {"description": ""}});
    let (status, answer) = put(&app, &token, &path, &cleared).await;
    assert_eq!(status, 200);
    assert_eq!(answer["pos_offer_code"]["code"], "SAVE20");
    assert!(answer["pos_offer_code"].get("description").is_none());
    create(&app, &other, base, "pos_offer_code", &body("SAVE10")).await;
    let (_, page) = read(app.get(&token, base).await).await;
    assert_eq!(
        page["total_entries"], 2,
        "another account's code is its own"
    );
    app.stop().await;
}
