//! The given / when / then helper fails where it should: on events other than those expected
//! (with a diff), on an acceptance where a refusal was expected, on a refused history; and
//! its seeded random source makes a decision repeatable.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::event::MemberRef;
use domain::ids::MemberId;
use domain::{DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_member, issue, issued_code};

#[test]
#[should_panic(expected = "the events emitted: not as expected (- expected, + actual)")]
fn other_events_than_expected_fail_with_a_diff() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(domain::Command::DeleteMember {
            member_id: shop.member,
        })
        .then(vec![EventKind::MemberDeleted(MemberRef {
            member_id: MemberId(shop.member.0 + 1),
        })]);
}

#[test]
#[should_panic(expected = "but it was accepted")]
fn an_acceptance_fails_an_expected_refusal() {
    given(History::shop(None).0)
        .when(create_member("bob"))
        .then_error(DomainError::Taken {
            field: "Identifier",
        });
}

#[test]
#[should_panic(expected = "refused")]
fn a_refused_command_in_a_history_fails_the_test() {
    History::new().record(create_member("alice"));
}

#[test]
fn the_same_seed_draws_the_same_code_and_another_seed_another() {
    let (history, shop) = History::shop(None);
    let command = issue(shop.member, shop.channel, shop.offer);
    let code = |seed| {
        issued_code(
            given(history.clone())
                .seeded(seed)
                .when(command.clone())
                .emitted(),
        )
    };
    assert_eq!(code(1), code(1));
    assert_ne!(code(1), code(2));
}
