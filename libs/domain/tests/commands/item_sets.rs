//! CreateItemSet, UpdateItemSet and DeleteItemSet: a set holds existing items, and cannot be
//! deleted while an offer uses it.

use chrono::Duration;
use domain::catalog::{ItemSet, ItemSetFields};
use domain::event::ItemSetRef;
use domain::ids::{ItemId, ItemSetId, ManufacturerId, MerchantId};
use domain::offer::EligibilityDimension;
use domain::{Command, DomainError, Event, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_item, create_item_set, create_manufacturer, created, Shop};

/// The shop's history with item "BURGER" in set "Burgers": the history, the shop, the item,
/// the set.
fn with_set() -> (History, Shop, ItemId, ItemSetId) {
    let (mut history, shop) = History::shop(None);
    let burger = ItemId(created(&history.record(create_item("Burger", "BURGER"))));
    let set = ItemSetId(created(
        &history.record(create_item_set("Burgers", &[burger])),
    ));
    (history, shop, burger, set)
}

#[test]
fn a_new_item_set_holds_its_items() {
    let (mut history, _) = History::shop(None);
    let burger = ItemId(created(&history.record(create_item("Burger", "BURGER"))));
    let given = given(history);
    let id = ItemSetId(given.next_id());
    let now = given.now();
    given
        .when(create_item_set("Burgers", &[burger, burger]))
        .then(vec![EventKind::ItemSetCreated(ItemSet {
            id,
            name: "Burgers".into(),
            merchant_id: None,
            manufacturer_id: None,
            item_ids: [burger].into_iter().collect(),
            set_type: 0,
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_set_of_an_unknown_item_is_refused() {
    given(History::shop(None).0)
        .when(create_item_set("Burgers", &[ItemId(999)]))
        .then_error(DomainError::NotFound { resource: "Item" });
}

#[test]
fn an_update_of_the_type_keeps_the_items() {
    let (history, _, _, set) = with_set();
    let given = given(history).after(Duration::minutes(5));
    let before = given.state().item_set(set).unwrap().clone();
    let now = given.now();
    given
        .when(Command::UpdateItemSet {
            item_set_id: set,
            fields: ItemSetFields {
                set_type: Some(2),
                ..Default::default()
            },
        })
        .then(vec![EventKind::ItemSetUpdated(ItemSet {
            set_type: 2,
            updated_at: now,
            ..before
        })]);
}

#[test]
fn deleting_an_unused_item_set_records_it() {
    let (history, _, _, set) = with_set();
    given(history)
        .when(Command::DeleteItemSet { item_set_id: set })
        .then(vec![EventKind::ItemSetDeleted(ItemSetRef {
            item_set_id: set,
        })]);
}

#[test]
fn an_item_set_an_offer_uses_cannot_be_deleted() {
    let (mut history, shop, _, set) = with_set();
    history.record(Command::AddOfferEligibility {
        offer_id: shop.offer,
        dimension: EligibilityDimension::ItemSets,
        ids: vec![set.0],
    });
    given(history)
        .when(Command::DeleteItemSet { item_set_id: set })
        .then_error(DomainError::WrongStatus {
            resource: "Item set",
            action: "deleted",
            status: "an offer uses it".into(),
        });
}

#[test]
fn a_manufacturer_set_names_it_and_is_of_set_type_1() {
    let (mut history, _, burger, _) = with_set();
    let acme = ManufacturerId(created(&history.record(create_manufacturer("Acme"))));
    let given = given(history);
    let id = ItemSetId(given.next_id());
    let now = given.now();
    given
        .when(Command::CreateItemSet {
            fields: ItemSetFields {
                name: Some("Acme burgers".into()),
                item_ids: Some(vec![burger]),
                manufacturer_id: Some(acme),
                ..Default::default()
            },
        })
        .then(vec![EventKind::ItemSetCreated(ItemSet {
            id,
            name: "Acme burgers".into(),
            merchant_id: None,
            manufacturer_id: Some(acme),
            item_ids: [burger].into_iter().collect(),
            set_type: 1,
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_set_of_an_unknown_manufacturer_is_refused() {
    given(History::shop(None).0)
        .when(Command::CreateItemSet {
            fields: ItemSetFields {
                name: Some("Sets".into()),
                manufacturer_id: Some(ManufacturerId(999)),
                ..Default::default()
            },
        })
        .then_error(DomainError::NotFound {
            resource: "Manufacturer",
        });
}

/// Version 1 item set events, written before sets had a manufacturer, read back as sets of
/// none and are written again as version 2.
#[test]
fn a_version_1_item_set_event_reads_back_without_a_manufacturer() {
    let stored = r#"{"type":"item_set_created","version":1,"occurred_at":"2026-03-02T15:00:00Z",
        "data":{"id":7,"name":"Burgers","merchant_id":2,"item_ids":[3],"set_type":0,
        "created_at":"2026-03-02T15:00:00Z","updated_at":"2026-03-02T15:00:00Z"}}"#;
    let event: Event = serde_json::from_str(stored).unwrap();
    let EventKind::ItemSetCreated(set) = &event.kind else {
        panic!("not an item set: {event:?}");
    };
    assert_eq!(
        (set.id, set.merchant_id, set.manufacturer_id),
        (ItemSetId(7), Some(MerchantId(2)), None)
    );
    assert_eq!(serde_json::to_value(&event).unwrap()["version"], 2);
}
