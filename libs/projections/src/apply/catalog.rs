//! Members, merchants, stores and channels: rows replaced whole on create and update, removed
//! on delete. Members are many, so they go through the batch's cache (`cache`); the others are
//! written at once. A deleted store or member leaves every list, and a deleted merchant every
//! manufacturer, as in the domain's state.

use super::cache::CachedRow;
use super::memberships::{MANUFACTURER_MERCHANTS, MEMBER_LISTS, STORE_LISTS};
use super::sql::Value;
use super::{json, Target};
use crate::error::{int, ProjectionError};
use domain::catalog::Member;
use domain::event::{ChannelEvent, MemberEvent, MemberRef, MerchantEvent, StoreEvent};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Members go to the batch's cache; a deleted or erased member leaves every member list first
/// and its row is deleted.
pub(super) async fn members(target: Target<'_>, event: MemberEvent) -> Result<(), ProjectionError> {
    let Target {
        tx, rows, account, ..
    } = target;
    match event {
        MemberEvent::Created(member) | MemberEvent::Updated(member) => {
            rows.members.put((account, int(member.id.0)?), member);
        }
        MemberEvent::Deleted(MemberRef { member_id })
        | MemberEvent::Erased(MemberRef { member_id }) => {
            MEMBER_LISTS.forget_member(tx, account, member_id.0).await?;
            rows.members.remove((account, int(member_id.0)?));
        }
        MemberEvent::ErasureRequested(_) => {}
    }
    Ok(())
}

pub(super) async fn merchants(
    target: Target<'_>,
    event: MerchantEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        MerchantEvent::Created(merchant) | MerchantEvent::Updated(merchant) => {
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
        MerchantEvent::Deleted(deleted) => {
            MANUFACTURER_MERCHANTS
                .forget_member(&mut *tx, account, deleted.merchant_id.0)
                .await?;
            sqlx::query("DELETE FROM merchants WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.merchant_id.0)?)
                .execute(tx)
                .await?;
        }
    }
    Ok(())
}

/// Stores are written at once; a deleted store leaves every store list first.
pub(super) async fn stores(target: Target<'_>, event: StoreEvent) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        StoreEvent::Created(store) | StoreEvent::Updated(store) => {
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
        StoreEvent::Deleted(deleted) => {
            STORE_LISTS
                .forget_member(&mut *tx, account, deleted.store_id.0)
                .await?;
            sqlx::query("DELETE FROM stores WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.store_id.0)?)
                .execute(tx)
                .await?;
        }
    }
    Ok(())
}

pub(super) async fn channels(
    target: Target<'_>,
    event: ChannelEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        ChannelEvent::Created(channel) | ChannelEvent::Updated(channel) => {
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
        ChannelEvent::Deleted(deleted) => {
            sqlx::query("DELETE FROM channels WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.channel_id.0)?)
                .execute(tx)
                .await?;
        }
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
