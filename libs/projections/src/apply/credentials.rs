//! Credentials: the row written on issue, its offers and code changed, its status settled by
//! voiding, expiry and the redemptions that use it (see `redemptions`). Credentials go through
//! the batch's cache (`cache`).

use super::cache::{CachedRow, Key};
use super::sql::Value;
use super::{json, Target};
use crate::error::{int, ProjectionError};
use domain::credential::{Credential, CredentialStatus};
use domain::event::CredentialEvent;
use domain::ids::CredentialId;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(super) async fn apply(
    mut target: Target<'_>,
    event: CredentialEvent,
) -> Result<(), ProjectionError> {
    let at = target.at;
    match event {
        CredentialEvent::Issued(issued) => {
            let credential = issued.into_credential(at);
            let key = target.credential_key(credential.id)?;
            target.rows.credentials.put(key, credential);
        }
        CredentialEvent::OffersChanged(change) => {
            let key = target.credential_key(change.credential_id)?;
            target
                .rows
                .credentials
                .update(target.tx, key, |credential| {
                    credential.offer_ids = change.offer_ids;
                    credential.identifier = change.identifier;
                    credential.expires_at = change.expires_at;
                    credential.updated_at = at;
                })
                .await?;
        }
        CredentialEvent::Voided(voided) => {
            target
                .settle(voided.credential_id, |credential| {
                    credential.status = CredentialStatus::Voided;
                    credential.voided_at = Some(at);
                })
                .await?;
        }
        CredentialEvent::Expired(expired) => {
            target
                .settle(expired.credential_id, |credential| {
                    credential.status = CredentialStatus::Expired;
                })
                .await?;
        }
    }
    Ok(())
}

impl Target<'_> {
    /// The cache key of a credential of the target's account.
    pub(super) fn credential_key(&self, id: CredentialId) -> Result<Key, ProjectionError> {
        Ok((self.account, int(id.0)?))
    }

    /// Changes a credential with `change` (if it is there) and marks it updated now.
    pub(super) async fn change_credential(
        &mut self,
        id: CredentialId,
        change: impl FnOnce(&mut Credential),
    ) -> Result<(), ProjectionError> {
        let key = self.credential_key(id)?;
        let at = self.at;
        self.rows
            .credentials
            .update(self.tx, key, |credential| {
                change(credential);
                credential.updated_at = at;
            })
            .await?;
        Ok(())
    }

    /// Changes a credential with `change`, releasing any lock, as the domain's `settle` does.
    pub(super) async fn settle(
        &mut self,
        id: CredentialId,
        change: impl FnOnce(&mut Credential),
    ) -> Result<(), ProjectionError> {
        self.change_credential(id, |credential| {
            change(credential);
            credential.lock = None;
        })
        .await
    }
}

impl CachedRow for Credential {
    const TABLE: &'static str = "credentials";
    const COLUMNS: &'static [&'static str] = &[
        "identifier",
        "status",
        "member_id",
        "channel_id",
        "offer_ids",
        "body",
    ];
    const LOADED: &'static str = "body";

    fn decode(row: &AnyRow) -> Result<Self, ProjectionError> {
        let body: String = row.try_get(1)?;
        serde_json::from_str(&body).map_err(ProjectionError::decode("credential row"))
    }

    fn values(&self) -> Result<Vec<Value>, ProjectionError> {
        Ok(vec![
            Value::OptText(self.identifier.clone()),
            Value::Text(self.status.to_string()),
            Value::Int(int(self.member_id.0)?),
            Value::Int(int(self.channel_id.0)?),
            Value::Text(json(&self.offer_ids)?),
            Value::Text(json(self)?),
        ])
    }
}
