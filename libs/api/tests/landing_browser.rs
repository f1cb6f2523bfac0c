//! A landing page in a real headless browser: Debian's chromium driven through chromedriver
//! (WebDriver, by fantoccini). The desktop page shows the offer's name, the visitor's code
//! (a real credential), the banner (loaded from a local image server) and the header in the
//! offer's colour; a second visit with `printable=false` on a phone-sized window gets the
//! mobile layout. Screenshots of both go to the test's temporary folder, and to `docs/`
//! (referenced from README) when `UPDATE_SCREENSHOTS` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::commands::world;
use support::resources::put;
use support::{read, spawn_app, TestApp};
use testkit::fixtures::ShopData;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BANNER: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"200\">\
    <rect width=\"800\" height=\"200\" fill=\"#f5b041\"/>\
    <text x=\"40\" y=\"120\" font-size=\"64\" font-family=\"sans-serif\" fill=\"#fff\">\
    Burger week</text></svg>";

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Self {
        let port = StdListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver; scripts/services installs it)");
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not listen on {port}");
    }

    async fn browser(&self, width: u32, height: u32) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", format!("--window-size={width},{height}")],
            }),
        );
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves the banner at `http://127.0.0.1:{port}/banner.svg`; the url.
async fn banner_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 2048];
                let _ = stream.read(&mut request).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/svg+xml\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{BANNER}",
                    BANNER.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/banner.svg")
}

/// Saves `png` as `name` in the test's temporary folder, and in `docs/` when asked to.
fn save(png: &[u8], name: &str) {
    let temporary = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&temporary, png).unwrap();
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs")
            .join(name);
        std::fs::write(docs, png).unwrap();
    }
}

async fn script(browser: &Client, source: &str) -> Value {
    browser.execute(source, Vec::new()).await.unwrap()
}

async fn text(browser: &Client, id: &str) -> String {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn credential_exists(app: &TestApp, token: &str, code: &str) -> bool {
    let path = format!("/v1.0/credentials?identifier={code}");
    let (status, found) = read(app.get(token, &path).await).await;
    status == 200 && found["total_entries"] == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_landing_page_renders_in_chromium_on_desktop_and_mobile() {
    let app = spawn_app().await;
    let world = world(&app, ShopData::new(None)).await;
    let token = &world.token;
    let banner = banner_server().await;
    let offer = json!({"offer": {"name": "A dollar off any burger",
        "description": "Burger week: a dollar off any burger, all week.",
        "terms_and_conditions": "One per visit. Not valid with other offers.",
        "merchant_id": world.merchant,
        "formatting": {"bg_color": "#c0392b", "bg_image": banner}}});
    let path = format!("/v1.0/offers/{}", world.offer);
    assert_eq!(put(&app, token, &path, &offer).await.0, 200);
    let merchant = format!("/v1.0/merchants/{}", world.merchant);
    let barcodes = json!({"merchant": {"supports_barcode": true}});
    assert_eq!(put(&app, token, &merchant, &barcodes).await.0, 200);
    let link = format!("/v1.0/offers/{}/channels/{}", world.offer, world.channel);
    let (_, link) = read(app.get(token, &link).await).await;
    let xid = link["eligible_channel"]["xid"].as_str().unwrap().to_owned();

    let driver = Driver::start().await;
    let desktop = driver.browser(1024, 1000).await;
    desktop.goto(&app.url(&format!("/{xid}"))).await.unwrap();
    assert_eq!(text(&desktop, "name").await, "A dollar off any burger");
    let code = text(&desktop, "code").await;
    assert!(
        credential_exists(&app, token, &code).await,
        "{code} was issued"
    );
    let loaded = script(
        &desktop,
        "const b = document.getElementById('banner'); return b.complete && b.naturalWidth;",
    )
    .await;
    assert_eq!(loaded, json!(800), "the banner loaded");
    let header = script(
        &desktop,
        "return getComputedStyle(document.getElementById('header')).backgroundColor;",
    )
    .await;
    assert_eq!(header, json!("rgb(192, 57, 43)"));
    let layout = script(&desktop, "return document.body.className;").await;
    assert_eq!(layout, json!("printable"));
    let qr = script(
        &desktop,
        "return document.querySelector('#qr svg') !== null;",
    )
    .await;
    assert_eq!(qr, json!(true), "the merchant supports barcodes");
    save(&desktop.screenshot().await.unwrap(), "landing-desktop.png");
    desktop.close().await.unwrap();

    let phone = driver.browser(390, 844).await;
    phone
        .goto(&app.url(&format!("/{xid}?printable=false")))
        .await
        .unwrap();
    let layout = script(&phone, "return document.body.className;").await;
    assert_eq!(layout, json!("mobile"));
    let margin = script(
        &phone,
        "return getComputedStyle(document.querySelector('main')).marginTop;",
    )
    .await;
    assert_eq!(margin, json!("0px"), "the mobile layout fills the screen");
    let second = text(&phone, "code").await;
    assert_ne!(second, code, "a new visitor, a new code");
    assert!(text(&phone, "hint").await.contains("Show this code"));
    save(&phone.screenshot().await.unwrap(), "landing-mobile.png");
    phone.close().await.unwrap();
    app.stop().await;
}
