//! Test harness: the real server on 127.0.0.1:0 over a [`Stack`] with running projectors,
//! started through the binaries' own start-up path ([`startup::open_and_serve`]), plus the
//! bootstrap path (an account and an API key created directly through the engine).
//!
//! The stack is the embedded one (SQLite log and read store in a temporary folder), or, with
//! `PROMO_TEST_STACK=production`, the production one: the log on a fresh topic of the Kafka
//! broker and the read store and snapshots in a fresh Postgres database (see `testkit`).
//! `scripts/test` runs these tests both ways.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use api::{hash_key, AppState, TokenSecret};
use domain::account::{AccountFields, Role};
use domain::ids::AccountId;
use domain::Command;
use eventlog::{DbUrl, LogUrl};
use serde_json::Value;
use server::startup::{self, Serving, Stack, StackConfig};
use std::net::TcpListener;
use std::sync::Arc;
use tempfile::TempDir;
use testkit::TestDatabase;

pub mod commands;
pub mod data;
pub mod resources;

pub const PARTITIONS: u32 = 2;

/// A running server and what it runs on.
pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
    server: actix_web::dev::ServerHandle,
    stack: Stack,
    /// What the stack was opened with (a restart opens it again).
    pub config: StackConfig,
    dir: TempDir,
    database: Option<TestDatabase>,
}

/// Starts the whole stack in a fresh temporary folder.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

/// Starts the whole stack with the callback dispatcher set up by `callbacks`, if any; the
/// API checks callback urls against the dispatcher's destination policy.
pub async fn spawn_app_with(callbacks: Option<callbacks::DispatcherConfig>) -> TestApp {
    spawn(|config| {
        if let Some(callbacks) = &callbacks {
            config.callback_destinations = callbacks.destinations.clone();
        }
        config.callbacks = callbacks;
    })
    .await
}

/// Starts the whole stack on the configuration `configure` leaves.
pub async fn spawn_app_configured(configure: impl FnOnce(&mut StackConfig)) -> TestApp {
    spawn(configure).await
}

/// Starts the whole stack with the API reading the time (token expiry, key grace periods)
/// from `clock`.
pub async fn spawn_app_with_clock(clock: Arc<dyn clock::Clock>) -> TestApp {
    spawn(|config| config.clock = clock).await
}

async fn spawn(configure: impl FnOnce(&mut StackConfig)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let (mut config, database) = stack_config(&dir).await;
    configure(&mut config);
    serve(config, dir, database).await
}

/// Serves the stack `config` names (its data in `dir` and `database`).
async fn serve(config: StackConfig, dir: TempDir, database: Option<TestDatabase>) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let secret = TokenSecret::new(b"test secret".to_vec());
    let Serving { stack, server } = startup::open_and_serve(&config, secret, listener, 1)
        .await
        .unwrap();
    let handle = server.handle();
    tokio::spawn(server);
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        state: stack.state().clone(),
        client: reqwest::Client::new(),
        server: handle,
        stack,
        config,
        dir,
        database,
    }
}

/// The stack `PROMO_TEST_STACK` asks for, and the database it uses.
async fn stack_config(dir: &TempDir) -> (StackConfig, Option<TestDatabase>) {
    let embedded = StackConfig::embedded(
        &dir.path().join("events.db"),
        &dir.path().join("read.db"),
        PARTITIONS,
    );
    match std::env::var("PROMO_TEST_STACK").as_deref() {
        Ok("production") => {
            let database = TestDatabase::create().await;
            let config = StackConfig {
                event_log: LogUrl::Kafka {
                    brokers: testkit::kafka_brokers(),
                    topic: testkit::unique_name("api-test"),
                },
                read_store: DbUrl::Postgres(database.url.clone()),
                snapshots: Some(DbUrl::Postgres(database.url.clone())),
                ..embedded
            };
            (config, Some(database))
        }
        Ok("embedded") | Err(_) => (embedded, None),
        Ok(other) => panic!("PROMO_TEST_STACK={other}: expected embedded or production"),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Creates account `id` with an API key through the engine (the server binary's bootstrap
    /// path) and waits until the read model holds it.
    pub async fn bootstrap(&self, id: u64, identity: &str, key: &str, roles: Vec<Role>) {
        let account = AccountId(id);
        let fields = AccountFields {
            name: Some(format!("Account {id}")),
            ..AccountFields::default()
        };
        let _created = self
            .state
            .execute(
                account,
                Command::CreateAccount {
                    account_id: account,
                    fields,
                },
                None,
                None,
            )
            .await;
        self.state
            .execute(
                account,
                Command::IssueApiKey {
                    identity: identity.into(),
                    key_hash: hash_key(key),
                    roles,
                },
                None,
                None,
            )
            .await
            .unwrap();
        self.state.read_barrier(account).await.unwrap();
    }

    /// `GET /auth` with the credentials, sent by `client`.
    pub async fn auth_from(
        &self,
        client: &reqwest::Client,
        identity: &str,
        key: &str,
    ) -> reqwest::Response {
        client
            .get(self.url("/auth"))
            .header("X-Auth-Identity", identity)
            .header("X-Auth-Key", key)
            .send()
            .await
            .unwrap()
    }

    /// `GET /auth` with the credentials; answers the token.
    pub async fn token(&self, identity: &str, key: &str) -> String {
        let response = self.auth_from(&self.client, identity, key).await;
        assert_eq!(response.status(), 204);
        response.headers()["x-auth-token"]
            .to_str()
            .unwrap()
            .to_owned()
    }

    /// A fresh account `id` with an admin key; answers its token.
    pub async fn login(&self, id: u64) -> String {
        let identity = format!("account-{id}");
        let key = format!("key-{id}");
        self.bootstrap(id, &identity, &key, vec![Role::Admin]).await;
        self.token(&identity, &key).await
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("X-Auth-Token", token)
            .send()
            .await
            .unwrap()
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.client
            .request(method, self.url(path))
            .header("X-Auth-Token", token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.send_json(reqwest::Method::POST, token, path, body)
            .await
    }

    pub async fn stop(self) {
        self.server.stop(true).await;
        self.stack.shutdown().await;
    }

    /// The folder the embedded files are in.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Stops the server and the stack (a clean stop: snapshots written, files closed), then
    /// starts them again on the same data, as a restart of the process does.
    pub async fn restart(self) -> TestApp {
        let Self {
            server,
            stack,
            config,
            dir,
            database,
            ..
        } = self;
        server.stop(true).await;
        stack.shutdown().await;
        serve(config, dir, database).await
    }

    /// Stops the server and the stack, keeping the data: the folder (its files closed) and
    /// the database, for a test to look into.
    pub async fn stop_keeping_data(self) -> (StackConfig, TempDir, Option<TestDatabase>) {
        self.server.stop(true).await;
        self.stack.shutdown().await;
        (self.config, self.dir, self.database)
    }
}

/// Status and JSON body of a response.
pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, body)
}
