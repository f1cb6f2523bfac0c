//! Test harness: a partition actor on a real SQLite log in a temporary folder (or, for tests
//! on tokio's paused clock, on a [`MemoryLog`]), a hand-driven clock, and helpers that build an
//! account's resources through the actor.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

mod flaky;
mod memory;

use chrono::{DateTime, TimeZone, Utc};
use domain::ids::{AccountId, ChannelId, MemberId, OfferId, RedemptionId, StoreId};
use domain::redemption::RedemptionStatus;
use domain::{AccountState, Command, Decision, Event};
use engine::{ActorConfig, EngineError, ManualClock, PartitionActor, PartitionHandle};
use eventlog::{EventLog, SqliteLog};
use std::sync::Arc;
use tempfile::TempDir;

// Each test binary uses its own share of the shared fixtures.
#[allow(unused_imports)]
pub use testkit::fixtures::{
    create_account, create_member, created, dec, issue, issued_code, redeem, reserve, Shop,
    ShopSetup,
};

#[allow(unused_imports)]
pub use flaky::{flaky_actor, FlakyLog};
pub use memory::MemoryLog;

pub const ACCOUNT: AccountId = AccountId(1);

/// A log (by default a file in its own temporary folder), with a clock shared by the actors
/// started on it.
pub struct Setup<L = SqliteLog> {
    pub dir: TempDir,
    pub log: L,
    pub clock: Arc<ManualClock>,
}

pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

impl Setup<SqliteLog> {
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
}

impl Setup<MemoryLog> {
    /// A fresh one-partition log in memory.
    pub fn in_memory() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            log: MemoryLog::new(1),
            clock: Arc::new(ManualClock::new(start_time())),
        }
    }
}

impl<L: EventLog + Clone> Setup<L> {
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
    /// Runs `command` for [`ACCOUNT`], without an idempotency key: the actor's answer.
    pub async fn execute(&self, command: Command) -> Result<Decision, EngineError> {
        self.handle.execute(ACCOUNT, command, None, None).await
    }

    pub async fn ok(&self, command: Command) -> Vec<Event> {
        let described = format!("{command:?}");
        self.execute(command)
            .await
            .unwrap_or_else(|error| panic!("{described} refused: {error}"))
            .outcome()
            .to_vec()
    }

    pub async fn state(&self) -> AccountState {
        self.handle.account_state(ACCOUNT).await.unwrap().unwrap()
    }

    pub async fn account(&self) {
        self.ok(create_account(ACCOUNT, "Q Burger")).await;
    }

    pub async fn member(&self, identifier: &str) -> MemberId {
        MemberId(created(&self.ok(create_member(identifier)).await))
    }

    /// Runs the shared [`ShopSetup`] (the account and a shop whose offer may be redeemed at
    /// most `max_redemptions` times) through the actor.
    pub async fn shop(&self, max_redemptions: Option<u32>) -> Shop {
        let mut setup = ShopSetup::new(ACCOUNT, max_redemptions);
        let mut events = Vec::new();
        while let Some(command) = setup.next(&events) {
            events = self.ok(command).await;
        }
        setup.shop()
    }

    /// Issues a credential and answers with its code.
    pub async fn code(&self, member: MemberId, channel: ChannelId, offer: OfferId) -> String {
        issued_code(&self.ok(issue(member, channel, offer)).await)
    }

    /// Redeems `code` at `store` with the idempotency key `key`: the actor's answer.
    pub async fn redeem_keyed(
        &self,
        store: StoreId,
        code: &str,
        key: &str,
    ) -> Result<Decision, EngineError> {
        self.handle
            .execute(ACCOUNT, redeem(store, code), Some(key.to_owned()), None)
            .await
    }

    /// Reserves `code` at `store` for `ttl_seconds`, which must be accepted: the
    /// reservation's id.
    pub async fn reserve(&self, store: StoreId, code: &str, ttl_seconds: u32) -> RedemptionId {
        RedemptionId(created(&self.ok(reserve(store, code, ttl_seconds)).await))
    }
}

/// Committed redemptions in `state`.
pub fn committed(state: &AccountState) -> usize {
    state
        .redemptions()
        .filter(|redemption| redemption.status == RedemptionStatus::Committed)
        .count()
}
