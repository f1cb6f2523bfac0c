//! Landing pages over real HTTP (`GET /{xid}`): the offer with its banner, colour and terms
//! and a fresh code per anonymous visit (a real credential, carrying the creative), an
//! impression per view, a known member's code again on return, the mobile layout, a QR code
//! where the merchant supports barcodes; the link's security; closed pages; and hostile
//! visits, which get a clear page and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{json, Value};
use support::commands::{world, World};
use support::resources::put;
use support::{read, spawn_app, spawn_app_configured, TestApp};
use testkit::fixtures::ShopData;

/// A landing page as fetched: status, headers of note, body.
struct Page {
    status: u16,
    body: String,
    content_type: String,
    policy: String,
    cache: String,
    set_cookie: bool,
}

impl Page {
    /// The code shown, when there is one.
    fn code(&self) -> Option<String> {
        let start = self.body.find("id=\"code\">")? + "id=\"code\">".len();
        let end = self.body[start..].find("</p>")?;
        Some(self.body[start..start + end].to_owned())
    }
}

async fn visit(app: &TestApp, path: &str) -> Page {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, policy, cache) = (
        header("content-type"),
        header("content-security-policy"),
        header("cache-control"),
    );
    let set_cookie = response.headers().contains_key("set-cookie");
    Page {
        status: response.status().as_u16(),
        content_type,
        policy,
        cache,
        set_cookie,
        body: response.text().await.unwrap(),
    }
}

async fn link_path(world: &World) -> String {
    format!("/v1.0/offers/{}/channels/{}", world.offer, world.channel)
}

async fn xid(app: &TestApp, world: &World) -> String {
    let (status, link) = read(app.get(&world.token, &link_path(world).await).await).await;
    assert_eq!(status, 200, "{link}");
    link["eligible_channel"]["xid"].as_str().unwrap().to_owned()
}

async fn total(app: &TestApp, token: &str, path: &str) -> u64 {
    let (status, listed) = read(app.get(token, path).await).await;
    assert_eq!(status, 200, "{listed}");
    listed["total_entries"].as_u64().unwrap()
}

async fn change_offer(app: &TestApp, world: &World, offer: Value) {
    let path = format!("/v1.0/offers/{}", world.offer);
    let (status, body) = put(app, &world.token, &path, &json!({ "offer": offer })).await;
    assert_eq!(status, 200, "{body}");
}

async fn secure_link(app: &TestApp, world: &World, settings: Value) -> Value {
    let body = json!({ "eligible_channel": settings });
    let (status, link) = put(app, &world.token, &link_path(world).await, &body).await;
    assert_eq!(status, 201, "{link}");
    link["eligible_channel"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_shows_the_offer_and_gives_each_anonymous_visitor_a_code() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    change_offer(
        &app,
        &world,
        json!({"description": "Any burger, a dollar off", "terms_and_conditions": "One per visit.",
               "formatting": {"bg_color": "#c0392b", "bg_image": "https://img.example/banner.png"}}),
    )
    .await;
    let xid = xid(&app, &world).await;
    let credentials = total(&app, token, "/v1.0/credentials").await;

    let first = visit(&app, &format!("/{xid}?sf_ac=spring-banner")).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.content_type.starts_with("text/html"));
    assert!(
        first.policy.starts_with("default-src 'none'"),
        "{}",
        first.policy
    );
    assert_eq!(first.cache, "no-store");
    assert!(first.set_cookie, "a new visitor gets a cookie");
    for shown in [
        "Dollar off",
        "Any burger, a dollar off",
        "One per visit.",
        "src=\"https://img.example/banner.png\"",
        "background: #c0392b",
        "class=\"printable\"",
    ] {
        assert!(first.body.contains(shown), "{shown} in {}", first.body);
    }
    assert!(
        !first.body.contains("id=\"qr\""),
        "the merchant has no barcodes"
    );
    let code = first.code().unwrap();
    assert!(code.len() >= 10, "{code}");

    let second = visit(&app, &format!("/{xid}?printable=false")).await;
    assert_eq!(second.status, 200);
    assert!(second.body.contains("class=\"mobile\""));
    assert_ne!(
        second.code().unwrap(),
        code,
        "a new code per anonymous visit"
    );
    assert_eq!(
        total(&app, token, "/v1.0/credentials").await,
        credentials + 2
    );

    let (status, issued) = read(
        app.get(token, &format!("/v1.0/credentials?identifier={code}"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{issued}");
    let issued = issued.to_string();
    assert!(
        issued.contains("spring-banner"),
        "the creative is kept: {issued}"
    );

    let (_, impressions) = read(app.get(token, "/v1.0/impressions").await).await;
    assert_eq!(impressions["total_entries"], 2, "{impressions}");
    let first_impression = &impressions["impressions"][0]["impression"];
    assert_eq!(first_impression["offer_xid"], xid.as_str());
    assert_eq!(first_impression["offer_id"], world.offer);
    assert_eq!(first_impression["creative_name"], "spring-banner");
    assert_eq!(first_impression["cookie_id"].as_str().unwrap().len(), 64);

    change_offer(&app, &world, json!({"merchant_id": world.merchant})).await;
    let merchant = format!("/v1.0/merchants/{}", world.merchant);
    let barcodes = json!({"merchant": {"supports_barcode": true}});
    assert_eq!(put(&app, token, &merchant, &barcodes).await.0, 200);
    let with_qr = visit(&app, &format!("/{xid}")).await;
    assert!(with_qr.body.contains("id=\"qr\"><svg"), "{}", with_qr.body);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_returns_to_their_code_and_the_links_security_holds() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let (_, member) = read(
        app.get(token, &format!("/v1.0/members/{}", world.member))
            .await,
    )
    .await;
    let identifier = member["member"]["identifier"].as_str().unwrap().to_owned();
    let xid = xid(&app, &world).await;
    let mine = format!("/{xid}?sf_uid={identifier}");
    let first = visit(&app, &mine).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let again = visit(&app, &mine).await;
    assert_eq!(again.code(), first.code(), "the member's open code, again");

    let link = secure_link(&app, &world, json!({"security": "key"})).await;
    let key = link["security_key"].as_str().unwrap().to_owned();
    let credentials = total(&app, token, "/v1.0/credentials").await;
    let members = total(&app, token, "/v1.0/members").await;
    for refused in [format!("/{xid}"), format!("/{xid}?security_key=wrong")] {
        let page = visit(&app, &refused).await;
        assert_eq!(page.status, 403, "{refused}: {}", page.body);
        assert!(page.code().is_none());
    }
    let keyed = visit(&app, &format!("/{xid}?security_key={key}")).await;
    assert_eq!(keyed.status, 200, "{}", keyed.body);

    secure_link(&app, &world, json!({"security": "member"})).await;
    let anonymous = visit(&app, &format!("/{xid}?sf_uid=nobody")).await;
    assert_eq!(anonymous.status, 403);
    assert!(
        anonymous.body.contains("members only"),
        "{}",
        anonymous.body
    );
    assert_eq!(visit(&app, &mine).await.code(), first.code());
    assert_eq!(
        total(&app, token, "/v1.0/credentials").await,
        credentials + 1,
        "only the keyed visit drew a code"
    );
    assert_eq!(total(&app, token, "/v1.0/members").await, members + 1);

    secure_link(
        &app,
        &world,
        json!({"security": "none", "allow_return_later": false}),
    )
    .await;
    let fresh = visit(&app, &mine).await;
    assert_ne!(fresh.code(), first.code(), "no return: a new code");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_and_hostile_visits_get_a_clear_page_and_change_nothing() {
    let app = spawn_app_configured(|config| {
        config.landing.burst = 2;
        config.landing.refill_millis = 3_600_000;
    })
    .await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    change_offer(&app, &world, json!({"name": "<script>alert(1)</script>"})).await;
    let xid = xid(&app, &world).await;
    let credentials = total(&app, token, "/v1.0/credentials").await;
    for (path, status) in [
        ("/ZZZZZZZ".to_owned(), 404),
        ("/%3Cscript%3E".to_owned(), 404),
        (format!("/{}", "a".repeat(5_000)), 404),
        (format!("/{xid}?sf_ac={}", "x".repeat(256)), 400),
        (format!("/{xid}?security_key={}", "k".repeat(300)), 400),
        (format!("/{xid}?printable=1&printable=2"), 400),
    ] {
        let page = visit(&app, &path).await;
        assert_eq!(page.status, status, "{path}: {}", page.body);
        assert!(page.content_type.starts_with("text/html"), "{path}");
        assert!(page.code().is_none());
    }
    assert_eq!(total(&app, token, "/v1.0/credentials").await, credentials);
    assert_eq!(total(&app, token, "/v1.0/impressions").await, 0);

    let shown = visit(&app, &format!("/{xid}")).await;
    assert_eq!(shown.status, 200);
    assert!(!shown.body.contains("<script>"), "escaped: {}", shown.body);
    assert!(
        shown
            .body
            .contains("<h1 id=\"name\">&#60;script&#62;alert(1)&#60;/script&#62;</h1>"),
        "{}",
        shown.body
    );
    assert_eq!(visit(&app, &format!("/{xid}")).await.status, 200);
    let busy = visit(&app, &format!("/{xid}")).await;
    assert_eq!(
        busy.status, 429,
        "the address spent its codes: {}",
        busy.body
    );
    assert_eq!(
        total(&app, token, "/v1.0/credentials").await,
        credentials + 2
    );

    let (status, health) = read(app.client.get(app.url("/health")).send().await.unwrap()).await;
    assert_eq!(status, 200, "{health}");
    let metrics = visit(&app, "/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.content_type.starts_with("text/plain"),
        "{}",
        metrics.content_type
    );

    let stop = format!("/v1.0/offers/{}/actions/stop", world.offer);
    assert_eq!(put(&app, token, &stop, &json!({})).await.0, 200);
    let ended = visit(&app, &format!("/{xid}")).await;
    assert_eq!(ended.status, 410);
    assert!(ended.body.contains("has ended"));
    app.stop().await;
}
