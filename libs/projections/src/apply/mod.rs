//! Applying log records to the read tables: one transaction per batch, holding the rows and
//! the partition's position together, so a crash neither loses nor doubles an event.
//!
//! - `catalog`: members, merchants, stores, channels.
//! - `offers`: offers and their channel links.
//! - `credentials`: credentials issued, changed, voided and expired.
//! - `api_keys`: API credentials (hashes, roles, rotation and revocation), for auth.
//! - `redemptions`: redemptions and reservations, with the credential statuses they imply.
//! - `lists`: store lists and member lists, with their memberships.
//! - `items`: items and item sets, with the sets' memberships.
//! - `manufacturers`: manufacturers, with the merchants they name.
//! - `plain`: counters, occasions (Sparkfly's events) and POS offer codes, a row of JSON each.
//! - `memberships`: the membership rows lists and sets share.
//! - `cache` and `prefetch`: the batch's write-behind cache of the hot rows (members,
//!   credentials, redemptions) and what it loads up front; `sql`: the multi-row statements.

mod activities;
mod api_keys;
mod cache;
mod catalog;
mod credentials;
mod items;
mod lists;
mod manufacturers;
mod memberships;
mod offers;
mod plain;
mod prefetch;
mod redemptions;
mod sql;

use crate::dialect::{Backend, WriteLock};
use crate::error::{int, ProjectionError};
use crate::store::{Position, ReadStore};
use cache::RowCache;
use chrono::{DateTime, Utc};
use domain::catalog::Member;
use domain::credential::Credential;
use domain::event::Family;
use domain::ids::AccountId;
use domain::privacy::shredded_member;
use domain::{Event, EventKind};
use eventlog::Envelope;
use eventlog::{EpochFence, LogRecord, RecordKind};
use redemptions::StoredRedemption;
use serde::Serialize;
use sqlx::AnyConnection;

/// Where one event is applied: the transaction, the batch's cached rows, the account and when
/// the event occurred.
pub(crate) struct Target<'a> {
    pub(crate) tx: &'a mut AnyConnection,
    pub(crate) rows: &'a mut Rows,
    pub(crate) account: i64,
    pub(crate) at: DateTime<Utc>,
    /// The event's offset in its partition (activity ids derive from it).
    pub(crate) offset: u64,
    /// Activities recorded for the event so far.
    pub(crate) activities: u64,
}

/// The hot rows of a batch, written back when it ends.
#[derive(Default)]
pub(crate) struct Rows {
    pub(crate) members: RowCache<Member>,
    pub(crate) credentials: RowCache<Credential>,
    pub(crate) redemptions: RowCache<StoredRedemption>,
}

impl Rows {
    async fn flush(&mut self, tx: &mut AnyConnection) -> Result<(), ProjectionError> {
        self.members.flush(tx).await?;
        self.credentials.flush(tx).await?;
        self.redemptions.flush(tx).await
    }
}

/// One event of the batch with its account.
pub(crate) struct Decoded {
    pub(crate) account: i64,
    pub(crate) offset: u64,
    pub(crate) event: Event,
}

impl ReadStore {
    /// Applies `records` of `partition` (in offset order) to the read tables and stores the
    /// partition's new position, all in one transaction; answers the next offset.
    ///
    /// Records below the stored next offset were read before and are skipped; offsets may
    /// leave gaps. Every record passes the partition's [`EpochFence`] (resumed from the stored
    /// epoch): claim markers and records of a fenced writer are not applied, but still move
    /// the position past them.
    pub async fn apply_batch(
        &self,
        partition: u32,
        records: &[LogRecord],
    ) -> Result<u64, ProjectionError> {
        let mut decoded = decode_events(records);
        if let Some(keys) = &self.keys {
            let events = decoded
                .iter_mut()
                .flatten()
                .flatten()
                .filter_map(|decoded| {
                    let account = AccountId(u64::try_from(decoded.account).ok()?);
                    Some((account, &mut decoded.event))
                });
            privacy::open_events(keys.as_ref(), events).await?;
        }
        let shreds = decoded
            .iter()
            .flatten()
            .flatten()
            .any(|decoded| shredded_member(&decoded.event.kind).is_some());
        let mut tx = self
            .backend
            .begin_write(&self.pool, WriteLock::Partition(partition))
            .await?;
        let start = ReadStore::read_position(&mut tx, partition).await?;
        let mut fence = EpochFence::new(start.epoch);
        let mut next = start.next_offset;
        let mut events = Vec::with_capacity(records.len());
        for (record, decoded) in records.iter().zip(decoded) {
            if record.offset < start.next_offset {
                continue;
            }
            next = record.offset + 1;
            if fence.admit(record) {
                if let Some(decoded) = decoded {
                    events.push(decoded?);
                }
            }
        }
        if next == start.next_offset {
            return Ok(next);
        }
        let mut rows = Rows::default();
        prefetch::load(&mut rows, &mut tx, &events).await?;
        for Decoded {
            account,
            offset,
            event,
        } in events
        {
            let target = Target {
                tx: &mut tx,
                rows: &mut rows,
                account,
                at: event.occurred_at,
                offset,
                activities: 0,
            };
            apply(target, event.kind).await?;
        }
        rows.flush(&mut tx).await?;
        let position = Position {
            next_offset: next,
            epoch: fence.newest(),
        };
        ReadStore::store_position(&mut tx, partition, position).await?;
        tx.commit().await?;
        if shreds {
            self.forget_erased().await;
        }
        self.announce(partition, next);
        Ok(next)
    }
}

impl ReadStore {
    /// After a batch that removed erased or deleted members: on SQLite (whose deletes zero
    /// the freed content, `secure_delete`), checkpoints and truncates the WAL so no older copy
    /// of their rows stays in it. A failure (readers holding the WAL) is logged; the next
    /// erasure, or closing the store, checkpoints again.
    async fn forget_erased(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(%error, "the read store's WAL could not be truncated after an erasure");
        }
    }
}

/// Decodes the event records of a batch before its transaction begins (claim markers have no
/// payload: `None`); a record that does not decode is an error only once the fence admits it.
fn decode_events(records: &[LogRecord]) -> Vec<Option<Result<Decoded, ProjectionError>>> {
    records
        .iter()
        .map(|record| {
            (record.kind == RecordKind::Event).then(|| {
                let envelope = Envelope::<Event>::decode(&record.payload)
                    .map_err(ProjectionError::decode("event envelope"))?;
                Ok(Decoded {
                    account: int(envelope.account_id.0)?,
                    offset: record.offset,
                    event: envelope.event,
                })
            })
        })
        .collect()
}

/// Applies one event; events no read needs change nothing: accounts, members' points,
/// campaigns, zidentifiers, schedules and bulk jobs, which the API reads from the live state (wallets
/// too; their entries are activities).
async fn apply(target: Target<'_>, kind: EventKind) -> Result<(), ProjectionError> {
    match kind.into_family() {
        Family::Account(_)
        | Family::Points(_)
        | Family::Campaign(_)
        | Family::Zidentifier(_)
        | Family::Schedule(_)
        | Family::BulkJob(_) => Ok(()),
        Family::OfferState(event) => activities::offer_states(target, event).await,
        Family::CheckIn(event) => activities::check_ins(target, event).await,
        Family::Impression(event) => plain::impressions(target, event).await,
        Family::ApiKey(event) => api_keys::apply(target, event).await,
        Family::Member(event) => catalog::members(target, event).await,
        Family::Merchant(event) => catalog::merchants(target, event).await,
        Family::Manufacturer(event) => manufacturers::apply(target, event).await,
        Family::Store(event) => catalog::stores(target, event).await,
        Family::Counter(event) => plain::counters(target, event).await,
        Family::Occasion(event) => plain::occasions(target, event).await,
        Family::PosOfferCode(event) => plain::pos_offer_codes(target, event).await,
        Family::Channel(event) => catalog::channels(target, event).await,
        Family::StoreList(event) => lists::store_lists(target, event).await,
        Family::MemberList(event) => lists::member_lists(target, event).await,
        Family::Item(event) => items::items(target, event).await,
        Family::ItemSet(event) => items::item_sets(target, event).await,
        Family::Offer(event) => offers::offers(target, event).await,
        Family::OfferChannel(event) => offers::links(target, event).await,
        Family::Credential(event) => credentials::apply(target, event).await,
        Family::Redemption(event) => redemptions::apply(target, event).await,
    }
}

/// A value as the JSON text stored in a `body` column.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, ProjectionError> {
    serde_json::to_string(value).map_err(ProjectionError::decode("row body"))
}
