//! Code guessing, attacked over real HTTP: the wrong-code allowances are kept per API key,
//! store and account, so neither a fresh `X-Terminal-Id` nor parallel requests nor more keys
//! get a guesser past them, and past them a right code is refused exactly as a wrong one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "pos_cases/fixtures.rs"]
mod fixtures;
mod support;

use domain::account::Role;
use engine::{Allowance, GuessLimits};
use fixtures::{pos, redemption_count, Shop};
use serde_json::Value;
use std::time::Duration;
use support::{spawn_app, spawn_app_configured, TestApp};

const REDEEM: &str = "/v1.0/pos/redemptions";
const EVALUATE: &str = "/v1.0/pos/evaluate";

/// A wrong code in the shape of a real one (12 characters of the code alphabet) and one
/// that is not: both are refused alike.
fn guess(n: usize) -> String {
    if n.is_multiple_of(2) {
        format!("GUESS{n:07}")
    } else {
        format!("{n:08}")
    }
}

/// Allowances that do not refill during a test: whatever the machine's speed, the counts are
/// exact.
fn slow(key: u32, store: u32, account: u32) -> GuessLimits {
    let allowance = |burst| Allowance {
        burst,
        refill: Duration::from_secs(3_600),
    };
    GuessLimits {
        per_key: allowance(key),
        per_store: allowance(store),
        per_account: allowance(account),
    }
}

async fn statuses(responses: Vec<(u16, Value)>) -> (usize, usize) {
    let wrong = responses
        .iter()
        .filter(|(status, _)| *status == 404)
        .count();
    let limited = responses
        .iter()
        .filter(|(status, _)| *status == 429)
        .count();
    assert_eq!(wrong + limited, responses.len(), "{responses:?}");
    (wrong, limited)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_terminal_id_buys_no_fresh_allowance() {
    let app = spawn_app().await;
    let (shop, token) = Shop::open(&app, 41).await;
    let offer = shop.burger_offer(&app, serde_json::json!({})).await;
    let (_, right) = shop.credential(&app, &[offer]).await;
    let mut answers = Vec::new();
    for n in 0..100 {
        let terminal = format!("lane-{n}");
        let key = format!("t-{n}");
        let basket = shop.basket(&[&guess(n)]);
        answers.push(pos(&app, &token, REDEEM, Some(&key), Some(&terminal), &basket).await);
    }
    assert!(answers[..10].iter().all(|(status, _)| *status == 404));
    let (wrong, limited) = statuses(answers).await;
    assert!(
        (10..=11).contains(&wrong),
        "the key's burst of 10 (plus at most one refilled unit): {wrong}"
    );
    assert_eq!(limited, 100 - wrong);

    let response = app
        .client
        .post(app.url(REDEEM))
        .header("X-Auth-Token", &token)
        .header("Idempotency-Key", "right-1")
        .header("X-Terminal-Id", "a-new-lane")
        .json(&shop.basket(&[&right]))
        .send()
        .await
        .unwrap();
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&retry_after), "{retry_after}");
    let (status, body) = support::read(response).await;
    let (wrong_status, wrong_body) = pos(
        &app,
        &token,
        REDEEM,
        Some("wrong-after"),
        None,
        &shop.basket(&[&guess(1_000)]),
    )
    .await;
    assert_eq!((status, &body), (wrong_status, &wrong_body));
    assert_eq!(
        body,
        serde_json::json!({"error": "Too many invalid codes; retry later"})
    );
    assert_eq!(redemption_count(&app, &token).await, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_spend_the_allowance_exactly() {
    let app = spawn_app_configured(|config| config.guesses = slow(10, 1_000, 1_000)).await;
    let (shop, token) = Shop::open(&app, 42).await;
    let offer = shop.burger_offer(&app, serde_json::json!({})).await;
    let (_, right) = shop.credential(&app, &[offer]).await;
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let (app, token, basket) = (&app, &token, shop.basket(&[&guess(n)]));
            async move {
                let path = if n.is_multiple_of(2) {
                    REDEEM
                } else {
                    EVALUATE
                };
                let key = format!("p-{n}");
                let terminal = format!("lane-{n}");
                pos(app, token, path, Some(&key), Some(&terminal), &basket).await
            }
        })
        .collect();
    let answers = futures_util::future::join_all(tasks).await;
    let (wrong, limited) = statuses(answers).await;
    assert_eq!((wrong, limited), (10, 190));

    for path in [REDEEM, EVALUATE] {
        let (status, body) = pos(
            &app,
            &token,
            path,
            Some("right"),
            None,
            &shop.basket(&[&right]),
        )
        .await;
        assert_eq!(status, 429, "a right code past the allowance: {body}");
    }
    assert_eq!(redemption_count(&app, &token).await, 0);
    app.stop().await;
}

/// Logs in a second key of the shop's account with `roles`.
async fn second_key(app: &TestApp, shop: &Shop, name: &str) -> String {
    app.bootstrap(shop.account, name, &format!("{name}-key"), vec![Role::Pos])
        .await;
    app.token(name, &format!("{name}-key")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_keys_meet_the_store_and_the_account_ceilings() {
    let app = spawn_app_configured(|config| config.guesses = slow(4, 6, 9)).await;
    let (shop, admin) = Shop::open(&app, 43).await;
    let mut tokens = vec![admin];
    for n in 0..4 {
        tokens.push(second_key(&app, &shop, &format!("lane-key-{n}")).await);
    }
    let mut wrong = 0;
    for (n, token) in tokens.iter().enumerate() {
        for attempt in 0..4 {
            let key = format!("s-{n}-{attempt}");
            let basket = shop.basket(&[&guess(n * 10 + attempt)]);
            let (status, _) = pos(&app, token, REDEEM, Some(&key), None, &basket).await;
            wrong += usize::from(status == 404);
        }
    }
    assert_eq!(
        wrong, 6,
        "one store: its allowance, whatever the number of keys"
    );

    let other_store = fixtures::created(
        &fixtures::run(
            &app,
            shop.account,
            serde_json::json!({"command": "create_store", "merchant_id": shop.merchant,
                "fields": {"name": "Second St"}}),
        )
        .await,
    );
    for (n, token) in tokens.iter().enumerate().skip(2) {
        for attempt in 0..4 {
            let key = format!("o-{n}-{attempt}");
            let mut basket = shop.basket(&[&guess(100 + n * 10 + attempt)]);
            basket["store_id"] = other_store.into();
            let (status, _) = pos(&app, token, REDEEM, Some(&key), None, &basket).await;
            wrong += usize::from(status == 404);
        }
    }
    assert_eq!(wrong, 9, "every store and key: the account's ceiling");
    app.stop().await;
}
