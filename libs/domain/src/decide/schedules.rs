//! Decisions on schedules. Setting one checks what can be checked ahead: the offer exists, the
//! time is in the future (and within `MAX_DAYS_AHEAD`), a window change gives a time and is
//! not inverted in itself, and the account has fewer than `MAX_PENDING_SCHEDULES` pending.
//! A bulk job's targets are checked ahead too (the running jobs' limit only when it fires).
//! Only a pending schedule can be cancelled. When schedules fall due, each one's action is
//! decided against the state as the ones before it left it: taken (`schedule_fired`, then the
//! action's events) or refused (`schedule_failed` with the refusal's message).

use super::{bulk, offer};
use crate::error::{DomainError, DomainResult};
use crate::event::{Event, EventKind, ScheduleFailure, ScheduleRef};
use crate::evolve::evolve;
use crate::ids::ScheduleId;
use crate::offer::OfferFields;
use crate::schedule::{
    Schedule, ScheduleFields, ScheduleStatus, ScheduledAction, MAX_DAYS_AHEAD,
    MAX_PENDING_SCHEDULES,
};
use crate::state::AccountState;
use crate::validate::existing;
use chrono::{DateTime, Duration, Utc};

pub(super) fn create(
    state: &AccountState,
    fields: &ScheduleFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let invalid = |field, reason: &str| DomainError::Invalid {
        field,
        reason: reason.into(),
    };
    if fields.fires_at <= now {
        return Err(invalid("Fires at", "must be in the future"));
    }
    if fields.fires_at > now + Duration::days(MAX_DAYS_AHEAD) {
        return Err(invalid("Fires at", "must be within 5 years"));
    }
    existing(&state.offers, &fields.action.offer_id(), "Offer")?;
    if let ScheduledAction::ChangeOfferWindow { window, .. } = &fields.action {
        if window.is_empty() {
            return Err(DomainError::Blank { field: "Window" });
        }
        offer::check_window(
            window.activates_at,
            window.expires_at,
            window.stop_offering_at,
        )?;
    }
    if let ScheduledAction::StartBulkJob { job } = &fields.action {
        bulk::job_of(state, job, now)?;
    }
    if state.schedules_due.len() >= MAX_PENDING_SCHEDULES {
        return Err(invalid(
            "Schedule",
            "cannot be set: the account has the most pending schedules it may have",
        ));
    }
    Ok(vec![EventKind::ScheduleCreated(Schedule {
        id: ScheduleId(state.next_id()),
        action: fields.action.clone(),
        fires_at: fields.fires_at,
        status: ScheduleStatus::Pending,
        settled_at: None,
        failure: None,
        created_at: now,
    })])
}

pub(super) fn cancel(state: &AccountState, id: ScheduleId) -> DomainResult<Vec<EventKind>> {
    let schedule = existing(&state.schedules, &id, "Schedule")?;
    if schedule.status != ScheduleStatus::Pending {
        return Err(DomainError::WrongStatus {
            resource: "Schedule",
            action: "cancelled",
            status: schedule.status.name().into(),
        });
    }
    Ok(vec![EventKind::ScheduleCancelled(ScheduleRef {
        schedule_id: id,
    })])
}

/// The events of every pending schedule due at `now`, in the order they fall due.
pub(super) fn fire_due(state: &AccountState, now: DateTime<Utc>) -> Vec<EventKind> {
    let due: Vec<ScheduleId> = state
        .schedules_due
        .iter()
        .take_while(|(at, _)| *at <= now)
        .map(|(_, id)| *id)
        .collect();
    if due.is_empty() {
        return Vec::new();
    }
    let mut working = state.clone();
    let mut recorded = Vec::new();
    for id in due {
        let Some(schedule) = working.schedules.get(&id) else {
            continue;
        };
        let kinds = fire(&working, id, &schedule.action, now);
        for kind in &kinds {
            let event = Event {
                occurred_at: now,
                idempotency: None,
                kind: kind.clone(),
            };
            evolve(&mut working, event);
        }
        recorded.extend(kinds);
    }
    recorded
}

/// The events of schedule `id` firing: its action's, or its failure.
fn fire(
    state: &AccountState,
    id: ScheduleId,
    action: &ScheduledAction,
    now: DateTime<Utc>,
) -> Vec<EventKind> {
    let taken = match action {
        ScheduledAction::ApproveOffer { offer_id } => offer::approve(state, *offer_id),
        ScheduledAction::StopOffer { offer_id } => offer::stop(state, *offer_id),
        ScheduledAction::ChangeOfferWindow { offer_id, window } => {
            let fields = OfferFields {
                activates_at: window.activates_at,
                expires_at: window.expires_at,
                stop_offering_at: window.stop_offering_at,
                ..OfferFields::default()
            };
            offer::update(state, *offer_id, &fields, now)
        }
        ScheduledAction::StartBulkJob { job } => bulk::create(state, job, now),
    };
    match taken {
        Ok(kinds) => std::iter::once(EventKind::ScheduleFired(ScheduleRef { schedule_id: id }))
            .chain(kinds)
            .collect(),
        Err(refused) => vec![EventKind::ScheduleFailed(ScheduleFailure {
            schedule_id: id,
            reason: refused.to_string(),
        })],
    }
}
