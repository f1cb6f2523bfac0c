//! Decisions on members, merchants and stores.

use crate::catalog::{Member, MemberFields, Merchant, MerchantFields, Store, StoreFields};
use crate::error::{DomainError, DomainResult};
use crate::event::{EventKind, MemberRef, MerchantRef, StoreRef};
use crate::ids::{MemberId, MerchantId, StoreId};
use crate::state::AccountState;
use crate::validate::{existing, optional_text, required_text, MAX_TEXT};
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
    if state
        .member_ids_by_identifier
        .get(&member.identifier)
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
        member.notification_mode = mode;
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
    let store = Store {
        id: StoreId(state.next_id()),
        merchant_id,
        name: String::new(),
        store_code: None,
        address: None,
        created_at: now,
        updated_at: now,
    };
    Ok(vec![EventKind::StoreCreated(merge_store(
        store, fields, now,
    )?)])
}

pub(super) fn update_store(
    state: &AccountState,
    id: StoreId,
    fields: &StoreFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let store = existing(&state.stores, &id, "Store")?.clone();
    Ok(vec![EventKind::StoreUpdated(merge_store(
        store, fields, now,
    )?)])
}

fn merge_store(mut store: Store, fields: &StoreFields, now: DateTime<Utc>) -> DomainResult<Store> {
    store.name = required_text(
        "Name",
        fields.name.as_deref().or(Some(&store.name)),
        MAX_TEXT,
    )?;
    if fields.store_code.is_some() {
        store.store_code = optional_text("Store code", fields.store_code.as_deref(), MAX_TEXT)?;
    }
    if fields.address.is_some() {
        store.address = optional_text("Address", fields.address.as_deref(), MAX_TEXT)?;
    }
    store.updated_at = now;
    Ok(store)
}

pub(super) fn delete_store(state: &AccountState, id: StoreId) -> DomainResult<Vec<EventKind>> {
    existing(&state.stores, &id, "Store")?;
    Ok(vec![EventKind::StoreDeleted(StoreRef { store_id: id })])
}
