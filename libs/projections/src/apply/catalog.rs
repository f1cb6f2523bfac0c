//! Members, merchants, stores and channels: rows replaced whole on create and update, removed
//! on delete.

use super::{json, Target};
use crate::error::{int, ProjectionError};
use domain::EventKind;

pub(super) async fn apply(target: Target<'_>, kind: EventKind) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match kind {
        EventKind::MemberCreated(member) | EventKind::MemberUpdated(member) => {
            sqlx::query(
                "INSERT INTO members (account_id, id, identifier, body) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (account_id, id) DO UPDATE
                 SET identifier = excluded.identifier, body = excluded.body",
            )
            .bind(account)
            .bind(int(member.id.0)?)
            .bind(&member.identifier)
            .bind(json(&member)?)
            .execute(tx)
            .await?;
        }
        EventKind::MemberDeleted(deleted) => {
            sqlx::query("DELETE FROM members WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.member_id.0)?)
                .execute(tx)
                .await?;
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
