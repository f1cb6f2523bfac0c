//! Applying events of store lists and member lists.

use crate::event::{MemberListEvent, StoreListEvent};
use crate::ids::{MemberListId, StoreListId};
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn store_lists(state: &mut AccountState, event: StoreListEvent, at: DateTime<Utc>) {
    match event {
        StoreListEvent::Created(list) => {
            state.last_id = state.last_id.max(list.id.0);
            state.store_lists.insert(list.id, list);
        }
        StoreListEvent::Renamed(renamed) => {
            if let Some(list) = state.store_lists.get_mut(&StoreListId(renamed.list_id)) {
                list.name = renamed.name;
                list.updated_at = at;
            }
        }
        StoreListEvent::StoresAdded(change) => {
            if let Some(list) = state.store_lists.get_mut(&change.store_list_id) {
                list.store_ids.extend(change.store_ids);
                list.updated_at = at;
            }
        }
        StoreListEvent::StoresRemoved(change) => {
            if let Some(list) = state.store_lists.get_mut(&change.store_list_id) {
                for store in &change.store_ids {
                    list.store_ids.remove(store);
                }
                list.updated_at = at;
            }
        }
        StoreListEvent::Deleted(deleted) => {
            state.store_lists.remove(&deleted.store_list_id);
        }
    }
}

pub(super) fn member_lists(state: &mut AccountState, event: MemberListEvent, at: DateTime<Utc>) {
    match event {
        MemberListEvent::Created(list) => {
            state.last_id = state.last_id.max(list.id.0);
            state.member_lists.insert(list.id, list);
        }
        MemberListEvent::Renamed(renamed) => {
            if let Some(list) = state.member_lists.get_mut(&MemberListId(renamed.list_id)) {
                list.name = renamed.name;
                list.updated_at = at;
            }
        }
        MemberListEvent::MembersAdded(change) => {
            if let Some(list) = state.member_lists.get_mut(&change.member_list_id) {
                list.member_ids.extend(change.member_ids);
                list.updated_at = at;
            }
        }
        MemberListEvent::MembersRemoved(change) => {
            if let Some(list) = state.member_lists.get_mut(&change.member_list_id) {
                for member in &change.member_ids {
                    list.member_ids.remove(member);
                }
                list.updated_at = at;
            }
        }
        MemberListEvent::Deleted(deleted) => {
            state.member_lists.remove(&deleted.member_list_id);
        }
    }
}
