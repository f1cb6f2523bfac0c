//! Decisions on members, merchants and stores.

use crate::catalog::{
    Contacts, Coordinates, Member, MemberFields, Merchant, MerchantFields, Store, StoreFields,
};
use crate::error::{DomainError, DomainResult};
use crate::event::{EventKind, MemberRef, MerchantRef, StoreRef};
use crate::ids::{MemberId, MerchantId, StoreId};
use crate::state::AccountState;
use crate::validate::{
    existing, optional_text, replace_text, replace_url, required_text, MAX_LONG_TEXT, MAX_TEXT,
};
use chrono::{DateTime, Utc};

pub(super) fn create_member(
    state: &AccountState,
    fields: &MemberFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let member = Member {
        id: MemberId(state.next_id()),
        identifier: String::new(),
        notification_mode: "app".into(),
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::MemberCreated(merge_member(
        state, member, fields, now,
    )?)])
}

pub(super) fn update_member(
    state: &AccountState,
    id: MemberId,
    fields: &MemberFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let member = existing(&state.members, &id, "Member")?.clone();
    Ok(vec![EventKind::MemberUpdated(merge_member(
        state, member, fields, now,
    )?)])
}

fn merge_member(
    state: &AccountState,
    mut member: Member,
    fields: &MemberFields,
    now: DateTime<Utc>,
) -> DomainResult<Member> {
    let identifier = fields.identifier.as_deref().or(Some(&member.identifier));
    member.identifier = required_text("Identifier", identifier, MAX_TEXT)?;
    if member.identifier.starts_with(crate::privacy::SEALED_PREFIX) {
        return Err(DomainError::Invalid {
            field: "Identifier",
            reason: format!("must not start with {}", crate::privacy::SEALED_PREFIX),
        });
    }
    if state
        .member_ids_by_identifier
        .get(member.identifier.as_str())
        .is_some_and(|holder| *holder != member.id)
    {
        return Err(DomainError::Taken {
            field: "Identifier",
        });
    }
    if let Some(mode) = optional_text(
        "Notification mode",
        fields.notification_mode.as_deref(),
        MAX_TEXT,
    )? {
        member.notification_mode = mode.into();
    }
    member.updated_at = now;
    Ok(member)
}

pub(super) fn delete_member(state: &AccountState, id: MemberId) -> DomainResult<Vec<EventKind>> {
    existing(&state.members, &id, "Member")?;
    Ok(vec![EventKind::MemberDeleted(MemberRef { member_id: id })])
}

pub(super) fn create_merchant(
    state: &AccountState,
    fields: &MerchantFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let merchant = Merchant {
        id: MerchantId(state.next_id()),
        name: String::new(),
        is_active: true,
        logo: None,
        billing_arrangement: None,
        supports_barcode: false,
        redemption_identifier_type: None,
        contacts: Contacts::default(),
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::MerchantCreated(merge_merchant(
        merchant, fields, now,
    )?)])
}

pub(super) fn update_merchant(
    state: &AccountState,
    id: MerchantId,
    fields: &MerchantFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let merchant = existing(&state.merchants, &id, "Merchant")?.clone();
    Ok(vec![EventKind::MerchantUpdated(merge_merchant(
        merchant, fields, now,
    )?)])
}

fn merge_merchant(
    mut merchant: Merchant,
    fields: &MerchantFields,
    now: DateTime<Utc>,
) -> DomainResult<Merchant> {
    merchant.name = required_text(
        "Name",
        fields.name.as_deref().or(Some(&merchant.name)),
        MAX_TEXT,
    )?;
    if let Some(active) = fields.is_active {
        merchant.is_active = active;
    }
    replace_url("Logo", fields.logo.as_deref(), &mut merchant.logo)?;
    replace_text(
        "Billing arrangement",
        fields.billing_arrangement.as_deref(),
        MAX_TEXT,
        &mut merchant.billing_arrangement,
    )?;
    if let Some(barcode) = fields.supports_barcode {
        merchant.supports_barcode = barcode;
    }
    if fields.redemption_identifier_type.is_some() {
        merchant.redemption_identifier_type = fields.redemption_identifier_type;
    }
    merchant.contacts = merchant
        .contacts
        .merged(fields.primary.as_ref(), fields.secondary.as_ref())?;
    merchant.updated_at = now;
    Ok(merchant)
}

pub(super) fn delete_merchant(
    state: &AccountState,
    id: MerchantId,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.merchants, &id, "Merchant")?;
    if state.stores.values().any(|store| store.merchant_id == id) {
        return Err(DomainError::WrongStatus {
            resource: "Merchant",
            action: "deleted",
            status: "it has stores".into(),
        });
    }
    Ok(vec![EventKind::MerchantDeleted(MerchantRef {
        merchant_id: id,
    })])
}

pub(super) fn create_store(
    state: &AccountState,
    merchant_id: MerchantId,
    fields: &StoreFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    existing(&state.merchants, &merchant_id, "Merchant")?;
    let store = Store::new(StoreId(state.next_id()), merchant_id, String::new(), now);
    Ok(vec![EventKind::StoreCreated(Box::new(merge_store(
        store, fields, now,
    )?))])
}

pub(super) fn update_store(
    state: &AccountState,
    id: StoreId,
    fields: &StoreFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let store = existing(&state.stores, &id, "Store")?.clone();
    Ok(vec![EventKind::StoreUpdated(Box::new(merge_store(
        store, fields, now,
    )?))])
}

fn merge_store(mut store: Store, fields: &StoreFields, now: DateTime<Utc>) -> DomainResult<Store> {
    store.name = required_text(
        "Name",
        fields.name.as_deref().or(Some(&store.name)),
        MAX_TEXT,
    )?;
    let text = |field: &'static str, given: &Option<String>, kept: &mut Option<String>| {
        replace_text(field, given.as_deref(), MAX_TEXT, kept)
    };
    text("Store code", &fields.store_code, &mut store.store_code)?;
    text("Phone", &fields.phone, &mut store.phone)?;
    let location = &fields.location;
    text("Address", &location.address, &mut store.address)?;
    text("Address2", &location.address2, &mut store.address2)?;
    text("City", &location.city, &mut store.city)?;
    text("State", &location.state, &mut store.state)?;
    text("Zip", &location.zip, &mut store.zip)?;
    text("Country", &location.country, &mut store.country)?;
    replace_text(
        "Description",
        fields.description.as_deref(),
        MAX_LONG_TEXT,
        &mut store.description,
    )?;
    if let Some(active) = fields.is_active {
        store.is_active = active;
    }
    replace_url("Icon url", fields.icon_url.as_deref(), &mut store.icon_url)?;
    store.coordinates = match (location.lat, location.lng) {
        (Some(lat), Some(lng)) => Some(Coordinates::new(lat, lng)?),
        (None, None) => store.coordinates,
        (Some(_), None) => return Err(DomainError::Blank { field: "Longitude" }),
        (None, Some(_)) => return Err(DomainError::Blank { field: "Latitude" }),
    };
    store.contacts = store
        .contacts
        .merged(fields.primary.as_ref(), fields.secondary.as_ref())?;
    store.updated_at = now;
    Ok(store)
}

pub(super) fn delete_store(state: &AccountState, id: StoreId) -> DomainResult<Vec<EventKind>> {
    existing(&state.stores, &id, "Store")?;
    Ok(vec![EventKind::StoreDeleted(StoreRef { store_id: id })])
}
