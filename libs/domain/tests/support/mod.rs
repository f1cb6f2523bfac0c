//! Stateful test harness for scenarios of many steps: an account driven through `decide` and
//! `evolve` with a controllable clock and a seeded random source, whose tests assert on the
//! state it reaches. One command's exact events or refusal are checked in given / when / then
//! form instead (`testkit::fixtures::scenario`, the `commands` test binary).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use domain::account::AccountFields;
use domain::catalog::ListFields;
use domain::channel::ChannelFields;
use domain::ids::*;
use domain::offer::{OfferFields, RewardKind};
use domain::{decide, evolve, AccountState, Command, Context, Decision, DomainError, Event};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use testkit::fixtures::{
    self, create_item, create_item_set, create_member, create_merchant, create_store, issue_request,
};

// Each test binary uses its own share of the shared fixtures.
#[allow(unused_imports)]
pub use testkit::fixtures::scenario::start;
#[allow(unused_imports)]
pub use testkit::fixtures::{created, dec, line, pos, redeem, reserve};

/// The ids of a ready shop: a member, a channel and a store of a merchant.
pub struct Shop {
    pub member: MemberId,
    pub channel: ChannelId,
    pub store: StoreId,
}

/// An account under test.
pub struct Account {
    pub state: AccountState,
    pub events: Vec<Event>,
    pub now: DateTime<Utc>,
    pub rng: ChaCha8Rng,
}

impl Account {
    /// A fresh account (id 1, USD, UTC).
    pub fn new() -> Self {
        Self::with_fields(AccountFields {
            name: Some("Q Burger".into()),
            ..Default::default()
        })
    }

    pub fn with_fields(fields: AccountFields) -> Self {
        Self::seeded(fields, 42)
    }

    /// A fresh account whose random source starts from `seed`.
    pub fn seeded(fields: AccountFields, seed: u64) -> Self {
        let mut account = Self {
            state: AccountState::default(),
            events: Vec::new(),
            now: start(),
            rng: ChaCha8Rng::seed_from_u64(seed),
        };
        account
            .run(Command::CreateAccount {
                account_id: AccountId(1),
                fields,
            })
            .unwrap();
        account
    }

    /// A fresh account with a member "m", a channel "App" and a store "S" of merchant "M".
    pub fn shop() -> (Self, Shop) {
        let mut account = Self::new();
        let member = account.member("m");
        let channel = account.named_channel("App");
        let merchant = account.merchant("M");
        let store = account.store(merchant, "S");
        (
            account,
            Shop {
                member,
                channel,
                store,
            },
        )
    }

    /// [`Account::shop`] with an approved "$1 off the order" offer named `name` on its
    /// channel, with `limits` applied: the account, the shop and the offer.
    pub fn shop_with_offer(name: &str, limits: OfferFields) -> (Self, Shop, OfferId) {
        let (mut account, shop) = Self::shop();
        let offer = account.dollar_off(name, shop.channel, limits);
        (account, shop, offer)
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    /// Decides `command` (optionally keyed) and applies what it records.
    pub fn decide(&mut self, command: Command, key: Option<&str>) -> Result<Decision, DomainError> {
        let mut context = Context::new(self.now, &mut self.rng);
        let decision = decide(&self.state, &command, key, &mut context)?;
        for event in decision.new_events() {
            evolve(&mut self.state, event.clone());
            self.events.push(event.clone());
        }
        Ok(decision)
    }

    pub fn run(&mut self, command: Command) -> Result<Vec<Event>, DomainError> {
        self.decide(command, None)
            .map(|decision| decision.outcome().to_vec())
    }

    pub fn ok(&mut self, command: Command) -> Vec<Event> {
        let described = format!("{command:?}");
        self.run(command)
            .unwrap_or_else(|error| panic!("{described} refused: {error}"))
    }

    pub fn error(&mut self, command: Command) -> DomainError {
        let before = self.events.len();
        let error = self.run(command).expect_err("expected a refusal");
        assert_eq!(
            self.events.len(),
            before,
            "a refused command recorded events"
        );
        error
    }

    pub fn member(&mut self, identifier: &str) -> MemberId {
        let events = self.ok(create_member(identifier));
        MemberId(created(&events))
    }

    pub fn merchant(&mut self, name: &str) -> MerchantId {
        let events = self.ok(create_merchant(name));
        MerchantId(created(&events))
    }

    pub fn store(&mut self, merchant_id: MerchantId, name: &str) -> StoreId {
        let events = self.ok(create_store(merchant_id, name));
        StoreId(created(&events))
    }

    pub fn channel(&mut self, fields: ChannelFields) -> ChannelId {
        let events = self.ok(Command::CreateChannel { fields });
        ChannelId(created(&events))
    }

    pub fn named_channel(&mut self, name: &str) -> ChannelId {
        self.channel(ChannelFields {
            name: Some(name.into()),
            ..Default::default()
        })
    }

    pub fn item(&mut self, code: &str) -> ItemId {
        let events = self.ok(create_item(code, code));
        ItemId(created(&events))
    }

    pub fn item_set(&mut self, name: &str, items: &[ItemId]) -> ItemSetId {
        let events = self.ok(create_item_set(name, items));
        ItemSetId(created(&events))
    }

    pub fn member_list(&mut self, name: &str, members: &[MemberId]) -> MemberListId {
        let events = self.ok(Command::CreateMemberList {
            fields: ListFields {
                name: Some(name.into()),
            },
        });
        let list = MemberListId(created(&events));
        self.ok(Command::AddMembersToList {
            member_list_id: list,
            member_ids: members.to_vec(),
        });
        list
    }

    pub fn store_list(&mut self, name: &str, stores: &[StoreId]) -> StoreListId {
        let events = self.ok(Command::CreateStoreList {
            merchant_id: None,
            fields: ListFields {
                name: Some(name.into()),
            },
        });
        let list = StoreListId(created(&events));
        self.ok(Command::AddStoresToList {
            store_list_id: list,
            store_ids: stores.to_vec(),
        });
        list
    }

    /// A pending offer with `fields` (the name defaults to "Offer").
    pub fn pending_offer(&mut self, mut fields: OfferFields) -> OfferId {
        fields.name.get_or_insert_with(|| "Offer".into());
        let events = self.ok(Command::CreateOffer { fields });
        OfferId(created(&events))
    }

    /// An approved offer linked to `channel`.
    pub fn offer(&mut self, fields: OfferFields, channel: ChannelId) -> OfferId {
        let offer = self.pending_offer(fields);
        self.ok(Command::ApproveOffer { offer_id: offer });
        self.ok(Command::LinkOfferChannels {
            offer_id: offer,
            channel_ids: vec![channel],
        });
        offer
    }

    /// An approved "$1 off the order" offer with `limits` applied, on `channel`.
    pub fn dollar_off(&mut self, name: &str, channel: ChannelId, limits: OfferFields) -> OfferId {
        self.offer(
            OfferFields {
                name: Some(name.into()),
                reward_kind: Some(RewardKind::OrderAmountOff),
                reward_value: Some(dec("1.00")),
                ..limits
            },
            channel,
        )
    }

    pub fn issue(
        &mut self,
        member: MemberId,
        channel: ChannelId,
        offers: &[OfferId],
    ) -> Result<domain::credential::Credential, DomainError> {
        let events = self.run(issue_request(Some(member), Some(channel), offers))?;
        Ok(self
            .state
            .credential(CredentialId(created(&events)))
            .unwrap()
            .clone())
    }

    pub fn code(&mut self, member: MemberId, channel: ChannelId, offers: &[OfferId]) -> String {
        self.issue(member, channel, offers)
            .unwrap()
            .identifier
            .unwrap()
            .to_string()
    }

    /// Issues `member` a credential for `offers` on `channel`, which must be accepted: the
    /// credential and its code.
    pub fn credential(
        &mut self,
        member: MemberId,
        channel: ChannelId,
        offers: &[OfferId],
    ) -> (domain::credential::Credential, String) {
        let credential = self.issue(member, channel, offers).unwrap();
        let code = credential.identifier.clone().unwrap();
        (credential, code.to_string())
    }

    /// Redeems `code` at `store` against one $10.00 line, which must be accepted: the
    /// redemption's id.
    pub fn redeem(&mut self, store: StoreId, code: &str) -> RedemptionId {
        RedemptionId(created(&self.ok(fixtures::redeem(store, code))))
    }

    /// Reserves `code` at `store` for `ttl_seconds`, which must be accepted: the
    /// reservation's id.
    pub fn reserve(&mut self, store: StoreId, code: &str, ttl_seconds: u32) -> RedemptionId {
        RedemptionId(created(&self.ok(fixtures::reserve(
            store,
            code,
            ttl_seconds,
        ))))
    }
}
