//! Where offers can be redeemed (`domain::redemption::{stores_redeeming, offers_redeemable_at,
//! stores_with_offers}` and the checked forms the API asks), asked of the shared shop's state:
//! every store while an offer is unrestricted, only its merchant's stores once restricted to
//! it, nothing once it is stopped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::ids::{OfferId, StoreId};
use domain::offer::EligibilityDimension;
use domain::redemption::{
    offers_redeemable_at, offers_redeemable_at_store_of, stores_redeeming, stores_redeeming_offer,
    stores_with_offers,
};
use domain::{AccountState, Command};
use testkit::fixtures::scenario::History;
use testkit::fixtures::{create_merchant, create_store, created, Shop};

/// The shop and a second merchant's store.
fn shop_and_another_store() -> (History, Shop, StoreId) {
    let (mut history, shop) = History::shop(None);
    let other = created(&history.record(create_merchant("Tacos Inc")));
    let store = created(&history.record(create_store(domain::ids::MerchantId(other), "Elm St")));
    (history, shop, StoreId(store))
}

fn ids(stores: Vec<&domain::catalog::Store>) -> Vec<StoreId> {
    stores.iter().map(|store| store.id).collect()
}

fn at_every_store(history: &History, shop: &Shop, other: StoreId) -> Vec<Vec<OfferId>> {
    let state: &AccountState = history.state();
    [shop.store, other]
        .iter()
        .map(|store| offers_redeemable_at(state, *store, history.now()))
        .collect()
}

#[test]
fn an_unrestricted_offer_is_redeemable_at_every_store() {
    let (history, shop, other) = shop_and_another_store();
    let state = history.state();
    assert_eq!(
        ids(stores_redeeming(state, shop.offer, history.now())),
        vec![shop.store, other]
    );
    assert_eq!(
        at_every_store(&history, &shop, other),
        vec![vec![shop.offer], vec![shop.offer]]
    );
    assert_eq!(
        ids(stores_with_offers(state, history.now())),
        vec![shop.store, other]
    );
}

/// Mutation: `stores_redeeming` ignoring `store_eligible` fails it.
#[test]
fn an_offer_restricted_to_a_merchant_is_redeemable_at_its_stores_only() {
    let (mut history, shop, other) = shop_and_another_store();
    history.record(Command::AddOfferEligibility {
        offer_id: shop.offer,
        dimension: EligibilityDimension::Merchants,
        ids: vec![shop.merchant.0],
    });
    let state = history.state();
    assert_eq!(
        ids(stores_redeeming(state, shop.offer, history.now())),
        vec![shop.store]
    );
    assert_eq!(
        at_every_store(&history, &shop, other),
        vec![vec![shop.offer], vec![]]
    );
    assert_eq!(
        ids(stores_with_offers(state, history.now())),
        vec![shop.store]
    );
}

#[test]
fn a_stopped_offer_is_redeemable_nowhere() {
    let (mut history, shop, other) = shop_and_another_store();
    history.record(Command::StopOffer {
        offer_id: shop.offer,
    });
    let state = history.state();
    assert!(stores_redeeming(state, shop.offer, history.now()).is_empty());
    assert_eq!(
        at_every_store(&history, &shop, other),
        vec![Vec::<OfferId>::new(), vec![]]
    );
    assert!(stores_with_offers(state, history.now()).is_empty());
    assert!(offers_redeemable_at(state, StoreId(999), history.now()).is_empty());
    assert!(stores_redeeming(state, OfferId(999), history.now()).is_empty());
}

/// The checked forms answer what the plain queries do for an offer the account holds and a
/// store of the merchant named, and `None` for an unknown offer, an unknown store or another
/// merchant's store. Mutations checked: `stores_redeeming_offer` and
/// `offers_redeemable_at_store_of` returning `None` or `Some(vec![])`, and
/// `found.merchant_id == merchant` made `!=` in the latter.
#[test]
fn the_checked_queries_answer_none_for_what_is_not_held() {
    let (history, shop, other) = shop_and_another_store();
    let (state, now) = (history.state(), history.now());
    assert_eq!(
        stores_redeeming_offer(state, shop.offer, now).map(ids),
        Some(vec![shop.store, other])
    );
    assert!(stores_redeeming_offer(state, OfferId(999), now).is_none());
    let at = |store| offers_redeemable_at_store_of(state, shop.merchant, store, now);
    assert_eq!(at(shop.store), Some(vec![shop.offer]));
    assert_eq!(at(other), None);
    assert_eq!(at(StoreId(999)), None);
}
