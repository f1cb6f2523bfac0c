//! CheckIn and SetOfferCheckInRule: a member checks in at an active store, near it when it has
//! coordinates (which are checked, never recorded); an offer with a check-in rule redeems only
//! for a member who checked in at the redeeming store within its minutes.

use chrono::Duration;
use domain::catalog::{Coordinates, LocationFields, StoreFields};
use domain::check_in::{queries, CheckInRule, CheckedIn, CHECK_IN_RADIUS_METRES};
use domain::ids::{MemberId, StoreId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_store, created, dec, issue, issued_code, redeem};

fn point(lat: &str, lng: &str) -> Coordinates {
    Coordinates::new(dec(lat), dec(lng)).unwrap()
}

fn check_in(member: MemberId, store: StoreId, at: Coordinates) -> Command {
    Command::CheckIn {
        member_id: member,
        store_id: store,
        at,
    }
}

/// Places the shop's store at Broadway, New York.
fn locate(history: &mut History, store: StoreId) {
    history.record(Command::UpdateStore {
        store_id: store,
        fields: StoreFields {
            location: LocationFields {
                lat: Some(dec("40.7041")),
                lng: Some(dec("-74.0141")),
                ..LocationFields::default()
            },
            ..StoreFields::default()
        },
    });
}

#[test]
fn a_check_in_near_the_store_is_recorded_and_a_far_one_refused() {
    let (mut history, shop) = History::shop(None);
    locate(&mut history, shop.store);
    let near = point("40.7050", "-74.0150");
    given(history.events().to_vec())
        .when(check_in(shop.member, shop.store, near))
        .then(vec![EventKind::MemberCheckedIn(CheckedIn {
            member_id: shop.member,
            store_id: shop.store,
        })]);
    given(history.events().to_vec())
        .when(check_in(
            shop.member,
            shop.store,
            point("40.7306", "-73.9352"),
        ))
        .then_error(DomainError::Invalid {
            field: "Check in",
            reason: format!("must be within {CHECK_IN_RADIUS_METRES} m of the store"),
        });
    let unlocated = StoreId(created(
        &history.record(create_store(shop.merchant, "Pier")),
    ));
    given(history.events().to_vec())
        .when(check_in(shop.member, unlocated, point("0", "0")))
        .then(vec![EventKind::MemberCheckedIn(CheckedIn {
            member_id: shop.member,
            store_id: unlocated,
        })]);
    given(history.events().to_vec())
        .when(check_in(MemberId(9_999), shop.store, near))
        .then_error(DomainError::NotFound { resource: "Member" });
    given(history.events().to_vec())
        .when(check_in(shop.member, StoreId(9_999), near))
        .then_error(DomainError::NotFound { resource: "Store" });

    history.record(check_in(shop.member, shop.store, near));
    history.advance(Duration::minutes(5));
    history.record(check_in(shop.member, shop.store, near));
    let found = queries::at_store(history.state(), shop.member, shop.store).unwrap();
    assert_eq!((found.count, found.last_at), (2, history.now()));
}

#[test]
fn an_inactive_store_takes_no_check_in() {
    let (mut history, shop) = History::shop(None);
    history.record(Command::UpdateStore {
        store_id: shop.store,
        fields: StoreFields {
            is_active: Some(false),
            ..StoreFields::default()
        },
    });
    given(history)
        .when(check_in(shop.member, shop.store, point("0", "0")))
        .then_error(DomainError::WrongStatus {
            resource: "Store",
            action: "checked in at",
            status: "inactive".into(),
        });
}

#[test]
fn an_offer_with_a_check_in_rule_redeems_only_after_a_recent_check_in_there() {
    let (mut history, shop) = History::shop(None);
    given(history.events().to_vec())
        .when(Command::SetOfferCheckInRule {
            offer_id: shop.offer,
            within_minutes: Some(30),
        })
        .then(vec![EventKind::OfferCheckInRuleSet(CheckInRule {
            offer_id: shop.offer,
            within_minutes: Some(30),
        })]);
    history.record(Command::SetOfferCheckInRule {
        offer_id: shop.offer,
        within_minutes: Some(30),
    });
    let code = issued_code(&history.record(issue(shop.member, shop.channel, shop.offer)));
    let required = DomainError::CheckInRequired {
        offer_name: "Dollar off".into(),
    };
    given(history.events().to_vec())
        .when(redeem(shop.store, &code))
        .then_error(required.clone());

    let elsewhere = StoreId(created(
        &history.record(create_store(shop.merchant, "Pier")),
    ));
    history.record(check_in(shop.member, elsewhere, point("0", "0")));
    given(history.events().to_vec())
        .when(redeem(shop.store, &code))
        .then_error(required.clone());

    history.record(check_in(shop.member, shop.store, point("0", "0")));
    let within = given(history.events().to_vec())
        .after(Duration::minutes(30))
        .when(redeem(shop.store, &code));
    assert!(matches!(
        within.emitted()[0].kind,
        EventKind::RedemptionCommitted(_)
    ));
    given(history.events().to_vec())
        .after(Duration::minutes(31))
        .when(redeem(shop.store, &code))
        .then_error(required);

    history.record(Command::SetOfferCheckInRule {
        offer_id: shop.offer,
        within_minutes: None,
    });
    let cleared = given(history.events().to_vec())
        .after(Duration::days(2))
        .when(redeem(shop.store, &code));
    assert!(matches!(
        cleared.emitted()[0].kind,
        EventKind::RedemptionCommitted(_)
    ));
}

#[test]
fn a_check_in_rule_is_bounded() {
    let (history, shop) = History::shop(None);
    for minutes in [0, 7 * 24 * 60 + 1] {
        given(history.events().to_vec())
            .when(Command::SetOfferCheckInRule {
                offer_id: shop.offer,
                within_minutes: Some(minutes),
            })
            .then_error(DomainError::Invalid {
                field: "Within minutes",
                reason: "must be between 1 and 10080".into(),
            });
    }
}
