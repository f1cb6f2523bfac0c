//! Applying events of credentials.

use crate::credential::{Credential, CredentialStatus};
use crate::event::EventKind;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, kind: &EventKind, at: DateTime<Utc>) {
    match kind {
        EventKind::CredentialIssued(credential) => {
            state.last_id = state.last_id.max(credential.id.0);
            index_code(state, credential);
            state.credentials.insert(credential.id, credential.clone());
        }
        EventKind::CredentialOffersChanged(change) => {
            let Some(credential) = state.credentials.get_mut(&change.credential_id) else {
                return;
            };
            credential.offer_ids = change.offer_ids.clone();
            credential.identifier = change.identifier.clone();
            credential.expires_at = change.expires_at;
            credential.updated_at = at;
            let credential = credential.clone();
            index_code(state, &credential);
        }
        EventKind::CredentialVoided(voided) => {
            settle(state, voided.credential_id, at, |credential| {
                credential.status = CredentialStatus::Voided;
                credential.voided_at = Some(at);
            });
        }
        EventKind::CredentialExpired(expired) => {
            settle(state, expired.credential_id, at, |credential| {
                credential.status = CredentialStatus::Expired;
            });
        }
        _ => {}
    }
}

/// Makes `credential` the holder of its code and tracks its code lifetime.
fn index_code(state: &mut AccountState, credential: &Credential) {
    if let Some(code) = &credential.identifier {
        state
            .credential_ids_by_code
            .insert(code.clone(), credential.id);
    }
    if let Some(expires_at) = credential.expires_at {
        state.credential_expiry.insert((expires_at, credential.id));
    }
}

/// Moves a credential to a final status with `change`; it no longer waits for its expiry.
pub(super) fn settle(
    state: &mut AccountState,
    id: crate::ids::CredentialId,
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
