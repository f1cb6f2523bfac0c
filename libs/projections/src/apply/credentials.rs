//! Credentials: the row written on issue, its offers, code, member, store, annotations and
//! flags changed, its status settled by
//! voiding, expiry and the redemptions that use it (see `redemptions`), its row removed when it
//! is deleted (the redemptions' rows stay, so reports still count them). Credentials go
//! through the batch's cache (`cache`).

use super::activities::Subject;
use super::cache::{CachedRow, Key};
use super::sql::Value;
use super::{json, Target};
use crate::error::{int, ProjectionError};
use crate::rows::ActivityKind;
use domain::credential::{Credential, Transition};
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
            let subjects: Vec<Subject> = credential
                .offer_ids
                .iter()
                .map(|offer| Subject::offer(credential.member_id, credential.id, *offer))
                .collect();
            target.rows.credentials.put(key, credential);
            for subject in subjects {
                target.activity(ActivityKind::Issued, subject).await?;
            }
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
            let id = voided.credential_id;
            let key = target.credential_key(id)?;
            let at = target.at;
            let voided = target
                .rows
                .credentials
                .update(target.tx, key, |credential| {
                    credential.transition(Transition::Void, at);
                    (credential.member_id, credential.offer_ids.clone())
                })
                .await?;
            if let Some((member, offers)) = voided {
                for offer in offers {
                    let subject = Subject::offer(member, id, offer);
                    target.activity(ActivityKind::Voided, subject).await?;
                }
            }
        }
        CredentialEvent::Expired(expired) => {
            target
                .move_credential(expired.credential_id, Transition::Expire)
                .await?;
        }
        CredentialEvent::Deleted(deleted) => {
            let key = target.credential_key(deleted.credential_id)?;
            target.rows.credentials.remove(key);
        }
        CredentialEvent::Changed(change) => {
            let key = target.credential_key(change.credential_id)?;
            target
                .rows
                .credentials
                .update(target.tx, key, |credential| change.apply_to(credential, at))
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

    /// Moves a credential (if it is there) by `transition`, as the domain's `evolve` does.
    pub(super) async fn move_credential(
        &mut self,
        id: CredentialId,
        transition: Transition,
    ) -> Result<(), ProjectionError> {
        let key = self.credential_key(id)?;
        let at = self.at;
        self.rows
            .credentials
            .update(self.tx, key, |credential| {
                credential.transition(transition, at);
            })
            .await?;
        Ok(())
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
        "store_id",
    ];
    const LOADED: &'static str = "body";

    fn decode(row: &AnyRow) -> Result<Self, ProjectionError> {
        let body: String = row.try_get(1)?;
        serde_json::from_str(&body).map_err(ProjectionError::decode("credential row"))
    }

    fn values(&self) -> Result<Vec<Value>, ProjectionError> {
        Ok(vec![
            Value::OptText(self.identifier.as_deref().map(str::to_owned)),
            Value::Text(self.status.to_string()),
            Value::Int(int(self.member_id.0)?),
            Value::Int(int(self.channel_id.0)?),
            Value::Text(json(&self.offer_ids)?),
            Value::Text(json(self)?),
            Value::OptInt(self.store_id.map(|id| int(id.0)).transpose()?),
        ])
    }
}
