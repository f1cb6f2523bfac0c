//! CreateMerchant, UpdateMerchant and DeleteMerchant: a merchant is active unless told
//! otherwise, and can be deleted only once it has no stores.

use chrono::Duration;
use domain::catalog::{Contact, Contacts, Merchant, MerchantFields};
use domain::event::MerchantRef;
use domain::ids::MerchantId;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_merchant, created};

#[test]
fn a_new_merchant_is_active() {
    let given = given(History::shop(None).0);
    let id = MerchantId(given.next_id());
    let now = given.now();
    given
        .when(create_merchant("Fries Co"))
        .then(vec![EventKind::MerchantCreated(Merchant {
            id,
            name: "Fries Co".into(),
            is_active: true,
            logo: None,
            billing_arrangement: None,
            supports_barcode: false,
            redemption_identifier_type: None,
            contacts: Contacts::default(),
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_merchant_without_a_name_is_refused() {
    given(History::shop(None).0)
        .when(Command::CreateMerchant {
            fields: MerchantFields::default(),
        })
        .then_error(DomainError::Blank { field: "Name" });
}

#[test]
fn a_merchant_can_be_deactivated() {
    let (history, shop) = History::shop(None);
    let given = given(history).after(Duration::minutes(5));
    let merchant = given.state().store(shop.store).unwrap().merchant_id;
    let before = given.state().merchant(merchant).unwrap().clone();
    let now = given.now();
    given
        .when(Command::UpdateMerchant {
            merchant_id: merchant,
            fields: MerchantFields {
                is_active: Some(false),
                ..Default::default()
            },
        })
        .then(vec![EventKind::MerchantUpdated(Merchant {
            is_active: false,
            updated_at: now,
            ..before
        })]);
}

#[test]
fn an_update_sets_the_logo_barcode_and_contacts_and_keeps_the_rest() {
    let (history, shop) = History::shop(None);
    let given = given(history).after(Duration::minutes(5));
    let merchant = given.state().store(shop.store).unwrap().merchant_id;
    let before = given.state().merchant(merchant).unwrap().clone();
    let now = given.now();
    let primary = Contact {
        name: Some("Ana".into()),
        phone: None,
        email: Some("ana@fries.example".into()),
    };
    given
        .when(Command::UpdateMerchant {
            merchant_id: merchant,
            fields: MerchantFields {
                logo: Some(" https://fries.example/logo.png ".into()),
                supports_barcode: Some(true),
                redemption_identifier_type: Some(2),
                billing_arrangement: Some("monthly".into()),
                primary: Some(primary.clone()),
                ..Default::default()
            },
        })
        .then(vec![EventKind::MerchantUpdated(Merchant {
            logo: Some("https://fries.example/logo.png".into()),
            supports_barcode: true,
            redemption_identifier_type: Some(2),
            billing_arrangement: Some("monthly".into()),
            contacts: Contacts {
                primary: Some(primary),
                secondary: None,
            },
            updated_at: now,
            ..before
        })]);
}

#[test]
fn a_logo_that_is_not_an_http_url_is_refused() {
    let (history, shop) = History::shop(None);
    let given = given(history);
    let merchant = given.state().store(shop.store).unwrap().merchant_id;
    given
        .when(Command::UpdateMerchant {
            merchant_id: merchant,
            fields: MerchantFields {
                logo: Some("javascript:alert(1)".into()),
                ..Default::default()
            },
        })
        .then_error(DomainError::Invalid {
            field: "Logo",
            reason: "must be an http or https url".into(),
        });
}

#[test]
fn a_merchant_without_stores_can_be_deleted() {
    let (mut history, _) = History::shop(None);
    let merchant = MerchantId(created(&history.record(create_merchant("Fries Co"))));
    given(history)
        .when(Command::DeleteMerchant {
            merchant_id: merchant,
        })
        .then(vec![EventKind::MerchantDeleted(MerchantRef {
            merchant_id: merchant,
        })]);
}

#[test]
fn a_merchant_with_stores_cannot_be_deleted() {
    let (history, shop) = History::shop(None);
    let given = given(history);
    let merchant = given.state().store(shop.store).unwrap().merchant_id;
    given
        .when(Command::DeleteMerchant {
            merchant_id: merchant,
        })
        .then_error(DomainError::WrongStatus {
            resource: "Merchant",
            action: "deleted",
            status: "it has stores".into(),
        });
}
