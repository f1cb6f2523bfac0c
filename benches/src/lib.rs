//! Fixtures shared by the benches: an account driven through the real `decide` and `evolve`
//! into a realistic shape (members, a store, offers on a channel, issued credentials), and a
//! stream of recorded events to replay; and `load`, the HTTP load generator's parts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod load;

use chrono::{DateTime, Duration, TimeZone, Utc};
use discount::{Basket, BasketLine};
use domain::account::AccountFields;
use domain::catalog::{ItemFields, ItemSetFields, MemberFields, MerchantFields, StoreFields};
use domain::channel::ChannelFields;
use domain::command::CredentialRequest;
use domain::ids::{AccountId, ChannelId, ItemId, ItemSetId, MemberId, OfferId, StoreId};
use domain::offer::{OfferFields, RewardKind};
use domain::redemption::PosRequest;
use domain::{decide, evolve, AccountState, Command, Context, Event, EventKind};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

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

    fn created(events: &[Event]) -> u64 {
        events
            .iter()
            .find_map(|event| match &event.kind {
                EventKind::MemberCreated(x) => Some(x.id.0),
                EventKind::MerchantCreated(x) => Some(x.id.0),
                EventKind::StoreCreated(x) => Some(x.id.0),
                EventKind::ItemCreated(x) => Some(x.id.0),
                EventKind::ItemSetCreated(x) => Some(x.id.0),
                EventKind::OfferCreated(x) => Some(x.id.0),
                EventKind::ChannelCreated(x) => Some(x.id.0),
                _ => None,
            })
            .unwrap()
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
        fixture.run(Command::CreateAccount {
            account_id: AccountId(1),
            fields: AccountFields {
                name: Some("Bench".into()),
                ..Default::default()
            },
        });
        let merchant = fixture.run(Command::CreateMerchant {
            fields: MerchantFields {
                name: Some("Q Burger".into()),
                is_active: None,
            },
        });
        let merchant = domain::ids::MerchantId(Self::created(&merchant));
        let store = fixture.run(Command::CreateStore {
            merchant_id: merchant,
            fields: StoreFields {
                name: Some("Main St".into()),
                ..Default::default()
            },
        });
        fixture.store = StoreId(Self::created(&store));
        let channel = fixture.run(Command::CreateChannel {
            fields: ChannelFields {
                name: Some("App".into()),
                ..Default::default()
            },
        });
        fixture.channel = ChannelId(Self::created(&channel));
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
            let member = fixture.run(Command::CreateMember {
                fields: MemberFields {
                    identifier: Some(format!("member-{n}")),
                    notification_mode: None,
                },
            });
            fixture.members.push(MemberId(Self::created(&member)));
        }
        fixture
    }

    fn item_set(&mut self, name: &str, code: &str) -> ItemSetId {
        let item = self.run(Command::CreateItem {
            fields: ItemFields {
                name: Some(code.into()),
                code: Some(code.into()),
                ..Default::default()
            },
        });
        let item = ItemId(Self::created(&item));
        let set = self.run(Command::CreateItemSet {
            fields: ItemSetFields {
                name: Some(name.into()),
                item_ids: Some(vec![item]),
                ..Default::default()
            },
        });
        ItemSetId(Self::created(&set))
    }

    fn offer(&mut self, fields: OfferFields) -> OfferId {
        let offer = OfferId(Self::created(&self.run(Command::CreateOffer { fields })));
        self.run(Command::ApproveOffer { offer_id: offer });
        self.run(Command::LinkOfferChannels {
            offer_id: offer,
            channel_ids: vec![self.channel],
        });
        offer
    }

    /// Issues a credential for `offers` to the `n`th member; its code.
    pub fn issue(&mut self, n: usize, offers: &[OfferId]) -> String {
        let events = self.run(Command::IssueCredential {
            request: CredentialRequest {
                member_id: Some(self.members[n % self.members.len()]),
                channel_id: Some(self.channel),
                offer_ids: offers.to_vec(),
                ..Default::default()
            },
        });
        match &events[0].kind {
            EventKind::CredentialIssued(credential) => credential.identifier.clone().unwrap(),
            other => panic!("{other:?}"),
        }
    }

    /// A redeem request for `code` with a burger and fries.
    pub fn redeem(&self, code: &str) -> Command {
        Command::Redeem {
            request: PosRequest {
                store_id: self.store,
                codes: vec![code.to_owned()],
                basket: Basket {
                    lines: vec![
                        line("1", "BURGER", 1, Decimal::new(599, 2)),
                        line("2", "FRIES", 1, Decimal::new(249, 2)),
                    ],
                },
            },
        }
    }

    /// Moves the clock on.
    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }
}

fn line(id: &str, item: &str, quantity: u32, unit_price: Decimal) -> BasketLine {
    BasketLine {
        line_id: id.into(),
        item_code: item.into(),
        quantity,
        unit_price,
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
