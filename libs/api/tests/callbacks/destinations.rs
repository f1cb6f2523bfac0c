//! Where callbacks may go, over the real server: a callback url pointing at an internal
//! address is refused when it is set (400, nothing changed), the operator's allow-list opens
//! a range, and a name whose DNS answer turns to a refused address after the url was
//! accepted ends `refused` at delivery without a request.

use super::support::{spawn_app, spawn_app_with};
use super::{local_partners, newest_delivery, point_channel, redeem, send, shop};
use benches::load::{Behaviour, Receiver};
use callbacks::destination::StaticResolver;
use callbacks::DispatcherConfig;
use reqwest::Method;
use serde_json::{json, Value};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// One url in every refused range and spelling (`{port}`: the server's own port).
const REFUSED: &[&str] = &[
    "http://127.0.0.1:5432/x",
    "http://127.9.9.9/cb",
    "http://0.0.0.0:{port}/v1.0/members",
    "http://[::]:{port}/v1.0/members",
    "http://[::1]/cb",
    "http://10.0.0.1/cb",
    "http://172.16.0.1/cb",
    "http://172.31.255.254/cb",
    "http://192.168.1.1/cb",
    "http://100.64.0.1/cb",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/cb",
    "http://[fc00::1]/cb",
    "http://[fd12:3456::1]/cb",
    "http://224.0.0.1/cb",
    "http://[ff02::1]/cb",
    "http://255.255.255.255/cb",
    "http://240.0.0.1/cb",
    "http://192.0.2.1/cb",
    "http://[::ffff:127.0.0.1]/cb",
    "http://[::ffff:169.254.169.254]/cb",
    "http://[::10.0.0.1]/cb",
    "http://[64:ff9b::a9fe:a9fe]/cb",
    "http://[2002:c0a8:101::1]/cb",
    "http://2130706433/cb",
    "http://0x7f.0.0.1/cb",
    "https://user@10.1.2.3:8443/cb/%{credential_id}?at=%{redeemed_at}",
    "http://localhost:5432/x",
];

fn refused_error(body: &Value, field: &str) -> bool {
    body["error"]
        .as_str()
        .is_some_and(|error| error.starts_with(field) && error.contains("internal address"))
}

#[tokio::test]
async fn callback_urls_to_internal_addresses_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let token = app.login(1).await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let good = "https://93.184.216.34/cb/%{credential_id}";
    let body = json!({"channel": {"name": "Partner", "conversion_callback_url": good}});
    let (status, created) = send(&app, &token, Method::POST, "/v1.0/channels", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let channel = created["channel"]["id"].as_u64().unwrap();
    let account_url = json!({"account": {"callbacks": {"credential_url": good}}});
    let (status, _) = send(
        &app,
        &token,
        Method::PUT,
        "/v1.0/account",
        Some(account_url),
    )
    .await;
    assert_eq!(status, 200);

    for url in REFUSED {
        let url = url.replace("{port}", &port);
        let create = json!({"channel": {"name": "Scanner", "conversion_callback_url": url}});
        let (status, body) = send(&app, &token, Method::POST, "/v1.0/channels", Some(create)).await;
        assert_eq!(status, 400, "create {url}: {body}");
        assert!(refused_error(&body, "Conversion callback url"), "{body}");
        let (status, body) = point_channel(&app, &token, channel, &url).await;
        assert_eq!(status, 400, "update {url}: {body}");
        assert!(refused_error(&body, "Conversion callback url"), "{body}");
        let account = json!({"account": {"callbacks": {"credential_url": url}}});
        let (status, body) = send(&app, &token, Method::PUT, "/v1.0/account", Some(account)).await;
        assert_eq!(status, 400, "account {url}: {body}");
        assert!(refused_error(&body, "Credential callback url"), "{body}");
    }

    let (_, listed) = send(&app, &token, Method::GET, "/v1.0/channels", None).await;
    assert_eq!(listed["total_entries"], 1, "no channel created: {listed}");
    let path = format!("/v1.0/channels/{channel}");
    let (_, one) = send(&app, &token, Method::GET, &path, None).await;
    assert_eq!(one["channel"]["conversion_callback_url"], good);
    let (_, account) = send(&app, &token, Method::GET, "/v1.0/account", None).await;
    assert_eq!(account["account"]["credential_callback_url"], good);
    let unresolved = "https://no-such-partner.invalid/cb";
    let (status, body) = point_channel(&app, &token, channel, unresolved).await;
    assert_eq!(
        status, 200,
        "a name that does not resolve yet is left to delivery: {body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_allow_list_opens_its_ranges_and_nothing_else() {
    let app = spawn_app_with(Some(DispatcherConfig {
        destinations: local_partners(),
        ..DispatcherConfig::default()
    }))
    .await;
    let token = app.login(1).await;
    let body =
        json!({"channel": {"name": "Local", "conversion_callback_url": "http://127.0.0.1:9/cb"}});
    let (status, created) = send(&app, &token, Method::POST, "/v1.0/channels", Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let channel = created["channel"]["id"].as_u64().unwrap();
    for url in [
        "http://10.0.0.1/cb",
        "http://169.254.169.254/",
        "http://[::1]/cb",
    ] {
        assert_eq!(
            point_channel(&app, &token, channel, url).await.0,
            400,
            "{url}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_turns_to_a_refused_address_after_it_was_accepted_ends_refused() {
    let receiver = Receiver::start(Behaviour::Accept).unwrap();
    let resolver = Arc::new(StaticResolver::new());
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    resolver.set("partner.test", &[loopback]);
    let app = spawn_app_with(Some(DispatcherConfig {
        destinations: local_partners().with_resolver(resolver.clone()),
        ..DispatcherConfig::default()
    }))
    .await;
    let url = format!(
        "http://partner.test:{}/cb/%{{credential_id}}",
        receiver.port
    );
    let (token, api, fixture) = shop(&app, 1, 2, &url).await;
    let channel = fixture.channel_id;

    redeem(&api, &fixture, 0).await;
    assert_eq!(receiver.wait_for(1, WAIT).await.len(), 1);
    newest_delivery(&app, &token, channel, WAIT, |d| d["status"] == "delivered").await;

    let metadata: IpAddr = "169.254.169.254".parse().unwrap();
    resolver.set("partner.test", &[metadata]);
    redeem(&api, &fixture, 1).await;
    let refused = newest_delivery(&app, &token, channel, WAIT, |d| d["status"] == "refused").await;
    assert_eq!(refused["attempts"], 0, "{refused}");
    assert_eq!(refused["error_code"], "REFUSED");
    assert_eq!(refused["last_error"], "destination not allowed");
    assert_eq!(
        receiver.received().len(),
        1,
        "nothing sent after the change"
    );
    let (status, body) = point_channel(&app, &token, channel, &url).await;
    assert_eq!(status, 400, "now refused when set, too: {body}");
    app.stop().await;
}
