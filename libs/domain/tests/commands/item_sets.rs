//! CreateItemSet, UpdateItemSet and DeleteItemSet: a set holds existing items, and cannot be
//! deleted while an offer uses it.

use chrono::Duration;
use domain::catalog::{ItemSet, ItemSetFields};
use domain::event::ItemSetRef;
use domain::ids::{ItemId, ItemSetId};
use domain::offer::EligibilityDimension;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_item, create_item_set, created, Shop};

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
