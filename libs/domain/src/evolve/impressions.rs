//! Applying impressions: only the id counter moves (impressions live in the read model).

use crate::event::ImpressionEvent;
use crate::state::AccountState;

pub(super) fn apply(state: &mut AccountState, event: ImpressionEvent) {
    match event {
        ImpressionEvent::Recorded(impression) => {
            state.last_id = state.last_id.max(impression.id.0);
        }
        ImpressionEvent::Deleted(_) => {}
    }
}
