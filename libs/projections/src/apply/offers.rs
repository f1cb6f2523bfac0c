//! Offers (replaced whole on create and update, status changes applied to the stored body) and
//! their links to channels.

use super::{json, Target};
use crate::error::{int, ProjectionError};
use chrono::{DateTime, Utc};
use domain::channel::OfferChannel;
use domain::event::{OfferChannelEvent, OfferEvent};
use domain::ids::{ChannelId, OfferId};
use domain::offer::{Offer, OfferStatus};
use sqlx::AnyConnection;

pub(super) async fn offers(target: Target<'_>, event: OfferEvent) -> Result<(), ProjectionError> {
    let Target {
        tx, account, at, ..
    } = target;
    match event {
        OfferEvent::Created(offer) | OfferEvent::Updated(offer) => {
            save(tx, account, &offer).await?;
        }
        OfferEvent::Approved(approved) => {
            if let Some(mut offer) = load(tx, account, int(approved.offer_id.0)?).await? {
                offer.status = OfferStatus::Approved;
                offer.approved_at = Some(at);
                offer.updated_at = at;
                save(tx, account, &offer).await?;
            }
        }
        OfferEvent::Stopped(stopped) => {
            if let Some(mut offer) = load(tx, account, int(stopped.offer_id.0)?).await? {
                offer.status = OfferStatus::Stopped;
                offer.updated_at = at;
                save(tx, account, &offer).await?;
            }
        }
        // Passbook configurations are read from the live state (they hold secrets).
        OfferEvent::PassbookConfigured(_) | OfferEvent::PassbookDeleted(_) => {}
        OfferEvent::Deleted(deleted) => {
            let id = int(deleted.offer_id.0)?;
            sqlx::query("DELETE FROM offers WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM offer_channels WHERE account_id = $1 AND offer_id = $2")
                .bind(account)
                .bind(id)
                .execute(tx)
                .await?;
        }
    }
    Ok(())
}

pub(super) async fn links(
    target: Target<'_>,
    event: OfferChannelEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        OfferChannelEvent::Linked(link) => save_link(tx, account, &link).await?,
        OfferChannelEvent::Unlinked(unlinked) => {
            sqlx::query(
                "DELETE FROM offer_channels
                 WHERE account_id = $1 AND offer_id = $2 AND channel_id = $3",
            )
            .bind(account)
            .bind(int(unlinked.offer_id.0)?)
            .bind(int(unlinked.channel_id.0)?)
            .execute(tx)
            .await?;
        }
        OfferChannelEvent::CapSet(cap) => {
            let key = (cap.offer_id, cap.channel_id);
            if let Some(mut link) = load_link(tx, account, key).await? {
                link.max_redemptions = cap.max_redemptions;
                save_link(tx, account, &link).await?;
            }
        }
        OfferChannelEvent::Configured(configured) => {
            let key = (configured.offer_id, configured.channel_id);
            if let Some(mut link) = load_link(tx, account, key).await? {
                link.settings = configured.settings;
                save_link(tx, account, &link).await?;
            }
        }
    }
    Ok(())
}

async fn load_link(
    tx: &mut AnyConnection,
    account: i64,
    (offer_id, channel_id): (OfferId, ChannelId),
) -> Result<Option<OfferChannel>, ProjectionError> {
    let body: Option<String> = sqlx::query_scalar(
        "SELECT body FROM offer_channels
         WHERE account_id = $1 AND offer_id = $2 AND channel_id = $3",
    )
    .bind(account)
    .bind(int(offer_id.0)?)
    .bind(int(channel_id.0)?)
    .fetch_optional(&mut *tx)
    .await?;
    body.map(|body| {
        serde_json::from_str(&body).map_err(ProjectionError::decode("offer channel row"))
    })
    .transpose()
}

async fn load(
    tx: &mut AnyConnection,
    account: i64,
    id: i64,
) -> Result<Option<Offer>, ProjectionError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM offers WHERE account_id = $1 AND id = $2")
            .bind(account)
            .bind(id)
            .fetch_optional(tx)
            .await?;
    body.map(|body| serde_json::from_str(&body).map_err(ProjectionError::decode("offer row")))
        .transpose()
}

async fn save(tx: &mut AnyConnection, account: i64, offer: &Offer) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO offers (account_id, id, name, status, merchant_id, expires_at, body,
                             starts_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (account_id, id) DO UPDATE
         SET name = excluded.name, status = excluded.status, merchant_id = excluded.merchant_id,
             expires_at = excluded.expires_at, body = excluded.body,
             starts_at = excluded.starts_at",
    )
    .bind(account)
    .bind(int(offer.id.0)?)
    .bind(&offer.name)
    .bind(status_text(offer.status))
    .bind(offer.merchant_id.map(|id| int(id.0)).transpose()?)
    .bind(offer.expires_at.map(|at| at.to_rfc3339()))
    .bind(json(offer)?)
    .bind(
        starts_at(offer)
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string(),
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// When an offer starts running, the key of `sort_by=start_running_at`: its window's start,
/// else its approval, else its creation (stored with six decimals, so that it sorts as text).
fn starts_at(offer: &Offer) -> DateTime<Utc> {
    offer
        .activates_at
        .or(offer.approved_at)
        .unwrap_or(offer.created_at)
}

async fn save_link(
    tx: &mut AnyConnection,
    account: i64,
    link: &OfferChannel,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO offer_channels (account_id, offer_id, channel_id, xid, body)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id, offer_id, channel_id) DO UPDATE
         SET xid = excluded.xid, body = excluded.body",
    )
    .bind(account)
    .bind(int(link.offer_id.0)?)
    .bind(int(link.channel_id.0)?)
    .bind(&link.xid)
    .bind(json(link)?)
    .execute(tx)
    .await?;
    Ok(())
}

/// The stored text of an offer status, as the API spells it.
pub(crate) fn status_text(status: OfferStatus) -> &'static str {
    match status {
        OfferStatus::Pending => "pending",
        OfferStatus::Approved => "approved",
        OfferStatus::Stopped => "stopped",
    }
}
