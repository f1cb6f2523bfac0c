//! CreateStore, UpdateStore and DeleteStore: a store belongs to an existing merchant, its
//! texts are bounded, coordinates in range and given in pairs, and an update changes only
//! what it names.

use chrono::Duration;
use domain::catalog::{Coordinates, LocationFields, Store, StoreFields};
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
        .then(vec![EventKind::StoreCreated(Box::new(Store::new(
            id,
            merchant,
            "Elm St".into(),
            now,
        )))]);
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
                store_code: Some("S-1".into()),
                location: LocationFields {
                    address: Some("1 Main St".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        })
        .then(vec![EventKind::StoreUpdated(Box::new(Store {
            store_code: Some("S-1".into()),
            address: Some("1 Main St".into()),
            updated_at: now,
            ..store
        }))]);
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

fn dec(text: &str) -> rust_decimal::Decimal {
    text.parse().unwrap()
}

fn located(lat: Option<&str>, lng: Option<&str>) -> StoreFields {
    StoreFields {
        location: LocationFields {
            city: Some("Portland".into()),
            lat: lat.map(dec),
            lng: lng.map(dec),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn an_update_places_the_store() {
    let (history, shop) = History::shop(None);
    let given = given(history).after(Duration::minutes(5));
    let store = given.state().store(shop.store).unwrap().clone();
    let now = given.now();
    let placed = Store {
        city: Some("Portland".into()),
        coordinates: Some(Coordinates::new(dec("45.5152"), dec("-122.6784")).unwrap()),
        updated_at: now,
        ..store
    };
    given
        .when(Command::UpdateStore {
            store_id: shop.store,
            fields: located(Some("45.51520"), Some("-122.6784")),
        })
        .then(vec![EventKind::StoreUpdated(Box::new(placed))]);
}

#[test]
fn a_latitude_without_a_longitude_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::UpdateStore {
            store_id: shop.store,
            fields: located(Some("45.5"), None),
        })
        .then_error(DomainError::Blank { field: "Longitude" });
}

#[test]
fn a_latitude_beyond_the_pole_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::UpdateStore {
            store_id: shop.store,
            fields: located(Some("90.01"), Some("0")),
        })
        .then_error(DomainError::Invalid {
            field: "Latitude",
            reason: "must be between -90 and 90".into(),
        });
}

#[test]
fn a_store_recorded_before_is_active_existed_trades() {
    let stored = r#"{"type":"store_created","version":1,"occurred_at":"2026-03-02T15:00:00Z",
        "data":{"id":7,"merchant_id":3,"name":"Elm St","address":"1 Elm St",
        "created_at":"2026-03-02T15:00:00Z","updated_at":"2026-03-02T15:00:00Z"}}"#;
    let event: domain::Event = serde_json::from_str(stored).unwrap();
    let EventKind::StoreCreated(store) = event.kind else {
        panic!("not a store: {event:?}");
    };
    assert!(store.is_active);
    assert_eq!(store.address.as_deref(), Some("1 Elm St"));
    assert_eq!(store.coordinates, None);
}
