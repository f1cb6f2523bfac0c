//! Decisions on the account itself and its API credentials.

use crate::account::{Account, AccountFields, ApiKey, Role};
use crate::error::{DomainError, DomainResult};
use crate::event::{ApiKeyRef, ApiKeyRotated, EventKind};
use crate::ids::{AccountId, ApiKeyId};
use crate::money::currency;
use crate::state::AccountState;
use crate::validate::{existing, replace_url, required_text, MAX_TEXT};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// Longest grace period a rotated key keeps, in seconds (7 days).
pub const MAX_KEY_GRACE_SECONDS: u32 = 7 * 24 * 3_600;

pub(super) fn create(
    state: &AccountState,
    id: AccountId,
    fields: &AccountFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    if state.account.is_some() {
        return Err(DomainError::AccountExists);
    }
    let account = Account {
        id,
        name: String::new(),
        time_zone: "UTC".into(),
        currency: "USD".into(),
        enable_callbacks: false,
        credential_callback_url: None,
        max_offers_per_basket: None,
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::AccountCreated(merge(
        account, fields, now,
    )?)])
}

pub(super) fn update(
    state: &AccountState,
    fields: &AccountFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let account = state.account.clone().ok_or(DomainError::AccountNotFound)?;
    Ok(vec![EventKind::AccountUpdated(merge(
        account, fields, now,
    )?)])
}

fn merge(
    mut account: Account,
    fields: &AccountFields,
    now: DateTime<Utc>,
) -> DomainResult<Account> {
    account.name = required_text(
        "Name",
        fields.name.as_deref().or(Some(&account.name)),
        MAX_TEXT,
    )?;
    if let Some(zone) = &fields.time_zone {
        zone.parse::<Tz>().map_err(|_| DomainError::Invalid {
            field: "Time zone",
            reason: "is not a known IANA time zone".into(),
        })?;
        account.time_zone = zone.clone();
    }
    if let Some(code) = &fields.currency {
        currency(code).ok_or_else(|| DomainError::Invalid {
            field: "Currency",
            reason: "is not a supported ISO 4217 code".into(),
        })?;
        account.currency = code.clone();
    }
    if let Some(enabled) = fields.enable_callbacks {
        account.enable_callbacks = enabled;
    }
    replace_url(
        "Credential callback url",
        fields.credential_callback_url.as_deref(),
        &mut account.credential_callback_url,
    )?;
    if let Some(max) = fields.max_offers_per_basket {
        account.max_offers_per_basket = (max > 0).then_some(max);
    }
    account.updated_at = now;
    Ok(account)
}

pub(super) fn issue_key(
    state: &AccountState,
    identity: &str,
    key_hash: &str,
    roles: &[Role],
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let identity = required_text("Identity", Some(identity), MAX_TEXT)?;
    let key_hash = required_text("Key", Some(key_hash), MAX_TEXT)?;
    if state.api_keys.values().any(|key| key.identity == identity) {
        return Err(DomainError::Taken { field: "Identity" });
    }
    if roles.is_empty() {
        return Err(DomainError::Blank { field: "Roles" });
    }
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    Ok(vec![EventKind::ApiKeyIssued(ApiKey {
        id: ApiKeyId(state.next_id()),
        identity,
        key_hash,
        roles,
        previous_key_hash: None,
        previous_valid_until: None,
        revoked_at: None,
        created_at: now,
    })])
}

pub(super) fn rotate_key(
    state: &AccountState,
    id: ApiKeyId,
    key_hash: &str,
    grace_seconds: u32,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let key = existing(&state.api_keys, &id, "API key")?;
    if key.revoked_at.is_some() {
        return Err(DomainError::WrongStatus {
            resource: "API key",
            action: "rotated",
            status: "revoked".into(),
        });
    }
    if grace_seconds > MAX_KEY_GRACE_SECONDS {
        return Err(DomainError::Invalid {
            field: "Grace seconds",
            reason: format!("must be at most {MAX_KEY_GRACE_SECONDS}"),
        });
    }
    Ok(vec![EventKind::ApiKeyRotated(ApiKeyRotated {
        api_key_id: id,
        key_hash: required_text("Key", Some(key_hash), MAX_TEXT)?,
        previous_key_hash: key.key_hash.clone(),
        previous_valid_until: now + Duration::seconds(i64::from(grace_seconds)),
    })])
}

pub(super) fn revoke_key(state: &AccountState, id: ApiKeyId) -> DomainResult<Vec<EventKind>> {
    let key = existing(&state.api_keys, &id, "API key")?;
    if key.revoked_at.is_some() {
        return Ok(Vec::new());
    }
    Ok(vec![EventKind::ApiKeyRevoked(ApiKeyRef { api_key_id: id })])
}
