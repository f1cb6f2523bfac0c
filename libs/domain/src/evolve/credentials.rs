//! Applying events of credentials.

use crate::credential::{Credential, ExpiryWatch, Transition};
use crate::event::CredentialEvent;
use crate::ids::CredentialId;
use crate::state::AccountState;
use chrono::{DateTime, Utc};
use smol_str::SmolStr;

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
            move_credential(state, voided.credential_id, Transition::Void, at)
        }
        CredentialEvent::Expired(expired) => {
            move_credential(state, expired.credential_id, Transition::Expire, at)
        }
        CredentialEvent::Deleted(deleted) => delete(state, deleted.credential_id, at),
        CredentialEvent::Changed(change) => {
            if let Some(credential) = state.credentials.get_mut(&change.credential_id) {
                change.apply_to(credential, at);
            }
        }
    }
}

/// Takes credential `id` out of every lookup (by id, by code, by expiry) and keeps it among
/// the deleted; the redemptions that used it, and the capacity they hold, stay as they are.
fn delete(state: &mut AccountState, id: CredentialId, at: DateTime<Utc>) {
    let Some(credential) = state.credentials.remove(&id) else {
        return;
    };
    if let Some(code) = &credential.identifier {
        if state.credential_ids_by_code.get(code) == Some(&id) {
            state.credential_ids_by_code.remove(code);
        }
    }
    if let Some(expires_at) = credential.expires_at {
        state.credential_expiry.remove(&(expires_at, id));
    }
    let mut credential = std::sync::Arc::unwrap_or_clone(credential);
    credential.updated_at = at;
    state.deleted_credentials.insert(id, credential);
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
    code: Option<SmolStr>,
    expires_at: Option<DateTime<Utc>>,
) {
    if let Some(code) = code {
        state.credential_ids_by_code.insert(code, id);
    }
    if let Some(expires_at) = expires_at {
        state.credential_expiry.insert((expires_at, id));
    }
}

/// Moves credential `id` (when there is one) by `transition`, keeping the index of
/// credentials waiting for their expiry in step.
pub(super) fn move_credential(
    state: &mut AccountState,
    id: CredentialId,
    transition: Transition,
    at: DateTime<Utc>,
) {
    let Some(credential) = state.credentials.get_mut(&id) else {
        return;
    };
    let watch = credential.transition(transition, at);
    let Some(expires_at) = credential.expires_at else {
        return;
    };
    match watch {
        ExpiryWatch::Stop => {
            state.credential_expiry.remove(&(expires_at, id));
        }
        ExpiryWatch::Resume => {
            state.credential_expiry.insert((expires_at, id));
        }
        ExpiryWatch::Keep => {}
    }
}
