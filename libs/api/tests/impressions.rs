//! Impressions over real HTTP: recorded through an offer's xid with a digest of the cookie
//! (the cookie itself is never answered or kept in the read model), listed, deleted, and out
//! of reach of other accounts and of reporting keys' writes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use serde_json::{json, Value};
use support::commands::{open_shop, world, World};
use support::resources::delete;
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

async fn xid(app: &TestApp, world: &World) -> String {
    let path = format!("/v1.0/offers/{}/channels/{}", world.offer, world.channel);
    let (status, link) = read(app.get(&world.token, &path).await).await;
    assert_eq!(status, 200, "{link}");
    link["eligible_channel"]["xid"].as_str().unwrap().to_owned()
}

async fn record(app: &TestApp, token: &str, impression: Value) -> (u16, Value) {
    let body = json!({ "impression": impression });
    read(app.post(token, "/v1.0/impressions", &body).await).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_impression_is_recorded_listed_and_deleted_without_its_cookie() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let xid = xid(&app, &world).await;
    let cookie = "visitor-cookie-4711";
    let (status, recorded) = record(
        &app,
        token,
        json!({"offer_xid": xid, "cookie_id": cookie, "annotations": {"sf_ac": "banner-1"},
               "member_id": world.member}),
    )
    .await;
    assert_eq!(status, 201, "{recorded}");
    let impression = &recorded["impression"];
    assert_eq!(impression["offer_id"], world.offer);
    assert_eq!(impression["channel_id"], world.channel);
    assert_eq!(impression["offer_xid"], xid.as_str());
    assert_eq!(impression["creative_name"], "banner-1");
    assert_eq!(impression["member_id"], world.member);
    let digest = impression["cookie_id"].as_str().unwrap();
    assert_eq!(digest.len(), 64);
    assert!(!recorded.to_string().contains(cookie));
    let (_, again) = record(&app, token, json!({"offer_xid": xid, "cookie_id": cookie})).await;
    assert_eq!(
        again["impression"]["cookie_id"], digest,
        "one visitor, one digest"
    );

    let (status, listed) = read(app.get(token, "/v1.0/impressions").await).await;
    assert_eq!(status, 200);
    assert_eq!(listed["total_entries"], 2);
    assert_eq!(listed["impressions"][0]["impression"], *impression);
    assert!(!listed.to_string().contains(cookie));

    let id = impression["id"].as_u64().unwrap();
    let path = format!("/v1.0/impressions/{id}");
    assert_eq!(delete(&app, token, &path, &json!({})).await.0, 200);
    assert_eq!(delete(&app, token, &path, &json!({})).await.0, 404);
    let (_, after) = read(app.get(token, "/v1.0/impressions").await).await;
    assert_eq!(after["total_entries"], 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_impressions_change_nothing() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let xid = xid(&app, &world).await;
    for (impression, status) in [
        (json!({"offer_xid": "no-such-xid", "cookie_id": "c"}), 404),
        (json!({"offer_xid": xid, "cookie_id": " "}), 400),
        (json!({"offer_xid": xid}), 400),
        (json!({"cookie_id": "c"}), 400),
        (json!({"offer_xid": xid, "cookie_id": "c".repeat(256)}), 400),
        (
            json!({"offer_xid": xid, "cookie_id": "c", "member_id": 999_999}),
            404,
        ),
        (
            json!({"offer_xid": xid, "cookie_id": "c", "creative_name": "x".repeat(256)}),
            400,
        ),
        (json!({"offer_xid": xid, "cookie_id": "c\u{0}d"}), 400),
    ] {
        let (answered, body) = record(&app, token, impression.clone()).await;
        assert_eq!(answered, status, "{impression}: {body}");
    }
    let (_, none) = read(app.get(token, "/v1.0/impressions").await).await;
    assert_eq!(none["total_entries"], 0);

    let (_, kept) = record(&app, token, json!({"offer_xid": xid, "cookie_id": "c"})).await;
    let path = format!("/v1.0/impressions/{}", kept["impression"]["id"]);
    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    let (_, theirs) = read(app.get(&intruder, "/v1.0/impressions").await).await;
    assert_eq!(theirs["total_entries"], 0);
    assert_eq!(delete(&app, &intruder, &path, &json!({})).await.0, 404);
    let foreign = record(&app, &intruder, json!({"offer_xid": xid, "cookie_id": "c"})).await;
    assert_eq!(
        foreign,
        (404, json!({"error": "Offer not found"})),
        "another account's xid"
    );
    assert_eq!(
        delete(
            &app,
            token,
            &format!("/v1.0/impressions/{}", u64::MAX),
            &json!({})
        )
        .await
        .0,
        404
    );

    app.bootstrap(1, "reports", "secret", vec![Role::Reporting])
        .await;
    let reporting = app.token("reports", "secret").await;
    assert_eq!(app.get(&reporting, "/v1.0/impressions").await.status(), 200);
    let (status, _) = record(
        &app,
        &reporting,
        json!({"offer_xid": xid, "cookie_id": "c"}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(delete(&app, &reporting, &path, &json!({})).await.0, 403);
    let (_, still) = read(app.get(token, "/v1.0/impressions").await).await;
    assert_eq!(still["total_entries"], 1);
    app.stop().await;
}

/// The merchant's impressions report counts visitors once a day and views each time, in the
/// period asked, for the merchant's offers only; bad periods and unknown merchants refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_merchant_impressions_report_counts_unique_visitors_and_views() {
    let app = spawn_app().await;
    let mut data = ShopData::new(None);
    data.offer_of_merchant = true;
    let world = world(&app, data).await;
    let token = &world.token;
    let xid = xid(&app, &world).await;
    for cookie in ["visitor-a", "visitor-a", "visitor-b"] {
        let (status, body) =
            record(&app, token, json!({"offer_xid": xid, "cookie_id": cookie})).await;
        assert_eq!(status, 201, "{body}");
    }
    let now = clock::Clock::now(&clock::SystemClock);
    let today = now.date_naive().to_string();
    let period = format!("?from={}&to={}", now.timestamp() - 60, now.timestamp() + 60);
    let path = format!("/v1.0/merchants/{}/reports/impressions", world.merchant);
    let (status, report) = read(app.get(token, &format!("{path}{period}")).await).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report,
        json!({"data": [{"report": {"impressions": {
            "series": [{"name": "unique", "value": "2"}, {"name": "total", "value": "3"}],
            "data_items": [[[today, "2"]], [[today, "3"]]],
        }}}]})
    );
    let later = format!(
        "?from={}&to={}",
        now.timestamp() + 60,
        now.timestamp() + 120
    );
    let (_, quiet) = read(app.get(token, &format!("{path}{later}")).await).await;
    assert_eq!(
        quiet["data"][0]["report"]["impressions"]["series"][1]["value"],
        "0"
    );
    for (query, expected) in [
        (format!("{path}?from=1"), 400),
        (format!("{path}?from=9&to=1"), 400),
        (
            format!("/v1.0/merchants/999999/reports/impressions{period}"),
            404,
        ),
    ] {
        let (status, body) = read(app.get(token, &query).await).await;
        assert_eq!(status, expected, "{query}: {body}");
    }
    let other = app.login(2).await;
    let (status, _) = read(app.get(&other, &format!("{path}{period}")).await).await;
    assert_eq!(status, 404, "another account's merchant");
    app.stop().await;
}
