//! Decisions on counters and occasions (Sparkfly's events): a name is required on create and
//! kept when an update leaves it out. A counter's name is an integer (the reference's type)
//! that a JSON client reads exactly, so within ±(2^53 - 1); an occasion's is clean text of at
//! most [`MAX_TEXT`] characters.

use crate::catalog::{Counter, CounterFields, Occasion, OccasionFields};
use crate::error::{DomainError, DomainResult};
use crate::event::{CounterRef, EventKind, OccasionRef};
use crate::ids::{CounterId, OccasionId};
use crate::state::AccountState;
use crate::validate::{existing, required_text, MAX_COUNTER_NAME, MAX_TEXT};
use chrono::{DateTime, Utc};

pub(super) fn create_counter(
    state: &AccountState,
    fields: &CounterFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let counter = Counter {
        id: CounterId(state.next_id()),
        name: counter_name(fields.name)?,
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::CounterCreated(counter)])
}

pub(super) fn update_counter(
    state: &AccountState,
    id: CounterId,
    fields: &CounterFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let mut counter = existing(&state.counters, &id, "Counter")?.clone();
    counter.name = counter_name(fields.name.or(Some(counter.name)))?;
    counter.updated_at = now;
    Ok(vec![EventKind::CounterUpdated(counter)])
}

pub(super) fn delete_counter(state: &AccountState, id: CounterId) -> DomainResult<Vec<EventKind>> {
    existing(&state.counters, &id, "Counter")?;
    Ok(vec![EventKind::CounterDeleted(CounterRef {
        counter_id: id,
    })])
}

fn counter_name(name: Option<i64>) -> DomainResult<i64> {
    let name = name.ok_or(DomainError::Blank { field: "Name" })?;
    if name.unsigned_abs() > MAX_COUNTER_NAME.unsigned_abs() {
        return Err(DomainError::Invalid {
            field: "Name",
            reason: format!("must be between -{MAX_COUNTER_NAME} and {MAX_COUNTER_NAME}"),
        });
    }
    Ok(name)
}

pub(super) fn create_occasion(
    state: &AccountState,
    fields: &OccasionFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let occasion = Occasion {
        id: OccasionId(state.next_id()),
        name: required_text("Name", fields.name.as_deref(), MAX_TEXT)?,
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::OccasionCreated(occasion)])
}

pub(super) fn update_occasion(
    state: &AccountState,
    id: OccasionId,
    fields: &OccasionFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let mut occasion = existing(&state.occasions, &id, "Event")?.clone();
    let name = fields.name.as_deref().or(Some(&occasion.name));
    occasion.name = required_text("Name", name, MAX_TEXT)?;
    occasion.updated_at = now;
    Ok(vec![EventKind::OccasionUpdated(occasion)])
}

pub(super) fn delete_occasion(
    state: &AccountState,
    id: OccasionId,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.occasions, &id, "Event")?;
    Ok(vec![EventKind::OccasionDeleted(OccasionRef {
        occasion_id: id,
    })])
}
