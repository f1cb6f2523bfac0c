//! Test harness: a partition actor on a real SQLite event log in a temporary folder, read
//! stores on the backend under test (SQLite files in the same folder, or fresh Postgres
//! databases), helpers that build an account's resources through the actor, and
//! [`per_backend!`], which runs each test body on both backends.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

/// Runs each named test body (an `async fn(Backend)`) once per backend, as
/// `sqlite::<name>` and `postgres::<name>`.
#[allow(unused_macros)]
macro_rules! per_backend {
    ($($(#[$attribute:meta])* $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                $(#[$attribute])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Backend::Sqlite).await;
                }
            )*
        }

        mod postgres {
            $(
                $(#[$attribute])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Backend::Postgres).await;
                }
            )*
        }
    };
}

use chrono::{TimeZone, Utc};
use domain::ids::{AccountId, ChannelId, MemberId, MerchantId, OfferId, StoreId};
use domain::{Command, Event};
use engine::{ActorConfig, ManualClock, PartitionActor, PartitionHandle};
use eventlog::{EventLog, LogRecord, SqliteLog};
use projections::{ProjectionError, Projector, ProjectorConfig, ReadStore};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tempfile::TempDir;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use testkit::fixtures::{
    create_account, create_channel, create_dollar_off, create_store, issued_code, Shop, ShopSetup,
};
use testkit::TestDatabase;

// Each test binary uses its own share of the shared fixtures.
#[allow(unused_imports)]
pub use testkit::fixtures::{create_member, create_merchant, created, issue, redeem};

pub const ACCOUNT: AccountId = AccountId(1);
pub const PARTITION: u32 = 0;

/// The database a test's read stores run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An event log with a started actor for partition 0, in a temporary folder, and the read
/// databases of the test (dropped with it).
pub struct Setup {
    pub dir: TempDir,
    pub log: SqliteLog,
    pub actor: PartitionHandle,
    pub backend: Backend,
    databases: Mutex<HashMap<String, Arc<TestDatabase>>>,
}

impl Setup {
    pub async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(dir.path().join("events.db"), 1)
            .await
            .unwrap();
        let config = ActorConfig {
            clock: Arc::new(ManualClock::new(
                Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap(),
            )),
            seed: Some(7),
            ..ActorConfig::default()
        };
        let actor = PartitionActor::start(log.clone(), PARTITION, config)
            .await
            .unwrap();
        Self {
            dir,
            log,
            actor,
            backend,
            databases: Mutex::default(),
        }
    }

    /// The path of a read database named `name` in the folder.
    pub fn read_path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The URL of the read database named `name` (each name its own database, created on
    /// first use).
    pub async fn read_url(&self, name: &str) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.read_path(name).display()),
            Backend::Postgres => {
                let known = self.databases.lock().unwrap().get(name).cloned();
                let database = match known {
                    Some(database) => database,
                    None => {
                        let created = Arc::new(TestDatabase::create().await);
                        self.databases
                            .lock()
                            .unwrap()
                            .insert(name.to_string(), created.clone());
                        created
                    }
                };
                database.url.clone()
            }
        }
    }

    /// A read store on the database named `name`: SQLite through [`ReadStore::open`] (what
    /// the server uses), Postgres through [`ReadStore::connect`].
    pub async fn store(&self, name: &str) -> ReadStore {
        match self.backend {
            Backend::Sqlite => ReadStore::open(self.read_path(name)).await.unwrap(),
            Backend::Postgres => ReadStore::connect(&self.read_url(name).await)
                .await
                .unwrap(),
        }
    }

    pub fn projector(&self, store: &ReadStore) -> Projector<SqliteLog> {
        Projector::new(
            self.log.clone(),
            store.clone(),
            PARTITION,
            ProjectorConfig::default(),
        )
    }

    /// Every record of the partition.
    pub async fn records(&self) -> Vec<LogRecord> {
        let end = self.log.end_offset(PARTITION).await.unwrap();
        self.log
            .read(PARTITION, 0, usize::try_from(end).unwrap())
            .await
            .unwrap()
    }

    /// The offset of the partition's last record.
    pub async fn last_offset(&self) -> u64 {
        self.log.end_offset(PARTITION).await.unwrap() - 1
    }

    pub async fn ok(&self, command: Command) -> Vec<Event> {
        let described = format!("{command:?}");
        self.actor
            .execute(ACCOUNT, command, None, None)
            .await
            .unwrap_or_else(|error| panic!("{described} refused: {error}"))
            .outcome()
            .to_vec()
    }

    pub async fn account(&self) {
        self.ok(create_account(ACCOUNT, "Q Burger")).await;
    }

    pub async fn member(&self, identifier: &str) -> MemberId {
        MemberId(created(&self.ok(create_member(identifier)).await))
    }

    /// Creates `count` members named `prefix-N` at once (they share group-commit batches).
    pub async fn members(&self, prefix: &str, count: usize) {
        let tasks: Vec<_> = (0..count)
            .map(|n| {
                let actor = self.actor.clone();
                let command = create_member(&format!("{prefix}-{n:05}"));
                tokio::spawn(async move { actor.execute(ACCOUNT, command, None, None).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
    }

    /// A store of a new merchant.
    pub async fn store_id(&self) -> StoreId {
        let merchant = MerchantId(created(&self.ok(create_merchant("Q Burger Inc")).await));
        StoreId(created(&self.ok(create_store(merchant, "Main St")).await))
    }

    pub async fn channel(&self) -> ChannelId {
        ChannelId(created(&self.ok(create_channel("App")).await))
    }

    /// An approved "$1 off the order" offer linked to `channel`.
    pub async fn offer(&self, channel: ChannelId) -> OfferId {
        let offer = OfferId(created(
            &self.ok(create_dollar_off("Dollar off", None)).await,
        ));
        self.ok(Command::ApproveOffer { offer_id: offer }).await;
        self.ok(Command::LinkOfferChannels {
            offer_id: offer,
            channel_ids: vec![channel],
        })
        .await;
        offer
    }

    /// Runs the shared [`ShopSetup`] (the account and a shop) through the actor.
    pub async fn shop(&self) -> Shop {
        let mut setup = ShopSetup::new(ACCOUNT, None);
        let mut events = Vec::new();
        while let Some(command) = setup.next(&events) {
            events = self.ok(command).await;
        }
        setup.shop()
    }

    /// Issues a credential; answers its id and code.
    pub async fn credential(
        &self,
        member: MemberId,
        channel: ChannelId,
        offer: OfferId,
    ) -> (u64, String) {
        let events = self.ok(issue(member, channel, offer)).await;
        (created(&events), issued_code(&events))
    }

    /// Redeems `code` at `store` against one $10 line; answers the redemption id.
    pub async fn redeem(&self, store: StoreId, code: &str) -> u64 {
        created(&self.ok(redeem(store, code)).await)
    }
}

impl Setup {
    /// Asserts that a rebuild from offset zero, and a restart half-way (the log applied in
    /// batches of `batch` records, then whole again), give the rows a first projection of the
    /// log gave, and that these hold rows of every table of `tables` (named as
    /// [`ReadStore::dump`] writes them, `table|`).
    pub async fn assert_rebuilds_agree(&self, tables: &[&str], batch: usize) {
        let reference = self.store("reference.db").await;
        self.projector(&reference).catch_up().await.unwrap();
        let expected = reference.dump().await.unwrap();
        for table in tables {
            assert!(
                expected.iter().any(|line| line.starts_with(table)),
                "no {table} rows"
            );
        }

        reference.rebuild().await.unwrap();
        assert!(reference.dump().await.unwrap().is_empty());
        self.projector(&reference).catch_up().await.unwrap();
        assert_eq!(reference.dump().await.unwrap(), expected);

        let records = self.records().await;
        let store = self.store("read.db").await;
        for chunk in records.chunks(batch) {
            store.apply_batch(PARTITION, chunk).await.unwrap();
        }
        store.apply_batch(PARTITION, &records).await.unwrap();
        assert_eq!(store.dump().await.unwrap(), expected);
    }
}

/// Whether `store` has projected `offset` of the partition, waiting at most five seconds.
pub async fn projected(store: &ReadStore, offset: u64) -> bool {
    store
        .wait_until(PARTITION, offset, Duration::from_secs(5))
        .await
        .unwrap()
}

/// Whether `store` holds a member of [`ACCOUNT`] known by `identifier`.
pub async fn has_member(store: &ReadStore, identifier: &str) -> bool {
    store
        .member_by_identifier(ACCOUNT, identifier)
        .await
        .unwrap()
        .is_some()
}

/// A projector following the log in a task of its own, until it is stopped.
pub struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), ProjectionError>>,
}

impl Running {
    /// Starts `projector` following the log.
    pub fn spawn<L: EventLog>(projector: Projector<L>) -> Self {
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(async move { projector.run(shutdown).await });
        Self { stop, task }
    }

    /// Tells the projector to stop, and asserts it ends without an error within five
    /// seconds.
    pub async fn stop(self) {
        self.stop.send(true).unwrap();
        Self::ended(self.task).await;
    }

    /// Drops the stop signal's sender (as an owner that goes away would), and asserts the
    /// projector ends without an error within five seconds.
    pub async fn abandon(self) {
        drop(self.stop);
        Self::ended(self.task).await;
    }

    /// Asserts the projector ends on its own within five seconds, with an error and without
    /// a panic, and answers the error.
    pub async fn failed(self) -> ProjectionError {
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("the projector stops on the failure")
            .expect("the projector task does not panic")
            .expect_err("the projector reports the failure")
    }

    async fn ended(task: JoinHandle<Result<(), ProjectionError>>) {
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
}

/// What the seed flow made.
pub struct Seeded {
    pub member: MemberId,
    pub store: StoreId,
    pub channel: ChannelId,
    pub offer: OfferId,
    pub credential: u64,
    pub redemption: u64,
}

/// A log with the seed flow ([`seed`]) and 40 more members (`m-N`).
pub async fn traffic(backend: Backend) -> Setup {
    let setup = Setup::new(backend).await;
    seed(&setup).await;
    setup.members("m", 40).await;
    setup
}

/// The shared shop (account, member, merchant and store, channel, approved offer linked to
/// it), a credential, and its redemption.
pub async fn seed(setup: &Setup) -> Seeded {
    let Shop {
        member,
        store,
        channel,
        offer,
        ..
    } = setup.shop().await;
    let (credential, code) = setup.credential(member, channel, offer).await;
    let redemption = setup.redeem(store, &code).await;
    Seeded {
        member,
        store,
        channel,
        offer,
        credential,
        redemption,
    }
}
