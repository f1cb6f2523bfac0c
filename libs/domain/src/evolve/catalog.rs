//! Applying events of members, merchants, manufacturers, stores, items and item sets.

use crate::event::{
    ItemEvent, ItemSetEvent, ManufacturerEvent, MemberEvent, MemberRef, MerchantEvent, StoreEvent,
};
use crate::ids::{ItemSetId, MemberId};
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn members(state: &mut AccountState, event: MemberEvent) {
    match event {
        MemberEvent::Created(member) | MemberEvent::Updated(member) => {
            let (id, identifier) = (member.id, member.identifier.clone());
            state.last_id = state.last_id.max(id.0);
            if let Some(previous) = state.members.insert(id, member) {
                state
                    .member_ids_by_identifier
                    .remove(previous.identifier.as_str());
            }
            state.member_ids_by_identifier.insert(identifier.into(), id);
        }
        MemberEvent::Deleted(MemberRef { member_id }) => forget_member(state, member_id),
        MemberEvent::ErasureRequested(requested) => {
            state
                .erasures_due
                .insert((requested.erase_at, requested.member_id));
        }
        MemberEvent::Erased(MemberRef { member_id }) => {
            if let Some(at) = crate::privacy::queries::erasure_due(state, member_id) {
                state.erasures_due.remove(&(at, member_id));
            }
            forget_member(state, member_id);
        }
    }
}

/// Removes a deleted or erased member, and its identifier from every event the idempotency
/// memory holds (its keys are destroyed, so its identifier must be nowhere in the clear).
fn forget_member(state: &mut AccountState, member: MemberId) {
    if let Some(removed) = state.members.remove(&member) {
        state
            .member_ids_by_identifier
            .remove(removed.identifier.as_str());
    }
    state.member_lists.change_where(
        |list| list.member_ids.contains(&member),
        |list| {
            list.member_ids.remove(&member);
        },
    );
    state.idempotency.forget_member(member);
}

pub(super) fn merchants(state: &mut AccountState, event: MerchantEvent) {
    match event {
        MerchantEvent::Created(merchant) | MerchantEvent::Updated(merchant) => {
            state.last_id = state.last_id.max(merchant.id.0);
            state.merchants.insert(merchant.id, merchant);
        }
        MerchantEvent::Deleted(deleted) => {
            state.merchants.remove(&deleted.merchant_id);
            let merchant = deleted.merchant_id;
            state.manufacturers.change_where(
                |manufacturer| manufacturer.merchant_ids.contains(&merchant),
                |manufacturer| {
                    manufacturer.merchant_ids.remove(&merchant);
                },
            );
        }
    }
}

/// A manufacturer's merchants change by additions and removals; a deleted merchant leaves
/// every manufacturer (see `merchants`).
pub(super) fn manufacturers(state: &mut AccountState, event: ManufacturerEvent, at: DateTime<Utc>) {
    match event {
        ManufacturerEvent::Created(manufacturer) | ManufacturerEvent::Updated(manufacturer) => {
            state.last_id = state.last_id.max(manufacturer.id.0);
            state.manufacturers.insert(manufacturer.id, manufacturer);
        }
        ManufacturerEvent::MerchantsAdded(change) => {
            if let Some(manufacturer) = state.manufacturers.get_mut(&change.manufacturer_id) {
                manufacturer.merchant_ids.extend(change.merchant_ids);
                manufacturer.updated_at = at;
            }
        }
        ManufacturerEvent::MerchantsRemoved(change) => {
            if let Some(manufacturer) = state.manufacturers.get_mut(&change.manufacturer_id) {
                for merchant in &change.merchant_ids {
                    manufacturer.merchant_ids.remove(merchant);
                }
                manufacturer.updated_at = at;
            }
        }
        ManufacturerEvent::Deleted(deleted) => {
            state.manufacturers.remove(&deleted.manufacturer_id);
        }
    }
}

pub(super) fn stores(state: &mut AccountState, event: StoreEvent) {
    match event {
        StoreEvent::Created(store) | StoreEvent::Updated(store) => {
            state.last_id = state.last_id.max(store.id.0);
            state.stores.insert(store.id, *store);
        }
        StoreEvent::Deleted(deleted) => {
            state.stores.remove(&deleted.store_id);
            let store = deleted.store_id;
            state.store_lists.change_where(
                |list| list.store_ids.contains(&store),
                |list| {
                    list.store_ids.remove(&store);
                },
            );
        }
    }
}

pub(super) fn items(state: &mut AccountState, event: ItemEvent) {
    match event {
        ItemEvent::Created(item) | ItemEvent::Updated(item) => {
            let id = item.id;
            state.last_id = state.last_id.max(id.0);
            state.items.insert(id, item);
            refresh_sets_with(state, id);
        }
        ItemEvent::Deleted(deleted) => {
            state.items.remove(&deleted.item_id);
            let item = deleted.item_id;
            state.item_sets.change_where(
                |set| set.item_ids.contains(&item),
                |set| {
                    set.item_ids.remove(&item);
                },
            );
            refresh_all(state);
        }
    }
}

pub(super) fn item_sets(state: &mut AccountState, event: ItemSetEvent) {
    match event {
        ItemSetEvent::Created(set) | ItemSetEvent::Updated(set) => {
            let id = set.id;
            state.last_id = state.last_id.max(id.0);
            state.item_sets.insert(id, set);
            refresh(state, id);
        }
        ItemSetEvent::Deleted(deleted) => {
            state.item_sets.remove(&deleted.item_set_id);
            state.item_set_codes.remove(&deleted.item_set_id);
        }
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
