//! The shared fixtures run through the pure domain: the shop set-up ends in a shop whose
//! offer a member can be issued and redeem, and `created` finds each entity's id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use domain::ids::{AccountId, CredentialId, RedemptionId};
use domain::{decide, evolve, AccountState, Command, Context, Event};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use testkit::fixtures::{created, issue, issued_code, redeem, ShopSetup};

/// The clock of every command.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

/// An account state driven through `decide` and `evolve`.
struct Account {
    state: AccountState,
    rng: ChaCha8Rng,
}

impl Account {
    fn run(&mut self, command: Command) -> Vec<Event> {
        let mut context = Context::new(now(), &mut self.rng);
        let decision = decide(&self.state, &command, None, &mut context)
            .unwrap_or_else(|error| panic!("{command:?} refused: {error}"));
        let events = decision.outcome().to_vec();
        for event in decision.new_events() {
            evolve(&mut self.state, event.clone());
        }
        events
    }
}

#[test]
fn the_shop_set_up_lets_a_member_redeem_its_offer() {
    let mut account = Account {
        state: AccountState::default(),
        rng: ChaCha8Rng::seed_from_u64(1),
    };
    let mut setup = ShopSetup::new(AccountId(1), Some(3));
    let mut events = Vec::new();
    while let Some(command) = setup.next(&events) {
        events = account.run(command);
    }
    let shop = setup.shop();
    assert_eq!(account.state.members[&shop.member].identifier, "alice");
    let offer = &account.state.offers[&shop.offer];
    assert_eq!(offer.limits.max_redemptions, Some(3));
    assert!(offer.is_redeemable_at(now()));

    let issued = account.run(issue(shop.member, shop.channel, shop.offer));
    let credential = CredentialId(created(&issued));
    assert!(account.state.credentials.contains_key(&credential));
    let redeemed = account.run(redeem(shop.store, &issued_code(&issued)));
    let redemption = RedemptionId(created(&redeemed));
    assert!(account.state.redemptions.contains_key(&redemption));
}

#[test]
#[should_panic(expected = "not set up yet")]
fn an_unfinished_set_up_has_no_shop() {
    let mut setup = ShopSetup::new(AccountId(1), None);
    setup.next(&[]);
    setup.shop();
}
