//! Applying events of redemptions and reservations: credential statuses, held capacity and the
//! expiry index move together.

use super::credentials::move_credential;
use super::points;
use crate::credential::{CredentialLock, Transition};
use crate::event::{RecordedRedemption, RedemptionEvent};
use crate::ids::RedemptionId;
use crate::ids::{ChannelId, CredentialId, MemberId};
use crate::redemption::{OfferApplication, Redemption, RedemptionStatus};
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, event: RedemptionEvent, at: DateTime<Utc>) {
    match event {
        RedemptionEvent::Committed(recorded) => {
            let redemption = derive(state, recorded, RedemptionStatus::Committed, at);
            for id in &redemption.credential_ids {
                move_credential(state, *id, Transition::Redeem, at);
            }
            points::earn(state, &redemption.applications);
            record(state, redemption);
        }
        RedemptionEvent::Reserved(recorded) => {
            let reservation = derive(state, recorded, RedemptionStatus::Reserved, at);
            let expires_at = reservation.expires_at.unwrap_or(at);
            state
                .reservation_expiry
                .insert((expires_at, reservation.id));
            let lock = CredentialLock {
                redemption_id: reservation.id,
                expires_at,
            };
            for id in &reservation.credential_ids {
                move_credential(state, *id, Transition::Lock(lock), at);
            }
            record(state, reservation);
        }
        RedemptionEvent::ReservationConfirmed(confirmed) => {
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
                move_credential(state, id, Transition::Redeem, at);
            }
            points::earn_for(state, confirmed.redemption_id);
        }
        RedemptionEvent::ReservationCancelled(released) => release(
            state,
            released.redemption_id,
            RedemptionStatus::Cancelled,
            at,
        ),
        RedemptionEvent::ReservationExpired(released) => {
            release(state, released.redemption_id, RedemptionStatus::Expired, at)
        }
        RedemptionEvent::Voided(voided) => {
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
                move_credential(state, id, Transition::Reopen, at);
            }
            points::claw_back_for(state, voided.redemption_id);
        }
        RedemptionEvent::Reversed(reversed) => {
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
                move_credential(state, id, Transition::Reverse, at);
            }
            points::claw_back_for(state, reversed.redemption_id);
        }
    }
}

/// The redemption a recorded one stands for: members and channels from the credentials, the
/// day from when it occurred. The evaluation stays in the event.
fn derive(
    state: &AccountState,
    recorded: RecordedRedemption,
    status: RedemptionStatus,
    at: DateTime<Utc>,
) -> Redemption {
    let day = state.day_of(at);
    let mut credential_ids: Vec<CredentialId> = Vec::with_capacity(recorded.offers.len());
    let applications = recorded
        .offers
        .iter()
        .map(|redeemed| {
            if !credential_ids.contains(&redeemed.credential_id) {
                credential_ids.push(redeemed.credential_id);
            }
            let (member_id, channel_id) = state
                .credentials
                .get(&redeemed.credential_id)
                .map_or((MemberId(0), ChannelId(0)), |credential| {
                    (credential.member_id, credential.channel_id)
                });
            OfferApplication {
                credential_id: redeemed.credential_id,
                offer_id: redeemed.offer_id,
                member_id,
                channel_id,
                day,
                points: state
                    .offers
                    .get(&redeemed.offer_id)
                    .and_then(|offer| offer.reward.points_earning_value)
                    .unwrap_or(0),
            }
        })
        .collect();
    Redemption {
        id: recorded.redemption_id,
        store_id: recorded.store_id,
        status,
        credential_ids,
        applications,
        created_at: at,
        expires_at: recorded.expires_at,
        updated_at: at,
    }
}

fn record(state: &mut AccountState, redemption: Redemption) {
    state.last_id = state.last_id.max(redemption.id.0);
    for application in &redemption.applications {
        state.usage.add(application);
    }
    state.redemptions.insert(redemption.id, redemption);
}

/// Ends a reservation without redeeming: capacity back, its credentials open again unless
/// something else has taken them since.
fn release(
    state: &mut AccountState,
    id: RedemptionId,
    status: RedemptionStatus,
    at: DateTime<Utc>,
) {
    let Some(credential_ids) = close(state, id, status, at, true) else {
        return;
    };
    for credential_id in credential_ids {
        move_credential(state, credential_id, Transition::Release(id), at);
    }
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
