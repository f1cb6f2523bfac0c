//! What the API asks of schedules in live state.

use super::{Schedule, ScheduleStatus};
use crate::ids::{OfferId, ScheduleId};
use crate::state::AccountState;

/// Schedule `id`.
pub fn schedule(state: &AccountState, id: ScheduleId) -> Option<&Schedule> {
    state.schedules.get(&id)
}

/// The schedules in `status` (any when `None`) about `offer` (any when `None`), by the time
/// they are due, then by id.
pub fn listed(
    state: &AccountState,
    status: Option<ScheduleStatus>,
    offer: Option<OfferId>,
) -> Vec<&Schedule> {
    let mut found: Vec<&Schedule> = state
        .schedules
        .values()
        .filter(|schedule| status.is_none_or(|status| schedule.status == status))
        .filter(|schedule| offer.is_none_or(|offer| schedule.offer_id() == offer))
        .collect();
    found.sort_unstable_by_key(|schedule| (schedule.fires_at, schedule.id));
    found
}
