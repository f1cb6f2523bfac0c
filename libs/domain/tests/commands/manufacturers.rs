//! CreateManufacturer, UpdateManufacturer, DeleteManufacturer and the commands on the
//! merchants a manufacturer names: a manufacturer is active unless told otherwise, names only
//! the account's merchants (adding what is there or removing what is not emits nothing, a set
//! records removals then additions in one decision), loses a merchant that is deleted, and
//! is deleted only once it owns no items and no item sets.

use chrono::Duration;
use domain::catalog::{ItemFields, Manufacturer, ManufacturerFields};
use domain::event::{ManufacturerMerchants, ManufacturerRef};
use domain::ids::{ManufacturerId, MerchantId};
use domain::validate::MAX_LISTED_IDS;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_item_set, create_manufacturer, create_merchant, created, Shop};

/// The shop's history with manufacturer "Acme Foods": the history, the shop, the
/// manufacturer.
fn with_manufacturer() -> (History, Shop, ManufacturerId) {
    let (mut history, shop) = History::shop(None);
    let id = ManufacturerId(created(&history.record(create_manufacturer("Acme Foods"))));
    (history, shop, id)
}

fn add(manufacturer: ManufacturerId, merchants: &[MerchantId]) -> Command {
    Command::AddManufacturerMerchants {
        manufacturer_id: manufacturer,
        merchant_ids: merchants.to_vec(),
    }
}

fn set(manufacturer: ManufacturerId, merchants: &[MerchantId]) -> Command {
    Command::SetManufacturerMerchants {
        manufacturer_id: manufacturer,
        merchant_ids: merchants.to_vec(),
    }
}

fn named(manufacturer: ManufacturerId, merchants: &[MerchantId]) -> ManufacturerMerchants {
    ManufacturerMerchants {
        manufacturer_id: manufacturer,
        merchant_ids: merchants.to_vec(),
    }
}

#[test]
fn a_new_manufacturer_is_active_and_names_no_merchants() {
    let given = given(History::shop(None).0);
    let id = ManufacturerId(given.next_id());
    let now = given.now();
    given
        .when(Command::CreateManufacturer {
            fields: ManufacturerFields {
                name: Some(" Acme Foods ".into()),
                description: Some("Snacks".into()),
                logo: Some("https://acme.example/logo.png".into()),
                is_active: None,
            },
        })
        .then(vec![EventKind::ManufacturerCreated(Manufacturer {
            id,
            name: "Acme Foods".into(),
            description: Some("Snacks".into()),
            logo: Some("https://acme.example/logo.png".into()),
            is_active: true,
            merchant_ids: Default::default(),
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn bad_fields_are_refused() {
    let refused = |fields: ManufacturerFields, error: DomainError| {
        given(History::shop(None).0)
            .when(Command::CreateManufacturer { fields })
            .then_error(error);
    };
    refused(
        ManufacturerFields::default(),
        DomainError::Blank { field: "Name" },
    );
    refused(
        ManufacturerFields {
            name: Some("X".repeat(256)),
            ..Default::default()
        },
        DomainError::TooLong {
            field: "Name",
            max: 255,
        },
    );
    refused(
        ManufacturerFields {
            name: Some("Acme".into()),
            logo: Some("javascript:alert(1)".into()),
            ..Default::default()
        },
        DomainError::Invalid {
            field: "Logo",
            reason: "must be an http or https url".into(),
        },
    );
    refused(
        ManufacturerFields {
            name: Some("Acme".into()),
            description: Some("nul\u{0}".into()),
            ..Default::default()
        },
        DomainError::Invalid {
            field: "Description",
            reason: "must not contain control characters".into(),
        },
    );
}

#[test]
fn an_update_changes_only_what_it_names_and_empty_text_clears() {
    let (mut history, _, id) = with_manufacturer();
    history.record(Command::UpdateManufacturer {
        manufacturer_id: id,
        fields: ManufacturerFields {
            description: Some("Snacks".into()),
            ..Default::default()
        },
    });
    let given = given(history).after(Duration::minutes(5));
    let before = given.state().manufacturer(id).unwrap().clone();
    let now = given.now();
    given
        .when(Command::UpdateManufacturer {
            manufacturer_id: id,
            fields: ManufacturerFields {
                description: Some(String::new()),
                is_active: Some(false),
                ..Default::default()
            },
        })
        .then(vec![EventKind::ManufacturerUpdated(Manufacturer {
            description: None,
            is_active: false,
            updated_at: now,
            ..before
        })]);
}

#[test]
fn an_unknown_manufacturer_is_not_found() {
    given(History::shop(None).0)
        .when(Command::UpdateManufacturer {
            manufacturer_id: ManufacturerId(999),
            fields: ManufacturerFields::default(),
        })
        .then_error(DomainError::NotFound {
            resource: "Manufacturer",
        });
}

#[test]
fn merchants_named_twice_are_added_once() {
    let (history, shop, id) = with_manufacturer();
    given(history)
        .when(add(id, &[shop.merchant, shop.merchant]))
        .then(vec![EventKind::MerchantsAddedToManufacturer(named(
            id,
            &[shop.merchant],
        ))]);
}

#[test]
fn adding_a_merchant_already_named_emits_nothing() {
    let (mut history, shop, id) = with_manufacturer();
    history.record(add(id, &[shop.merchant]));
    given(history)
        .when(add(id, &[shop.merchant]))
        .then_nothing();
}

#[test]
fn an_unknown_merchant_is_refused_by_every_change() {
    let (history, shop, id) = with_manufacturer();
    let unknown = [shop.merchant, MerchantId(999)];
    let remove = Command::RemoveManufacturerMerchants {
        manufacturer_id: id,
        merchant_ids: unknown.to_vec(),
    };
    for command in [add(id, &unknown), set(id, &unknown), remove] {
        given(history.clone())
            .when(command)
            .then_error(DomainError::NotFound {
                resource: "Merchant",
            });
    }
}

#[test]
fn more_merchant_ids_than_a_request_may_list_are_refused() {
    let (history, shop, id) = with_manufacturer();
    given(history)
        .when(add(id, &vec![shop.merchant; MAX_LISTED_IDS + 1]))
        .then_error(DomainError::Invalid {
            field: "Merchant ids",
            reason: format!("must name at most {MAX_LISTED_IDS} distinct ids"),
        });
}

#[test]
fn removing_records_only_merchants_it_names() {
    let (mut history, shop, id) = with_manufacturer();
    let other = MerchantId(created(&history.record(create_merchant("Other"))));
    history.record(add(id, &[shop.merchant]));
    given(history)
        .when(Command::RemoveManufacturerMerchants {
            manufacturer_id: id,
            merchant_ids: vec![other, shop.merchant],
        })
        .then(vec![EventKind::MerchantsRemovedFromManufacturer(named(
            id,
            &[shop.merchant],
        ))]);
}

#[test]
fn a_set_removes_the_others_then_adds_the_new_ones() {
    let (mut history, shop, id) = with_manufacturer();
    let other = MerchantId(created(&history.record(create_merchant("Other"))));
    let third = MerchantId(created(&history.record(create_merchant("Third"))));
    history.record(add(id, &[shop.merchant, other]));
    given(history.clone())
        .when(set(id, &[third, other]))
        .then(vec![
            EventKind::MerchantsRemovedFromManufacturer(named(id, &[shop.merchant])),
            EventKind::MerchantsAddedToManufacturer(named(id, &[third])),
        ]);
    given(history)
        .when(set(id, &[other, shop.merchant]))
        .then_nothing();
}

#[test]
fn a_deleted_merchant_leaves_every_manufacturer() {
    let (mut history, _, id) = with_manufacturer();
    let merchant = MerchantId(created(&history.record(create_merchant("Gone"))));
    history.record(add(id, &[merchant]));
    history.record(Command::DeleteMerchant {
        merchant_id: merchant,
    });
    let state = history.state();
    assert!(state.manufacturer(id).unwrap().merchant_ids.is_empty());
}

#[test]
fn a_manufacturer_owning_nothing_can_be_deleted() {
    let (history, _, id) = with_manufacturer();
    given(history)
        .when(Command::DeleteManufacturer {
            manufacturer_id: id,
        })
        .then(vec![EventKind::ManufacturerDeleted(ManufacturerRef {
            manufacturer_id: id,
        })]);
}

#[test]
fn a_manufacturer_owning_items_or_item_sets_cannot_be_deleted() {
    let (mut history, _, id) = with_manufacturer();
    let mut with_set = history.clone();
    let mut set = create_item_set("Snacks", &[]);
    if let Command::CreateItemSet { fields } = &mut set {
        fields.manufacturer_id = Some(id);
    }
    with_set.record(set);
    history.record(Command::CreateItem {
        fields: ItemFields {
            name: Some("Chips".into()),
            code: Some("CHIPS".into()),
            manufacturer_id: Some(id),
            ..Default::default()
        },
    });
    let delete = Command::DeleteManufacturer {
        manufacturer_id: id,
    };
    for (history, owned) in [(history, "items"), (with_set, "item sets")] {
        given(history)
            .when(delete.clone())
            .then_error(DomainError::WrongStatus {
                resource: "Manufacturer",
                action: "deleted",
                status: format!("it has {owned}"),
            });
    }
}
