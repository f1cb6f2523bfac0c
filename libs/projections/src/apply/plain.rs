//! Counters, occasions (Sparkfly's events), POS offer codes and impressions: one row of JSON each, replaced whole on create
//! and update, removed on delete.

use super::{json, Target};
use crate::error::{int, ProjectionError};
use domain::event::{CounterEvent, ImpressionEvent, OccasionEvent, PosOfferCodeEvent};
use serde::Serialize;
use sqlx::{AnyConnection, AssertSqlSafe};

pub(super) async fn counters(
    target: Target<'_>,
    event: CounterEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        CounterEvent::Created(counter) | CounterEvent::Updated(counter) => {
            put(tx, "counters", account, counter.id.0, &counter).await
        }
        CounterEvent::Deleted(deleted) => {
            delete(tx, "counters", account, deleted.counter_id.0).await
        }
    }
}

pub(super) async fn occasions(
    target: Target<'_>,
    event: OccasionEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        OccasionEvent::Created(occasion) | OccasionEvent::Updated(occasion) => {
            put(tx, "occasions", account, occasion.id.0, &occasion).await
        }
        OccasionEvent::Deleted(deleted) => {
            delete(tx, "occasions", account, deleted.occasion_id.0).await
        }
    }
}

pub(super) async fn pos_offer_codes(
    target: Target<'_>,
    event: PosOfferCodeEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        PosOfferCodeEvent::Created(code) | PosOfferCodeEvent::Updated(code) => {
            put(tx, "pos_offer_codes", account, code.id.0, &code).await
        }
        PosOfferCodeEvent::Deleted(deleted) => {
            delete(tx, "pos_offer_codes", account, deleted.pos_offer_code_id.0).await
        }
    }
}

pub(super) async fn impressions(
    target: Target<'_>,
    event: ImpressionEvent,
) -> Result<(), ProjectionError> {
    let Target { tx, account, .. } = target;
    match event {
        ImpressionEvent::Recorded(impression) => {
            put(tx, "impressions", account, impression.id.0, &impression).await
        }
        ImpressionEvent::Deleted(deleted) => {
            delete(tx, "impressions", account, deleted.impression_id.0).await
        }
    }
}

/// Writes row `id` of `table` (one of ours) as `entity`'s JSON.
async fn put<T: Serialize>(
    tx: &mut AnyConnection,
    table: &'static str,
    account: i64,
    id: u64,
    entity: &T,
) -> Result<(), ProjectionError> {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} (account_id, id, body) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, id) DO UPDATE SET body = excluded.body"
    )))
    .bind(account)
    .bind(int(id)?)
    .bind(json(entity)?)
    .execute(tx)
    .await?;
    Ok(())
}

/// Removes row `id` of `table` (one of ours).
async fn delete(
    tx: &mut AnyConnection,
    table: &'static str,
    account: i64,
    id: u64,
) -> Result<(), ProjectionError> {
    sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM {table} WHERE account_id = $1 AND id = $2"
    )))
    .bind(account)
    .bind(int(id)?)
    .execute(tx)
    .await?;
    Ok(())
}
