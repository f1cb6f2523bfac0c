//! Credentials: the row written on issue, its offers and code changed, its status settled by
//! voiding, expiry and the redemptions that use it (see `redemptions`).

use super::{json, Target};
use crate::error::{int, ProjectionError};
use chrono::{DateTime, Utc};
use domain::credential::{Credential, CredentialStatus};
use domain::ids::CredentialId;
use domain::EventKind;
use sqlx::SqliteConnection;

pub(super) async fn apply(target: Target<'_>, kind: EventKind) -> Result<(), ProjectionError> {
    let Target { tx, account, at } = target;
    match kind {
        EventKind::CredentialIssued(issued) => {
            save(tx, account, &issued.into_credential(at)).await?;
        }
        EventKind::CredentialOffersChanged(change) => {
            if let Some(mut credential) = load(tx, account, change.credential_id).await? {
                credential.offer_ids = change.offer_ids;
                credential.identifier = change.identifier;
                credential.expires_at = change.expires_at;
                credential.updated_at = at;
                save(tx, account, &credential).await?;
            }
        }
        EventKind::CredentialVoided(voided) => {
            settle(tx, account, voided.credential_id, at, |credential| {
                credential.status = CredentialStatus::Voided;
                credential.voided_at = Some(at);
            })
            .await?;
        }
        EventKind::CredentialExpired(expired) => {
            settle(tx, account, expired.credential_id, at, |credential| {
                credential.status = CredentialStatus::Expired;
            })
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Changes a credential with `change`, releasing any lock, as the domain's `settle` does.
pub(super) async fn settle(
    tx: &mut SqliteConnection,
    account: i64,
    id: CredentialId,
    at: DateTime<Utc>,
    change: impl FnOnce(&mut Credential),
) -> Result<(), ProjectionError> {
    if let Some(mut credential) = load(tx, account, id).await? {
        change(&mut credential);
        credential.lock = None;
        credential.updated_at = at;
        save(tx, account, &credential).await?;
    }
    Ok(())
}

pub(super) async fn load(
    tx: &mut SqliteConnection,
    account: i64,
    id: CredentialId,
) -> Result<Option<Credential>, ProjectionError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM credentials WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(int(id.0)?)
            .fetch_optional(tx)
            .await?;
    body.map(|body| serde_json::from_str(&body).map_err(ProjectionError::decode("credential row")))
        .transpose()
}

pub(super) async fn save(
    tx: &mut SqliteConnection,
    account: i64,
    credential: &Credential,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO credentials
             (account_id, id, identifier, status, member_id, channel_id, offer_ids, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (account_id, id) DO UPDATE
         SET identifier = excluded.identifier, status = excluded.status,
             member_id = excluded.member_id, channel_id = excluded.channel_id,
             offer_ids = excluded.offer_ids, body = excluded.body",
    )
    .bind(account)
    .bind(int(credential.id.0)?)
    .bind(credential.identifier.as_deref())
    .bind(credential.status.to_string())
    .bind(int(credential.member_id.0)?)
    .bind(int(credential.channel_id.0)?)
    .bind(json(&credential.offer_ids)?)
    .bind(json(credential)?)
    .execute(tx)
    .await?;
    Ok(())
}
