//! The offer activity report over real HTTP: its counts by type equal those of the events a
//! scripted run recorded; its filters (type, code, dates, link) narrow it; CSV carries the same
//! rows, formula-looking cells defused; bad filters are refused; another account sees nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::{Command, Event, EventKind};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use support::commands::{execute, open_shop, world};
use support::{read, spawn_app, TestApp};
use testkit::fixtures::{create_member, created, issue, issued_code, redeem, ShopData};

/// Activity counts by report type that `events` imply.
fn expected(events: &[Event], offers_per_credential: usize) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let mut add = |kind: &str, count: usize| *counts.entry(kind.to_owned()).or_insert(0) += count;
    for event in events {
        match &event.kind {
            EventKind::CredentialIssued(issued) => add("issue", issued.offer_ids.len()),
            EventKind::RedemptionCommitted(recorded) => add("redeem", recorded.offers.len()),
            EventKind::RedemptionReversed(_) => add("void", offers_per_credential),
            EventKind::CredentialVoided(_) => add("void", offers_per_credential),
            _ => {}
        }
    }
    counts
}

fn counted(report: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for item in report.as_array().unwrap() {
        *counts
            .entry(item["type"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

async fn report(app: &TestApp, token: &str, query: &str) -> (u16, Value) {
    read(
        app.get(token, &format!("/v1.0/reports/offer_activity{query}"))
            .await,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offer_activity_report_counts_what_the_log_recorded() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let (member, channel, offer, store) = (
        domain::ids::MemberId(world.member),
        domain::ids::ChannelId(world.channel),
        domain::ids::OfferId(world.offer),
        domain::ids::StoreId(world.store),
    );
    let mut events = Vec::new();
    let bob = domain::ids::MemberId(created(&execute(&app, 1, create_member("=bob")).await));
    let mut codes = Vec::new();
    for holder in [member, member, bob] {
        let issued = execute(&app, 1, issue(holder, channel, offer)).await;
        codes.push(issued_code(&issued));
        events.extend(issued);
    }
    let first = execute(&app, 1, redeem(store, &codes[0])).await;
    let redemption = domain::ids::RedemptionId(created(&first));
    events.extend(first);
    events.extend(execute(&app, 1, redeem(store, &codes[2])).await);
    events.extend(
        execute(
            &app,
            1,
            Command::ReverseRedemption {
                redemption_id: redemption,
            },
        )
        .await,
    );
    let second_id = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::CredentialIssued(issued) => Some(issued.credential_id),
            _ => None,
        })
        .nth(1)
        .unwrap();
    events.extend(
        execute(
            &app,
            1,
            Command::VoidCredential {
                credential_id: second_id,
            },
        )
        .await,
    );

    let (status, all) = report(&app, token, "").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(counted(&all), expected(&events, 1));
    assert_eq!(all.as_array().unwrap().len(), 3 + 2 + 1 + 1);
    let activities: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] == "void")
        .map(|item| item["activity"].as_str().unwrap())
        .collect();
    assert_eq!(activities, ["reversed", "voided"]);

    let (_, redeems) = report(&app, token, "?type=redeem").await;
    assert_eq!(redeems.as_array().unwrap().len(), 2);
    assert!(redeems
        .as_array()
        .unwrap()
        .iter()
        .all(|item| item["type"] == "redeem"));
    let by_code = format!("?credential_identifier={}", codes[2].to_lowercase());
    let (_, one_code) = report(&app, token, &by_code).await;
    assert_eq!(
        counted(&one_code),
        BTreeMap::from([("issue".into(), 1), ("redeem".into(), 1)])
    );
    assert_eq!(one_code[0]["member"]["identifier"], "=bob");
    let (_, future) = report(&app, token, "?from_business_date=2999-01-01").await;
    assert_eq!(future, json!([]));
    let (_, past) = report(&app, token, "?to_reported_datetime=2000-01-01T00:00:00Z").await;
    assert_eq!(past, json!([]));

    let csv = app
        .client
        .get(app.url("/v1.0/reports/offer_activity.csv"))
        .header("X-Auth-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "id,type,activity,business_date,reported_at,offer_id,channel_id,credential_identifier,member_id,member_identifier,store_id,transaction_id");
    assert_eq!(lines.len(), 1 + 7);
    assert!(
        text.contains(",'=bob,"),
        "a formula-looking cell is defused: {text}"
    );

    for (query, status) in [
        ("?type=explode", 400),
        ("?type=reverse", 400),
        ("?from_business_date=yesterday", 400),
        ("?from_reported_datetime=soon", 400),
        ("?campaign_xid=nope", 400),
        ("?offer_id=abc", 400),
    ] {
        assert_eq!(report(&app, token, query).await.0, status, "{query}");
    }
    let (_, intruder) = open_shop(&app, 2, ShopData::new(None)).await;
    let (_, theirs) = report(&app, &intruder, "?type=redeem").await;
    assert_eq!(theirs, json!([]));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_longer_than_a_page_streams_whole() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let (member, channel, offer) = (
        domain::ids::MemberId(world.member),
        domain::ids::ChannelId(world.channel),
        domain::ids::OfferId(world.offer),
    );
    let issued = futures_util::future::join_all(
        (0..2_050).map(|_| execute(&app, 1, issue(member, channel, offer))),
    )
    .await;
    assert_eq!(issued.len(), 2_050);
    let (status, all) = report(&app, &world.token, "").await;
    assert_eq!(status, 200);
    let items = all.as_array().unwrap();
    assert_eq!(items.len(), 2_050);
    let mut ids: Vec<u64> = items
        .iter()
        .map(|item| item["id"].as_u64().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 2_050, "no row twice across pages");
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    let (_, none) = report(&app, &world.token, "?type=redeem").await;
    assert_eq!(
        none,
        json!([]),
        "pages with nothing to list still close the array"
    );
    app.stop().await;
}
