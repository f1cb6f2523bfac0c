//! Decisions on items and item sets. The merchant or manufacturer a new one names must exist;
//! a manufacturer's new set is of Sparkfly's set type 1 unless the request says otherwise.

use crate::catalog::{Item, ItemFields, ItemSet, ItemSetFields};
use crate::error::{DomainError, DomainResult};
use crate::event::{EventKind, ItemRef, ItemSetRef};
use crate::ids::{ItemId, ItemSetId, ManufacturerId, MerchantId};
use crate::persistent::OrdSet;
use crate::state::AccountState;
use crate::validate::{existing, required_text, MAX_TEXT};
use chrono::{DateTime, Utc};

/// Longest item code (the discount engine's limit for basket lines).
pub const MAX_ITEM_CODE: usize = 64;

pub(super) fn create_item(
    state: &AccountState,
    fields: &ItemFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    owners_exist(state, fields.merchant_id, fields.manufacturer_id)?;
    let item = Item {
        id: ItemId(state.next_id()),
        name: String::new(),
        code: String::new(),
        merchant_id: fields.merchant_id,
        manufacturer_id: fields.manufacturer_id,
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::ItemCreated(merge_item(
        state, item, fields, now,
    )?)])
}

pub(super) fn update_item(
    state: &AccountState,
    id: ItemId,
    fields: &ItemFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let item = existing(&state.items, &id, "Item")?.clone();
    Ok(vec![EventKind::ItemUpdated(merge_item(
        state, item, fields, now,
    )?)])
}

/// Checks that the merchant and the manufacturer a new item or set names, if any, exist.
fn owners_exist(
    state: &AccountState,
    merchant: Option<MerchantId>,
    manufacturer: Option<ManufacturerId>,
) -> DomainResult<()> {
    if let Some(merchant) = merchant {
        existing(&state.merchants, &merchant, "Merchant")?;
    }
    if let Some(manufacturer) = manufacturer {
        existing(&state.manufacturers, &manufacturer, "Manufacturer")?;
    }
    Ok(())
}

fn merge_item(
    state: &AccountState,
    mut item: Item,
    fields: &ItemFields,
    now: DateTime<Utc>,
) -> DomainResult<Item> {
    item.name = required_text(
        "Name",
        fields.name.as_deref().or(Some(&item.name)),
        MAX_TEXT,
    )?;
    item.code = required_text(
        "Code",
        fields.code.as_deref().or(Some(&item.code)),
        MAX_ITEM_CODE,
    )?;
    let taken = state.items.values().any(|other| {
        other.id != item.id
            && other.code == item.code
            && other.merchant_id == item.merchant_id
            && other.manufacturer_id == item.manufacturer_id
    });
    if taken {
        return Err(DomainError::Taken { field: "Code" });
    }
    item.updated_at = now;
    Ok(item)
}

pub(super) fn delete_item(state: &AccountState, id: ItemId) -> DomainResult<Vec<EventKind>> {
    existing(&state.items, &id, "Item")?;
    Ok(vec![EventKind::ItemDeleted(ItemRef { item_id: id })])
}

pub(super) fn create_item_set(
    state: &AccountState,
    fields: &ItemSetFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    owners_exist(state, fields.merchant_id, fields.manufacturer_id)?;
    let set = ItemSet {
        id: ItemSetId(state.next_id()),
        name: String::new(),
        merchant_id: fields.merchant_id,
        manufacturer_id: fields.manufacturer_id,
        item_ids: OrdSet::new(),
        set_type: u32::from(fields.manufacturer_id.is_some()),
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::ItemSetCreated(merge_item_set(
        state, set, fields, now,
    )?)])
}

pub(super) fn update_item_set(
    state: &AccountState,
    id: ItemSetId,
    fields: &ItemSetFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let set = existing(&state.item_sets, &id, "Item set")?.clone();
    Ok(vec![EventKind::ItemSetUpdated(merge_item_set(
        state, set, fields, now,
    )?)])
}

fn merge_item_set(
    state: &AccountState,
    mut set: ItemSet,
    fields: &ItemSetFields,
    now: DateTime<Utc>,
) -> DomainResult<ItemSet> {
    set.name = required_text("Name", fields.name.as_deref().or(Some(&set.name)), MAX_TEXT)?;
    if let Some(item_ids) = &fields.item_ids {
        for item in item_ids {
            existing(&state.items, item, "Item")?;
        }
        set.item_ids = item_ids.iter().copied().collect();
    }
    if let Some(set_type) = fields.set_type {
        set.set_type = set_type;
    }
    set.updated_at = now;
    Ok(set)
}

pub(super) fn delete_item_set(state: &AccountState, id: ItemSetId) -> DomainResult<Vec<EventKind>> {
    existing(&state.item_sets, &id, "Item set")?;
    let in_use = state.offers.values().any(|offer| {
        offer.reward.required_item_set_id == Some(id)
            || offer.reward.redemption_item_set_id == Some(id)
            || offer.eligibility.item_set_ids.contains(&id)
    });
    if in_use {
        return Err(DomainError::WrongStatus {
            resource: "Item set",
            action: "deleted",
            status: "an offer uses it".into(),
        });
    }
    Ok(vec![EventKind::ItemSetDeleted(ItemSetRef {
        item_set_id: id,
    })])
}
