//! Decisions on manufacturers and the merchants they name. Every merchant a change names must
//! be the account's (or nothing changes); naming one already named, or dropping one not
//! named, emits nothing. A manufacturer that still owns items or item sets is not deleted.

use super::lists::{changed, when_any};
use crate::catalog::queries::Change;
use crate::catalog::{Manufacturer, ManufacturerFields};
use crate::error::{DomainError, DomainResult};
use crate::event::{EventKind, ManufacturerMerchants, ManufacturerRef};
use crate::ids::{ManufacturerId, MerchantId};
use crate::persistent::OrdSet;
use crate::state::AccountState;
use crate::validate::{
    distinct, existing, replace_text, replace_url, required_text, MAX_LISTED_IDS, MAX_LONG_TEXT,
    MAX_TEXT,
};
use chrono::{DateTime, Utc};

const RESOURCE: &str = "Manufacturer";

pub(super) fn create(
    state: &AccountState,
    fields: &ManufacturerFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let manufacturer = Manufacturer {
        id: ManufacturerId(state.next_id()),
        name: String::new(),
        description: None,
        logo: None,
        is_active: true,
        merchant_ids: OrdSet::new(),
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::ManufacturerCreated(merge(
        manufacturer,
        fields,
        now,
    )?)])
}

pub(super) fn update(
    state: &AccountState,
    id: ManufacturerId,
    fields: &ManufacturerFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let manufacturer = existing(&state.manufacturers, &id, RESOURCE)?.clone();
    Ok(vec![EventKind::ManufacturerUpdated(merge(
        manufacturer,
        fields,
        now,
    )?)])
}

fn merge(
    mut manufacturer: Manufacturer,
    fields: &ManufacturerFields,
    now: DateTime<Utc>,
) -> DomainResult<Manufacturer> {
    let name = fields.name.as_deref().or(Some(&manufacturer.name));
    manufacturer.name = required_text("Name", name, MAX_TEXT)?;
    replace_text(
        "Description",
        fields.description.as_deref(),
        MAX_LONG_TEXT,
        &mut manufacturer.description,
    )?;
    replace_url("Logo", fields.logo.as_deref(), &mut manufacturer.logo)?;
    if let Some(active) = fields.is_active {
        manufacturer.is_active = active;
    }
    manufacturer.updated_at = now;
    Ok(manufacturer)
}

pub(super) fn delete(state: &AccountState, id: ManufacturerId) -> DomainResult<Vec<EventKind>> {
    existing(&state.manufacturers, &id, RESOURCE)?;
    let owns = |what: &str| DomainError::WrongStatus {
        resource: RESOURCE,
        action: "deleted",
        status: format!("it has {what}"),
    };
    if state
        .items
        .values()
        .any(|item| item.manufacturer_id == Some(id))
    {
        return Err(owns("items"));
    }
    if state
        .item_sets
        .values()
        .any(|set| set.manufacturer_id == Some(id))
    {
        return Err(owns("item sets"));
    }
    Ok(vec![EventKind::ManufacturerDeleted(ManufacturerRef {
        manufacturer_id: id,
    })])
}

/// Adds, removes or sets the merchants `merchant_ids` of manufacturer `id`: every one must be
/// a merchant of the account (at most [`MAX_LISTED_IDS`] listed). A set records the removal
/// of the others, then the addition of the new ones, in one decision.
pub(super) fn change_merchants(
    state: &AccountState,
    id: ManufacturerId,
    merchant_ids: &[MerchantId],
    change: Change,
) -> DomainResult<Vec<EventKind>> {
    let manufacturer = existing(&state.manufacturers, &id, RESOURCE)?;
    let named = distinct("Merchant ids", merchant_ids, MAX_LISTED_IDS)?;
    for merchant in &named {
        existing(&state.merchants, merchant, "Merchant")?;
    }
    let linked = |merchant: &MerchantId| manufacturer.merchant_ids.contains(merchant);
    let removed = match change {
        Change::Add => Vec::new(),
        Change::Remove => changed(&named, linked),
        Change::Set => {
            let others: Vec<MerchantId> = manufacturer
                .merchant_ids
                .iter()
                .filter(|merchant| !named.contains(merchant))
                .copied()
                .collect();
            changed(&others, linked)
        }
    };
    let added = match change {
        Change::Remove => Vec::new(),
        Change::Add | Change::Set => changed(&named, |merchant| !linked(merchant)),
    };
    let event = |merchant_ids| ManufacturerMerchants {
        manufacturer_id: id,
        merchant_ids,
    };
    let mut events = when_any(removed, |ids| {
        EventKind::MerchantsRemovedFromManufacturer(event(ids))
    });
    events.extend(when_any(added, |ids| {
        EventKind::MerchantsAddedToManufacturer(event(ids))
    }));
    Ok(events)
}
