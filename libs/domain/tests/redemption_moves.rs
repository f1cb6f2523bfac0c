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
use support::{Account, Shop};

/// A shop with one $1-off offer and a credential for it: the account, the shop, and the
/// credential's id and code.
fn shop_with_code() -> (Account, Shop, CredentialId, String) {
    let (mut account, shop, offer) = Account::shop_with_offer("One", OfferFields::default());
    let (credential, code) = account.credential(shop.member, shop.channel, &[offer]);
    (account, shop, credential.id, code)
}

fn void(redemption_id: RedemptionId) -> Command {
    Command::VoidRedemption { redemption_id }
}

fn reverse(redemption_id: RedemptionId) -> Command {
    Command::ReverseRedemption { redemption_id }
}

/// Asserts `command` is refused as a move from the wrong status.
fn assert_wrong_status(account: &mut Account, command: Command) {
    let error = account.error(command);
    assert!(
        matches!(error, DomainError::WrongStatus { .. }),
        "{error:?}"
    );
}

/// A redemption of the shop's code, `settled` (voided or reversed), then asserted to refuse
/// `refused`: the account, the credential and the redemption.
fn settled_then_refused(
    settle: fn(RedemptionId) -> Command,
    refused: fn(RedemptionId) -> Command,
) -> (Account, CredentialId, RedemptionId) {
    let (mut account, shop, credential, code) = shop_with_code();
    let redemption = account.redeem(shop.store, &code);
    account.ok(settle(redemption));
    assert_wrong_status(&mut account, refused(redemption));
    (account, credential, redemption)
}

/// Fails if `reverse` accepts a redemption that is no longer committed (e.g. `in_status`
/// dropped from `decide::pos::reverse`).
#[test]
fn a_voided_redemption_cannot_be_reversed() {
    let (account, credential, redemption) = settled_then_refused(void, reverse);
    assert_eq!(
        account.state.redemption(redemption).unwrap().status,
        RedemptionStatus::Voided
    );
    assert_eq!(
        account.state.credential(credential).unwrap().status,
        CredentialStatus::Open,
        "the void gave the code back, and the refusal kept it so"
    );
}

/// Fails if `void` accepts a reversed redemption, which would reopen a refunded code.
#[test]
fn a_reversed_redemption_cannot_be_voided() {
    let (account, credential, _) = settled_then_refused(reverse, void);
    assert_eq!(
        account.state.credential(credential).unwrap().status,
        CredentialStatus::Reversed
    );
}

/// Fails if a reservation can be voided or reversed before it is confirmed (either would
/// release or settle a code no sale took); once confirmed, it reverses like any redemption.
#[test]
fn a_reservation_is_neither_voided_nor_reversed_until_confirmed() {
    let (mut account, shop, credential, code) = shop_with_code();
    let reservation = account.reserve(shop.store, &code, 300);

    assert_wrong_status(&mut account, void(reservation));
    assert_wrong_status(&mut account, reverse(reservation));
    assert_eq!(
        account.state.redemption(reservation).unwrap().status,
        RedemptionStatus::Reserved
    );
    assert_eq!(
        account.state.credential(credential).unwrap().status,
        CredentialStatus::Locked
    );

    account.ok(Command::ConfirmReservation {
        redemption_id: reservation,
    });
    account.ok(reverse(reservation));
    assert_eq!(
        account.state.credential(credential).unwrap().status,
        CredentialStatus::Reversed
    );
}
