//! `evolve`: applies one event to an account's state. Events are facts: applying never fails,
//! and folding it over an account's events from the default state rebuilds the state exactly.

mod catalog;
mod credentials;
mod offers;
mod redemptions;

use crate::event::{Event, EventKind};
use crate::money::currency;
use crate::state::AccountState;
use chrono_tz::Tz;

/// Applies `event` to `state`, moving its payload into the state.
pub fn evolve(state: &mut AccountState, event: Event) {
    state.idempotency.record(&event);
    let at = event.occurred_at;
    use EventKind as E;
    let kind = event.kind;
    match kind {
        E::AccountCreated(account) | E::AccountUpdated(account) => {
            state.settings.currency =
                currency(&account.currency).unwrap_or(state.settings.currency);
            state.settings.time_zone = account.time_zone.parse::<Tz>().unwrap_or(Tz::UTC);
            state.account = Some(account);
        }
        E::ApiKeyIssued(key) => {
            state.last_id = state.last_id.max(key.id.0);
            state.api_keys.insert(key.id, key);
        }
        E::ApiKeyRotated(rotation) => {
            if let Some(key) = state.api_keys.get_mut(&rotation.api_key_id) {
                key.key_hash = rotation.key_hash;
                key.previous_key_hash = Some(rotation.previous_key_hash);
                key.previous_valid_until = Some(rotation.previous_valid_until);
            }
        }
        E::ApiKeyRevoked(revoked) => {
            if let Some(key) = state.api_keys.get_mut(&revoked.api_key_id) {
                key.revoked_at = Some(at);
            }
        }
        E::MemberCreated(_) | E::MemberUpdated(_) | E::MemberDeleted(_) => {
            catalog::members(state, kind)
        }
        E::MerchantCreated(_)
        | E::MerchantUpdated(_)
        | E::MerchantDeleted(_)
        | E::StoreCreated(_)
        | E::StoreUpdated(_)
        | E::StoreDeleted(_) => catalog::merchants(state, kind),
        E::StoreListCreated(_)
        | E::StoreListRenamed(_)
        | E::StoresAddedToList(_)
        | E::StoresRemovedFromList(_)
        | E::StoreListDeleted(_)
        | E::MemberListCreated(_)
        | E::MemberListRenamed(_)
        | E::MembersAddedToList(_)
        | E::MembersRemovedFromList(_)
        | E::MemberListDeleted(_) => catalog::lists(state, kind, at),
        E::ItemCreated(_)
        | E::ItemUpdated(_)
        | E::ItemDeleted(_)
        | E::ItemSetCreated(_)
        | E::ItemSetUpdated(_)
        | E::ItemSetDeleted(_) => catalog::items(state, kind),
        E::OfferCreated(_)
        | E::OfferUpdated(_)
        | E::OfferApproved(_)
        | E::OfferStopped(_)
        | E::OfferDeleted(_)
        | E::OfferChannelLinked(_)
        | E::OfferChannelUnlinked(_)
        | E::OfferChannelCapSet(_)
        | E::ChannelCreated(_)
        | E::ChannelUpdated(_)
        | E::ChannelDeleted(_) => offers::apply(state, kind, at),
        E::CredentialIssued(_)
        | E::CredentialOffersChanged(_)
        | E::CredentialVoided(_)
        | E::CredentialExpired(_) => credentials::apply(state, kind, at),
        E::RedemptionCommitted(_)
        | E::RedemptionReserved(_)
        | E::ReservationConfirmed(_)
        | E::ReservationCancelled(_)
        | E::ReservationExpired(_)
        | E::RedemptionVoided(_)
        | E::RedemptionReversed(_) => redemptions::apply(state, kind, at),
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
