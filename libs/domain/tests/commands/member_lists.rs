//! CreateMemberList, RenameMemberList, AddMembersToList, RemoveMembersFromList and
//! DeleteMemberList: a list names existing members; adding what is there or removing what is
//! not emits nothing.

use domain::catalog::{ListFields, MemberList};
use domain::event::{ListRenamed, MemberListMembers, MemberListRef};
use domain::ids::{MemberId, MemberListId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_member, created, Shop};

fn fields(name: &str) -> ListFields {
    ListFields {
        name: Some(name.into()),
    }
}

/// The shop's history with an empty member list "VIP": the history, the shop, the list.
fn with_list() -> (History, Shop, MemberListId) {
    let (mut history, shop) = History::shop(None);
    let list = MemberListId(created(&history.record(Command::CreateMemberList {
        fields: fields("VIP"),
    })));
    (history, shop, list)
}

fn add(list: MemberListId, members: &[MemberId]) -> Command {
    Command::AddMembersToList {
        member_list_id: list,
        member_ids: members.to_vec(),
    }
}

#[test]
fn a_new_member_list_is_empty() {
    let given = given(History::shop(None).0);
    let id = MemberListId(given.next_id());
    let now = given.now();
    given
        .when(Command::CreateMemberList {
            fields: fields("VIP"),
        })
        .then(vec![EventKind::MemberListCreated(MemberList {
            id,
            name: "VIP".into(),
            member_ids: Default::default(),
            created_at: now,
            updated_at: now,
        })]);
}

#[test]
fn a_member_list_without_a_name_is_refused() {
    given(History::shop(None).0)
        .when(Command::CreateMemberList {
            fields: fields(" "),
        })
        .then_error(DomainError::Blank { field: "Name" });
}

#[test]
fn renaming_a_member_list_records_the_new_name() {
    let (history, _, list) = with_list();
    given(history)
        .when(Command::RenameMemberList {
            member_list_id: list,
            fields: fields("Regulars"),
        })
        .then(vec![EventKind::MemberListRenamed(ListRenamed {
            list_id: list.0,
            name: "Regulars".into(),
        })]);
}

/// Fails if additions are recorded in the order named rather than sorted and once (mutation
/// checked: `changed` in `decide::lists` collecting into a `Vec` without the `BTreeSet`).
#[test]
fn members_added_are_recorded_sorted_and_once() {
    let (mut history, shop, list) = with_list();
    let bob = MemberId(created(&history.record(create_member("bob"))));
    given(history)
        .when(add(list, &[bob, shop.member, bob]))
        .then(vec![EventKind::MembersAddedToList(MemberListMembers {
            member_list_id: list,
            member_ids: vec![shop.member, bob],
        })]);
}

#[test]
fn adding_a_member_already_on_the_list_emits_nothing() {
    let (mut history, shop, list) = with_list();
    history.record(add(list, &[shop.member]));
    given(history)
        .when(add(list, &[shop.member]))
        .then_nothing();
}

#[test]
fn an_unknown_member_cannot_be_added() {
    let (history, _, list) = with_list();
    given(history)
        .when(add(list, &[MemberId(999)]))
        .then_error(DomainError::NotFound { resource: "Member" });
}

#[test]
fn removing_a_member_records_it() {
    let (mut history, shop, list) = with_list();
    history.record(add(list, &[shop.member]));
    given(history)
        .when(Command::RemoveMembersFromList {
            member_list_id: list,
            member_ids: vec![shop.member],
        })
        .then(vec![EventKind::MembersRemovedFromList(MemberListMembers {
            member_list_id: list,
            member_ids: vec![shop.member],
        })]);
}

#[test]
fn removing_a_member_not_on_the_list_emits_nothing() {
    let (history, shop, list) = with_list();
    given(history)
        .when(Command::RemoveMembersFromList {
            member_list_id: list,
            member_ids: vec![shop.member],
        })
        .then_nothing();
}

#[test]
fn deleting_a_member_list_records_it() {
    let (history, _, list) = with_list();
    given(history)
        .when(Command::DeleteMemberList {
            member_list_id: list,
        })
        .then(vec![EventKind::MemberListDeleted(MemberListRef {
            member_list_id: list,
        })]);
}

#[test]
fn an_unknown_member_list_cannot_be_renamed() {
    given(History::shop(None).0)
        .when(Command::RenameMemberList {
            member_list_id: MemberListId(999),
            fields: fields("Regulars"),
        })
        .then_error(DomainError::NotFound {
            resource: "Member list",
        });
}
