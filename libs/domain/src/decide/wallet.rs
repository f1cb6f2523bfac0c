//! Decisions on members' offer wallets: saving an offer (issuing its credential and paying its
//! points), changing an entry's availability, voiding an entry (voiding its credential and
//! paying back unused points).

use super::credential;
use crate::command::{CredentialRequest, MemberKey};
use crate::context::Context;
use crate::credential::CredentialStatus;
use crate::error::{DomainError, DomainResult};
use crate::event::{CredentialRef, EventKind, OfferStateVoided};
use crate::ids::{ChannelId, CredentialId, MemberId, OfferId, OfferStateId};
use crate::points::queries::ledger;
use crate::state::AccountState;
use crate::validate::{existing, optional_text, replace_text};
use crate::wallet::{queries, OfferState, OfferStateFields, MAX_EXTERNAL_REF};
use chrono::{DateTime, Utc};

pub(super) fn save(
    state: &AccountState,
    member_id: MemberId,
    channel_id: Option<ChannelId>,
    offer_id: Option<OfferId>,
    fields: &OfferStateFields,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    let now = context.now;
    existing(&state.members, &member_id, "Member")?;
    let offer_id = offer_id.ok_or(DomainError::Blank { field: "Offer" })?;
    let external_ref_id = optional_text(
        "External ref",
        fields.external_ref_id.as_deref(),
        MAX_EXTERNAL_REF,
    )?;
    check_window(fields.activates_at, fields.expires_at)?;
    let request = CredentialRequest {
        member_id: Some(member_id),
        channel_id,
        offer_ids: vec![offer_id],
        ..CredentialRequest::default()
    };
    let mut events = credential::issue(state, &request, context)?;
    let cost = state
        .offers
        .get(&offer_id)
        .and_then(|offer| offer.reward.points_required_value)
        .unwrap_or(0);
    let balance = ledger(state, member_id).balance();
    if cost > balance {
        return Err(DomainError::PointsShort {
            needed: cost,
            balance,
        });
    }
    let credential_id = CredentialId(state.next_id());
    events.push(EventKind::OfferStateCreated(OfferState {
        id: OfferStateId(credential_id.0 + 1),
        member_id,
        offer_id,
        channel_id: channel_id.unwrap_or(ChannelId(0)),
        credential_id,
        activates_at: fields.activates_at,
        expires_at: fields.expires_at,
        external_ref_id,
        points_paid: cost,
        voided_at: None,
        created_at: now,
        updated_at: now,
    }));
    Ok(events)
}

pub(super) fn update(
    state: &AccountState,
    member_id: MemberId,
    id: OfferStateId,
    fields: &OfferStateFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let entry = held(state, member_id, id)?;
    let mut changed = entry.clone();
    changed.activates_at = fields.activates_at.or(entry.activates_at);
    changed.expires_at = fields.expires_at.or(entry.expires_at);
    replace_text(
        "External ref",
        fields.external_ref_id.as_deref(),
        MAX_EXTERNAL_REF,
        &mut changed.external_ref_id,
    )?;
    check_window(changed.activates_at, changed.expires_at)?;
    changed.updated_at = now;
    Ok(vec![EventKind::OfferStateUpdated(changed)])
}

pub(super) fn void(
    state: &AccountState,
    member: &MemberKey,
    id: OfferStateId,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let member_id = match member {
        MemberKey::Id(id) => *id,
        MemberKey::Identifier(identifier) => *state
            .member_ids_by_identifier
            .get(identifier.trim())
            .ok_or(DomainError::NotFound { resource: "Member" })?,
    };
    let entry = held(state, member_id, id)?;
    let status = state
        .credentials
        .get(&entry.credential_id)
        .map(|credential| credential.status_at(now));
    let mut events = Vec::with_capacity(2);
    let points_refunded = match status {
        Some(CredentialStatus::Locked) => return Err(DomainError::CredentialLocked),
        Some(CredentialStatus::Redeemed) => 0,
        Some(CredentialStatus::Open) => {
            events.push(EventKind::CredentialVoided(CredentialRef {
                credential_id: entry.credential_id,
            }));
            entry.points_paid
        }
        Some(CredentialStatus::Expired | CredentialStatus::Voided | CredentialStatus::Reversed)
        | None => entry.points_paid,
    };
    events.push(EventKind::OfferStateVoided(OfferStateVoided {
        offer_state_id: id,
        member_id,
        points_refunded,
    }));
    Ok(events)
}

/// Entry `id` of member `member_id`, refused when voided.
fn held(state: &AccountState, member_id: MemberId, id: OfferStateId) -> DomainResult<&OfferState> {
    existing(&state.members, &member_id, "Member")?;
    let entry = queries::entry_of(state, member_id, id)
        .ok_or(DomainError::NotFound {
            resource: "Offer state",
        })?
        .offer_state;
    if entry.voided_at.is_some() {
        return Err(DomainError::WrongStatus {
            resource: "Offer state",
            action: "changed",
            status: "voided".into(),
        });
    }
    Ok(entry)
}

fn check_window(
    activates_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
) -> DomainResult<()> {
    match (activates_at, expires_at) {
        (Some(start), Some(end)) if end <= start => Err(DomainError::Invalid {
            field: "Expires at",
            reason: "must be after activates at".into(),
        }),
        _ => Ok(()),
    }
}
