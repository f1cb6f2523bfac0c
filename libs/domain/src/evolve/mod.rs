//! `evolve`: applies one event to an account's state. Events are facts: applying never fails,
//! and folding it over an account's events from the default state rebuilds the state exactly.

mod account;
mod bulk;
mod campaigns;
mod catalog;
mod check_in;
mod credentials;
mod impressions;
mod lists;
mod offers;
mod plain;
mod points;
mod redemptions;
mod schedules;
mod wallet;
mod zidentifiers;

use crate::event::{Event, Family};
use crate::state::AccountState;

/// Applies `event` to `state`, moving its payload into the state.
pub fn evolve(state: &mut AccountState, event: Event) {
    state.idempotency.record(&event);
    let at = event.occurred_at;
    match event.kind.into_family() {
        Family::Account(event) => account::account(state, event),
        Family::ApiKey(event) => account::api_keys(state, event, at),
        Family::Member(event) => catalog::members(state, event),
        Family::Merchant(event) => catalog::merchants(state, event),
        Family::Manufacturer(event) => catalog::manufacturers(state, event, at),
        Family::Store(event) => catalog::stores(state, event),
        Family::Counter(event) => plain::counters(state, event),
        Family::Occasion(event) => plain::occasions(state, event),
        Family::PosOfferCode(event) => plain::pos_offer_codes(state, event),
        Family::StoreList(event) => lists::store_lists(state, event, at),
        Family::MemberList(event) => lists::member_lists(state, event, at),
        Family::Item(event) => catalog::items(state, event),
        Family::ItemSet(event) => catalog::item_sets(state, event),
        Family::Offer(event) => offers::offers(state, event, at),
        Family::OfferChannel(event) => offers::links(state, event),
        Family::Channel(event) => offers::channels(state, event),
        Family::Credential(event) => credentials::apply(state, event, at),
        Family::Redemption(event) => redemptions::apply(state, event, at),
        Family::OfferState(event) => wallet::apply(state, event, at),
        Family::Points(event) => points::apply(state, event),
        Family::CheckIn(event) => check_in::apply(state, event, at),
        Family::Impression(event) => impressions::apply(state, event),
        Family::Campaign(event) => campaigns::apply(state, event),
        Family::Zidentifier(event) => zidentifiers::apply(state, event),
        Family::Schedule(event) => schedules::apply(state, event, at),
        Family::BulkJob(event) => bulk::apply(state, event, at),
    }
}

/// The state rebuilt from an account's events, in order.
pub fn replay(events: impl IntoIterator<Item = Event>) -> AccountState {
    let mut state = AccountState::default();
    for event in events {
        evolve(&mut state, event);
    }
    state
}
