//! Redemptions and reservations, and the credential statuses each step implies (the same moves
//! as the domain's `evolve`).

use super::credentials::{self, settle};
use super::{json, Target};
use crate::error::{int, ProjectionError};
use crate::rows::RedemptionRow;
use chrono::{DateTime, Utc};
use domain::credential::{CredentialLock, CredentialStatus};
use domain::event::RecordedRedemption;
use domain::ids::{CredentialId, RedemptionId};
use domain::redemption::RedemptionStatus;
use domain::EventKind;
use sqlx::SqliteConnection;

pub(super) async fn apply(target: Target<'_>, kind: EventKind) -> Result<(), ProjectionError> {
    let Target { tx, account, at } = target;
    match kind {
        EventKind::RedemptionCommitted(recorded) => {
            let row = record(tx, account, recorded, RedemptionStatus::Committed, at).await?;
            for id in row.credential_ids {
                redeem(tx, account, id, at).await?;
            }
        }
        EventKind::RedemptionReserved(recorded) => {
            let row = record(tx, account, recorded, RedemptionStatus::Reserved, at).await?;
            let lock = CredentialLock {
                redemption_id: row.id,
                expires_at: row.expires_at.unwrap_or(at),
            };
            for id in row.credential_ids {
                if let Some(mut credential) = credentials::load(tx, account, id).await? {
                    credential.status = CredentialStatus::Locked;
                    credential.lock = Some(lock);
                    credential.updated_at = at;
                    credentials::save(tx, account, &credential).await?;
                }
            }
        }
        EventKind::ReservationConfirmed(confirmed) => {
            let ids = close(
                tx,
                account,
                confirmed.redemption_id,
                RedemptionStatus::Committed,
                at,
            );
            for id in ids.await? {
                redeem(tx, account, id, at).await?;
            }
        }
        EventKind::ReservationCancelled(released) => {
            release(
                tx,
                account,
                released.redemption_id,
                RedemptionStatus::Cancelled,
                at,
            )
            .await?;
        }
        EventKind::ReservationExpired(released) => {
            release(
                tx,
                account,
                released.redemption_id,
                RedemptionStatus::Expired,
                at,
            )
            .await?;
        }
        EventKind::RedemptionVoided(voided) => {
            let ids = close(
                tx,
                account,
                voided.redemption_id,
                RedemptionStatus::Voided,
                at,
            );
            for id in ids.await? {
                if let Some(mut credential) = credentials::load(tx, account, id).await? {
                    credential.status = CredentialStatus::Open;
                    credential.redeemed_at = None;
                    credential.updated_at = at;
                    credentials::save(tx, account, &credential).await?;
                }
            }
        }
        EventKind::RedemptionReversed(reversed) => {
            let ids = close(
                tx,
                account,
                reversed.redemption_id,
                RedemptionStatus::Reversed,
                at,
            );
            for id in ids.await? {
                settle(tx, account, id, at, |credential| {
                    credential.status = CredentialStatus::Reversed;
                    credential.reversed_at = Some(at);
                })
                .await?;
            }
        }
        _ => {}
    }
    Ok(())
}

async fn redeem(
    tx: &mut SqliteConnection,
    account: i64,
    id: CredentialId,
    at: DateTime<Utc>,
) -> Result<(), ProjectionError> {
    settle(tx, account, id, at, |credential| {
        credential.status = CredentialStatus::Redeemed;
        credential.redeemed_at = Some(at);
    })
    .await
}

/// Writes the row of a newly recorded redemption and answers it.
async fn record(
    tx: &mut SqliteConnection,
    account: i64,
    recorded: RecordedRedemption,
    status: RedemptionStatus,
    at: DateTime<Utc>,
) -> Result<RedemptionRow, ProjectionError> {
    let mut credential_ids: Vec<CredentialId> = Vec::with_capacity(recorded.offers.len());
    for redeemed in &recorded.offers {
        if !credential_ids.contains(&redeemed.credential_id) {
            credential_ids.push(redeemed.credential_id);
        }
    }
    let evaluation = serde_json::to_value(&recorded.evaluation)
        .map_err(ProjectionError::decode("redemption evaluation"))?;
    let row = RedemptionRow {
        id: recorded.redemption_id,
        store_id: recorded.store_id,
        status,
        credential_ids,
        offers: recorded.offers,
        expires_at: recorded.expires_at,
        created_at: at,
        updated_at: at,
        evaluation,
    };
    save(tx, account, &row).await?;
    Ok(row)
}

/// Ends a reservation without redeeming: its credentials open again unless something else has
/// taken them since.
async fn release(
    tx: &mut SqliteConnection,
    account: i64,
    id: RedemptionId,
    status: RedemptionStatus,
    at: DateTime<Utc>,
) -> Result<(), ProjectionError> {
    for credential_id in close(tx, account, id, status, at).await? {
        if let Some(mut credential) = credentials::load(tx, account, credential_id).await? {
            if credential.lock.is_some_and(|lock| lock.redemption_id == id) {
                credential.status = CredentialStatus::Open;
                credential.lock = None;
                credential.updated_at = at;
                credentials::save(tx, account, &credential).await?;
            }
        }
    }
    Ok(())
}

/// Moves a redemption to `status`; answers its credentials (none when it is unknown).
async fn close(
    tx: &mut SqliteConnection,
    account: i64,
    id: RedemptionId,
    status: RedemptionStatus,
    at: DateTime<Utc>,
) -> Result<Vec<CredentialId>, ProjectionError> {
    let stored: Option<(String, String)> = sqlx::query_as(
        "SELECT body, evaluation FROM redemptions WHERE account_id = $1 AND id = $2",
    )
    .bind(account)
    .bind(int(id.0)?)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((body, evaluation)) = stored else {
        return Ok(Vec::new());
    };
    let mut row: RedemptionRow =
        serde_json::from_str(&body).map_err(ProjectionError::decode("redemption row"))?;
    row.evaluation = serde_json::from_str(&evaluation)
        .map_err(ProjectionError::decode("redemption evaluation"))?;
    row.status = status;
    row.updated_at = at;
    save(tx, account, &row).await?;
    Ok(row.credential_ids)
}

async fn save(
    tx: &mut SqliteConnection,
    account: i64,
    row: &RedemptionRow,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO redemptions
             (account_id, id, store_id, status, credential_ids, evaluation, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (account_id, id) DO UPDATE
         SET store_id = excluded.store_id, status = excluded.status,
             credential_ids = excluded.credential_ids, evaluation = excluded.evaluation,
             body = excluded.body",
    )
    .bind(account)
    .bind(int(row.id.0)?)
    .bind(int(row.store_id.0)?)
    .bind(row.status.to_string())
    .bind(json(&row.credential_ids)?)
    .bind(json(&row.evaluation)?)
    .bind(json(row)?)
    .execute(tx)
    .await?;
    Ok(())
}
