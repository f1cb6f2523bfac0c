//! Applying events of counters, occasions (Sparkfly's events) and POS offer codes: replaced
//! whole on create and update, removed on delete.

use crate::event::{CounterEvent, OccasionEvent, PosOfferCodeEvent};
use crate::state::AccountState;

pub(super) fn counters(state: &mut AccountState, event: CounterEvent) {
    match event {
        CounterEvent::Created(counter) | CounterEvent::Updated(counter) => {
            state.last_id = state.last_id.max(counter.id.0);
            state.counters.insert(counter.id, counter);
        }
        CounterEvent::Deleted(deleted) => {
            state.counters.remove(&deleted.counter_id);
        }
    }
}

pub(super) fn occasions(state: &mut AccountState, event: OccasionEvent) {
    match event {
        OccasionEvent::Created(occasion) | OccasionEvent::Updated(occasion) => {
            state.last_id = state.last_id.max(occasion.id.0);
            state.occasions.insert(occasion.id, occasion);
        }
        OccasionEvent::Deleted(deleted) => {
            state.occasions.remove(&deleted.occasion_id);
        }
    }
}

pub(super) fn pos_offer_codes(state: &mut AccountState, event: PosOfferCodeEvent) {
    match event {
        PosOfferCodeEvent::Created(code) | PosOfferCodeEvent::Updated(code) => {
            state.last_id = state.last_id.max(code.id.0);
            state.pos_offer_codes.insert(code.id, code);
        }
        PosOfferCodeEvent::Deleted(deleted) => {
            state.pos_offer_codes.remove(&deleted.pos_offer_code_id);
        }
    }
}
