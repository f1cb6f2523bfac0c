//! A credential's update of every field the reference names, and reusable credentials, over
//! real HTTP: the member (only while never redeemed), the store, the annotations (feeding the
//! conversion callbacks), `reusable` and `printable`; a reusable code redeems at the point of
//! sale again and again until its offer's per-member limit, then is refused without a 5xx;
//! bad values are refused with the Sparkfly error body and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{json, Value};
use support::commands::{redeem_at_store, world, World};
use support::resources::{create, create_member, put};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

async fn issue(app: &TestApp, world: &World, extra: &str) -> Value {
    let path = format!(
        "/v1.0/credentials.json?member_id={}&offer_id={}&channel_id={}{extra}",
        world.member, world.offer, world.channel
    );
    create(app, &world.token, &path, "credential", &json!({})).await
}

async fn credential(app: &TestApp, world: &World, id: u64) -> Value {
    let path = format!("/v1.0/credentials/{id}");
    let (status, body) = read(app.get(&world.token, &path).await).await;
    assert_eq!(status, 200, "{body}");
    body["credential"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reusable_code_redeems_until_the_members_limit() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let limit = json!({"offer": {"max_redemptions_per_member": 3}});
    let offer = format!("/v1.0/offers/{}", world.offer);
    assert_eq!(put(&app, &world.token, &offer, &limit).await.0, 200);
    let reusable = issue(&app, &world, "&reusable=true").await;
    assert_eq!(reusable["reusable"], json!(true));
    let code = reusable["identifier"].as_str().unwrap().to_owned();
    let id = reusable["id"].as_u64().unwrap();
    for round in 1..=3 {
        let (status, body) = redeem_at_store(&app, &world, &code, &format!("txn-{round}")).await;
        assert_eq!(status, 201, "round {round}: {body}");
        let shown = credential(&app, &world, id).await;
        assert_eq!(shown["status"], json!("open"), "round {round}");
        assert!(shown["redeemed_at"].is_string());
    }
    let (status, refused) = redeem_at_store(&app, &world, &code, "txn-4").await;
    assert!((400..500).contains(&status), "{status}: {refused}");
    assert_eq!(
        refused,
        json!({"error": "Member must be eligible for offer: Dollar off"})
    );

    let path = format!(
        "/v1.0/credentials.json?member_id={}&offer_id={}&channel_id={}",
        world.member, world.offer, world.channel
    );
    let (status, body) = read(app.post(&world.token, &path, &json!({})).await).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Member must be eligible for offer: Dollar off"})
        ),
        "the member's limit holds for new codes too"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_store_annotations_and_flags_change() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let issued = issue(&app, &world, "").await;
    let id = issued["id"].as_u64().unwrap();
    let code = issued["identifier"].clone();
    let bob = create_member(&app, &world.token, "bob").await;
    let path = format!("/v1.0/credentials/{id}.json");
    let change = json!({"credential": {"channel_id": world.channel, "member_id": bob,
        "store_id": world.store, "reusable": true,
        "annotations": {"conv_ids": {"click": "abc"}}}, "printable": true});
    let (status, body) = put(&app, &world.token, &path, &change).await;
    assert_eq!(status, 201, "{body}");
    let changed = &body["credential"];
    assert_eq!(changed["member_id"], json!(bob));
    assert_eq!(changed["store_id"], json!(world.store));
    assert_eq!(changed["reusable"], json!(true));
    assert_eq!(changed["printable"], json!(true));
    assert_eq!(
        changed["annotations"],
        json!({"conv_ids": {"click": "abc"}})
    );
    assert_eq!(changed["identifier"], code, "the code stays");
    assert_eq!(
        changed["offer_ids"],
        json!([world.offer]),
        "the offers stay"
    );
    assert_eq!(&credential(&app, &world, id).await, changed);
    let (_, bobs) = read(
        app.get(&world.token, &format!("/v1.0/credentials?member_id={bob}"))
            .await,
    )
    .await;
    assert_eq!(bobs["total_entries"], json!(1));

    let (status, _) = redeem_at_store(&app, &world, code.as_str().unwrap(), "txn-1").await;
    assert_eq!(status, 201);
    let back = json!({"credential": {"channel_id": world.channel, "member_id": world.member}});
    let (status, body) = put(&app, &world.token, &path, &back).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"error": "Member can change only on a credential never redeemed and not in a wallet"})
        )
    );
    let clear = json!({"credential": {"channel_id": world.channel, "annotations": {},
        "printable": false}});
    let (status, body) = put(&app, &world.token, &path, &clear).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["credential"]["annotations"], Value::Null);
    assert_eq!(body["credential"]["printable"], Value::Null);
    assert_eq!(body["credential"]["member_id"], json!(bob));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_changes_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let issued = issue(&app, &world, "").await;
    let id = issued["id"].as_u64().unwrap();
    let path = format!("/v1.0/credentials/{id}");
    let channel = world.channel;
    let refusals = [
        (
            json!({"credential": {"channel_id": channel, "member_id": 999_999}}),
            json!({"error": "Member not found"}),
            404,
        ),
        (
            json!({"credential": {"channel_id": channel, "store_id": 999_999}}),
            json!({"error": "Store not found"}),
            404,
        ),
        (
            json!({"credential": {"member_id": world.member}}),
            json!({"error": "Channel can't be blank and must be associated with your account and offer"}),
            400,
        ),
    ];
    for (body, error, expected) in refusals {
        let (status, answer) = put(&app, &world.token, &path, &body).await;
        assert_eq!((status, answer), (expected, error), "{body}");
    }
    for body in [
        json!({"credential": {"channel_id": channel, "reusable": "maybe"}}),
        json!({"credential": {"channel_id": channel, "printable": 7}}),
        json!({"credential": {"channel_id": channel, "annotations": {"a": [1]}}}),
        json!({"credential": {"channel_id": channel, "member_id": "bob"}}),
    ] {
        let (status, answer) = put(&app, &world.token, &path, &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer["error"].is_string());
    }
    let shown = credential(&app, &world, id).await;
    assert_eq!(shown, issued, "nothing changed");
    app.stop().await;
}
