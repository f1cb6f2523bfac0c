//! Items and item sets: item rows replaced whole; set rows (entity JSON without its ids) with
//! one membership row per item, replaced whole on create and update. A deleted item leaves
//! every set, as in the domain's state.

use super::memberships::ITEM_SETS;
use super::{json, Target};
use crate::error::{int, ProjectionError};
use domain::event::{ItemEvent, ItemSetEvent};

pub(super) async fn items(target: Target<'_>, event: ItemEvent) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        ItemEvent::Created(item) | ItemEvent::Updated(item) => {
            sqlx::query(
                "INSERT INTO items (account_id, id, merchant_id, manufacturer_id, name, code, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (account_id, id) DO UPDATE
                 SET merchant_id = excluded.merchant_id,
                     manufacturer_id = excluded.manufacturer_id, name = excluded.name,
                     code = excluded.code, body = excluded.body",
            )
            .bind(account)
            .bind(int(item.id.0)?)
            .bind(item.merchant_id.map(|id| int(id.0)).transpose()?)
            .bind(item.manufacturer_id.map(|id| int(id.0)).transpose()?)
            .bind(&item.name)
            .bind(&item.code)
            .bind(json(&item)?)
            .execute(tx)
            .await?;
        }
        ItemEvent::Deleted(deleted) => {
            ITEM_SETS
                .forget_member(&mut *tx, account, deleted.item_id.0)
                .await?;
            sqlx::query("DELETE FROM items WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(int(deleted.item_id.0)?)
                .execute(tx)
                .await?;
        }
    }
    Ok(())
}

pub(super) async fn item_sets(
    target: Target<'_>,
    event: ItemSetEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        ItemSetEvent::Created(mut set) | ItemSetEvent::Updated(mut set) => {
            let ids: Vec<u64> = std::mem::take(&mut set.item_ids)
                .iter()
                .map(|id| id.0)
                .collect();
            sqlx::query(
                "INSERT INTO item_sets (account_id, id, merchant_id, manufacturer_id, name, body)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (account_id, id) DO UPDATE
                 SET merchant_id = excluded.merchant_id,
                     manufacturer_id = excluded.manufacturer_id, name = excluded.name,
                     body = excluded.body",
            )
            .bind(account)
            .bind(int(set.id.0)?)
            .bind(set.merchant_id.map(|id| int(id.0)).transpose()?)
            .bind(set.manufacturer_id.map(|id| int(id.0)).transpose()?)
            .bind(&set.name)
            .bind(json(&set)?)
            .execute(&mut *tx)
            .await?;
            ITEM_SETS.replace(tx, account, set.id.0, &ids).await?;
        }
        ItemSetEvent::Deleted(deleted) => {
            ITEM_SETS.delete(tx, account, deleted.item_set_id.0).await?;
        }
    }
    Ok(())
}
