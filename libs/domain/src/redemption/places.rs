//! Where offers can be redeemed, asked of an account's state at a moment: the stores an offer
//! is redeemable at, the offers a store (of a merchant) redeems, and the stores that redeem
//! any offer. The
//! rule is the point of sale's own ([`store_eligible`] and [`Offer::is_redeemable_at`]), so
//! what these answer is exactly what a terminal at that store would be allowed.

use super::store_eligible;
use crate::catalog::Store;
use crate::ids::{MerchantId, OfferId, StoreId};
use crate::offer::Offer;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

/// The stores offer `offer` is redeemable at, at `now`, by id; empty when the offer is
/// unknown or not redeemable then.
pub fn stores_redeeming(state: &AccountState, offer: OfferId, now: DateTime<Utc>) -> Vec<&Store> {
    let Some(offer) = state
        .offers
        .get(&offer)
        .filter(|offer| offer.is_redeemable_at(now))
    else {
        return Vec::new();
    };
    sorted_stores(state, |store| store_eligible(state, offer, store))
}

/// [`stores_redeeming`] of an offer the account holds; `None` when it holds no offer `offer`.
pub fn stores_redeeming_offer(
    state: &AccountState,
    offer: OfferId,
    now: DateTime<Utc>,
) -> Option<Vec<&Store>> {
    state.offer(offer)?;
    Some(stores_redeeming(state, offer, now))
}

/// [`offers_redeemable_at`] a store of `merchant`; `None` when `store` is not one of its stores.
pub fn offers_redeemable_at_store_of(
    state: &AccountState,
    merchant: MerchantId,
    store: StoreId,
    now: DateTime<Utc>,
) -> Option<Vec<OfferId>> {
    state
        .store(store)
        .filter(|found| found.merchant_id == merchant)?;
    Some(offers_redeemable_at(state, store, now))
}

/// The offers redeemable at store `store`, at `now`, by id.
pub fn offers_redeemable_at(
    state: &AccountState,
    store: StoreId,
    now: DateTime<Utc>,
) -> Vec<OfferId> {
    let Some(store) = state.stores.get(&store) else {
        return Vec::new();
    };
    let mut offers: Vec<OfferId> = redeemable(state, now)
        .filter(|offer| store_eligible(state, offer, store))
        .map(|offer| offer.id)
        .collect();
    offers.sort_unstable();
    offers
}

/// The stores at which at least one offer is redeemable at `now`, by id.
pub fn stores_with_offers(state: &AccountState, now: DateTime<Utc>) -> Vec<&Store> {
    let offers: Vec<&Offer> = redeemable(state, now).collect();
    sorted_stores(state, |store| {
        offers
            .iter()
            .any(|offer| store_eligible(state, offer, store))
    })
}

fn redeemable(state: &AccountState, now: DateTime<Utc>) -> impl Iterator<Item = &Offer> {
    state
        .offers
        .values()
        .filter(move |offer| offer.is_redeemable_at(now))
}

fn sorted_stores(state: &AccountState, keep: impl Fn(&Store) -> bool) -> Vec<&Store> {
    let mut stores: Vec<&Store> = state.stores.values().filter(|store| keep(store)).collect();
    stores.sort_unstable_by_key(|store| store.id);
    stores
}
