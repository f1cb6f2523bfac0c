//! RequestMemberErasure and the erasure the writer records once the grace has passed: the
//! wallet is voided at once, the member is erased 7 days later (by `ExpireDue`), its identifier
//! leaves the state and the idempotency memory, and every count stays.

use chrono::Duration;
use domain::event::{ErasureRequested, MemberRef};
use domain::ids::MemberId;
use domain::privacy::{personal_text, ERASURE_GRACE};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, wallet_shop};
use testkit::fixtures::{create_member, created, issue, issued_code, redeem, save_to_wallet};

#[test]
fn a_request_voids_the_wallet_and_schedules_the_erasure() {
    let (mut history, shop) = wallet_shop();
    history.record(save_to_wallet(shop.member, shop.channel, shop.offer));
    let now = history.now();
    let when = given(history.events().to_vec())
        .at(now)
        .when(Command::RequestMemberErasure {
            member_id: shop.member,
        });
    let kinds: Vec<&str> = when
        .emitted()
        .iter()
        .map(|event| event.type_name())
        .collect();
    assert_eq!(
        kinds,
        [
            "credential_voided",
            "offer_state_voided",
            "member_erasure_requested"
        ]
    );
    let Some(EventKind::MemberErasureRequested(requested)) = when.emitted().last().map(|e| &e.kind)
    else {
        panic!("{:?}", when.emitted());
    };
    assert_eq!(
        requested,
        &ErasureRequested {
            member_id: shop.member,
            erase_at: now + ERASURE_GRACE,
        }
    );
}

#[test]
fn a_repeated_request_while_pending_records_nothing_and_an_unknown_member_is_refused() {
    let (mut history, shop) = wallet_shop();
    history.record(Command::RequestMemberErasure {
        member_id: shop.member,
    });
    given(history.events().to_vec())
        .when(Command::RequestMemberErasure {
            member_id: shop.member,
        })
        .then_nothing();
    given(history.events().to_vec())
        .when(Command::RequestMemberErasure {
            member_id: MemberId(999_999),
        })
        .then_error(DomainError::NotFound { resource: "Member" });
}

#[test]
fn the_erasure_is_recorded_once_the_grace_has_passed_and_forgets_the_identifier() {
    let (mut history, shop) = wallet_shop();
    let keyed = history.record_keyed(create_member("carol@example.com"), "create-carol");
    let carol = MemberId(created(&keyed));
    let code = issued_code(&history.record(issue(carol, shop.channel, shop.offer)));
    history.record(redeem(shop.store, &code));
    let redeemed_before = history.state().usage().clone();
    history.record(Command::RequestMemberErasure { member_id: carol });

    history.advance(ERASURE_GRACE - Duration::seconds(1));
    given(history.events().to_vec())
        .at(history.now())
        .when(Command::ExpireDue)
        .then_nothing();

    history.advance(Duration::seconds(1));
    let erased = history.record(Command::ExpireDue);
    assert_eq!(
        erased.iter().map(|event| &event.kind).collect::<Vec<_>>(),
        [&EventKind::MemberErased(MemberRef { member_id: carol })]
    );
    let state = history.state();
    assert!(state.member(carol).is_none());
    assert!(state.member_id_by_identifier("carol@example.com").is_none());
    assert_eq!(state.next_expiry(), None, "nothing left to erase");
    assert_eq!(state.usage(), &redeemed_before, "counts and limits stay");
    let replayed = domain::evolve::replay(history.events().to_vec());
    assert_eq!(&replayed, state, "replay rebuilds the erased state");
    // The identifier is free again: a new person may take it.
    history.record(create_member("carol@example.com"));
}

#[test]
fn a_deleted_member_leaves_no_identifier_in_the_idempotency_memory() {
    let (mut history, _) = wallet_shop();
    let keyed = history.record_keyed(create_member("dan@example.com"), "create-dan");
    let dan = MemberId(created(&keyed));
    history.record(Command::DeleteMember { member_id: dan });
    let remembered = history.state().idempotency().recall("create-dan").unwrap();
    assert!(!remembered.events.is_empty());
    for event in &remembered.events {
        if let Some((member, text)) = personal_text(&event.kind) {
            assert_eq!((member, text), (dan, ""));
        }
    }
    let replayed = domain::evolve::replay(history.events().to_vec());
    assert_eq!(&replayed, history.state());
}

#[test]
fn an_identifier_in_the_sealed_form_is_refused() {
    let (history, _) = wallet_shop();
    given(history.events().to_vec())
        .when(create_member("sealed:1:00:00"))
        .then_error(DomainError::Invalid {
            field: "Identifier",
            reason: "must not start with sealed:".into(),
        });
}
