//! Applying events of counters and occasions (Sparkfly's events): replaced whole on create and
//! update, removed on delete.

use crate::event::{CounterEvent, OccasionEvent};
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
