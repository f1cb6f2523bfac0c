//! Durability of the real `server` binary: SIGKILL during a stream of redemptions, restart on
//! the same data folder, and every redemption that was answered is there exactly once; the
//! ones cut off in flight, retried with their Idempotency-Key, end up there exactly once too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use benches::load::{Api, PosFixture, ServerProcess};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const BIN: &str = env!("CARGO_BIN_EXE_server");
const CODES: usize = 600;
const SENDERS: usize = 8;
const KILL_AFTER: usize = 150;

/// What one sender saw for one code: the redemption id when it was answered 201.
type Answers = Mutex<BTreeMap<usize, Option<u64>>>;

async fn start(data: &Path) -> ServerProcess {
    ServerProcess::start(Path::new(BIN), data, &[("PROMO_PARTITIONS", "2")])
        .await
        .unwrap()
}

async fn redeem(api: &Api, fixture: &PosFixture, index: usize) -> Result<(u16, Value), String> {
    let response = api
        .request(Method::POST, "/v1.0/pos/redemptions")
        .header("Idempotency-Key", format!("txn-{index}"))
        .json(&fixture.redeem_body(&fixture.codes[index]))
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let body = response.json().await.map_err(|error| error.to_string())?;
    Ok((status, body))
}

/// Sends redemptions from `SENDERS` tasks until told to stop, recording every answer.
async fn stream(api: Api, fixture: PosFixture, answers: Arc<Answers>, answered: Arc<AtomicUsize>) {
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..SENDERS {
        let (api, fixture, answers, answered, next, stop) = (
            api.clone(),
            fixture.clone(),
            answers.clone(),
            answered.clone(),
            next.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= CODES {
                    break;
                }
                answers.lock().unwrap().insert(index, None);
                match redeem(&api, &fixture, index).await {
                    Ok((201, body)) => {
                        let id = body["redemption"]["id"].as_u64().unwrap();
                        answers.lock().unwrap().insert(index, Some(id));
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok((status, body)) => panic!("code {index}: {status} {body}"),
                    Err(_) => stop.store(true, Ordering::Relaxed),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_redemptions_survive_sigkill_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = start(&data).await;
    let printed = server.printed.clone().unwrap();
    let api = Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap();
    let fixture = PosFixture::create(&api, CODES, 16, json!({}))
        .await
        .unwrap();

    let answers = Arc::new(Answers::default());
    let answered = Arc::new(AtomicUsize::new(0));
    let sending = tokio::spawn(stream(
        api.clone(),
        fixture.clone(),
        answers.clone(),
        answered.clone(),
    ));
    while answered.load(Ordering::Relaxed) < KILL_AFTER {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    server.kill().unwrap();
    sending.await.unwrap();
    let answers = answers.lock().unwrap().clone();
    let confirmed: BTreeMap<usize, u64> = answers
        .iter()
        .filter_map(|(index, id)| id.map(|id| (*index, id)))
        .collect();
    assert!(confirmed.len() >= KILL_AFTER);
    assert!(
        confirmed.len() < CODES,
        "the kill came after the whole stream"
    );

    let server = start(&data).await;
    assert!(server.printed.is_none());
    let api = Api::login(&server.base, &printed.identity, &printed.key)
        .await
        .unwrap();
    for (index, id) in &confirmed {
        let path = format!("/v1.0/pos/redemptions/{id}");
        let body = api.expect(Method::GET, &path, None, 200).await.unwrap();
        assert_eq!(body["redemption"]["status"], "committed", "code {index}");
        let (status, again) = redeem(&api, &fixture, *index).await.unwrap();
        assert_eq!(status, 201, "retry of code {index}: {again}");
        assert_eq!(
            again["redemption"]["id"], *id,
            "a retry answers the first redemption"
        );
    }
    let mut ids: BTreeSet<u64> = confirmed.values().copied().collect();
    for index in answers
        .keys()
        .filter(|index| !confirmed.contains_key(index))
    {
        let (status, body) = redeem(&api, &fixture, *index).await.unwrap();
        assert_eq!(status, 201, "retry of unanswered code {index}: {body}");
        ids.insert(body["redemption"]["id"].as_u64().unwrap());
    }
    let mut listed = BTreeSet::new();
    for page in 1.. {
        let path = format!("/v1.0/pos/redemptions?per_page=100&page={page}");
        let list = api.expect(Method::GET, &path, None, 200).await.unwrap();
        assert_eq!(
            list["total_entries"],
            answers.len(),
            "one redemption per code sent"
        );
        let rows = list["redemptions"].as_array().unwrap();
        if rows.is_empty() {
            break;
        }
        listed.extend(
            rows.iter()
                .map(|row| row["redemption"]["id"].as_u64().unwrap()),
        );
    }
    assert_eq!(listed, ids);
}
