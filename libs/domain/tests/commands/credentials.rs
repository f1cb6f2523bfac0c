//! IssueCredential, UpdateCredentialOffers and VoidCredential: a credential gets an
//! unguessable code with its first offer (the one random part of its events, checked for its
//! form), keeps its code when its offers change, and is voided once while open.

use domain::credential::code::is_well_formed_secure;
use domain::event::{CredentialOffersChanged, CredentialRef, IssuedCredential};
use domain::ids::{ChannelId, CredentialId, OfferId};
use domain::{Command, DomainError, Event, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_dollar_off, created, issue, issue_request, issued_code, redeem};

use super::credential;

/// The code `events` give the credential, checked to be a well-formed secure code.
fn secure_code(events: &[Event]) -> String {
    let code = issued_code(events);
    assert!(is_well_formed_secure(&code), "{code}");
    code
}

fn update_offers(credential: CredentialId, channel: ChannelId, offers: &[OfferId]) -> Command {
    Command::UpdateCredentialOffers {
        credential_id: credential,
        channel_id: Some(channel),
        offer_ids: offers.to_vec(),
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
        identifier: Some(code),
        code_lifetime: None,
        expires_at: None,
        annotations: Default::default(),
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
                identifier: Some(code),
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
