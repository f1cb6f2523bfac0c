//! The moves a recorded redemption may not make: a voided one cannot be reversed, a reversed
//! one cannot be voided, and a reservation can be neither until it is confirmed. Each refusal
//! records nothing and leaves the credential where it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::credential::CredentialStatus;
use domain::ids::{CredentialId, RedemptionId};
use domain::offer::OfferFields;
use domain::redemption::RedemptionStatus;
use domain::{Command, DomainError};
use support::{created, pos, Account, Shop};
use testkit::fixtures;

/// A shop with one $1-off offer and a credential for it: the account, the shop, and the
/// credential's id and code.
fn shop_with_code() -> (Account, Shop, CredentialId, String) {
    let (mut account, shop) = Account::shop();
    let offer = account.dollar_off("One", shop.channel, OfferFields::default());
    let credential = account.issue(shop.member, shop.channel, &[offer]).unwrap();
    let code = credential.identifier.clone().unwrap();
    (account, shop, credential.id, code)
}

fn redeem(account: &mut Account, shop: &Shop, code: &str) -> RedemptionId {
    RedemptionId(created(&account.ok(fixtures::redeem(shop.store, code))))
}

fn reserve(account: &mut Account, shop: &Shop, code: &str) -> RedemptionId {
    RedemptionId(created(&account.ok(Command::Reserve {
        request: pos(shop.store, &[code], vec![]),
        ttl_seconds: 300,
    })))
}

fn assert_wrong_status(error: DomainError) {
    assert!(
        matches!(error, DomainError::WrongStatus { .. }),
        "{error:?}"
    );
}

/// Fails if `reverse` accepts a redemption that is no longer committed (e.g. `in_status`
/// dropped from `decide::pos::reverse`).
#[test]
fn a_voided_redemption_cannot_be_reversed() {
    let (mut account, shop, credential, code) = shop_with_code();
    let redemption = redeem(&mut account, &shop, &code);
    account.ok(Command::VoidRedemption {
        redemption_id: redemption,
    });

    assert_wrong_status(account.error(Command::ReverseRedemption {
        redemption_id: redemption,
    }));
    assert_eq!(
        account.state.redemptions[&redemption].status,
        RedemptionStatus::Voided
    );
    assert_eq!(
        account.state.credentials[&credential].status,
        CredentialStatus::Open,
        "the void gave the code back, and the refusal kept it so"
    );
}

/// Fails if `void` accepts a reversed redemption, which would reopen a refunded code.
#[test]
fn a_reversed_redemption_cannot_be_voided() {
    let (mut account, shop, credential, code) = shop_with_code();
    let redemption = redeem(&mut account, &shop, &code);
    account.ok(Command::ReverseRedemption {
        redemption_id: redemption,
    });

    assert_wrong_status(account.error(Command::VoidRedemption {
        redemption_id: redemption,
    }));
    assert_eq!(
        account.state.credentials[&credential].status,
        CredentialStatus::Reversed
    );
}

/// Fails if a reservation can be voided or reversed before it is confirmed (either would
/// release or settle a code no sale took); once confirmed, it reverses like any redemption.
#[test]
fn a_reservation_is_neither_voided_nor_reversed_until_confirmed() {
    let (mut account, shop, credential, code) = shop_with_code();
    let reservation = reserve(&mut account, &shop, &code);

    assert_wrong_status(account.error(Command::VoidRedemption {
        redemption_id: reservation,
    }));
    assert_wrong_status(account.error(Command::ReverseRedemption {
        redemption_id: reservation,
    }));
    assert_eq!(
        account.state.redemptions[&reservation].status,
        RedemptionStatus::Reserved
    );
    assert_eq!(
        account.state.credentials[&credential].status,
        CredentialStatus::Locked
    );

    account.ok(Command::ConfirmReservation {
        redemption_id: reservation,
    });
    account.ok(Command::ReverseRedemption {
        redemption_id: reservation,
    });
    assert_eq!(
        account.state.credentials[&credential].status,
        CredentialStatus::Reversed
    );
}
