//! Reserve, ConfirmReservation and CancelReservation: a reservation holds its codes for a
//! bounded time; it is confirmed while it holds, or cancelled, once.

use chrono::Duration;
use domain::event::RedemptionRef;
use domain::ids::RedemptionId;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{created, redeem, reserve, Shop};

use super::{credential, recorded};

/// The shop's history with a credential reserved for 300 seconds: the history, the shop, the
/// credential's code, the reservation.
fn reserved() -> (History, Shop, String, RedemptionId) {
    let (mut history, shop) = History::shop(None);
    let (_, code) = credential(&mut history, &shop);
    let reservation = RedemptionId(created(&history.record(reserve(shop.store, &code, 300))));
    (history, shop, code, reservation)
}

fn confirm(reservation: RedemptionId) -> Command {
    Command::ConfirmReservation {
        redemption_id: reservation,
    }
}

#[test]
fn a_reservation_records_the_discount_and_when_it_lapses() {
    let (mut history, shop) = History::shop(None);
    let (credential, code) = credential(&mut history, &shop);
    let given = given(history);
    let id = given.next_id();
    let lapses = given.now() + Duration::seconds(300);
    given
        .when(reserve(shop.store, &code, 300))
        .then(vec![EventKind::RedemptionReserved(recorded(
            id,
            &shop,
            credential,
            Some(lapses),
        ))]);
}

#[test]
fn a_reservation_of_no_time_is_refused() {
    let (mut history, shop) = History::shop(None);
    let (_, code) = credential(&mut history, &shop);
    given(history)
        .when(reserve(shop.store, &code, 0))
        .then_error(DomainError::Invalid {
            field: "Ttl seconds",
            reason: "must be between 1 and 3600".into(),
        });
}

#[test]
fn a_reserved_code_is_locked_for_a_redemption() {
    let (history, shop, code, _) = reserved();
    given(history)
        .when(redeem(shop.store, &code))
        .then_error(DomainError::CredentialLocked);
}

#[test]
fn confirming_a_holding_reservation_records_it() {
    let (history, _, _, reservation) = reserved();
    given(history)
        .after(Duration::seconds(299))
        .when(confirm(reservation))
        .then(vec![EventKind::ReservationConfirmed(RedemptionRef {
            redemption_id: reservation,
        })]);
}

#[test]
fn a_lapsed_reservation_cannot_be_confirmed() {
    let (history, _, _, reservation) = reserved();
    given(history)
        .after(Duration::seconds(300))
        .when(confirm(reservation))
        .then_error(DomainError::ReservationExpired {
            redemption_id: reservation,
        });
}

#[test]
fn an_unknown_reservation_cannot_be_confirmed() {
    given(History::shop(None).0)
        .when(confirm(RedemptionId(999)))
        .then_error(DomainError::NotFound {
            resource: "Reservation",
        });
}

#[test]
fn cancelling_a_reservation_records_it() {
    let (history, _, _, reservation) = reserved();
    given(history)
        .when(Command::CancelReservation {
            redemption_id: reservation,
        })
        .then(vec![EventKind::ReservationCancelled(RedemptionRef {
            redemption_id: reservation,
        })]);
}

#[test]
fn a_confirmed_reservation_cannot_be_cancelled() {
    let (mut history, _, _, reservation) = reserved();
    history.record(confirm(reservation));
    given(history)
        .when(Command::CancelReservation {
            redemption_id: reservation,
        })
        .then_error(DomainError::WrongStatus {
            resource: "Reservation",
            action: "cancelled",
            status: "committed".into(),
        });
}
