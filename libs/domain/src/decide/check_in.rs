//! Decisions on check-ins: a member at a store (near it when it has coordinates), and an
//! offer's check-in rule.

use crate::catalog::Coordinates;
use crate::check_in::{CheckInRule, CheckedIn, CHECK_IN_RADIUS_METRES, MAX_CHECK_IN_MINUTES};
use crate::error::{DomainError, DomainResult};
use crate::event::EventKind;
use crate::ids::{MemberId, OfferId, StoreId};
use crate::state::AccountState;
use crate::validate::existing;

pub(super) fn check_in(
    state: &AccountState,
    member_id: MemberId,
    store_id: StoreId,
    at: &Coordinates,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.members, &member_id, "Member")?;
    let store = existing(&state.stores, &store_id, "Store")?;
    if !store.is_active {
        return Err(DomainError::WrongStatus {
            resource: "Store",
            action: "checked in at",
            status: "inactive".into(),
        });
    }
    if let Some(location) = &store.coordinates {
        if at.metres_to(location) > CHECK_IN_RADIUS_METRES {
            return Err(DomainError::Invalid {
                field: "Check in",
                reason: format!("must be within {CHECK_IN_RADIUS_METRES} m of the store"),
            });
        }
    }
    Ok(vec![EventKind::MemberCheckedIn(CheckedIn {
        member_id,
        store_id,
    })])
}

pub(super) fn set_rule(
    state: &AccountState,
    offer_id: OfferId,
    within_minutes: Option<u32>,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.offers, &offer_id, "Offer")?;
    if within_minutes.is_some_and(|minutes| !(1..=MAX_CHECK_IN_MINUTES).contains(&minutes)) {
        return Err(DomainError::Invalid {
            field: "Within minutes",
            reason: format!("must be between 1 and {MAX_CHECK_IN_MINUTES}"),
        });
    }
    Ok(vec![EventKind::OfferCheckInRuleSet(CheckInRule {
        offer_id,
        within_minutes,
    })])
}
