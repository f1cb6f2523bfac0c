//! Decisions of the point-of-sale path: redeem, reserve then confirm or cancel, void, reverse,
//! and the expiry of lapsed reservations and code lifetimes.

use crate::credential::CredentialStatus;
use crate::error::{DomainError, DomainResult};
use crate::event::{CredentialRef, EventKind, RedemptionRef};
use crate::ids::RedemptionId;
use crate::redemption::{plan, Plan, PosRequest, RedemptionStatus, MAX_RESERVATION_SECONDS};
use crate::state::AccountState;
use crate::validate::existing;
use chrono::{DateTime, Duration, Utc};

/// What `request` would redeem at `now`, changing nothing (the dry run).
pub fn evaluate(
    state: &AccountState,
    request: &PosRequest,
    now: DateTime<Utc>,
) -> DomainResult<Plan> {
    if state.account.is_none() {
        return Err(DomainError::AccountNotFound);
    }
    plan(state, request, now)
}

pub(super) fn redeem(
    state: &AccountState,
    request: &PosRequest,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let plan = plan(state, request, now)?;
    let id = RedemptionId(state.next_id());
    Ok(vec![EventKind::RedemptionCommitted(
        plan.into_recorded(id, None),
    )])
}

pub(super) fn reserve(
    state: &AccountState,
    request: &PosRequest,
    ttl_seconds: u32,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    if !(1..=MAX_RESERVATION_SECONDS).contains(&ttl_seconds) {
        return Err(DomainError::Invalid {
            field: "Ttl seconds",
            reason: format!("must be between 1 and {MAX_RESERVATION_SECONDS}"),
        });
    }
    let plan = plan(state, request, now)?;
    let id = RedemptionId(state.next_id());
    let expires_at = now + Duration::seconds(i64::from(ttl_seconds));
    Ok(vec![EventKind::RedemptionReserved(
        plan.into_recorded(id, Some(expires_at)),
    )])
}

pub(super) fn confirm(
    state: &AccountState,
    id: RedemptionId,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let reservation = in_status(
        state,
        id,
        RedemptionStatus::Reserved,
        "Reservation",
        "confirmed",
    )?;
    if reservation.is_lapsed_at(now) {
        return Err(DomainError::ReservationExpired { redemption_id: id });
    }
    Ok(vec![EventKind::ReservationConfirmed(RedemptionRef {
        redemption_id: id,
    })])
}

pub(super) fn cancel(state: &AccountState, id: RedemptionId) -> DomainResult<Vec<EventKind>> {
    in_status(
        state,
        id,
        RedemptionStatus::Reserved,
        "Reservation",
        "cancelled",
    )?;
    Ok(vec![EventKind::ReservationCancelled(RedemptionRef {
        redemption_id: id,
    })])
}

pub(super) fn void(state: &AccountState, id: RedemptionId) -> DomainResult<Vec<EventKind>> {
    in_status(
        state,
        id,
        RedemptionStatus::Committed,
        "Redemption",
        "voided",
    )?;
    Ok(vec![EventKind::RedemptionVoided(RedemptionRef {
        redemption_id: id,
    })])
}

pub(super) fn reverse(state: &AccountState, id: RedemptionId) -> DomainResult<Vec<EventKind>> {
    in_status(
        state,
        id,
        RedemptionStatus::Committed,
        "Redemption",
        "reversed",
    )?;
    Ok(vec![EventKind::RedemptionReversed(RedemptionRef {
        redemption_id: id,
    })])
}

pub(super) fn expire_due(state: &AccountState, now: DateTime<Utc>) -> Vec<EventKind> {
    let reservations = state.lapsed_reservations(now).map(|reservation| {
        EventKind::ReservationExpired(RedemptionRef {
            redemption_id: reservation.id,
        })
    });
    let credentials = state
        .lapsed_credentials(now)
        .filter(|id| {
            state
                .credentials
                .get(id)
                .is_some_and(|credential| credential.status == CredentialStatus::Open)
        })
        .map(|credential_id| EventKind::CredentialExpired(CredentialRef { credential_id }));
    let erasures = state
        .due_erasures(now)
        .map(|member_id| EventKind::MemberErased(crate::event::MemberRef { member_id }));
    reservations.chain(credentials).chain(erasures).collect()
}

fn in_status<'s>(
    state: &'s AccountState,
    id: RedemptionId,
    expected: RedemptionStatus,
    resource: &'static str,
    action: &'static str,
) -> DomainResult<&'s crate::redemption::Redemption> {
    let redemption = existing(&state.redemptions, &id, resource)?;
    if redemption.status != expected {
        return Err(DomainError::WrongStatus {
            resource,
            action,
            status: redemption.status.to_string(),
        });
    }
    Ok(redemption)
}
