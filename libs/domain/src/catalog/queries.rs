//! What the API may ask of an account's live state before changing a list or an item set:
//! the commands that change a store list's stores ([`store_list_change`]), the members a
//! member list holds beyond a wanted set ([`member_list_beyond`]), and the items an item set
//! holds after a change ([`item_set_items`]). Each checks what it names exists first.

use crate::command::Command;
use crate::error::{DomainError, DomainResult};
use crate::ids::{ItemId, ItemSetId, MemberId, MemberListId, MerchantId, StoreId, StoreListId};
use crate::state::AccountState;
use crate::validate::existing;
use std::collections::BTreeSet;

/// How a change treats the ids it is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Adds them to what is there.
    Add,
    /// Removes them from what is there.
    Remove,
    /// Makes them the whole membership.
    Set,
}

/// The commands that apply `change` of `stores` to store list `list` (under `merchant` when
/// given), checked against `state`: the list exists (and is the merchant's), and each store
/// added exists and is a store of the list's merchant. A set removes the list's other stores
/// first, when there are any.
pub fn store_list_change(
    state: &AccountState,
    merchant: Option<MerchantId>,
    list: StoreListId,
    stores: BTreeSet<StoreId>,
    change: Change,
) -> DomainResult<Vec<Command>> {
    const RESOURCE: &str = "Store list";
    let found = existing(&state.store_lists, &list, RESOURCE)?;
    if merchant.is_some_and(|merchant| found.merchant_id != Some(merchant)) {
        return Err(DomainError::NotFound { resource: RESOURCE });
    }
    if change != Change::Remove {
        for store in &stores {
            let store = existing(&state.stores, store, "Store")?;
            if found
                .merchant_id
                .is_some_and(|owner| owner != store.merchant_id)
            {
                return Err(DomainError::Invalid {
                    field: "Store ids",
                    reason: "must be stores of the store list's merchant".into(),
                });
            }
        }
    }
    let remove = |store_ids: Vec<StoreId>| Command::RemoveStoresFromList {
        store_list_id: list,
        store_ids,
    };
    let add = |store_ids: Vec<StoreId>| Command::AddStoresToList {
        store_list_id: list,
        store_ids,
    };
    Ok(match change {
        Change::Add => vec![add(stores.into_iter().collect())],
        Change::Remove => vec![remove(stores.into_iter().collect())],
        Change::Set => {
            let others: Vec<StoreId> = found
                .store_ids
                .iter()
                .filter(|store| !stores.contains(store))
                .copied()
                .collect();
            let mut commands = Vec::with_capacity(2);
            if !others.is_empty() {
                commands.push(remove(others));
            }
            commands.push(add(stores.into_iter().collect()));
            commands
        }
    })
}

/// The members of member list `list` not among `wanted`, by id (what making `wanted` the
/// whole list removes), once the list and every wanted member are found to exist.
pub fn member_list_beyond(
    state: &AccountState,
    list: MemberListId,
    wanted: &BTreeSet<MemberId>,
) -> DomainResult<Vec<MemberId>> {
    let found = existing(&state.member_lists, &list, "Member list")?;
    for member in wanted {
        existing(&state.members, member, "Member")?;
    }
    Ok(found
        .member_ids
        .iter()
        .filter(|member| !wanted.contains(member))
        .copied()
        .collect())
}

/// The items item set `set` holds after `change` of `items`, by id; not found when the set
/// does not exist.
pub fn item_set_items(
    state: &AccountState,
    set: ItemSetId,
    items: BTreeSet<ItemId>,
    change: Change,
) -> DomainResult<Vec<ItemId>> {
    let found = existing(&state.item_sets, &set, "Item set")?;
    Ok(match change {
        Change::Add => {
            let mut all: BTreeSet<ItemId> = found.item_ids.iter().copied().collect();
            all.extend(items);
            all.into_iter().collect()
        }
        Change::Remove => found
            .item_ids
            .iter()
            .filter(|item| !items.contains(item))
            .copied()
            .collect(),
        Change::Set => items.into_iter().collect(),
    })
}
