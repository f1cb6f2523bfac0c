//! API credentials: a row per key, updated on rotation and revocation.

use super::{json, Target};
use crate::api_keys::stored_time;
use crate::error::{int, ProjectionError};
use domain::event::ApiKeyEvent;

pub(super) async fn apply(target: Target<'_>, event: ApiKeyEvent) -> Result<(), ProjectionError> {
    let Target {
        tx, account, at, ..
    } = target;
    match event {
        ApiKeyEvent::Issued(key) => {
            sqlx::query(
                "INSERT INTO api_keys (account_id, id, identity, key_hash, previous_key_hash,
                 previous_valid_until, revoked_at, roles) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (account_id, id) DO UPDATE
                 SET identity = excluded.identity, key_hash = excluded.key_hash,
                 previous_key_hash = excluded.previous_key_hash,
                 previous_valid_until = excluded.previous_valid_until,
                 revoked_at = excluded.revoked_at, roles = excluded.roles",
            )
            .bind(account)
            .bind(int(key.id.0)?)
            .bind(&key.identity)
            .bind(&key.key_hash)
            .bind(&key.previous_key_hash)
            .bind(key.previous_valid_until.map(stored_time))
            .bind(key.revoked_at.map(stored_time))
            .bind(json(&key.roles)?)
            .execute(tx)
            .await?;
        }
        ApiKeyEvent::Rotated(rotated) => {
            sqlx::query(
                "UPDATE api_keys SET key_hash = $3, previous_key_hash = $4,
                 previous_valid_until = $5 WHERE account_id = $1 AND id = $2",
            )
            .bind(account)
            .bind(int(rotated.api_key_id.0)?)
            .bind(&rotated.key_hash)
            .bind(&rotated.previous_key_hash)
            .bind(stored_time(rotated.previous_valid_until))
            .execute(tx)
            .await?;
        }
        ApiKeyEvent::Revoked(revoked) => {
            sqlx::query("UPDATE api_keys SET revoked_at = $3 WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(revoked.api_key_id.0)?)
                .bind(stored_time(at))
                .execute(tx)
                .await?;
        }
    }
    Ok(())
}
