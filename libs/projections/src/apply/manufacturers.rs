//! Manufacturers: rows (entity JSON without its merchant ids) replaced whole on create and
//! update, with one membership row per merchant it names, replaced whole then and added or
//! removed by the link events. (A deleted merchant leaves every manufacturer: see `catalog`.)

use super::memberships::MANUFACTURER_MERCHANTS;
use super::Target;
use crate::error::ProjectionError;
use chrono::{DateTime, Utc};
use domain::catalog::Manufacturer;
use domain::event::ManufacturerEvent;
use sqlx::AnyConnection;

pub(super) async fn apply(
    target: Target<'_>,
    event: ManufacturerEvent,
) -> Result<(), ProjectionError> {
    let Target {
        tx, account, at, ..
    } = target;
    match event {
        ManufacturerEvent::Created(mut manufacturer)
        | ManufacturerEvent::Updated(mut manufacturer) => {
            let ids: Vec<u64> = std::mem::take(&mut manufacturer.merchant_ids)
                .iter()
                .map(|id| id.0)
                .collect();
            let row = (manufacturer.id.0, manufacturer.name.as_str());
            MANUFACTURER_MERCHANTS
                .put(&mut *tx, account, row, &manufacturer)
                .await?;
            MANUFACTURER_MERCHANTS
                .replace(tx, account, manufacturer.id.0, &ids)
                .await?;
        }
        ManufacturerEvent::MerchantsAdded(change) => {
            let ids: Vec<u64> = change.merchant_ids.iter().map(|id| id.0).collect();
            let id = change.manufacturer_id.0;
            MANUFACTURER_MERCHANTS
                .add(&mut *tx, account, id, &ids)
                .await?;
            touch(tx, account, id, at).await?;
        }
        ManufacturerEvent::MerchantsRemoved(change) => {
            let ids: Vec<u64> = change.merchant_ids.iter().map(|id| id.0).collect();
            let id = change.manufacturer_id.0;
            MANUFACTURER_MERCHANTS
                .remove(&mut *tx, account, id, &ids)
                .await?;
            touch(tx, account, id, at).await?;
        }
        ManufacturerEvent::Deleted(deleted) => {
            MANUFACTURER_MERCHANTS
                .delete(tx, account, deleted.manufacturer_id.0)
                .await?;
        }
    }
    Ok(())
}

/// Marks manufacturer `id` changed at `at` (its merchants are rows of their own).
async fn touch(
    tx: &mut AnyConnection,
    account: i64,
    id: u64,
    at: DateTime<Utc>,
) -> Result<(), ProjectionError> {
    MANUFACTURER_MERCHANTS
        .touch(tx, account, id, |manufacturer: &mut Manufacturer| {
            manufacturer.updated_at = at;
            manufacturer.name.clone()
        })
        .await
}
