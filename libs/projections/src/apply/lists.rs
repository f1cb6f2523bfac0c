//! Store lists and member lists: the list rows (entity JSON without its ids) and one
//! membership row per store or member. (A deleted store or member leaves every list: see
//! `catalog`.)

use super::memberships::{MEMBER_LISTS, STORE_LISTS};
use super::{json, Target};
use crate::error::{int, ProjectionError};
use chrono::{DateTime, Utc};
use domain::catalog::{MemberList, StoreList};
use domain::event::{MemberListEvent, StoreListEvent};
use sqlx::AnyConnection;

pub(super) async fn store_lists(
    target: Target<'_>,
    event: StoreListEvent,
) -> Result<(), ProjectionError> {
    let Target {
        tx, account, at, ..
    } = target;
    match event {
        StoreListEvent::Created(mut list) => {
            let ids: Vec<u64> = std::mem::take(&mut list.store_ids)
                .iter()
                .map(|id| id.0)
                .collect();
            put_store_list(&mut *tx, account, &list).await?;
            STORE_LISTS.replace(tx, account, list.id.0, &ids).await?;
        }
        StoreListEvent::Renamed(renamed) => {
            let name = Some(renamed.name);
            touch_store_list(tx, account, renamed.list_id, name, at).await?;
        }
        StoreListEvent::StoresAdded(change) => {
            let list = change.store_list_id.0;
            let ids: Vec<u64> = change.store_ids.iter().map(|id| id.0).collect();
            STORE_LISTS.add(&mut *tx, account, list, &ids).await?;
            touch_store_list(tx, account, list, None, at).await?;
        }
        StoreListEvent::StoresRemoved(change) => {
            let list = change.store_list_id.0;
            let ids: Vec<u64> = change.store_ids.iter().map(|id| id.0).collect();
            STORE_LISTS.remove(&mut *tx, account, list, &ids).await?;
            touch_store_list(tx, account, list, None, at).await?;
        }
        StoreListEvent::Deleted(deleted) => {
            STORE_LISTS
                .delete(tx, account, deleted.store_list_id.0)
                .await?;
        }
    }
    Ok(())
}

pub(super) async fn member_lists(
    target: Target<'_>,
    event: MemberListEvent,
) -> Result<(), ProjectionError> {
    let Target {
        tx, account, at, ..
    } = target;
    match event {
        MemberListEvent::Created(mut list) => {
            let ids: Vec<u64> = std::mem::take(&mut list.member_ids)
                .iter()
                .map(|id| id.0)
                .collect();
            put_member_list(&mut *tx, account, &list).await?;
            MEMBER_LISTS.replace(tx, account, list.id.0, &ids).await?;
        }
        MemberListEvent::Renamed(renamed) => {
            let name = Some(renamed.name);
            touch_member_list(tx, account, renamed.list_id, name, at).await?;
        }
        MemberListEvent::MembersAdded(change) => {
            let list = change.member_list_id.0;
            let ids: Vec<u64> = change.member_ids.iter().map(|id| id.0).collect();
            MEMBER_LISTS.add(&mut *tx, account, list, &ids).await?;
            touch_member_list(tx, account, list, None, at).await?;
        }
        MemberListEvent::MembersRemoved(change) => {
            let list = change.member_list_id.0;
            let ids: Vec<u64> = change.member_ids.iter().map(|id| id.0).collect();
            MEMBER_LISTS.remove(&mut *tx, account, list, &ids).await?;
            touch_member_list(tx, account, list, None, at).await?;
        }
        MemberListEvent::Deleted(deleted) => {
            MEMBER_LISTS
                .delete(tx, account, deleted.member_list_id.0)
                .await?;
        }
    }
    Ok(())
}

async fn put_store_list(
    tx: &mut AnyConnection,
    account: i64,
    list: &StoreList,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO store_lists (account_id, id, merchant_id, name, body)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id, id) DO UPDATE
         SET merchant_id = excluded.merchant_id, name = excluded.name, body = excluded.body",
    )
    .bind(account)
    .bind(int(list.id.0)?)
    .bind(list.merchant_id.map(|id| int(id.0)).transpose()?)
    .bind(&list.name)
    .bind(json(list)?)
    .execute(tx)
    .await?;
    Ok(())
}

async fn put_member_list(
    tx: &mut AnyConnection,
    account: i64,
    list: &MemberList,
) -> Result<(), ProjectionError> {
    let row = (list.id.0, list.name.as_str());
    MEMBER_LISTS.put(tx, account, row, list).await
}

async fn touch_store_list(
    tx: &mut AnyConnection,
    account: i64,
    list: u64,
    name: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), ProjectionError> {
    STORE_LISTS
        .touch(tx, account, list, |list: &mut StoreList| {
            if let Some(name) = name {
                list.name = name;
            }
            list.store_ids = Default::default();
            list.updated_at = at;
            list.name.clone()
        })
        .await
}

async fn touch_member_list(
    tx: &mut AnyConnection,
    account: i64,
    list: u64,
    name: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), ProjectionError> {
    MEMBER_LISTS
        .touch(tx, account, list, |list: &mut MemberList| {
            if let Some(name) = name {
                list.name = name;
            }
            list.member_ids = Default::default();
            list.updated_at = at;
            list.name.clone()
        })
        .await
}
