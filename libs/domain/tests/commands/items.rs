//! CreateItem, UpdateItem and DeleteItem: an item's code is required, at most 64 characters
//! and unique for its merchant or manufacturer.

use chrono::Duration;
use domain::catalog::{Item, ItemFields};
use domain::event::ItemRef;
use domain::ids::{ItemId, ManufacturerId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_item, create_manufacturer, created};

/// The shop's history with item "Burger" (code "BURGER"): the history and the item.
fn with_burger() -> (History, ItemId) {
    let (mut history, _) = History::shop(None);
    let item = ItemId(created(&history.record(create_item("Burger", "BURGER"))));
    (history, item)
}

#[test]
fn a_new_item_has_its_name_and_code() {
    let given = given(History::shop(None).0);
    let id = ItemId(given.next_id());
    let now = given.now();
    given
        .when(create_item("Burger", "BURGER"))
        .then(vec![EventKind::ItemCreated(Item {
            id,
            name: "Burger".into(),
            code: "BURGER".into(),
            merchant_id: None,
            manufacturer_id: None,
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_code_already_taken_is_refused() {
    given(with_burger().0)
        .when(create_item("Another burger", "BURGER"))
        .then_error(DomainError::Taken { field: "Code" });
}

#[test]
fn a_code_over_64_characters_is_refused() {
    given(History::shop(None).0)
        .when(create_item("Long", &"X".repeat(65)))
        .then_error(DomainError::TooLong {
            field: "Code",
            max: 64,
        });
}

#[test]
fn an_update_renames_and_keeps_the_code() {
    let (history, burger) = with_burger();
    let given = given(history).after(Duration::minutes(5));
    let item = given.state().item(burger).unwrap().clone();
    let now = given.now();
    given
        .when(Command::UpdateItem {
            item_id: burger,
            fields: ItemFields {
                name: Some("Cheeseburger".into()),
                ..Default::default()
            },
        })
        .then(vec![EventKind::ItemUpdated(Item {
            name: "Cheeseburger".into(),
            updated_at: now,
            ..item
        })]);
}

#[test]
fn deleting_an_item_records_it() {
    let (history, burger) = with_burger();
    given(history)
        .when(Command::DeleteItem { item_id: burger })
        .then(vec![EventKind::ItemDeleted(ItemRef { item_id: burger })]);
}

#[test]
fn an_unknown_item_cannot_be_updated() {
    given(History::shop(None).0)
        .when(Command::UpdateItem {
            item_id: ItemId(999),
            fields: ItemFields::default(),
        })
        .then_error(DomainError::NotFound { resource: "Item" });
}

#[test]
fn an_item_of_an_unknown_manufacturer_is_refused() {
    given(History::shop(None).0)
        .when(Command::CreateItem {
            fields: ItemFields {
                name: Some("Chips".into()),
                code: Some("CHIPS".into()),
                manufacturer_id: Some(ManufacturerId(999)),
                ..Default::default()
            },
        })
        .then_error(DomainError::NotFound {
            resource: "Manufacturer",
        });
}

#[test]
fn a_manufacturer_item_may_take_a_code_another_owner_holds() {
    let (mut history, _) = with_burger();
    let acme = ManufacturerId(created(&history.record(create_manufacturer("Acme"))));
    let given = given(history);
    let id = ItemId(given.next_id());
    let now = given.now();
    given
        .when(Command::CreateItem {
            fields: ItemFields {
                name: Some("Acme burger".into()),
                code: Some("BURGER".into()),
                manufacturer_id: Some(acme),
                ..Default::default()
            },
        })
        .then(vec![EventKind::ItemCreated(Item {
            id,
            name: "Acme burger".into(),
            code: "BURGER".into(),
            merchant_id: None,
            manufacturer_id: Some(acme),
            created_at: now,
            updated_at: now,
        })]);
}
