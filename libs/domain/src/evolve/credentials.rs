//! Applying events of credentials.

use crate::credential::{Credential, CredentialStatus};
use crate::event::CredentialEvent;
use crate::ids::CredentialId;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, event: CredentialEvent, at: DateTime<Utc>) {
    match event {
        CredentialEvent::Issued(issued) => {
            let credential = issued.into_credential(at);
            state.last_id = state.last_id.max(credential.id.0);
            index_code(state, &credential);
            state.credentials.insert(credential.id, credential);
        }
        CredentialEvent::OffersChanged(change) => {
            let Some(credential) = state.credentials.get_mut(&change.credential_id) else {
                return;
            };
            credential.offer_ids = change.offer_ids;
            credential.identifier = change.identifier;
            credential.expires_at = change.expires_at;
            credential.updated_at = at;
            let (id, code, expires_at) = (
                credential.id,
                credential.identifier.clone(),
                credential.expires_at,
            );
            index(state, id, code, expires_at);
        }
        CredentialEvent::Voided(voided) => {
            settle(state, voided.credential_id, at, |credential| {
                credential.status = CredentialStatus::Voided;
                credential.voided_at = Some(at);
            });
        }
        CredentialEvent::Expired(expired) => {
            settle(state, expired.credential_id, at, |credential| {
                credential.status = CredentialStatus::Expired;
            });
        }
    }
}

/// Makes `credential` the holder of its code and tracks its code lifetime.
fn index_code(state: &mut AccountState, credential: &Credential) {
    index(
        state,
        credential.id,
        credential.identifier.clone(),
        credential.expires_at,
    );
}

fn index(
    state: &mut AccountState,
    id: CredentialId,
    code: Option<String>,
    expires_at: Option<DateTime<Utc>>,
) {
    if let Some(code) = code {
        state.credential_ids_by_code.insert(code, id);
    }
    if let Some(expires_at) = expires_at {
        state.credential_expiry.insert((expires_at, id));
    }
}

/// Moves a credential to a final status with `change`; it no longer waits for its expiry.
pub(super) fn settle(
    state: &mut AccountState,
    id: CredentialId,
    at: DateTime<Utc>,
    change: impl FnOnce(&mut Credential),
) {
    if let Some(credential) = state.credentials.get_mut(&id) {
        change(credential);
        credential.lock = None;
        credential.updated_at = at;
        if let Some(expires_at) = credential.expires_at {
            state.credential_expiry.remove(&(expires_at, id));
        }
    }
}
