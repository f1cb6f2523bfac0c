//! Applying events of redemptions and reservations: credential statuses, held capacity and the
//! expiry index move together.

use super::credentials::settle;
use crate::credential::{CredentialLock, CredentialStatus};
use crate::event::EventKind;
use crate::ids::RedemptionId;
use crate::redemption::{Redemption, RedemptionStatus};
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, kind: &EventKind, at: DateTime<Utc>) {
    match kind {
        EventKind::RedemptionCommitted(redemption) => {
            record(state, redemption);
            for id in &redemption.credential_ids {
                settle(state, *id, at, |credential| {
                    credential.status = CredentialStatus::Redeemed;
                    credential.redeemed_at = Some(at);
                });
            }
        }
        EventKind::RedemptionReserved(reservation) => {
            record(state, reservation);
            let expires_at = reservation.expires_at.unwrap_or(at);
            state
                .reservation_expiry
                .insert((expires_at, reservation.id));
            let lock = CredentialLock {
                redemption_id: reservation.id,
                expires_at,
            };
            for id in &reservation.credential_ids {
                if let Some(credential) = state.credentials.get_mut(id) {
                    credential.status = CredentialStatus::Locked;
                    credential.lock = Some(lock);
                    credential.updated_at = at;
                }
            }
        }
        EventKind::ReservationConfirmed(confirmed) => {
            let Some(credential_ids) = close(
                state,
                confirmed.redemption_id,
                RedemptionStatus::Committed,
                at,
                false,
            ) else {
                return;
            };
            for id in credential_ids {
                settle(state, id, at, |credential| {
                    credential.status = CredentialStatus::Redeemed;
                    credential.redeemed_at = Some(at);
                });
            }
        }
        EventKind::ReservationCancelled(released) | EventKind::ReservationExpired(released) => {
            let status = if matches!(kind, EventKind::ReservationCancelled(_)) {
                RedemptionStatus::Cancelled
            } else {
                RedemptionStatus::Expired
            };
            let id = released.redemption_id;
            let Some(credential_ids) = close(state, id, status, at, true) else {
                return;
            };
            for credential_id in credential_ids {
                if let Some(credential) = state.credentials.get_mut(&credential_id) {
                    if credential.lock.is_some_and(|lock| lock.redemption_id == id) {
                        credential.status = CredentialStatus::Open;
                        credential.lock = None;
                        credential.updated_at = at;
                    }
                }
            }
        }
        EventKind::RedemptionVoided(voided) => {
            let Some(credential_ids) = close(
                state,
                voided.redemption_id,
                RedemptionStatus::Voided,
                at,
                true,
            ) else {
                return;
            };
            for id in credential_ids {
                if let Some(credential) = state.credentials.get_mut(&id) {
                    credential.status = CredentialStatus::Open;
                    credential.redeemed_at = None;
                    credential.updated_at = at;
                    if let Some(expires_at) = credential.expires_at {
                        state.credential_expiry.insert((expires_at, id));
                    }
                }
            }
        }
        EventKind::RedemptionReversed(reversed) => {
            let Some(credential_ids) = close(
                state,
                reversed.redemption_id,
                RedemptionStatus::Reversed,
                at,
                true,
            ) else {
                return;
            };
            for id in credential_ids {
                settle(state, id, at, |credential| {
                    credential.status = CredentialStatus::Reversed;
                    credential.reversed_at = Some(at);
                });
            }
        }
        _ => {}
    }
}

fn record(state: &mut AccountState, redemption: &Redemption) {
    state.last_id = state.last_id.max(redemption.id.0);
    for application in &redemption.applications {
        state.usage.add(application);
    }
    state.redemptions.insert(redemption.id, redemption.clone());
}

/// Moves a redemption to `status`, giving its capacity back when `release`; its credentials.
fn close(
    state: &mut AccountState,
    id: RedemptionId,
    status: RedemptionStatus,
    at: DateTime<Utc>,
    release: bool,
) -> Option<Vec<crate::ids::CredentialId>> {
    let redemption = state.redemptions.get_mut(&id)?;
    if let Some(expires_at) = redemption.expires_at {
        state.reservation_expiry.remove(&(expires_at, id));
    }
    redemption.status = status;
    redemption.updated_at = at;
    if release {
        for application in &redemption.applications {
            state.usage.remove(application);
        }
    }
    Some(redemption.credential_ids.clone())
}
