//! The redemptions report over real HTTP: one item per redeemed offer in the time frame, with
//! the names, amounts in cents and the customer's identifier; the store-list filter; business
//! dates in the account's zone; a voided redemption listed with its status; the refusals of
//! bad frames and unknown lists; another account sees nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use clock::Clock;
use domain::catalog::ListFields;
use domain::ids::{MerchantId, StoreId, StoreListId};
use domain::Command;
use serde_json::{json, Value};
use support::commands::{act_on_redemption, execute, redeem_at_store, world, World};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{create_store, created, ShopData};

async fn report(app: &TestApp, token: &str, query: &str) -> (u16, Value) {
    read(
        app.get(token, &format!("/v1.0/reports/redemptions{query}"))
            .await,
    )
    .await
}

async fn code(app: &TestApp, world: &World) -> String {
    let issue = json!({"credential": {"member_id": world.member, "offer_id": world.offer,
        "channel_id": world.channel}});
    let (status, issued) = read(app.post(&world.token, "/v1.0/credentials", &issue).await).await;
    assert_eq!(status, 201, "{issued}");
    issued["credential"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redemptions_report_lists_each_redeemed_offer_in_the_frame() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let elsewhere = StoreId(created(
        &execute(
            &app,
            1,
            create_store(MerchantId(world.merchant), "Elsewhere"),
        )
        .await,
    ));
    let list = StoreListId(created(
        &execute(
            &app,
            1,
            Command::CreateStoreList {
                merchant_id: None,
                fields: ListFields {
                    name: Some("Main only".into()),
                },
            },
        )
        .await,
    ));
    execute(
        &app,
        1,
        Command::AddStoresToList {
            store_list_id: list,
            store_ids: vec![StoreId(world.store)],
        },
    )
    .await;
    let first = code(&app, &world).await;
    let (status, redeemed) = redeem_at_store(&app, &world, &first, "txn-1").await;
    assert_eq!(status, 201, "{redeemed}");
    let voided_id = redeemed["redemption"]["id"].as_u64().unwrap();
    let second = code(&app, &world).await;
    let (status, _) = redeem_at_store(&app, &world, &second, "txn-2").await;
    assert_eq!(status, 201);
    let (status, _) = act_on_redemption(&app, &world, voided_id, "void", "txn-3").await;
    assert_eq!(status, 200);
    let elsewhere_world = World {
        token: world.token.clone(),
        member: world.member,
        merchant: world.merchant,
        store: elsewhere.0,
        channel: world.channel,
        offer: world.offer,
    };
    let third = code(&app, &world).await;
    let (status, _) = redeem_at_store(&app, &elsewhere_world, &third, "txn-4").await;
    assert_eq!(status, 201);

    let now = clock::SystemClock.now();
    let today = now.date_naive();
    let days = format!("?from_business_date={today}&to_business_date={today}");
    let (status, all) = report(&app, token, &days).await;
    assert_eq!(status, 200, "{all}");
    let items = all["redemptions"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{all}");
    let voided = items.iter().find(|item| item["id"] == voided_id).unwrap();
    assert_eq!(voided["status"], "voided");
    assert_eq!(voided["credential_identifier"], first);
    assert_eq!(voided["offer_id"], world.offer);
    assert_eq!(voided["offer_name"], "Dollar off");
    assert_eq!(voided["store_name"], "Main St");
    assert_eq!(voided["channel_id"], world.channel);
    assert_eq!(voided["customer_identifier"], "alice");
    assert_eq!(
        (&voided["purchase_amount"], &voided["value"]),
        (&json!(1000), &json!(100))
    );
    assert_eq!(voided["business_date"], today.to_string());
    let statuses: Vec<&Value> = items.iter().map(|item| &item["status"]).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == "committed")
            .count(),
        2
    );

    let (_, main_only) = report(&app, token, &format!("{days}&bi_storelist={}", list.0)).await;
    let stores: Vec<&Value> = main_only["redemptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| &item["store_id"])
        .collect();
    assert_eq!(stores, [&json!(world.store), &json!(world.store)]);

    let before = (now - chrono::Duration::hours(1)).to_rfc3339();
    let after = (now + chrono::Duration::hours(1)).to_rfc3339();
    let times = |from: &str, to: &str| {
        format!(
            "?from_redemption_datetime={}&to_redemption_datetime={}",
            from.replace('+', "%2B"),
            to.replace('+', "%2B")
        )
    };
    let (_, timed) = report(&app, token, &times(&before, &after)).await;
    assert_eq!(timed["redemptions"].as_array().unwrap().len(), 3);
    let (_, empty) = report(&app, token, &times(&after, &after)).await;
    assert_eq!(empty, json!({"redemptions": []}));
    let yesterday = today.pred_opt().unwrap();
    let (_, none) = report(
        &app,
        token,
        &format!("?from_business_date={yesterday}&to_business_date={yesterday}"),
    )
    .await;
    assert_eq!(none, json!({"redemptions": []}));

    for (query, expected) in [
        (String::new(), 400),
        (format!("?from_business_date={today}"), 400),
        (
            format!("{days}&from_redemption_datetime={before}&to_redemption_datetime={after}"),
            400,
        ),
        (
            "?from_business_date=yesterday&to_business_date=today".to_owned(),
            400,
        ),
        (format!("{days}&bi_storelist=999999"), 404),
        (format!("{days}&bi_storelist=abc"), 400),
    ] {
        let (status, body) = report(&app, token, &query).await;
        assert_eq!(status, expected, "{query}: {body}");
    }
    let other = app.login(2).await;
    let (status, theirs) = report(&app, &other, &days).await;
    assert_eq!((status, theirs), (200, json!({"redemptions": []})));

    let period = format!(
        "?from={}&to={}",
        now.timestamp() - 3_600,
        now.timestamp() + 3_600
    );
    let full = format!("/v1.0/merchants/{}/reports/full{period}", world.merchant);
    let (status, merchant) = read(app.get(token, &full).await).await;
    assert_eq!(status, 200, "{merchant}");
    let merchant = &merchant["data"][0];
    let rows = merchant["data"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "voided ones are listed");
    assert!(rows
        .iter()
        .all(|row| row["merchant_id"] == world.merchant && row["account_id"] == 1));
    assert_eq!(
        merchant["total_redemptions"], 2,
        "voided ones are not counted"
    );
    assert_eq!(merchant["total_purchase_amount"], 20.0);
    assert_eq!(merchant["average_purchase"], 10.0);
    assert_eq!(
        merchant["redemptions_by_location"],
        json!({"Main St": 1, "Elsewhere": 1})
    );
    assert_eq!(
        merchant["redemptions_by_date"],
        json!({today.to_string(): "2"})
    );
    let by_merchant = merchant["redemptions_by_merchant"].as_object().unwrap();
    assert_eq!(by_merchant.values().collect::<Vec<_>>(), [&json!(2)]);
    let (status, account) = read(
        app.get(token, &format!("/v1.0/reports/account_level{period}"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{account}");
    assert_eq!(account["data"].as_array().unwrap().len(), 1);
    assert_eq!(&account["data"][0], merchant);
    let late = format!(
        "?from={}&to={}",
        now.timestamp() + 3_600,
        now.timestamp() + 7_200
    );
    let (_, quiet) = read(
        app.get(token, &format!("/v1.0/reports/account_level{late}"))
            .await,
    )
    .await;
    assert_eq!(quiet["data"][0]["total_redemptions"], 0);
    assert_eq!(quiet["data"][0]["data"], json!([]));
    for (path, expected) in [
        (
            format!("/v1.0/reports/account_level?from={}", now.timestamp()),
            400,
        ),
        ("/v1.0/reports/account_level?from=10&to=5".to_owned(), 400),
        ("/v1.0/reports/account_level?from=x&to=5".to_owned(), 400),
        (format!("/v1.0/merchants/999999/reports/full{period}"), 404),
    ] {
        let (status, body) = read(app.get(token, &path).await).await;
        assert_eq!(status, expected, "{path}: {body}");
    }
    let (status, _) = read(app.get(&other, &full).await).await;
    assert_eq!(status, 404, "another account's merchant");
    app.stop().await;
}
