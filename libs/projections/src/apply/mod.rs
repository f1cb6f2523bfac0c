//! Applying log records to the read tables: one transaction per batch, holding the rows and
//! the partition's next offset together, so a crash neither loses nor doubles an event.
//!
//! - `catalog`: members, merchants, stores, channels.
//! - `offers`: offers and their channel links.
//! - `credentials`: credentials issued, changed, voided and expired.
//! - `api_keys`: API credentials (hashes, roles, rotation and revocation), for auth.
//! - `redemptions`: redemptions and reservations, with the credential statuses they imply.
//! - `lists`: store lists and member lists, with their memberships.
//! - `items`: items and item sets, with the sets' memberships.
//! - `memberships`: the membership rows lists and sets share.

mod api_keys;
mod catalog;
mod credentials;
mod items;
mod lists;
mod memberships;
mod offers;
mod redemptions;

use crate::error::{int, ProjectionError};
use crate::store::ReadStore;
use chrono::{DateTime, Utc};
use domain::{Event, EventKind};
use engine::Envelope;
use eventlog::LogRecord;
use serde::Serialize;
use sqlx::SqliteConnection;

/// Where one event is applied: the transaction, the account and when the event occurred.
pub(crate) struct Target<'a> {
    pub(crate) tx: &'a mut SqliteConnection,
    pub(crate) account: i64,
    pub(crate) at: DateTime<Utc>,
}

impl ReadStore {
    /// Applies `records` of `partition` (in offset order) to the read tables and stores the
    /// offset after the last one, all in one transaction. Records below the stored offset were
    /// applied before and are skipped; a record past it (a gap) is refused. Answers the
    /// partition's next offset.
    pub async fn apply_batch(
        &self,
        partition: u32,
        records: &[LogRecord],
    ) -> Result<u64, ProjectionError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let stored: Option<i64> = sqlx::query_scalar(
            r#"SELECT next_offset FROM projection_offsets WHERE "partition" = $1"#,
        )
        .bind(i64::from(partition))
        .fetch_optional(&mut *tx)
        .await?;
        let start = stored.map_or(0, crate::error::uint);
        let mut next = start;
        for record in records.iter().filter(|record| record.offset >= start) {
            if record.offset != next {
                return Err(ProjectionError::OffsetGap {
                    partition,
                    expected: next,
                    got: record.offset,
                });
            }
            let envelope = Envelope::<Event>::decode(&record.payload)
                .map_err(ProjectionError::decode("event envelope"))?;
            let target = Target {
                tx: &mut tx,
                account: int(envelope.account_id.0)?,
                at: envelope.event.occurred_at,
            };
            apply(target, envelope.event.kind).await?;
            next = record.offset + 1;
        }
        if next == start {
            return Ok(start);
        }
        ReadStore::store_offset(&mut tx, partition, next).await?;
        tx.commit().await?;
        self.announce(partition, next);
        Ok(next)
    }
}

/// Applies one event; events no read needs (accounts) change nothing.
async fn apply(target: Target<'_>, kind: EventKind) -> Result<(), ProjectionError> {
    match kind {
        EventKind::MemberDeleted(_) | EventKind::StoreDeleted(_) => {
            lists::forget(&mut *target.tx, target.account, &kind).await?;
            catalog::apply(target, kind).await
        }
        EventKind::MemberCreated(_)
        | EventKind::MemberUpdated(_)
        | EventKind::MerchantCreated(_)
        | EventKind::MerchantUpdated(_)
        | EventKind::MerchantDeleted(_)
        | EventKind::StoreCreated(_)
        | EventKind::StoreUpdated(_)
        | EventKind::ChannelCreated(_)
        | EventKind::ChannelUpdated(_)
        | EventKind::ChannelDeleted(_) => catalog::apply(target, kind).await,
        EventKind::OfferCreated(_)
        | EventKind::OfferUpdated(_)
        | EventKind::OfferApproved(_)
        | EventKind::OfferStopped(_)
        | EventKind::OfferDeleted(_)
        | EventKind::OfferChannelLinked(_)
        | EventKind::OfferChannelUnlinked(_)
        | EventKind::OfferChannelCapSet(_) => offers::apply(target, kind).await,
        EventKind::CredentialIssued(_)
        | EventKind::CredentialOffersChanged(_)
        | EventKind::CredentialVoided(_)
        | EventKind::CredentialExpired(_) => credentials::apply(target, kind).await,
        EventKind::RedemptionCommitted(_)
        | EventKind::RedemptionReserved(_)
        | EventKind::ReservationConfirmed(_)
        | EventKind::ReservationCancelled(_)
        | EventKind::ReservationExpired(_)
        | EventKind::RedemptionVoided(_)
        | EventKind::RedemptionReversed(_) => redemptions::apply(target, kind).await,
        EventKind::StoreListCreated(_)
        | EventKind::StoreListRenamed(_)
        | EventKind::StoresAddedToList(_)
        | EventKind::StoresRemovedFromList(_)
        | EventKind::StoreListDeleted(_)
        | EventKind::MemberListCreated(_)
        | EventKind::MemberListRenamed(_)
        | EventKind::MembersAddedToList(_)
        | EventKind::MembersRemovedFromList(_)
        | EventKind::MemberListDeleted(_) => lists::apply(target, kind).await,
        EventKind::ItemCreated(_)
        | EventKind::ItemUpdated(_)
        | EventKind::ItemDeleted(_)
        | EventKind::ItemSetCreated(_)
        | EventKind::ItemSetUpdated(_)
        | EventKind::ItemSetDeleted(_) => items::apply(target, kind).await,
        EventKind::ApiKeyIssued(_) | EventKind::ApiKeyRotated(_) | EventKind::ApiKeyRevoked(_) => {
            api_keys::apply(target, kind).await
        }
        _ => Ok(()),
    }
}

/// A value as the JSON text stored in a `body` column.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, ProjectionError> {
    serde_json::to_string(value).map_err(ProjectionError::decode("row body"))
}
