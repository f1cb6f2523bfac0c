//! The all-in-one server's projectors on a read database that fails for real (SQLite, the
//! embedded default): a trigger ([`FailureSwitch`]) fails every insert into `members` while
//! armed. Writes go on being answered; the account's projector fails run after run, `/health`
//! answers 503 naming the projectors and the failing partition, and `/metrics` counts the
//! failures. Once disarmed, the same process recovers by itself: `/health` answers 200 again,
//! lists show every write, and the read database equals a rebuild from offset 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use api::TokenSecret;
use domain::ids::AccountId;
use eventlog::{partition_of, EventLog, SqliteLog};
use projections::{Projector, ProjectorConfig, ReadStore, RestartPolicy};
use reqwest::Client;
use serde_json::{json, Value};
use server::startup::{self, Serving, StackConfig};
use server::Credentials;
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;
use testkit::{eventually, FailureSwitch};

const PARTITIONS: u32 = 2;
/// The longest any condition is waited for.
const DEADLINE: Duration = Duration::from_secs(20);

/// A server under test and a client of it.
struct Api {
    client: Client,
    base: String,
    token: String,
}

impl Api {
    async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("X-Auth-Token", &self.token)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn health(&self) -> (u16, Value) {
        let (status, body) = self.get("/health").await;
        (status, serde_json::from_str(&body).unwrap())
    }

    /// The failures of `partition`'s projector of `kind` on `/metrics`.
    async fn failures(&self, partition: u32, kind: &str) -> f64 {
        let (_, text) = self.get("/metrics").await;
        let partition = partition.to_string();
        let labels = [("partition", partition.as_str()), ("kind", kind)];
        testkit::metric(&text, "projector_failures_total", &labels).unwrap_or(0.0)
    }

    async fn create_member(&self, identifier: &str) {
        let response = self
            .client
            .post(format!("{}/v1.0/members.json", self.base))
            .header("X-Auth-Token", &self.token)
            .json(&json!({"member": {"identifier": identifier}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{identifier}");
    }

    /// How many members the list answers (after its read-your-writes wait).
    async fn members(&self) -> u64 {
        let (status, body) = self.get("/v1.0/members.json").await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()["total_entries"]
            .as_u64()
            .unwrap()
    }
}

/// The server's read database next to a projection of its log from offset 0 into a fresh
/// one, each as a dump of every table.
async fn read_and_rebuilt(dir: &Path) -> (Vec<String>, Vec<String>) {
    let read = ReadStore::open(dir.join("read.db")).await.unwrap();
    let log = SqliteLog::open(dir.join("events.db"), PARTITIONS)
        .await
        .unwrap();
    let keys = privacy::SqliteKeys::open(dir.join("keys.db"))
        .await
        .unwrap();
    let clean = ReadStore::open(dir.join("clean.db"))
        .await
        .unwrap()
        .with_keys(std::sync::Arc::new(keys));
    for partition in 0..log.partitions() {
        let projector = Projector::new(
            log.clone(),
            clean.clone(),
            partition,
            ProjectorConfig::default(),
        );
        projector.catch_up().await.unwrap();
    }
    (read.dump().await.unwrap(), clean.dump().await.unwrap())
}

/// Fails if a failed projector is not started again (`supervise` returning after the first
/// error: `/health` stays 503 and the list stays short), if `/health` looks only at the
/// writers (200 throughout), or if the failures are not counted on `/metrics`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_recovers_from_a_failing_read_database_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let config = StackConfig {
        projector_restart: RestartPolicy {
            first_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(20),
            ..RestartPolicy::default()
        },
        ..StackConfig::embedded(
            &dir.path().join("events.db"),
            &dir.path().join("read.db"),
            PARTITIONS,
        )
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let secret = TokenSecret::new(b"recovery test secret".to_vec());
    let Serving { stack, server } = startup::open_and_serve(&config, secret, listener, 1)
        .await
        .unwrap();
    let server_handle = server.handle();
    let serving = tokio::spawn(server);
    let account = AccountId(1);
    let credentials = Credentials::create(stack.state(), account, "Account 1")
        .await
        .unwrap();
    let client = Client::new();
    let answer = client
        .get(format!("{base}/auth"))
        .header("X-Auth-Identity", &credentials.identity)
        .header("X-Auth-Key", &credentials.key)
        .send()
        .await
        .unwrap();
    let token = answer.headers()["x-auth-token"]
        .to_str()
        .unwrap()
        .to_owned();
    let api = Api {
        client,
        base,
        token,
    };
    api.create_member("before").await;
    assert_eq!(api.members().await, 1);
    assert_eq!(api.health().await, (200, json!({"status": "ok"})));

    let read_url = format!("sqlite://{}", dir.path().join("read.db").display());
    let switch = FailureSwitch::install(&read_url, "members").await;
    switch.arm().await;
    for n in 0..3 {
        api.create_member(&format!("during-{n}")).await;
    }
    let partition = partition_of(account, PARTITIONS);
    let failing = json!({
        "status": "unavailable",
        "unhealthy": ["projectors"],
        "failing_projectors": [partition],
    });
    eventually(DEADLINE, "503 naming the failing projector", || async {
        api.health().await == (503, failing.clone())
    })
    .await;
    eventually(DEADLINE, "failures counted", || async {
        api.failures(partition, "error").await >= 3.0
    })
    .await;
    assert_eq!(api.failures(partition, "panic").await, 0.0);
    assert!(!stack.healthy());

    switch.disarm().await;
    eventually(DEADLINE, "200 once caught up", || async {
        api.health().await == (200, json!({"status": "ok"}))
    })
    .await;
    assert_eq!(api.members().await, 4);
    assert!(stack.healthy());

    server_handle.stop(true).await;
    serving.await.unwrap().unwrap();
    stack.shutdown().await;
    let (read, rebuilt) = read_and_rebuilt(dir.path()).await;
    assert_eq!(read, rebuilt, "the read database equals a rebuild from 0");
}
