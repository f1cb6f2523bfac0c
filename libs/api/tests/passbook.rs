//! An offer's passbook configuration over real HTTP: set, read, changed, cleared and deleted;
//! its certificate and password never answered and never in the event log in the clear (the
//! file, or the topic's records); bad input, unknown offers and roles refused, changing
//! nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::Role;
use eventlog::LogUrl;
use reqwest::Method;
use serde_json::{json, Value};
use support::commands::world;
use support::data::{files_holding, records_holding};
use support::resources::send;
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;

/// Where the event log holds `needle`: its files (embedded) or its topic's records.
async fn in_the_log(app: &TestApp, needle: &str) -> Vec<String> {
    match &app.config.event_log {
        LogUrl::Sqlite(_) => files_holding(app.data_dir(), needle.as_bytes())
            .into_iter()
            .filter(|file| file.contains("events.db"))
            .collect(),
        kafka => records_holding(kafka, needle.as_bytes()).await,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passbook_configuration_keeps_its_secrets() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let path = format!("/v1.0/offers/{}/passbook_configuration", world.offer);
    let password = format!(
        "pw-{}",
        clock::Clock::now(&clock::SystemClock).timestamp_micros()
    );
    let certificate = "MIIKSQIBAzCCCg8GCSqGSIb3DQEHAaCCCgAEggn8MIIJ+DCCBK8GCSqG";
    let (status, missing) = send(&app, Method::GET, token, &path, json!({})).await;
    assert_eq!(
        (status, missing),
        (404, json!({"error": "Passbook configuration not found"}))
    );
    let (status, _) = send(
        &app,
        Method::PUT,
        token,
        &path,
        json!({"passbook_configuration": {}}),
    )
    .await;
    assert_eq!(status, 404, "PUT changes only what exists");

    let input = json!({"passbook_configuration": {"p12_certificate": certificate,
        "p12_password": password, "team_identifier": "TEAM123",
        "pass_type_id_name": "pass.com.example.coupon", "logo": "https://example.com/logo.png",
        "icon": "https://example.com/icon.png"}});
    let (status, created) = send(&app, Method::POST, token, &path, input).await;
    let expected = json!({"passbook_configuration": {"offer_id": world.offer, "serial_number": 1,
        "team_identifier": "TEAM123", "pass_type_id_name": "pass.com.example.coupon",
        "logo": "https://example.com/logo.png", "icon": "https://example.com/icon.png",
        "p12_certificate_set": true, "p12_password_set": true}});
    assert_eq!((status, &created), (201, &expected));
    let (status, shown) = send(&app, Method::GET, token, &path, json!({})).await;
    assert_eq!((status, &shown), (200, &expected));
    assert!(!shown.to_string().contains(&password));
    assert_eq!(
        in_the_log(&app, &password).await,
        Vec::<String>::new(),
        "the password is sealed"
    );
    assert_eq!(
        in_the_log(&app, certificate).await,
        Vec::<String>::new(),
        "the certificate is sealed"
    );

    let change =
        json!({"passbook_configuration": {"team_identifier": "TEAM456", "p12_password": ""}});
    let (status, changed) = send(&app, Method::PUT, token, &path, change).await;
    assert_eq!(status, 201, "{changed}");
    let changed = &changed["passbook_configuration"];
    assert_eq!(
        (&changed["serial_number"], &changed["team_identifier"]),
        (&json!(2), &json!("TEAM456"))
    );
    assert_eq!(
        (
            &changed["p12_certificate_set"],
            &changed["p12_password_set"]
        ),
        (&json!(true), &json!(false))
    );

    let bad: [(Value, u16); 4] = [
        (
            json!({"passbook_configuration": {"p12_certificate": "not base64!"}}),
            400,
        ),
        (
            json!({"passbook_configuration": {"logo": "javascript:alert(1)"}}),
            400,
        ),
        (
            json!({"passbook_configuration": {"team_identifier": "x".repeat(256)}}),
            400,
        ),
        (json!({"passbook": {}}), 400),
    ];
    for (body, expected) in bad {
        let (status, answer) = send(&app, Method::PUT, token, &path, body.clone()).await;
        assert_eq!(status, expected, "{body}: {answer}");
    }
    let (_, unchanged) = send(&app, Method::GET, token, &path, json!({})).await;
    assert_eq!(
        unchanged["passbook_configuration"]["serial_number"], 2,
        "refusals change nothing"
    );

    app.bootstrap(1, "reporter", "reporter-key", vec![Role::Reporting])
        .await;
    let reporter = app.token("reporter", "reporter-key").await;
    let (status, _) = send(&app, Method::GET, &reporter, &path, json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &app,
        Method::POST,
        &reporter,
        &path,
        json!({"passbook_configuration": {}}),
    )
    .await;
    assert_eq!(status, 403);
    let other = app.login(2).await;
    let (status, _) = send(&app, Method::GET, &other, &path, json!({})).await;
    assert_eq!(status, 404, "another account's offer");
    let unknown = "/v1.0/offers/999999/passbook_configuration";
    let (status, _) = send(
        &app,
        Method::POST,
        token,
        unknown,
        json!({"passbook_configuration": {}}),
    )
    .await;
    assert_eq!(status, 404);

    let (status, _) = read(
        app.client
            .delete(app.url(&path))
            .header("X-Auth-Token", token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = send(&app, Method::GET, token, &path, json!({})).await;
    assert_eq!(status, 404);
    let (status, _) = read(
        app.client
            .delete(app.url(&path))
            .header("X-Auth-Token", token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    app.stop().await;
}
