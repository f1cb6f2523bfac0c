//! What the process-level tests share: a stream of keyed POS redemptions recording every
//! answer, and the production layout (a command service and a projector on a fresh Kafka
//! topic and a fresh Postgres database) with the records its topics hold.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod cluster;

use benches::load::{Api, PosFixture, ServerProcess};
use eventlog::kafka::{KafkaConfig, KafkaLog};
use eventlog::{EpochFence, EventLog, LogRecord};
use reqwest::Method;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use testkit::TestDatabase;

/// What the stream saw per code: the redemption id when it was answered 201.
pub type Answers = Mutex<BTreeMap<usize, Option<u64>>>;

/// Polls `done` every 2 ms until it holds; panics naming `what` once `within` has passed.
pub async fn wait_until(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + within;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Waits (at most 60 s) until `count` redemptions of `sending` (a [`stream`]) were answered,
/// failing if the stream ended first.
pub async fn wait_for_answers(
    answered: &AtomicUsize,
    sending: &tokio::task::JoinHandle<()>,
    count: usize,
) {
    wait_until(Duration::from_secs(60), "answers before the kill", || {
        if answered.load(Ordering::Relaxed) >= count {
            return true;
        }
        assert!(!sending.is_finished(), "the stream ended before the kill");
        false
    })
    .await;
}

/// Redeems code `index` of `fixture` (see [`PosFixture::redeem`]); a transport error as text.
pub async fn redeem(api: &Api, fixture: &PosFixture, index: usize) -> Result<(u16, Value), String> {
    fixture
        .redeem(api, index)
        .await
        .map_err(|error| error.to_string())
}

/// Redeems the fixture's codes in order from `senders` tasks until the codes run out or a
/// request fails at the transport (the server is gone), recording every answer; any answer
/// but 201 fails the test.
pub async fn stream(
    api: Api,
    fixture: PosFixture,
    senders: usize,
    answers: Arc<Answers>,
    answered: Arc<AtomicUsize>,
) {
    let codes = 0..fixture.codes.len();
    stream_range(api, fixture, senders, answers, answered, codes).await;
}

/// [`stream`] over the fixture's codes in `range` only.
pub async fn stream_range(
    api: Api,
    fixture: PosFixture,
    senders: usize,
    answers: Arc<Answers>,
    answered: Arc<AtomicUsize>,
    range: std::ops::Range<usize>,
) {
    let next = Arc::new(AtomicUsize::new(range.start));
    let end = range.end.min(fixture.codes.len());
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..senders {
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
                if index >= end {
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

/// How many times `events` record each redemption as committed.
pub fn committed(events: &[domain::Event]) -> BTreeMap<u64, usize> {
    let mut counts = BTreeMap::new();
    for event in events {
        if let domain::EventKind::RedemptionCommitted(recorded) = &event.kind {
            *counts.entry(recorded.redemption_id.0).or_default() += 1;
        }
    }
    counts
}

/// The codes answered 201, with their redemption ids.
pub fn confirmed(answers: &BTreeMap<usize, Option<u64>>) -> BTreeMap<usize, u64> {
    answers
        .iter()
        .filter_map(|(index, id)| id.map(|id| (*index, id)))
        .collect()
}

/// Every redemption id the API lists, checking each page's total against `expected`.
pub async fn listed_redemptions(api: &Api, expected: usize) -> std::collections::BTreeSet<u64> {
    let mut listed = std::collections::BTreeSet::new();
    // The first page past `expected` rows is empty; one that is not ends the test.
    let last_page = expected.div_ceil(100) + 1;
    for page in 1..=last_page {
        let path = format!("/v1.0/pos/redemptions?per_page=100&page={page}");
        let list = api.expect(Method::GET, &path, None, 200).await.unwrap();
        assert_eq!(
            list["total_entries"], expected,
            "one redemption per code sent"
        );
        let rows = list["redemptions"].as_array().unwrap();
        if rows.is_empty() {
            break;
        }
        assert!(
            page < last_page,
            "page {page} of {expected} rows is not empty"
        );
        listed.extend(
            rows.iter()
                .map(|row| row["redemption"]["id"].as_u64().unwrap()),
        );
    }
    listed
}

/// After a restart: every answered redemption is there, committed, and a retry with its key
/// answers it again; every code cut off in flight, retried with its key, is redeemed once; the
/// API lists exactly those redemptions, one per code sent. Answers the redemption ids.
pub async fn check_exactly_once(
    api: &Api,
    fixture: &PosFixture,
    answers: &BTreeMap<usize, Option<u64>>,
) -> std::collections::BTreeSet<u64> {
    let confirmed = confirmed(answers);
    for (index, id) in &confirmed {
        let path = format!("/v1.0/pos/redemptions/{id}");
        let body = api.expect(Method::GET, &path, None, 200).await.unwrap();
        assert_eq!(body["redemption"]["status"], "committed", "code {index}");
        let (status, again) = redeem(api, fixture, *index).await.unwrap();
        assert_eq!(status, 201, "retry of code {index}: {again}");
        assert_eq!(
            again["redemption"]["id"], *id,
            "a retry answers the first redemption"
        );
    }
    let mut ids: std::collections::BTreeSet<u64> = confirmed.values().copied().collect();
    for index in answers
        .keys()
        .filter(|index| !confirmed.contains_key(index))
    {
        let (status, body) = redeem(api, fixture, *index).await.unwrap();
        assert_eq!(status, 201, "retry of unanswered code {index}: {body}");
        ids.insert(body["redemption"]["id"].as_u64().unwrap());
    }
    assert_eq!(listed_redemptions(api, answers.len()).await, ids);
    ids
}

/// The production layout's places: a Kafka topic, a Postgres database, a data folder; and
/// the settings every process of it gets.
pub struct Production {
    pub topic: String,
    pub database: TestDatabase,
    dir: TempDir,
}

/// The partitions the production tests use.
pub const PARTITIONS: &str = "2";
/// The product's binary; the service to run is its first argument.
pub const PROMO: &str = env!("CARGO_BIN_EXE_promo");

impl Production {
    pub async fn new() -> Self {
        Self {
            topic: testkit::unique_name("service-test"),
            database: TestDatabase::create().await,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// `PROMO_EVENT_LOG`.
    pub fn event_log(&self) -> String {
        format!("kafka://{}/{}", testkit::kafka_brokers(), self.topic)
    }

    /// The settings of a process, on the read database `read_db`.
    pub fn env_on(&self, read_db: &str) -> Vec<(String, String)> {
        vec![
            ("PROMO_EVENT_LOG".into(), self.event_log()),
            ("PROMO_READ_DB".into(), read_db.to_owned()),
            // Every service names the one key store (a rebuild into another database too).
            ("PROMO_KEY_STORE".into(), self.database.url.clone()),
            ("PROMO_PARTITIONS".into(), PARTITIONS.into()),
            ("PROMO_WORKERS".into(), "2".into()),
            (
                "PROMO_TOKEN_SECRET".into(),
                "shared test secret of the production layout".into(),
            ),
        ]
    }

    /// The settings of a process on the layout's database, with `extra` added (they win).
    fn env_with(&self, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut env = self.env_on(&self.database.url);
        env.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        env
    }

    /// A data folder of its own for each process.
    pub fn data(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Starts `promo <service>` with the layout's settings on the read database.
    pub async fn start(&self, service: &str, name: &str) -> ServerProcess {
        self.start_with(service, name, &[]).await
    }

    /// [`Production::start`] with the settings `extra` added (they win over the layout's).
    pub async fn start_with(
        &self,
        service: &str,
        name: &str,
        extra: &[(&str, &str)],
    ) -> ServerProcess {
        let env = self.env_with(extra);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        ServerProcess::start(Path::new(PROMO), &[service], &self.data(name), &env)
            .await
            .unwrap()
    }

    /// Starts `promo <service>` sharing the partitions with the other instances of the
    /// service started this way (it advertises its own address), with the settings `extra`
    /// added.
    pub async fn start_member(
        &self,
        service: &str,
        name: &str,
        extra: &[(&str, &str)],
    ) -> ServerProcess {
        let env = self.env_with(extra);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        ServerProcess::start_member(Path::new(PROMO), &[service], &self.data(name), &env)
            .await
            .unwrap()
    }

    /// Runs `promo <service> rebuild` (the projector's) into the read database `read_db`.
    pub fn start_rebuild(&self, service: &str, read_db: &str) -> std::process::Child {
        std::process::Command::new(PROMO)
            .args([service, "rebuild"])
            .envs(self.env_on(read_db))
            .env("PROMO_DATA_DIR", self.data("rebuild"))
            .env("RUST_LOG", "warn")
            .spawn()
            .unwrap()
    }
}

/// The records of every partition of the broker's topic `topic` (of [`PARTITIONS`]) that a
/// reader uses: in log order per partition, claim markers and fenced writers' records left
/// out (see [`EpochFence`]).
pub async fn admitted_records(topic: &str) -> Vec<LogRecord> {
    admitted_records_in(topic, PARTITIONS.parse().unwrap()).await
}

/// [`admitted_records`] of a topic of `partitions` partitions.
pub async fn admitted_records_in(topic: &str, partitions: u32) -> Vec<LogRecord> {
    let config = KafkaConfig::new(testkit::kafka_brokers(), topic, partitions);
    let log = KafkaLog::open(config).await.unwrap();
    let mut admitted = Vec::new();
    for partition in 0..partitions {
        let mut fence = EpochFence::default();
        let mut next = 0;
        loop {
            let records = log.read(partition, next, usize::MAX).await.unwrap();
            let Some(last) = records.last() else {
                break;
            };
            next = last.offset + 1;
            admitted.extend(records.into_iter().filter(|record| fence.admit(record)));
        }
    }
    admitted
}
