//! IssueCredential, UpdateCredential (its offers), VoidCredential and DeleteCredential: a credential
//! gets an unguessable code with its first offer (the one random part of its events, checked
//! for its form), keeps its code when its offers change, and is voided once while open. A
//! deleted one is voided first when open, refused while locked, gone after (its code refused
//! at the point of sale), and its redemptions keep counting against the offer's limits.

use domain::credential::code::is_well_formed_secure;
use domain::event::{CredentialOffersChanged, CredentialRef, IssuedCredential};
use domain::ids::{ChannelId, CredentialId, OfferId};
use domain::{Command, DomainError, Event, EventKind, LimitKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{
    create_dollar_off, created, issue, issue_request, issued_code, redeem, reserve,
};

use super::credential;

/// The code `events` give the credential, checked to be a well-formed secure code.
fn secure_code(events: &[Event]) -> String {
    let code = issued_code(events);
    assert!(is_well_formed_secure(&code), "{code}");
    code
}

fn update_offers(credential: CredentialId, channel: ChannelId, offers: &[OfferId]) -> Command {
    Command::UpdateCredential {
        credential_id: credential,
        channel_id: Some(channel),
        offer_ids: offers.to_vec(),
        changes: Default::default(),
    }
}

#[test]
fn an_issued_credential_gets_a_secure_code_for_its_offer() {
    let (history, shop) = History::shop(None);
    let given = given(history);
    let id = CredentialId(given.next_id());
    let when = given.when(issue(shop.member, shop.channel, shop.offer));
    let code = secure_code(when.emitted());
    when.then(vec![EventKind::CredentialIssued(IssuedCredential {
        credential_id: id,
        member_id: shop.member,
        channel_id: shop.channel,
        store_id: None,
        offer_ids: vec![shop.offer],
        identifier: Some(code.into()),
        code_lifetime: None,
        expires_at: None,
        annotations: Default::default(),
        reusable: false,
        printable: false,
    })]);
}

#[test]
fn a_credential_without_offers_has_no_code_yet() {
    let (history, shop) = History::shop(None);
    let given = given(history);
    let id = CredentialId(given.next_id());
    given
        .when(issue_request(Some(shop.member), Some(shop.channel), &[]))
        .then(vec![EventKind::CredentialIssued(IssuedCredential {
            credential_id: id,
            member_id: shop.member,
            channel_id: shop.channel,
            store_id: None,
            offer_ids: Vec::new(),
            identifier: None,
            code_lifetime: None,
            expires_at: None,
            annotations: Default::default(),
            reusable: false,
            printable: false,
        })]);
}

#[test]
fn a_credential_without_a_member_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(issue_request(None, Some(shop.channel), &[shop.offer]))
        .then_error(DomainError::MemberRequired);
}

#[test]
fn a_credential_for_a_pending_offer_is_refused() {
    let (mut history, shop) = History::shop(None);
    let pending = OfferId(created(&history.record(create_dollar_off("Pending", None))));
    history.record(Command::LinkOfferChannels {
        offer_id: pending,
        channel_ids: vec![shop.channel],
    });
    given(history)
        .when(issue(shop.member, shop.channel, pending))
        .then_error(DomainError::OfferNotApproved {
            offer_name: "Pending".into(),
        });
}

#[test]
fn a_first_offer_gives_a_credential_its_code() {
    let (mut history, shop) = History::shop(None);
    let empty = history.record(issue_request(Some(shop.member), Some(shop.channel), &[]));
    let credential = CredentialId(created(&empty));
    let when = given(history).when(update_offers(credential, shop.channel, &[shop.offer]));
    let EventKind::CredentialOffersChanged(change) = &when.emitted()[0].kind else {
        panic!("no change in {:?}", when.emitted())
    };
    let code = change.identifier.clone().unwrap_or_default();
    assert!(is_well_formed_secure(&code), "{code}");
    when.then(vec![EventKind::CredentialOffersChanged(
        CredentialOffersChanged {
            credential_id: credential,
            offer_ids: vec![shop.offer],
            identifier: Some(code),
            expires_at: None,
        },
    )]);
}

#[test]
fn a_credential_keeps_its_code_when_its_offers_go() {
    let (mut history, shop) = History::shop(None);
    let (credential, code) = credential(&mut history, &shop);
    given(history)
        .when(update_offers(credential, shop.channel, &[]))
        .then(vec![EventKind::CredentialOffersChanged(
            CredentialOffersChanged {
                credential_id: credential,
                offer_ids: Vec::new(),
                identifier: Some(code.into()),
                expires_at: None,
            },
        )]);
}

#[test]
fn offers_cannot_change_on_another_channel() {
    let (mut history, shop) = History::shop(None);
    let (credential, _) = credential(&mut history, &shop);
    given(history)
        .when(update_offers(credential, ChannelId(999), &[shop.offer]))
        .then_error(DomainError::ChannelRequired);
}

#[test]
fn voiding_an_open_credential_records_it() {
    let (mut history, shop) = History::shop(None);
    let (credential, _) = credential(&mut history, &shop);
    given(history)
        .when(Command::VoidCredential {
            credential_id: credential,
        })
        .then(vec![EventKind::CredentialVoided(CredentialRef {
            credential_id: credential,
        })]);
}

#[test]
fn voiding_a_voided_credential_emits_nothing() {
    let (mut history, shop) = History::shop(None);
    let (credential, _) = credential(&mut history, &shop);
    let void = Command::VoidCredential {
        credential_id: credential,
    };
    history.record(void.clone());
    given(history).when(void).then_nothing();
}

#[test]
fn a_redeemed_credential_cannot_be_voided() {
    let (mut history, shop) = History::shop(None);
    let (credential, code) = credential(&mut history, &shop);
    history.record(redeem(shop.store, &code));
    given(history)
        .when(Command::VoidCredential {
            credential_id: credential,
        })
        .then_error(DomainError::WrongStatus {
            resource: "Credential",
            action: "voided",
            status: "redeemed".into(),
        });
}

fn delete(credential: CredentialId) -> Command {
    Command::DeleteCredential {
        credential_id: credential,
    }
}

fn deleted(credential: CredentialId) -> EventKind {
    EventKind::CredentialDeleted(CredentialRef {
        credential_id: credential,
    })
}

#[test]
fn deleting_an_open_credential_voids_it_first() {
    let (mut history, shop) = History::shop(None);
    let (credential, _) = credential(&mut history, &shop);
    given(history).when(delete(credential)).then(vec![
        EventKind::CredentialVoided(CredentialRef {
            credential_id: credential,
        }),
        deleted(credential),
    ]);
}

#[test]
fn deleting_a_redeemed_credential_records_only_the_deletion() {
    let (mut history, shop) = History::shop(None);
    let (credential, code) = credential(&mut history, &shop);
    history.record(redeem(shop.store, &code));
    given(history)
        .when(delete(credential))
        .then(vec![deleted(credential)]);
}

#[test]
fn a_locked_credential_cannot_be_deleted() {
    let (mut history, shop) = History::shop(None);
    let (credential, code) = credential(&mut history, &shop);
    history.record(reserve(shop.store, &code, 300));
    given(history)
        .when(delete(credential))
        .then_error(DomainError::CredentialLocked);
}

#[test]
fn a_deleted_credential_is_not_found_again() {
    let (mut history, shop) = History::shop(None);
    let (credential, _) = credential(&mut history, &shop);
    history.record(delete(credential));
    given(history)
        .when(delete(credential))
        .then_error(DomainError::NotFound {
            resource: "Credential",
        });
}

#[test]
fn a_keyed_delete_repeated_answers_the_first_outcome() {
    let (mut history, shop) = History::shop(None);
    let (credential, _) = credential(&mut history, &shop);
    let first = history.record_keyed(delete(credential), "delete-1");
    given(history)
        .when_keyed(delete(credential), "delete-1")
        .then_repeats(&first);
}

#[test]
fn a_deleted_credentials_code_is_refused_at_the_point_of_sale() {
    let (mut history, shop) = History::shop(None);
    let (credential, code) = credential(&mut history, &shop);
    history.record(delete(credential));
    given(history)
        .when(redeem(shop.store, &code))
        .then_error(DomainError::CodeNotValid { code });
}

#[test]
fn a_deleted_credentials_redemption_still_counts_against_the_limit() {
    let (mut history, shop) = History::shop(Some(1));
    let (first, first_code) = credential(&mut history, &shop);
    let (_, second_code) = credential(&mut history, &shop);
    history.record(redeem(shop.store, &first_code));
    history.record(delete(first));
    given(history)
        .when(redeem(shop.store, &second_code))
        .then_error(DomainError::LimitReached {
            offer_name: "Dollar off".into(),
            limit: LimitKind::Total,
        });
}
