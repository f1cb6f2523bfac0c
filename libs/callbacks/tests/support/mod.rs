//! Test harness: a real SQLite event log in a temporary folder written by real partition
//! actors, a shop set up through commands, and a dispatcher on a second SQLite log
//! (`callbacks.db`) in the same folder.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use callbacks::{
    Backoff, CallbackMetrics, Deliveries, DeliveryPage, DeliveryStatus, Destinations, Dispatcher,
    DispatcherConfig,
};
use domain::account::AccountFields;
use domain::channel::ChannelFields;
use domain::command::CredentialRequest;
use domain::credential::{AnnotationValue, Annotations};
use domain::ids::*;
use domain::offer::{OfferFields, RewardKind};
use domain::{Command, Event, EventKind};
use engine::{ActorConfig, PartitionActor, PartitionHandle};
use eventlog::{partition_of, EventLog, SqliteLog};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;
use testkit::fixtures::{
    create_account, create_member, create_merchant, create_store, created, line, pos,
};

pub const PARTITIONS: u32 = 2;

/// How long a test waits for a receiver or a delivery.
pub const WAIT: Duration = Duration::from_secs(10);

/// The main log, its actors, and the folder the dispatcher's log goes in.
pub struct World {
    pub dir: TempDir,
    pub log: SqliteLog,
    pub handles: Vec<PartitionHandle>,
}

/// A shop of one account: a store, a channel, an approved $1-off offer on it, a member.
#[derive(Clone, Debug)]
pub struct Shop {
    pub account: AccountId,
    pub store: StoreId,
    pub channel: ChannelId,
    pub offer: OfferId,
    pub member: MemberId,
    pub xid: String,
    pub secret: Option<String>,
}

/// Callbacks allowed to local receivers (127.0.0.0/8), names resolved by the system.
pub fn loopback_allowed() -> Destinations {
    Destinations::new("127.0.0.0/8".parse().unwrap())
}

/// A dispatcher config with a short deadline and fast retries, allowed to call local
/// receivers.
pub fn fast_config() -> DispatcherConfig {
    DispatcherConfig {
        destinations: loopback_allowed(),
        deadline: Duration::from_secs(5),
        request_timeout: Duration::from_millis(500),
        backoff: Backoff {
            initial: Duration::from_millis(20),
            multiplier: 2,
            max: Duration::from_millis(200),
        },
        ..DispatcherConfig::default()
    }
}

impl World {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(dir.path().join("events.db"), PARTITIONS)
            .await
            .unwrap();
        let mut handles = Vec::new();
        for partition in 0..PARTITIONS {
            handles.push(
                PartitionActor::start(log.clone(), partition, ActorConfig::default())
                    .await
                    .unwrap(),
            );
        }
        Self { dir, log, handles }
    }

    pub fn own_path(&self) -> PathBuf {
        self.dir.path().join("callbacks.db")
    }

    /// A dispatcher over the main log with its own log in the folder.
    pub async fn dispatcher(&self, config: DispatcherConfig) -> Dispatcher {
        let own = SqliteLog::open(self.own_path(), PARTITIONS).await.unwrap();
        Dispatcher::start(
            self.log.clone(),
            own,
            config,
            CallbackMetrics::unregistered().unwrap(),
        )
        .await
        .unwrap()
    }

    /// Every record of the dispatcher's log, decoded, with their types.
    pub async fn own_records(&self) -> Vec<serde_json::Value> {
        let own = SqliteLog::open(self.own_path(), PARTITIONS).await.unwrap();
        let mut out = Vec::new();
        for partition in 0..PARTITIONS {
            for record in own.read(partition, 0, 1_000_000).await.unwrap() {
                out.push(serde_json::from_slice(&record.payload).unwrap());
            }
        }
        out
    }

    pub async fn run(&self, account: AccountId, command: Command) -> Vec<Event> {
        let partition = partition_of(account, PARTITIONS) as usize;
        self.handles[partition]
            .execute(account, command, None, None)
            .await
            .unwrap()
            .outcome()
            .to_vec()
    }

    /// Account `id` with a shop whose channel calls `url` (signed with `allow_hmac`).
    pub async fn shop(&self, id: u64, url: Option<&str>, allow_hmac: bool) -> Shop {
        let account = AccountId(id);
        self.run(account, create_account(account, &format!("Shop {id}")))
            .await;
        self.shop_in(account, url, allow_hmac).await
    }

    /// Another channel and offer in an existing account.
    pub async fn shop_in(&self, account: AccountId, url: Option<&str>, allow_hmac: bool) -> Shop {
        let merchant = MerchantId(created(
            &self.run(account, create_merchant("Q Burger")).await,
        ));
        let store = StoreId(created(
            &self.run(account, create_store(merchant, "Main St")).await,
        ));
        let channel_events = self
            .run(
                account,
                Command::CreateChannel {
                    fields: ChannelFields {
                        name: Some("App".into()),
                        conversion_callback_url: url.map(str::to_owned),
                        allow_hmac: Some(allow_hmac),
                        ..Default::default()
                    },
                },
            )
            .await;
        let (channel, secret) = match &channel_events[0].kind {
            EventKind::ChannelCreated(channel) => (channel.id, channel.hmac_secret.clone()),
            other => panic!("{other:?}"),
        };
        let offer = OfferId(created(
            &self
                .run(
                    account,
                    Command::CreateOffer {
                        fields: OfferFields {
                            name: Some("Dollar off".into()),
                            reward_kind: Some(RewardKind::OrderAmountOff),
                            reward_value: Some(Decimal::ONE),
                            ..Default::default()
                        },
                    },
                )
                .await,
        ));
        self.run(account, Command::ApproveOffer { offer_id: offer })
            .await;
        let linked = self
            .run(
                account,
                Command::LinkOfferChannels {
                    offer_id: offer,
                    channel_ids: vec![channel],
                },
            )
            .await;
        let xid = match &linked[0].kind {
            EventKind::OfferChannelLinked(link) => link.xid.clone(),
            other => panic!("{other:?}"),
        };
        let identifier = format!("member one/{}", channel.0);
        let member = MemberId(created(
            &self.run(account, create_member(&identifier)).await,
        ));
        Shop {
            account,
            store,
            channel,
            offer,
            member,
            xid,
            secret,
        }
    }

    /// A credential for the shop's offer with `conv_ids` annotations; its id and code.
    pub async fn issue(&self, shop: &Shop, conv_ids: &[(&str, &str)]) -> (CredentialId, String) {
        let mut annotations = Annotations::new();
        if !conv_ids.is_empty() {
            let map: BTreeMap<String, String> = conv_ids
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect();
            annotations.insert("conv_ids".into(), AnnotationValue::Map(map));
        }
        let events = self
            .run(
                shop.account,
                Command::IssueCredential {
                    request: CredentialRequest {
                        member_id: Some(shop.member),
                        channel_id: Some(shop.channel),
                        offer_ids: vec![shop.offer],
                        annotations,
                        ..Default::default()
                    },
                },
            )
            .await;
        match &events[0].kind {
            EventKind::CredentialIssued(issued) => (
                issued.credential_id,
                issued.identifier.clone().unwrap().to_string(),
            ),
            other => panic!("{other:?}"),
        }
    }

    /// Redeems `code` at the shop's store; the redemption event.
    pub async fn redeem(&self, shop: &Shop, code: &str) -> Event {
        let events = self
            .run(
                shop.account,
                Command::Redeem {
                    request: pos(shop.store, &[code], vec![line("1", "BURGER", 1, "5.00")]),
                },
            )
            .await;
        events[0].clone()
    }

    /// Issues and redeems one credential; its id.
    pub async fn conversion(&self, shop: &Shop) -> CredentialId {
        let (credential, code) = self.issue(shop, &[]).await;
        self.redeem(shop, &code).await;
        credential
    }

    /// Enables the account's callbacks to `url`.
    pub async fn account_callback(&self, account: AccountId, url: &str) {
        self.run(
            account,
            Command::UpdateAccount {
                fields: AccountFields {
                    enable_callbacks: Some(true),
                    credential_callback_url: Some(url.to_owned()),
                    ..Default::default()
                },
            },
        )
        .await;
    }
}

/// Waits until `check` holds, at most `timeout`.
pub async fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check()
}

/// The first page (ten, newest first) of the deliveries to `shop`'s channel.
pub fn channel_page(deliveries: &Arc<dyn Deliveries>, shop: &Shop) -> DeliveryPage {
    deliveries.list(shop.account, Some(shop.channel), 1, 10)
}

/// Whether `shop`'s channel comes to have exactly one delivery, in `status`, within [`WAIT`].
pub async fn only_delivery_ends(
    deliveries: &Arc<dyn Deliveries>,
    shop: &Shop,
    status: DeliveryStatus,
) -> bool {
    eventually(WAIT, || {
        let page = channel_page(deliveries, shop);
        page.total_entries == 1 && page.deliveries[0].status == status
    })
    .await
}
