//! API credentials as auth reads them: identity, key hashes (current, and previous within its
//! grace period), revocation and roles. Only hashes of keys are ever stored.

use crate::error::{int, uint, ProjectionError};
use crate::store::ReadStore;
use chrono::{DateTime, Utc};
use domain::account::Role;
use domain::ids::{AccountId, ApiKeyId};
use sqlx::Row;

/// One API credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyRow {
    /// The account it belongs to.
    pub account_id: AccountId,
    /// Its id.
    pub id: ApiKeyId,
    /// The public half (`X-Auth-Identity`).
    pub identity: String,
    /// Hash of the current key.
    pub key_hash: String,
    /// Hash of the key replaced by the last rotation.
    pub previous_key_hash: Option<String>,
    /// End of the previous key's grace period.
    pub previous_valid_until: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// What it may do.
    pub roles: Vec<Role>,
}

impl ApiKeyRow {
    /// Whether the credential is revoked at `now`.
    pub fn is_revoked(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_some_and(|revoked| revoked <= now)
    }

    /// Whether a key with hash `key_hash` authenticates this credential at `now`.
    pub fn accepts(&self, key_hash: &str, now: DateTime<Utc>) -> bool {
        if self.is_revoked(now) {
            return false;
        }
        self.key_hash == key_hash
            || (self.previous_key_hash.as_deref() == Some(key_hash)
                && self.previous_valid_until.is_some_and(|until| now < until))
    }
}

/// A query of the table's columns with `$filter` appended.
macro_rules! select {
    ($filter:literal) => {
        concat!(
            "SELECT account_id, id, identity, key_hash, previous_key_hash, ",
            "previous_valid_until, revoked_at, roles FROM api_keys ",
            $filter
        )
    };
}

impl ReadStore {
    /// The credentials with `identity`, in every account (identities are meant to be unique;
    /// the key hash tells apart any that are not).
    pub async fn api_keys_by_identity(
        &self,
        identity: &str,
    ) -> Result<Vec<ApiKeyRow>, ProjectionError> {
        let rows = sqlx::query(select!("WHERE identity = $1 ORDER BY account_id, id"))
            .bind(identity)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(api_key_row).collect()
    }

    /// A credential by account and id.
    pub async fn api_key(
        &self,
        account: AccountId,
        id: ApiKeyId,
    ) -> Result<Option<ApiKeyRow>, ProjectionError> {
        let row = sqlx::query(select!("WHERE account_id = $1 AND id = $2"))
            .bind(int(account.0)?)
            .bind(int(id.0)?)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(api_key_row).transpose()
    }
}

fn api_key_row(row: &sqlx::any::AnyRow) -> Result<ApiKeyRow, ProjectionError> {
    let roles: String = row.try_get("roles")?;
    Ok(ApiKeyRow {
        account_id: AccountId(uint(row.try_get("account_id")?)),
        id: ApiKeyId(uint(row.try_get("id")?)),
        identity: row.try_get("identity")?,
        key_hash: row.try_get("key_hash")?,
        previous_key_hash: row.try_get("previous_key_hash")?,
        previous_valid_until: time(row.try_get("previous_valid_until")?)?,
        revoked_at: time(row.try_get("revoked_at")?)?,
        roles: serde_json::from_str(&roles).map_err(ProjectionError::decode("api_keys"))?,
    })
}

fn time(text: Option<String>) -> Result<Option<DateTime<Utc>>, ProjectionError> {
    text.map(|text| {
        serde_json::from_value::<DateTime<Utc>>(serde_json::Value::String(text))
            .map_err(ProjectionError::decode("api_keys"))
    })
    .transpose()
}

/// A time as stored in the table (RFC 3339, UTC).
pub(crate) fn stored_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
