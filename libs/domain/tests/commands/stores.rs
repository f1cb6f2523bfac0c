//! CreateStore, UpdateStore and DeleteStore: a store belongs to an existing merchant, its
//! texts are bounded, and an update changes only what it names.

use chrono::Duration;
use domain::catalog::{Store, StoreFields};
use domain::event::StoreRef;
use domain::ids::{MerchantId, StoreId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::create_store;
use testkit::fixtures::scenario::{given, History};

#[test]
fn a_new_store_belongs_to_its_merchant() {
    let (history, shop) = History::shop(None);
    let given = given(history);
    let merchant = given.state().store(shop.store).unwrap().merchant_id;
    let id = StoreId(given.next_id());
    let now = given.now();
    given
        .when(create_store(merchant, "Elm St"))
        .then(vec![EventKind::StoreCreated(Store {
            id,
            merchant_id: merchant,
            name: "Elm St".into(),
            store_code: None,
            address: None,
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_store_of_an_unknown_merchant_is_refused() {
    given(History::shop(None).0)
        .when(create_store(MerchantId(999), "Elm St"))
        .then_error(DomainError::NotFound {
            resource: "Merchant",
        });
}

#[test]
fn an_update_sets_the_code_and_address_and_keeps_the_name() {
    let (history, shop) = History::shop(None);
    let given = given(history).after(Duration::minutes(5));
    let store = given.state().store(shop.store).unwrap().clone();
    let now = given.now();
    given
        .when(Command::UpdateStore {
            store_id: shop.store,
            fields: StoreFields {
                name: None,
                store_code: Some("S-1".into()),
                address: Some("1 Main St".into()),
            },
        })
        .then(vec![EventKind::StoreUpdated(Store {
            store_code: Some("S-1".into()),
            address: Some("1 Main St".into()),
            updated_at: now,
            ..store
        })]);
}

#[test]
fn a_name_over_255_characters_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::UpdateStore {
            store_id: shop.store,
            fields: StoreFields {
                name: Some("x".repeat(256)),
                ..Default::default()
            },
        })
        .then_error(DomainError::TooLong {
            field: "Name",
            max: 255,
        });
}

#[test]
fn deleting_a_store_records_it() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::DeleteStore {
            store_id: shop.store,
        })
        .then(vec![EventKind::StoreDeleted(StoreRef {
            store_id: shop.store,
        })]);
}

#[test]
fn an_unknown_store_cannot_be_deleted() {
    given(History::shop(None).0)
        .when(Command::DeleteStore {
            store_id: StoreId(999),
        })
        .then_error(DomainError::NotFound { resource: "Store" });
}
