//! Fixtures shared by the benches: an account driven through the real `decide` and `evolve`
//! into a realistic shape (members, a store, offers on a channel, issued credentials), and a
//! stream of recorded events to replay; and `load`, the HTTP load generator's parts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod load;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::ids::{AccountId, ChannelId, ItemId, ItemSetId, MemberId, OfferId, StoreId};
use domain::offer::{OfferFields, RewardKind};
use domain::{decide, evolve, AccountState, Command, Context, Event};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use testkit::fixtures::{
    create_account, create_channel, create_item, create_item_set, create_member, create_merchant,
    create_store, created, issue_request, issued_code, line, pos,
};

/// An account with the ids a bench needs.
pub struct Fixture {
    /// The account's state.
    pub state: AccountState,
    /// Every event recorded so far.
    pub events: Vec<Event>,
    /// The fixture's clock.
    pub now: DateTime<Utc>,
    /// The fixture's random source.
    pub rng: ChaCha8Rng,
    /// A store.
    pub store: StoreId,
    /// A channel.
    pub channel: ChannelId,
    /// Offers: $1 off the order with limits, and buy-a-burger-get-fries.
    pub offers: Vec<OfferId>,
    /// Members.
    pub members: Vec<MemberId>,
}

impl Fixture {
    /// Decides and applies `command`, returning the events it recorded.
    pub fn run(&mut self, command: Command) -> Vec<Event> {
        let mut context = Context::new(self.now, &mut self.rng);
        let decision = decide(&self.state, &command, None, &mut context)
            .unwrap_or_else(|error| panic!("{command:?}: {error}"));
        let events = decision.into_new_events();
        for event in &events {
            evolve(&mut self.state, event.clone());
        }
        self.events.extend(events.iter().cloned());
        events
    }

    /// An account with `members` members, two approved offers on one channel, one store.
    pub fn new(members: usize) -> Self {
        let mut fixture = Self {
            state: AccountState::default(),
            events: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap(),
            rng: ChaCha8Rng::seed_from_u64(1),
            store: StoreId(0),
            channel: ChannelId(0),
            offers: Vec::new(),
            members: Vec::new(),
        };
        fixture.run(create_account(AccountId(1), "Bench"));
        let merchant = fixture.run(create_merchant("Q Burger"));
        let merchant = domain::ids::MerchantId(created(&merchant));
        let store = fixture.run(create_store(merchant, "Main St"));
        fixture.store = StoreId(created(&store));
        let channel = fixture.run(create_channel("App"));
        fixture.channel = ChannelId(created(&channel));
        let burger = fixture.item_set("Burgers", "BURGER");
        let fries = fixture.item_set("Fries", "FRIES");
        let dollar = fixture.offer(OfferFields {
            name: Some("Dollar off".into()),
            reward_kind: Some(RewardKind::OrderAmountOff),
            reward_value: Some(Decimal::ONE),
            max_redemptions: Some(1_000_000_000),
            max_redemptions_per_member: Some(1_000_000),
            max_redemptions_per_member_per_day: Some(1_000_000),
            ..Default::default()
        });
        let free_fries = fixture.offer(OfferFields {
            name: Some("Buy a Burger, Get Free Medium Fries".into()),
            reward_kind: Some(RewardKind::ItemFree),
            required_item_set_id: Some(burger),
            redemption_item_set_id: Some(fries),
            ..Default::default()
        });
        fixture.offers = vec![dollar, free_fries];
        for n in 0..members {
            let member = fixture.run(create_member(&format!("member-{n}")));
            fixture.members.push(MemberId(created(&member)));
        }
        fixture
    }

    fn item_set(&mut self, name: &str, code: &str) -> ItemSetId {
        let item = ItemId(created(&self.run(create_item(code, code))));
        let set = self.run(create_item_set(name, &[item]));
        ItemSetId(created(&set))
    }

    fn offer(&mut self, fields: OfferFields) -> OfferId {
        let offer = OfferId(created(&self.run(Command::CreateOffer { fields })));
        self.run(Command::ApproveOffer { offer_id: offer });
        self.run(Command::LinkOfferChannels {
            offer_id: offer,
            channel_ids: vec![self.channel],
        });
        offer
    }

    /// Issues a credential for `offers` to the `n`th member; its code.
    pub fn issue(&mut self, n: usize, offers: &[OfferId]) -> String {
        let member = self.members[n % self.members.len()];
        let events = self.run(issue_request(Some(member), Some(self.channel), offers));
        issued_code(&events)
    }

    /// A redeem request for `code` with a burger and fries.
    pub fn redeem(&self, code: &str) -> Command {
        Command::Redeem {
            request: pos(
                self.store,
                &[code],
                vec![
                    line("1", "BURGER", 1, "5.99"),
                    line("2", "FRIES", 1, "2.49"),
                ],
            ),
        }
    }

    /// Moves the clock on.
    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }
}

/// The recorded events of an account where `credentials` credentials were issued and one in
/// `redeem_every` of them redeemed (half with both offers), as JSON lines.
pub fn redemption_stream(credentials: usize, redeem_every: usize) -> Vec<String> {
    let mut fixture = Fixture::new(100);
    for n in 0..credentials {
        let offers = if n % 2 == 0 {
            fixture.offers.clone()
        } else {
            vec![fixture.offers[0]]
        };
        let code = fixture.issue(n, &offers);
        if n % redeem_every.max(1) == 0 {
            let redeem = fixture.redeem(&code);
            fixture.run(redeem);
        }
        fixture.advance(Duration::seconds(1));
    }
    fixture
        .events
        .iter()
        .map(|event| serde_json::to_string(event).unwrap())
        .collect()
}
