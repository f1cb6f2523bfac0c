//! Applying schedules: the entity and the queue of pending ones move together; a settled
//! schedule leaves the queue and keeps when and how it settled.

use crate::event::ScheduleEvent;
use crate::ids::ScheduleId;
use crate::schedule::ScheduleStatus;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, event: ScheduleEvent, at: DateTime<Utc>) {
    match event {
        ScheduleEvent::Created(schedule) => {
            state.last_id = state.last_id.max(schedule.id.0);
            if schedule.status == ScheduleStatus::Pending {
                state.schedules_due.insert((schedule.fires_at, schedule.id));
            }
            state.schedules.insert(schedule.id, schedule);
        }
        ScheduleEvent::Cancelled(cancelled) => {
            settle(
                state,
                cancelled.schedule_id,
                ScheduleStatus::Cancelled,
                None,
                at,
            );
        }
        ScheduleEvent::Fired(fired) => {
            settle(state, fired.schedule_id, ScheduleStatus::Fired, None, at);
        }
        ScheduleEvent::Failed(failed) => {
            let reason = Some(failed.reason);
            settle(
                state,
                failed.schedule_id,
                ScheduleStatus::Failed,
                reason,
                at,
            );
        }
    }
}

fn settle(
    state: &mut AccountState,
    id: ScheduleId,
    status: ScheduleStatus,
    failure: Option<String>,
    at: DateTime<Utc>,
) {
    let Some(schedule) = state.schedules.get_mut(&id) else {
        return;
    };
    state.schedules_due.remove(&(schedule.fires_at, id));
    schedule.status = status;
    schedule.settled_at = Some(at);
    schedule.failure = failure;
}
