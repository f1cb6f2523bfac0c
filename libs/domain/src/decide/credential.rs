//! Decisions on credentials: issuing one with the checks of the Sparkfly validation table,
//! changing its offers, member, store, annotations and flags, voiding it, deleting it.
//!
//! A credential's member changes only while it was never redeemed and is not a wallet
//! entry's: its redemptions count against its member's limits, and a wallet entry belongs to
//! its member. Its offers are checked again for the member and store it has after the change.

use super::channel::MAX_DRAWS;
use crate::channel::{Channel, CodeFormat, MAX_NUMERIC_CODE_LIFETIME};
use crate::command::{CredentialChanges, CredentialRequest};
use crate::context::Context;
use crate::credential::{code, AnnotationValue, Annotations, Credential, CredentialStatus};
use crate::error::{DomainError, DomainResult};
use crate::event::{
    CredentialChanged, CredentialOffersChanged, CredentialRef, EventKind, IssuedCredential,
};
use crate::ids::{CredentialId, MemberId, OfferId, StoreId};
use crate::offer::OfferStatus;
use crate::redemption::{lapsed_applications, reached, store_eligible, used, OfferApplication};
use crate::state::AccountState;
use crate::validate::{distinct, existing, positive};
use crate::wallet;
use chrono::{DateTime, Duration, Utc};
use smol_str::SmolStr;

/// Most offers one credential may carry.
pub const MAX_OFFERS_PER_CREDENTIAL: usize = 20;
/// Most annotation entries accepted, at the top level and in a nested map.
const MAX_ANNOTATION_ENTRIES: usize = 50;
/// Longest annotation key or text value accepted.
const MAX_ANNOTATION_TEXT: usize = 1_000;

pub(super) fn issue(
    state: &AccountState,
    request: &CredentialRequest,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    let now = context.now;
    let channel = request
        .channel_id
        .and_then(|id| state.channels.get(&id))
        .ok_or(DomainError::ChannelRequired)?;
    let member_id = request
        .member_id
        .filter(|id| state.members.contains_key(id))
        .ok_or(DomainError::MemberRequired)?;
    if let Some(store_id) = request.store_id {
        existing(&state.stores, &store_id, "Store")?;
    }
    check_annotations(&request.annotations)?;
    let lifetime = code_lifetime(channel, request.code_lifetime)?;
    let offer_ids = check_offers(
        state,
        channel,
        member_id,
        request.store_id,
        &request.offer_ids,
        now,
    )?;
    let identifier = if offer_ids.is_empty() {
        None
    } else {
        Some(draw_code(state, channel, context)?)
    };
    let expires_at = identifier
        .as_ref()
        .and(lifetime)
        .map(|seconds| after(now, seconds));
    Ok(vec![EventKind::CredentialIssued(IssuedCredential {
        credential_id: CredentialId(state.next_id()),
        member_id,
        channel_id: channel.id,
        store_id: request.store_id,
        offer_ids,
        identifier,
        code_lifetime: lifetime,
        expires_at,
        annotations: request.annotations.clone(),
        reusable: request.reusable.unwrap_or(false),
        printable: request.printable.unwrap_or(false),
    })])
}

pub(super) fn update(
    state: &AccountState,
    id: CredentialId,
    channel_id: Option<crate::ids::ChannelId>,
    offer_ids: &[OfferId],
    changes: &CredentialChanges,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    let now = context.now;
    let credential = existing(&state.credentials, &id, "Credential")?;
    let channel = channel_id
        .filter(|channel| *channel == credential.channel_id)
        .and_then(|channel| state.channels.get(&channel))
        .ok_or(DomainError::ChannelRequired)?;
    match credential.status_at(now) {
        CredentialStatus::Open => {}
        CredentialStatus::Locked => return Err(DomainError::CredentialLocked),
        status => {
            return Err(DomainError::WrongStatus {
                resource: "Credential",
                action: "updated",
                status: status.to_string(),
            })
        }
    }
    let changed = check_changes(state, credential, changes)?;
    let offer_ids = check_offers(
        state,
        channel,
        changed.member_id.unwrap_or(credential.member_id),
        changed.store_id.or(credential.store_id),
        offer_ids,
        now,
    )?;
    let (identifier, expires_at) = match &credential.identifier {
        Some(existing) => (Some(existing.clone()), credential.expires_at),
        None if offer_ids.is_empty() => (None, None),
        None => (
            Some(draw_code(state, channel, context)?),
            credential.code_lifetime.map(|seconds| after(now, seconds)),
        ),
    };
    let offers_changed = offer_ids != credential.offer_ids
        || identifier != credential.identifier
        || expires_at != credential.expires_at;
    let details_changed = !changed.is_empty();
    let mut events = Vec::with_capacity(2);
    if details_changed {
        events.push(EventKind::CredentialChanged(changed));
    }
    if offers_changed || !details_changed {
        events.push(EventKind::CredentialOffersChanged(
            CredentialOffersChanged {
                credential_id: id,
                offer_ids,
                identifier,
                expires_at,
            },
        ));
    }
    Ok(events)
}

/// The fields of `changes` that differ from `credential`'s, each checked.
fn check_changes(
    state: &AccountState,
    credential: &Credential,
    changes: &CredentialChanges,
) -> DomainResult<CredentialChanged> {
    let mut changed = CredentialChanged::none(credential.id);
    if let Some(member_id) = changes.member_id.filter(|id| *id != credential.member_id) {
        existing(&state.members, &member_id, "Member")?;
        let in_wallet = wallet::queries::by_credential(state, credential.id).is_some();
        if credential.redeemed_at.is_some() || in_wallet {
            return Err(DomainError::Invalid {
                field: "Member",
                reason: "can change only on a credential never redeemed and not in a wallet".into(),
            });
        }
        changed.member_id = Some(member_id);
    }
    if let Some(store_id) = changes
        .store_id
        .filter(|id| Some(*id) != credential.store_id)
    {
        existing(&state.stores, &store_id, "Store")?;
        changed.store_id = Some(store_id);
    }
    if let Some(annotations) = &changes.annotations {
        check_annotations(annotations)?;
        if *annotations != credential.annotations {
            changed.annotations = Some(annotations.clone());
        }
    }
    changed.reusable = changes.reusable.filter(|flag| *flag != credential.reusable);
    changed.printable = changes
        .printable
        .filter(|flag| *flag != credential.printable);
    Ok(changed)
}

pub(super) fn void(
    state: &AccountState,
    id: CredentialId,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let credential = existing(&state.credentials, &id, "Credential")?;
    match credential.status_at(now) {
        CredentialStatus::Open => Ok(vec![EventKind::CredentialVoided(CredentialRef {
            credential_id: id,
        })]),
        CredentialStatus::Voided => Ok(Vec::new()),
        CredentialStatus::Locked => Err(DomainError::CredentialLocked),
        status => Err(DomainError::WrongStatus {
            resource: "Credential",
            action: "voided",
            status: status.to_string(),
        }),
    }
}

/// Deleting a credential: an open one is voided first (its code is never redeemable again), a
/// locked one is refused as a void would be; redeemed, voided, expired and reversed ones are
/// deleted as they are, their redemptions still counted.
pub(super) fn delete(
    state: &AccountState,
    id: CredentialId,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let credential = existing(&state.credentials, &id, "Credential")?;
    let reference = CredentialRef { credential_id: id };
    match credential.status_at(now) {
        CredentialStatus::Locked => Err(DomainError::CredentialLocked),
        CredentialStatus::Open => Ok(vec![
            EventKind::CredentialVoided(reference.clone()),
            EventKind::CredentialDeleted(reference),
        ]),
        CredentialStatus::Redeemed
        | CredentialStatus::Voided
        | CredentialStatus::Expired
        | CredentialStatus::Reversed => Ok(vec![EventKind::CredentialDeleted(reference)]),
    }
}

/// Annotations within bounds: a few entries, short keys and values.
fn check_annotations(annotations: &Annotations) -> DomainResult<()> {
    let too_long = |text: &String| text.chars().count() > MAX_ANNOTATION_TEXT;
    let entries_ok = |count: usize| count <= MAX_ANNOTATION_ENTRIES;
    let valid = entries_ok(annotations.len())
        && annotations.iter().all(|(key, value)| {
            !too_long(key)
                && match value {
                    AnnotationValue::Text(text) => !too_long(text),
                    AnnotationValue::Map(map) => {
                        entries_ok(map.len())
                            && map
                                .iter()
                                .all(|(key, text)| !too_long(key) && !too_long(text))
                    }
                }
        });
    if valid {
        return Ok(());
    }
    Err(DomainError::Invalid {
        field: "Annotations",
        reason: format!(
            "must have at most {MAX_ANNOTATION_ENTRIES} entries per level and keys and values of at most {MAX_ANNOTATION_TEXT} characters"
        ),
    })
}

/// The code lifetime a new credential gets: the request's, else the channel's; numeric
/// channels never allow more than their short maximum.
fn code_lifetime(channel: &Channel, requested: Option<u32>) -> DomainResult<Option<u32>> {
    let lifetime = positive("Code lifetime", requested)?.or(channel.code_lifetime);
    if matches!(channel.code_format, CodeFormat::Numeric { .. })
        && lifetime.is_none_or(|seconds| seconds > MAX_NUMERIC_CODE_LIFETIME)
    {
        return Err(DomainError::Invalid {
            field: "Code lifetime",
            reason: format!(
                "must be at most {MAX_NUMERIC_CODE_LIFETIME} seconds for numeric codes"
            ),
        });
    }
    Ok(lifetime)
}

/// The requested offers, de-duplicated, after every check of the Sparkfly validation table.
fn check_offers(
    state: &AccountState,
    channel: &Channel,
    member_id: MemberId,
    store_id: Option<StoreId>,
    requested: &[OfferId],
    now: DateTime<Utc>,
) -> DomainResult<Vec<OfferId>> {
    let offer_ids = distinct("Offer ids", requested, MAX_OFFERS_PER_CREDENTIAL)?;
    let missing: Vec<String> = offer_ids
        .iter()
        .filter(|id| {
            !state.offers.contains_key(id)
                || !state.offer_channels.contains_key(&(**id, channel.id))
        })
        .map(ToString::to_string)
        .collect();
    if !missing.is_empty() {
        return Err(DomainError::OffersNotFound {
            ids: missing.join(","),
        });
    }
    let lapsed = lapsed_applications(state, now);
    let day = state.day_of(now);
    for id in &offer_ids {
        let offer = existing(&state.offers, id, "Offer")?;
        if offer.status == OfferStatus::Pending {
            return Err(DomainError::OfferNotApproved {
                offer_name: offer.name.clone(),
            });
        }
        if !offer.is_offering_at(now) {
            return Err(DomainError::OfferNotActive { offer_id: offer.id });
        }
        let lists = &offer.eligibility.member_list_ids;
        if !lists.is_empty() && !state.member_on_lists(member_id, lists) {
            return Err(DomainError::MemberNotEligible {
                offer_name: offer.name.clone(),
            });
        }
        let probe = OfferApplication {
            credential_id: CredentialId(0),
            offer_id: offer.id,
            member_id,
            channel_id: channel.id,
            day,
            points: 0,
        };
        let cap = state
            .offer_channels
            .get(&(offer.id, channel.id))
            .and_then(|link| link.max_redemptions);
        if let Some(limit) = reached(offer, cap, used(state, &probe, &lapsed, &[])) {
            return Err(DomainError::LimitReached {
                offer_name: offer.name.clone(),
                limit,
            });
        }
        if let Some(store) = store_id.and_then(|store| state.stores.get(&store)) {
            if !store_eligible(state, offer, store) {
                return Err(DomainError::StoreNotEligible {
                    offer_name: offer.name.clone(),
                });
            }
        }
    }
    Ok(offer_ids)
}

/// A code no live credential holds, in the channel's format.
fn draw_code(
    state: &AccountState,
    channel: &Channel,
    context: &mut Context<'_>,
) -> DomainResult<SmolStr> {
    for _ in 0..MAX_DRAWS {
        let code = match channel.code_format {
            CodeFormat::Secure => code::secure_code(context.rng),
            CodeFormat::Numeric { digits } => code::numeric_code(context.rng, digits),
        };
        let taken = state
            .credential_ids_by_code
            .get(code.as_str())
            .and_then(|holder| state.credentials.get(holder))
            .is_some_and(|holder| holder.holds_code_at(context.now));
        if !taken {
            return Ok(code.into());
        }
    }
    Err(DomainError::CodeSpaceExhausted)
}

fn after(now: DateTime<Utc>, seconds: u32) -> DateTime<Utc> {
    now + Duration::seconds(i64::from(seconds))
}
