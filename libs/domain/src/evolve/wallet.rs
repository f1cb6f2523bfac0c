//! Applying events of members' offer wallets: the entry, its indexes, and the points it cost
//! or gives back.

use super::points;
use crate::event::OfferStateEvent;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, event: OfferStateEvent, at: DateTime<Utc>) {
    match event {
        OfferStateEvent::Created(entry) => {
            state.last_id = state.last_id.max(entry.id.0);
            points::spend(state, entry.member_id, entry.points_paid);
            state
                .offer_state_by_credential
                .insert(entry.credential_id, entry.id);
            state.wallets.insert((entry.member_id, entry.id));
            state.offer_states.insert(entry.id, entry);
        }
        OfferStateEvent::Updated(entry) => {
            if state.offer_states.contains_key(&entry.id) {
                state.offer_states.insert(entry.id, entry);
            }
        }
        OfferStateEvent::Voided(voided) => {
            let Some(entry) = state.offer_states.get_mut(&voided.offer_state_id) else {
                return;
            };
            entry.voided_at = Some(at);
            entry.updated_at = at;
            points::refund(state, voided.member_id, voided.points_refunded);
        }
    }
}
