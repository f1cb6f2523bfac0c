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
use discount::{Basket, BasketLine};
use domain::account::AccountFields;
use domain::catalog::{MemberFields, MerchantFields, StoreFields};
use domain::channel::ChannelFields;
use domain::command::CredentialRequest;
use domain::ids::{AccountId, ChannelId, MemberId, MerchantId, OfferId, StoreId};
use domain::offer::{OfferFields, RewardKind};
use domain::redemption::PosRequest;
use domain::{Command, Event, EventKind};
use engine::{ActorConfig, ManualClock, PartitionActor, PartitionHandle};
use eventlog::{EventLog, LogRecord, SqliteLog};
use projections::{Projector, ProjectorConfig, ReadStore};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;

use testkit::TestDatabase;

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
        self.ok(Command::CreateAccount {
            account_id: ACCOUNT,
            fields: AccountFields {
                name: Some("Q Burger".into()),
                ..Default::default()
            },
        })
        .await;
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

    pub async fn store_id(&self) -> StoreId {
        let merchant = created(
            &self
                .ok(Command::CreateMerchant {
                    fields: MerchantFields {
                        name: Some("Q Burger Inc".into()),
                        is_active: None,
                    },
                })
                .await,
        );
        StoreId(created(
            &self
                .ok(Command::CreateStore {
                    merchant_id: MerchantId(merchant),
                    fields: StoreFields {
                        name: Some("Main St".into()),
                        ..Default::default()
                    },
                })
                .await,
        ))
    }

    pub async fn channel(&self) -> ChannelId {
        ChannelId(created(
            &self
                .ok(Command::CreateChannel {
                    fields: ChannelFields {
                        name: Some("App".into()),
                        ..Default::default()
                    },
                })
                .await,
        ))
    }

    /// An approved "$1 off the order" offer linked to `channel`.
    pub async fn offer(&self, channel: ChannelId) -> OfferId {
        let offer = OfferId(created(
            &self
                .ok(Command::CreateOffer {
                    fields: OfferFields {
                        name: Some("Dollar off".into()),
                        reward_kind: Some(RewardKind::OrderAmountOff),
                        reward_value: Some(dec("1.00")),
                        ..Default::default()
                    },
                })
                .await,
        ));
        self.ok(Command::ApproveOffer { offer_id: offer }).await;
        self.ok(Command::LinkOfferChannels {
            offer_id: offer,
            channel_ids: vec![channel],
        })
        .await;
        offer
    }

    /// Issues a credential; answers its id and code.
    pub async fn credential(
        &self,
        member: MemberId,
        channel: ChannelId,
        offer: OfferId,
    ) -> (u64, String) {
        let events = self.ok(issue(member, channel, offer)).await;
        let code = events
            .iter()
            .find_map(|event| match &event.kind {
                EventKind::CredentialIssued(x) => x.identifier.clone(),
                _ => None,
            })
            .expect("no credential issued");
        (created(&events), code)
    }

    /// Redeems `code` at `store` against one $10 line; answers the redemption id.
    pub async fn redeem(&self, store: StoreId, code: &str) -> u64 {
        created(&self.ok(redeem(store, code)).await)
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

/// Account, member, merchant and store, channel, approved offer linked to it, a credential,
/// and its redemption.
pub async fn seed(setup: &Setup) -> Seeded {
    setup.account().await;
    let member = setup.member("alice").await;
    let store = setup.store_id().await;
    let channel = setup.channel().await;
    let offer = setup.offer(channel).await;
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

pub fn issue(member: MemberId, channel: ChannelId, offer: OfferId) -> Command {
    Command::IssueCredential {
        request: CredentialRequest {
            member_id: Some(member),
            channel_id: Some(channel),
            offer_ids: vec![offer],
            ..Default::default()
        },
    }
}

/// Redeems `code` at `store` against one $10 line.
pub fn redeem(store: StoreId, code: &str) -> Command {
    Command::Redeem {
        request: PosRequest {
            store_id: store,
            codes: vec![code.to_string()],
            basket: Basket {
                lines: vec![BasketLine {
                    line_id: "1".into(),
                    item_code: "X".into(),
                    quantity: 1,
                    unit_price: dec("10.00"),
                }],
            },
        },
    }
}

pub fn create_member(identifier: &str) -> Command {
    Command::CreateMember {
        fields: MemberFields {
            identifier: Some(identifier.into()),
            notification_mode: None,
        },
    }
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// The id of the first entity `events` created.
pub fn created(events: &[Event]) -> u64 {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::MemberCreated(x) => Some(x.id.0),
            EventKind::MerchantCreated(x) => Some(x.id.0),
            EventKind::StoreCreated(x) => Some(x.id.0),
            EventKind::OfferCreated(x) => Some(x.id.0),
            EventKind::ChannelCreated(x) => Some(x.id.0),
            EventKind::CredentialIssued(x) => Some(x.credential_id.0),
            EventKind::RedemptionCommitted(x) => Some(x.redemption_id.0),
            EventKind::RedemptionReserved(x) => Some(x.redemption_id.0),
            _ => None,
        })
        .expect("no entity created")
}
