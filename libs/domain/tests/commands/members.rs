//! CreateMember, UpdateMember and DeleteMember: a member's identifier is required and unique
//! in the account; an update changes only what it names.

use chrono::Duration;
use domain::catalog::{Member, MemberFields};
use domain::event::MemberRef;
use domain::ids::MemberId;
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::create_member;
use testkit::fixtures::scenario::{given, History};

#[test]
fn a_new_member_is_notified_in_the_app() {
    let given = given(History::shop(None).0);
    let id = MemberId(given.next_id());
    let now = given.now();
    given
        .when(create_member("bob"))
        .then(vec![EventKind::MemberCreated(Member {
            id,
            identifier: "bob".into(),
            notification_mode: "app".into(),
            created_at: now,
            updated_at: now,
        })]);
}

/// Fails if `merge_member` stops checking `member_ids_by_identifier` (mutation checked:
/// the `Taken` check removed from `decide::catalog::merge_member`).
#[test]
fn an_identifier_already_taken_is_refused() {
    given(History::shop(None).0)
        .when(create_member("alice"))
        .then_error(DomainError::Taken {
            field: "Identifier",
        });
}

#[test]
fn a_blank_identifier_is_refused() {
    given(History::shop(None).0)
        .when(create_member("   "))
        .then_error(DomainError::Blank {
            field: "Identifier",
        });
}

#[test]
fn an_update_changes_only_the_fields_named() {
    let (history, shop) = History::shop(None);
    let given = given(history).after(Duration::minutes(5));
    let member = given.state().member(shop.member).unwrap().clone();
    let now = given.now();
    given
        .when(Command::UpdateMember {
            member_id: shop.member,
            fields: MemberFields {
                identifier: None,
                notification_mode: Some("email".into()),
            },
        })
        .then(vec![EventKind::MemberUpdated(Member {
            notification_mode: "email".into(),
            updated_at: now,
            ..member
        })]);
}

#[test]
fn an_unknown_member_cannot_be_updated() {
    given(History::shop(None).0)
        .when(Command::UpdateMember {
            member_id: MemberId(999),
            fields: MemberFields::default(),
        })
        .then_error(DomainError::NotFound { resource: "Member" });
}

#[test]
fn deleting_a_member_records_it() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::DeleteMember {
            member_id: shop.member,
        })
        .then(vec![EventKind::MemberDeleted(MemberRef {
            member_id: shop.member,
        })]);
}

#[test]
fn an_unknown_member_cannot_be_deleted() {
    given(History::shop(None).0)
        .when(Command::DeleteMember {
            member_id: MemberId(999),
        })
        .then_error(DomainError::NotFound { resource: "Member" });
}
