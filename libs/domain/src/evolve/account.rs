//! Applying events of the account itself and of its API credentials.

use crate::event::{AccountEvent, ApiKeyEvent};
use crate::money::currency;
use crate::state::AccountState;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub(super) fn account(state: &mut AccountState, event: AccountEvent) {
    match event {
        AccountEvent::Created(account) | AccountEvent::Updated(account) => {
            state.settings.currency =
                currency(&account.currency).unwrap_or(state.settings.currency);
            state.settings.time_zone = account.time_zone.parse::<Tz>().unwrap_or(Tz::UTC);
            state.account = Some(account);
        }
    }
}

pub(super) fn api_keys(state: &mut AccountState, event: ApiKeyEvent, at: DateTime<Utc>) {
    match event {
        ApiKeyEvent::Issued(key) => {
            state.last_id = state.last_id.max(key.id.0);
            state.api_keys.insert(key.id, key);
        }
        ApiKeyEvent::Rotated(rotation) => {
            if let Some(key) = state.api_keys.get_mut(&rotation.api_key_id) {
                key.key_hash = rotation.key_hash;
                key.previous_key_hash = Some(rotation.previous_key_hash);
                key.previous_valid_until = Some(rotation.previous_valid_until);
            }
        }
        ApiKeyEvent::Revoked(revoked) => {
            if let Some(key) = state.api_keys.get_mut(&revoked.api_key_id) {
                key.revoked_at = Some(at);
            }
        }
    }
}
