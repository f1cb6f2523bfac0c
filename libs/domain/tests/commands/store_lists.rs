//! CreateStoreList, RenameStoreList, AddStoresToList, RemoveStoresFromList and
//! DeleteStoreList: a list names existing stores; adding what is there or removing what is not
//! emits nothing.

use domain::catalog::{ListFields, StoreList};
use domain::event::{ListRenamed, StoreListRef, StoreListStores};
use domain::ids::{StoreId, StoreListId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{created, Shop};

fn fields(name: &str) -> ListFields {
    ListFields {
        name: Some(name.into()),
    }
}

/// The shop's history with an empty store list "Downtown": the history, the shop, the list.
fn with_list() -> (History, Shop, StoreListId) {
    let (mut history, shop) = History::shop(None);
    let list = StoreListId(created(&history.record(Command::CreateStoreList {
        merchant_id: None,
        fields: fields("Downtown"),
    })));
    (history, shop, list)
}

fn add(list: StoreListId, stores: &[StoreId]) -> Command {
    Command::AddStoresToList {
        store_list_id: list,
        store_ids: stores.to_vec(),
    }
}

#[test]
fn a_new_store_list_of_a_merchant_is_empty() {
    let (history, shop) = History::shop(None);
    let given = given(history);
    let merchant = given.state().store(shop.store).unwrap().merchant_id;
    let id = StoreListId(given.next_id());
    let now = given.now();
    given
        .when(Command::CreateStoreList {
            merchant_id: Some(merchant),
            fields: fields("Downtown"),
        })
        .then(vec![EventKind::StoreListCreated(StoreList {
            id,
            name: "Downtown".into(),
            merchant_id: Some(merchant),
            store_ids: Default::default(),
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_store_list_without_a_name_is_refused() {
    given(History::shop(None).0)
        .when(Command::CreateStoreList {
            merchant_id: None,
            fields: ListFields::default(),
        })
        .then_error(DomainError::Blank { field: "Name" });
}

#[test]
fn renaming_a_store_list_records_the_new_name() {
    let (history, _, list) = with_list();
    given(history)
        .when(Command::RenameStoreList {
            store_list_id: list,
            fields: fields("Uptown"),
        })
        .then(vec![EventKind::StoreListRenamed(ListRenamed {
            list_id: list.0,
            name: "Uptown".into(),
        })]);
}

#[test]
fn stores_named_twice_are_added_once() {
    let (history, shop, list) = with_list();
    given(history)
        .when(add(list, &[shop.store, shop.store]))
        .then(vec![EventKind::StoresAddedToList(StoreListStores {
            store_list_id: list,
            store_ids: vec![shop.store],
        })]);
}

#[test]
fn adding_a_store_already_on_the_list_emits_nothing() {
    let (mut history, shop, list) = with_list();
    history.record(add(list, &[shop.store]));
    given(history).when(add(list, &[shop.store])).then_nothing();
}

#[test]
fn an_unknown_store_cannot_be_added() {
    let (history, _, list) = with_list();
    given(history)
        .when(add(list, &[StoreId(999)]))
        .then_error(DomainError::NotFound { resource: "Store" });
}

#[test]
fn removing_a_store_records_only_stores_on_the_list() {
    let (mut history, shop, list) = with_list();
    history.record(add(list, &[shop.store]));
    given(history)
        .when(Command::RemoveStoresFromList {
            store_list_id: list,
            store_ids: vec![StoreId(999), shop.store],
        })
        .then(vec![EventKind::StoresRemovedFromList(StoreListStores {
            store_list_id: list,
            store_ids: vec![shop.store],
        })]);
}

#[test]
fn deleting_a_store_list_records_it() {
    let (history, _, list) = with_list();
    given(history)
        .when(Command::DeleteStoreList {
            store_list_id: list,
        })
        .then(vec![EventKind::StoreListDeleted(StoreListRef {
            store_list_id: list,
        })]);
}

#[test]
fn an_unknown_store_list_cannot_be_deleted() {
    given(History::shop(None).0)
        .when(Command::DeleteStoreList {
            store_list_id: StoreListId(999),
        })
        .then_error(DomainError::NotFound {
            resource: "Store list",
        });
}
