//! The shared fixtures run through the pure domain: the shop set-up ends in a shop whose
//! offer a member can be issued and redeem, and `created` finds each entity's id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::ids::{AccountId, CredentialId, RedemptionId};
use testkit::fixtures::scenario::History;
use testkit::fixtures::{created, issue, issued_code, redeem, ShopSetup};

#[test]
fn the_shop_set_up_lets_a_member_redeem_its_offer() {
    let (mut history, shop) = History::shop(Some(3));
    assert_eq!(
        history.state().member(shop.member).unwrap().identifier,
        "alice"
    );
    let offer = &history.state().offer(shop.offer).unwrap();
    assert_eq!(offer.limits.max_redemptions, Some(3));
    assert!(offer.is_redeemable_at(history.now()));

    let issued = history.record(issue(shop.member, shop.channel, shop.offer));
    let credential = CredentialId(created(&issued));
    assert!(history.state().credential(credential).is_some());
    let redeemed = history.record(redeem(shop.store, &issued_code(&issued)));
    let redemption = RedemptionId(created(&redeemed));
    assert!(history.state().redemption(redemption).is_some());
}

#[test]
#[should_panic(expected = "not set up yet")]
fn an_unfinished_set_up_has_no_shop() {
    let mut setup = ShopSetup::new(AccountId(1), None);
    setup.next(&[]);
    setup.shop();
}
