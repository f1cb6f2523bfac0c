//! Test harness: a partition actor on a real SQLite log in a temporary folder, a hand-driven
//! clock, and helpers that build an account's resources through the actor.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use discount::{Basket, BasketLine};
use domain::account::AccountFields;
use domain::catalog::{MemberFields, MerchantFields, StoreFields};
use domain::channel::ChannelFields;
use domain::command::CredentialRequest;
use domain::ids::{AccountId, ChannelId, MemberId, OfferId, StoreId};
use domain::offer::{OfferFields, RewardKind};
use domain::redemption::{PosRequest, RedemptionStatus};
use domain::{AccountState, Command, Event, EventKind};
use engine::{ActorConfig, ManualClock, PartitionActor, PartitionHandle};
use eventlog::SqliteLog;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;
use tempfile::TempDir;

pub const ACCOUNT: AccountId = AccountId(1);

/// A log file in its own temporary folder, with a clock shared by the actors started on it.
pub struct Setup {
    pub dir: TempDir,
    pub log: SqliteLog,
    pub clock: Arc<ManualClock>,
}

pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

impl Setup {
    /// A fresh one-partition log.
    pub async fn new() -> Self {
        Self::with_partitions(1).await
    }

    pub async fn with_partitions(partitions: u32) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = SqliteLog::open(dir.path().join("events.db"), partitions)
            .await
            .unwrap();
        Self {
            dir,
            log,
            clock: Arc::new(ManualClock::new(start_time())),
        }
    }

    /// A new actor for `partition`, claiming it from any earlier one.
    pub async fn actor(&self, partition: u32) -> Actor {
        self.actor_with_tick(partition, ActorConfig::default().expiry_tick)
            .await
    }

    /// A new actor for `partition` that looks at the clock every `tick` while an expiry is
    /// pending.
    pub async fn actor_with_tick(&self, partition: u32, tick: std::time::Duration) -> Actor {
        let config = ActorConfig {
            clock: self.clock.clone(),
            seed: Some(7),
            expiry_tick: tick,
            ..ActorConfig::default()
        };
        let handle = PartitionActor::start(self.log.clone(), partition, config)
            .await
            .unwrap();
        Actor { handle }
    }
}

/// A started actor, driven for account [`ACCOUNT`].
#[derive(Clone)]
pub struct Actor {
    pub handle: PartitionHandle,
}

impl Actor {
    pub async fn ok(&self, command: Command) -> Vec<Event> {
        let described = format!("{command:?}");
        self.handle
            .execute(ACCOUNT, command, None, None)
            .await
            .unwrap_or_else(|error| panic!("{described} refused: {error}"))
            .outcome()
            .to_vec()
    }

    pub async fn state(&self) -> AccountState {
        self.handle.account_state(ACCOUNT).await.unwrap().unwrap()
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

    pub async fn store(&self) -> StoreId {
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
                    merchant_id: domain::ids::MerchantId(merchant),
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

    /// An approved "$1 off the order" offer on `channel`, at most `max_redemptions` times.
    pub async fn offer(&self, channel: ChannelId, max_redemptions: Option<u32>) -> OfferId {
        let offer = OfferId(created(
            &self
                .ok(Command::CreateOffer {
                    fields: OfferFields {
                        name: Some("Dollar off".into()),
                        reward_kind: Some(RewardKind::OrderAmountOff),
                        reward_value: Some(dec("1.00")),
                        max_redemptions,
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

    /// Issues a credential and answers with its code.
    pub async fn code(&self, member: MemberId, channel: ChannelId, offer: OfferId) -> String {
        issued_code(&self.ok(issue(member, channel, offer)).await)
    }
}

/// The resources a redemption needs.
pub struct Shop {
    pub member: MemberId,
    pub store: StoreId,
    pub channel: ChannelId,
    pub offer: OfferId,
}

/// Creates the account, a member, a store, a channel and an approved offer on it.
pub async fn shop(actor: &Actor, max_redemptions: Option<u32>) -> Shop {
    actor.account().await;
    let member = actor.member("alice").await;
    let store = actor.store().await;
    let channel = actor.channel().await;
    let offer = actor.offer(channel, max_redemptions).await;
    Shop {
        member,
        store,
        channel,
        offer,
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

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// The code of the credential `events` issued.
pub fn issued_code(events: &[Event]) -> String {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::CredentialIssued(x) => x.identifier.clone(),
            _ => None,
        })
        .expect("no credential issued")
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
            _ => None,
        })
        .expect("no entity created")
}

/// Committed redemptions in `state`.
pub fn committed(state: &AccountState) -> usize {
    state
        .redemptions
        .values()
        .filter(|redemption| redemption.status == RedemptionStatus::Committed)
        .count()
}
