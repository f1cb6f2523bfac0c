//! Members, merchants, stores and channels: rows replaced whole on create and update, removed
//! on delete. Members are many, so they go through the batch's cache (`cache`); the others are
//! written at once.

use super::cache::CachedRow;
use super::sql::Value;
use super::{json, Target};
use crate::error::{int, ProjectionError};
use domain::catalog::Member;
use domain::EventKind;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(super) async fn apply(target: Target<'_>, kind: EventKind) -> Result<(), ProjectionError> {
    let Target {
        tx, rows, account, ..
    } = target;
    match kind {
        EventKind::MemberCreated(member) | EventKind::MemberUpdated(member) => {
            rows.members.put((account, int(member.id.0)?), member);
        }
        EventKind::MemberDeleted(deleted) => {
            rows.members.remove((account, int(deleted.member_id.0)?));
        }
        EventKind::MerchantCreated(merchant) | EventKind::MerchantUpdated(merchant) => {
            sqlx::query(
                "INSERT INTO merchants (account_id, id, name, body) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account_id, id) DO UPDATE
                 SET name = excluded.name, body = excluded.body",
            )
            .bind(account)
            .bind(int(merchant.id.0)?)
            .bind(&merchant.name)
            .bind(json(&merchant)?)
            .execute(tx)
            .await?;
        }
        EventKind::MerchantDeleted(deleted) => {
            sqlx::query("DELETE FROM merchants WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.merchant_id.0)?)
                .execute(tx)
                .await?;
        }
        EventKind::StoreCreated(store) | EventKind::StoreUpdated(store) => {
            sqlx::query(
                "INSERT INTO stores (account_id, id, merchant_id, name, body)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (account_id, id) DO UPDATE
                 SET merchant_id = excluded.merchant_id, name = excluded.name,
                     body = excluded.body",
            )
            .bind(account)
            .bind(int(store.id.0)?)
            .bind(int(store.merchant_id.0)?)
            .bind(&store.name)
            .bind(json(&store)?)
            .execute(tx)
            .await?;
        }
        EventKind::StoreDeleted(deleted) => {
            sqlx::query("DELETE FROM stores WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.store_id.0)?)
                .execute(tx)
                .await?;
        }
        EventKind::ChannelCreated(channel) | EventKind::ChannelUpdated(channel) => {
            sqlx::query(
                "INSERT INTO channels (account_id, id, name, body) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account_id, id) DO UPDATE
                 SET name = excluded.name, body = excluded.body",
            )
            .bind(account)
            .bind(int(channel.id.0)?)
            .bind(&channel.name)
            .bind(json(&channel)?)
            .execute(tx)
            .await?;
        }
        EventKind::ChannelDeleted(deleted) => {
            sqlx::query("DELETE FROM channels WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.channel_id.0)?)
                .execute(tx)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

impl CachedRow for Member {
    const TABLE: &'static str = "members";
    const COLUMNS: &'static [&'static str] = &["identifier", "body"];
    const LOADED: &'static str = "body";

    fn decode(row: &AnyRow) -> Result<Self, ProjectionError> {
        let body: String = row.try_get(1)?;
        serde_json::from_str(&body).map_err(ProjectionError::decode("member row"))
    }

    fn values(&self) -> Result<Vec<Value>, ProjectionError> {
        Ok(vec![
            Value::Text(self.identifier.clone()),
            Value::Text(json(self)?),
        ])
    }

    fn unique(&self) -> Option<&str> {
        Some(&self.identifier)
    }
}
