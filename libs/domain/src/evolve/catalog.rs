//! Applying events of members, merchants, stores, lists, items and item sets.

use crate::event::EventKind;
use crate::ids::ItemSetId;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn members(state: &mut AccountState, kind: EventKind) {
    match kind {
        EventKind::MemberCreated(member) | EventKind::MemberUpdated(member) => {
            let (id, identifier) = (member.id, member.identifier.clone());
            state.last_id = state.last_id.max(id.0);
            if let Some(previous) = state.members.insert(id, member) {
                state.member_ids_by_identifier.remove(&previous.identifier);
            }
            state.member_ids_by_identifier.insert(identifier, id);
        }
        EventKind::MemberDeleted(deleted) => {
            if let Some(member) = state.members.remove(&deleted.member_id) {
                state.member_ids_by_identifier.remove(&member.identifier);
            }
            for list in state.member_lists.values_mut() {
                list.member_ids.remove(&deleted.member_id);
            }
        }
        _ => {}
    }
}

pub(super) fn merchants(state: &mut AccountState, kind: EventKind) {
    match kind {
        EventKind::MerchantCreated(merchant) | EventKind::MerchantUpdated(merchant) => {
            state.last_id = state.last_id.max(merchant.id.0);
            state.merchants.insert(merchant.id, merchant);
        }
        EventKind::MerchantDeleted(deleted) => {
            state.merchants.remove(&deleted.merchant_id);
        }
        EventKind::StoreCreated(store) | EventKind::StoreUpdated(store) => {
            state.last_id = state.last_id.max(store.id.0);
            state.stores.insert(store.id, store);
        }
        EventKind::StoreDeleted(deleted) => {
            state.stores.remove(&deleted.store_id);
            for list in state.store_lists.values_mut() {
                list.store_ids.remove(&deleted.store_id);
            }
        }
        _ => {}
    }
}

pub(super) fn lists(state: &mut AccountState, kind: EventKind, at: DateTime<Utc>) {
    match kind {
        EventKind::StoreListCreated(list) => {
            state.last_id = state.last_id.max(list.id.0);
            state.store_lists.insert(list.id, list);
        }
        EventKind::MemberListCreated(list) => {
            state.last_id = state.last_id.max(list.id.0);
            state.member_lists.insert(list.id, list);
        }
        EventKind::StoreListRenamed(renamed) => {
            let list = state
                .store_lists
                .get_mut(&crate::ids::StoreListId(renamed.list_id));
            if let Some(list) = list {
                list.name = renamed.name;
                list.updated_at = at;
            }
        }
        EventKind::MemberListRenamed(renamed) => {
            let list = state
                .member_lists
                .get_mut(&crate::ids::MemberListId(renamed.list_id));
            if let Some(list) = list {
                list.name = renamed.name;
                list.updated_at = at;
            }
        }
        EventKind::StoresAddedToList(change) => {
            if let Some(list) = state.store_lists.get_mut(&change.store_list_id) {
                list.store_ids.extend(change.store_ids);
                list.updated_at = at;
            }
        }
        EventKind::StoresRemovedFromList(change) => {
            if let Some(list) = state.store_lists.get_mut(&change.store_list_id) {
                for store in &change.store_ids {
                    list.store_ids.remove(store);
                }
                list.updated_at = at;
            }
        }
        EventKind::MembersAddedToList(change) => {
            if let Some(list) = state.member_lists.get_mut(&change.member_list_id) {
                list.member_ids.extend(change.member_ids);
                list.updated_at = at;
            }
        }
        EventKind::MembersRemovedFromList(change) => {
            if let Some(list) = state.member_lists.get_mut(&change.member_list_id) {
                for member in &change.member_ids {
                    list.member_ids.remove(member);
                }
                list.updated_at = at;
            }
        }
        EventKind::StoreListDeleted(deleted) => {
            state.store_lists.remove(&deleted.store_list_id);
        }
        EventKind::MemberListDeleted(deleted) => {
            state.member_lists.remove(&deleted.member_list_id);
        }
        _ => {}
    }
}

pub(super) fn items(state: &mut AccountState, kind: EventKind) {
    match kind {
        EventKind::ItemCreated(item) | EventKind::ItemUpdated(item) => {
            let id = item.id;
            state.last_id = state.last_id.max(id.0);
            state.items.insert(id, item);
            refresh_sets_with(state, id);
        }
        EventKind::ItemDeleted(deleted) => {
            state.items.remove(&deleted.item_id);
            for set in state.item_sets.values_mut() {
                set.item_ids.remove(&deleted.item_id);
            }
            refresh_all(state);
        }
        EventKind::ItemSetCreated(set) | EventKind::ItemSetUpdated(set) => {
            let id = set.id;
            state.last_id = state.last_id.max(id.0);
            state.item_sets.insert(id, set);
            refresh(state, id);
        }
        EventKind::ItemSetDeleted(deleted) => {
            state.item_sets.remove(&deleted.item_set_id);
            state.item_set_codes.remove(&deleted.item_set_id);
        }
        _ => {}
    }
}

fn refresh_sets_with(state: &mut AccountState, item: crate::ids::ItemId) {
    let sets: Vec<ItemSetId> = state
        .item_sets
        .values()
        .filter(|set| set.item_ids.contains(&item))
        .map(|set| set.id)
        .collect();
    for set in sets {
        refresh(state, set);
    }
}

fn refresh_all(state: &mut AccountState) {
    let sets: Vec<ItemSetId> = state.item_sets.keys().copied().collect();
    for set in sets {
        refresh(state, set);
    }
}

fn refresh(state: &mut AccountState, set: ItemSetId) {
    let Some(item_set) = state.item_sets.get(&set) else {
        return;
    };
    let codes = discount::ItemSet::new(
        item_set
            .item_ids
            .iter()
            .filter_map(|item| state.items.get(item))
            .map(|item| item.code.clone()),
    );
    state.item_set_codes.insert(set, codes);
}
