//! ExpireDue: records the expiry of every reservation and code lifetime that has passed
//! (reservations first), and nothing before they pass.

use chrono::Duration;
use domain::command::CredentialRequest;
use domain::event::{CredentialRef, RedemptionRef};
use domain::ids::{CredentialId, RedemptionId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{created, reserve};

use super::credential;

/// The shop's history with a reservation of 300 seconds and a credential whose code lives
/// 600 seconds: the history, the reservation, the credential.
fn due_later() -> (History, RedemptionId, CredentialId) {
    let (mut history, shop) = History::shop(None);
    let (_, code) = credential(&mut history, &shop);
    let reservation = RedemptionId(created(&history.record(reserve(shop.store, &code, 300))));
    let short_lived = history.record(Command::IssueCredential {
        request: CredentialRequest {
            member_id: Some(shop.member),
            channel_id: Some(shop.channel),
            offer_ids: vec![shop.offer],
            code_lifetime: Some(600),
            ..Default::default()
        },
    });
    (history, reservation, CredentialId(created(&short_lived)))
}

#[test]
fn nothing_is_due_before_its_time() {
    given(due_later().0)
        .after(Duration::seconds(299))
        .when(Command::ExpireDue)
        .then_nothing();
}

#[test]
fn a_lapsed_reservation_expires() {
    let (history, reservation, _) = due_later();
    given(history)
        .after(Duration::seconds(300))
        .when(Command::ExpireDue)
        .then(vec![EventKind::ReservationExpired(RedemptionRef {
            redemption_id: reservation,
        })]);
}

#[test]
fn reservations_expire_before_code_lifetimes() {
    let (history, reservation, credential) = due_later();
    given(history)
        .after(Duration::seconds(600))
        .when(Command::ExpireDue)
        .then(vec![
            EventKind::ReservationExpired(RedemptionRef {
                redemption_id: reservation,
            }),
            EventKind::CredentialExpired(CredentialRef {
                credential_id: credential,
            }),
        ]);
}

#[test]
fn an_account_that_does_not_exist_has_nothing_to_expire() {
    given([])
        .when(Command::ExpireDue)
        .then_error(DomainError::AccountNotFound);
}
