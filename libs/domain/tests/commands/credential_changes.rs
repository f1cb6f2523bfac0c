//! UpdateCredential beyond offers, and reusable credentials: a credential's member (only while
//! never redeemed and outside a wallet), store, annotations and flags change with one
//! `credential_changed` event holding only what differs, its offers are checked again for the
//! member and store it gets, and a reusable code redeems again within its offers' limits.

use domain::command::{CredentialChanges, CredentialRequest};
use domain::credential::{AnnotationValue, Annotations, CredentialStatus};
use domain::event::CredentialChanged;
use domain::ids::{CredentialId, MemberId, StoreId};
use domain::offer::OfferFields;
use domain::{Command, DomainError, EventKind, LimitKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_member, created, issued_code, redeem, save_to_wallet, Shop};

use super::credential;

fn change(history: &History, shop: &Shop, id: CredentialId, changes: CredentialChanges) -> Command {
    let credential = history.state().credential(id).expect("the credential");
    Command::UpdateCredential {
        credential_id: id,
        channel_id: Some(shop.channel),
        offer_ids: credential.offer_ids.clone(),
        changes,
    }
}

fn to_member(history: &History, shop: &Shop, id: CredentialId, member: MemberId) -> Command {
    let changes = CredentialChanges {
        member_id: Some(member),
        ..CredentialChanges::default()
    };
    change(history, shop, id, changes)
}

fn annotations(source: &str) -> Annotations {
    [("source".to_owned(), AnnotationValue::Text(source.into()))].into()
}

/// A reusable credential of the shop's member for its offer: its id and code.
fn reusable(history: &mut History, shop: &Shop) -> (CredentialId, String) {
    let events = history.record(Command::IssueCredential {
        request: CredentialRequest {
            member_id: Some(shop.member),
            channel_id: Some(shop.channel),
            offer_ids: vec![shop.offer],
            reusable: Some(true),
            ..CredentialRequest::default()
        },
    });
    (CredentialId(created(&events)), issued_code(&events))
}

#[test]
fn member_store_annotations_and_flags_change_in_one_event() {
    let (mut history, shop) = History::shop(None);
    let (id, _) = credential(&mut history, &shop);
    let bob = MemberId(created(&history.record(create_member("bob"))));
    let changes = CredentialChanges {
        member_id: Some(bob),
        store_id: Some(shop.store),
        annotations: Some(annotations("app")),
        reusable: Some(true),
        printable: Some(false),
    };
    let command = change(&history, &shop, id, changes);
    given(history.events().to_vec())
        .when(command)
        .then(vec![EventKind::CredentialChanged(CredentialChanged {
            credential_id: id,
            member_id: Some(bob),
            store_id: Some(shop.store),
            annotations: Some(annotations("app")),
            reusable: Some(true),
            printable: None,
        })]);
}

#[test]
fn an_update_naming_what_it_has_records_only_its_offers_again() {
    let (mut history, shop) = History::shop(None);
    let (id, _) = credential(&mut history, &shop);
    let same = CredentialChanges {
        member_id: Some(shop.member),
        reusable: Some(false),
        ..CredentialChanges::default()
    };
    let command = change(&history, &shop, id, same);
    let when = given(history.events().to_vec()).when(command);
    assert!(matches!(
        when.emitted()
            .iter()
            .map(|event| &event.kind)
            .collect::<Vec<_>>()[..],
        [EventKind::CredentialOffersChanged(_)]
    ));
}

#[test]
fn an_unknown_member_or_store_is_refused() {
    let (mut history, shop) = History::shop(None);
    let (id, _) = credential(&mut history, &shop);
    let member = change(
        &history,
        &shop,
        id,
        CredentialChanges {
            member_id: Some(MemberId(999_999)),
            ..CredentialChanges::default()
        },
    );
    let store = change(
        &history,
        &shop,
        id,
        CredentialChanges {
            store_id: Some(StoreId(999_999)),
            ..CredentialChanges::default()
        },
    );
    let events = history.events().to_vec();
    given(events.clone())
        .when(member)
        .then_error(DomainError::NotFound { resource: "Member" });
    given(events)
        .when(store)
        .then_error(DomainError::NotFound { resource: "Store" });
}

#[test]
fn the_member_of_a_redeemed_credential_cannot_change() {
    let (mut history, shop) = History::shop(None);
    let (id, code) = reusable(&mut history, &shop);
    history.record(redeem(shop.store, &code));
    let bob = MemberId(created(&history.record(create_member("bob"))));
    let command = to_member(&history, &shop, id, bob);
    let when = given(history.events().to_vec()).when(command);
    assert!(
        matches!(
            when.decision(),
            Err(DomainError::Invalid {
                field: "Member",
                ..
            })
        ),
        "{:?}",
        when.decision()
    );
}

#[test]
fn the_member_of_a_wallet_credential_cannot_change() {
    let (mut history, shop) = History::shop(None);
    let saved = history.record(save_to_wallet(shop.member, shop.channel, shop.offer));
    let id = saved
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::CredentialIssued(issued) => Some(issued.credential_id),
            _ => None,
        })
        .expect("a wallet credential");
    let bob = MemberId(created(&history.record(create_member("bob"))));
    let command = to_member(&history, &shop, id, bob);
    let when = given(history.events().to_vec()).when(command);
    assert!(matches!(
        when.decision(),
        Err(DomainError::Invalid {
            field: "Member",
            ..
        })
    ));
}

#[test]
fn offers_are_checked_again_for_the_new_member() {
    let (mut history, shop) = History::shop(None);
    let (id, _) = credential(&mut history, &shop);
    let list = history.record(Command::CreateMemberList {
        fields: domain::catalog::ListFields {
            name: Some("VIP".into()),
        },
    });
    let list = domain::ids::MemberListId(created(&list));
    history.record(Command::AddMembersToList {
        member_list_id: list,
        member_ids: vec![shop.member],
    });
    history.record(Command::AddOfferEligibility {
        offer_id: shop.offer,
        dimension: domain::offer::EligibilityDimension::MemberLists,
        ids: vec![list.0],
    });
    let bob = MemberId(created(&history.record(create_member("bob"))));
    let command = to_member(&history, &shop, id, bob);
    given(history.events().to_vec())
        .when(command)
        .then_error(DomainError::MemberNotEligible {
            offer_name: "Dollar off".into(),
        });
}

#[test]
fn a_reusable_code_redeems_again_until_the_members_limit() {
    let (mut history, shop) = History::shop(None);
    history.record(Command::UpdateOffer {
        offer_id: shop.offer,
        fields: OfferFields {
            max_redemptions_per_member: Some(2),
            ..OfferFields::default()
        },
    });
    let (id, code) = reusable(&mut history, &shop);
    history.record(redeem(shop.store, &code));
    history.record(redeem(shop.store, &code));
    let credential = history.state().credential(id).expect("the credential");
    assert_eq!(credential.status, CredentialStatus::Open);
    assert!(credential.redeemed_at.is_some());
    given(history.events().to_vec())
        .when(redeem(shop.store, &code))
        .then_error(DomainError::LimitReached {
            offer_name: "Dollar off".into(),
            limit: LimitKind::PerMember,
        });
}

#[test]
fn a_code_that_is_not_reusable_redeems_once() {
    let (mut history, shop) = History::shop(None);
    let (id, code) = credential(&mut history, &shop);
    history.record(redeem(shop.store, &code));
    let when = given(history.events().to_vec()).when(redeem(shop.store, &code));
    assert_eq!(
        when.decision().as_ref().err(),
        Some(&DomainError::CredentialNotRedeemable {
            credential_id: id,
            status: "redeemed".into(),
        })
    );
}
