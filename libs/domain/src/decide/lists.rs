//! Decisions on store lists and member lists. Adding what is already there and removing what
//! is not change nothing, and emit nothing.

use crate::catalog::{ListFields, MemberList, StoreList};
use crate::error::DomainResult;
use crate::event::{
    EventKind, ListRenamed, MemberListMembers, MemberListRef, StoreListRef, StoreListStores,
};
use crate::ids::{MemberId, MemberListId, MerchantId, StoreId, StoreListId};
use crate::persistent::OrdSet;
use crate::state::AccountState;
use crate::validate::{existing, required_text, MAX_TEXT};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

pub(super) fn create_store_list(
    state: &AccountState,
    merchant_id: Option<MerchantId>,
    fields: &ListFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    if let Some(merchant_id) = merchant_id {
        existing(&state.merchants, &merchant_id, "Merchant")?;
    }
    Ok(vec![EventKind::StoreListCreated(StoreList {
        id: StoreListId(state.next_id()),
        name: required_text("Name", fields.name.as_deref(), MAX_TEXT)?,
        merchant_id,
        store_ids: OrdSet::new(),
        created_at: now,
        updated_at: now,
    })])
}

pub(super) fn rename_store_list(
    state: &AccountState,
    id: StoreListId,
    fields: &ListFields,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.store_lists, &id, "Store list")?;
    Ok(vec![EventKind::StoreListRenamed(ListRenamed {
        list_id: id.0,
        name: required_text("Name", fields.name.as_deref(), MAX_TEXT)?,
    })])
}

pub(super) fn add_stores(
    state: &AccountState,
    id: StoreListId,
    store_ids: &[StoreId],
) -> DomainResult<Vec<EventKind>> {
    let list = existing(&state.store_lists, &id, "Store list")?;
    for store in store_ids {
        existing(&state.stores, store, "Store")?;
    }
    let added = changed(store_ids, |store| !list.store_ids.contains(store));
    Ok(when_any(added, |store_ids| {
        EventKind::StoresAddedToList(StoreListStores {
            store_list_id: id,
            store_ids,
        })
    }))
}

pub(super) fn remove_stores(
    state: &AccountState,
    id: StoreListId,
    store_ids: &[StoreId],
) -> DomainResult<Vec<EventKind>> {
    let list = existing(&state.store_lists, &id, "Store list")?;
    let removed = changed(store_ids, |store| list.store_ids.contains(store));
    Ok(when_any(removed, |store_ids| {
        EventKind::StoresRemovedFromList(StoreListStores {
            store_list_id: id,
            store_ids,
        })
    }))
}

pub(super) fn delete_store_list(
    state: &AccountState,
    id: StoreListId,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.store_lists, &id, "Store list")?;
    Ok(vec![EventKind::StoreListDeleted(StoreListRef {
        store_list_id: id,
    })])
}

pub(super) fn create_member_list(
    state: &AccountState,
    fields: &ListFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    Ok(vec![EventKind::MemberListCreated(MemberList {
        id: MemberListId(state.next_id()),
        name: required_text("Name", fields.name.as_deref(), MAX_TEXT)?,
        member_ids: OrdSet::new(),
        created_at: now,
        updated_at: now,
    })])
}

pub(super) fn rename_member_list(
    state: &AccountState,
    id: MemberListId,
    fields: &ListFields,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.member_lists, &id, "Member list")?;
    Ok(vec![EventKind::MemberListRenamed(ListRenamed {
        list_id: id.0,
        name: required_text("Name", fields.name.as_deref(), MAX_TEXT)?,
    })])
}

pub(super) fn add_members(
    state: &AccountState,
    id: MemberListId,
    member_ids: &[MemberId],
) -> DomainResult<Vec<EventKind>> {
    let list = existing(&state.member_lists, &id, "Member list")?;
    for member in member_ids {
        existing(&state.members, member, "Member")?;
    }
    let added = changed(member_ids, |member| !list.member_ids.contains(member));
    Ok(when_any(added, |member_ids| {
        EventKind::MembersAddedToList(MemberListMembers {
            member_list_id: id,
            member_ids,
        })
    }))
}

pub(super) fn remove_members(
    state: &AccountState,
    id: MemberListId,
    member_ids: &[MemberId],
) -> DomainResult<Vec<EventKind>> {
    let list = existing(&state.member_lists, &id, "Member list")?;
    let removed = changed(member_ids, |member| list.member_ids.contains(member));
    Ok(when_any(removed, |member_ids| {
        EventKind::MembersRemovedFromList(MemberListMembers {
            member_list_id: id,
            member_ids,
        })
    }))
}

pub(super) fn delete_member_list(
    state: &AccountState,
    id: MemberListId,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.member_lists, &id, "Member list")?;
    Ok(vec![EventKind::MemberListDeleted(MemberListRef {
        member_list_id: id,
    })])
}

/// The distinct ids of `ids` that `changes` holds for, sorted.
pub(super) fn changed<T: Copy + Ord>(ids: &[T], changes: impl Fn(&T) -> bool) -> Vec<T> {
    let set: BTreeSet<T> = ids.iter().copied().filter(|id| changes(id)).collect();
    set.into_iter().collect()
}

/// One event of `ids` made by `event`, or none when there are no ids.
pub(super) fn when_any<T>(ids: Vec<T>, event: impl FnOnce(Vec<T>) -> EventKind) -> Vec<EventKind> {
    if ids.is_empty() {
        Vec::new()
    } else {
        vec![event(ids)]
    }
}
