//! SaveOfferToWallet, UpdateOfferState and VoidOfferState: saving an offer issues its credential
//! beside the entry and pays its points; the entry's window binds the point of sale; voiding
//! voids the credential and pays unused points back, once.

use chrono::Duration;
use domain::command::MemberKey;
use domain::event::{CredentialRef, OfferStateVoided};
use domain::ids::{CredentialId, OfferStateId};
use domain::points::queries::ledger;
use domain::wallet::{queries, OfferState, OfferStateFields};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, wallet_shop, History};
use testkit::fixtures::{created, issued_code, redeem, save_to_wallet, transfer_points};

fn windowed(history: &History, from_hours: i64, to_hours: i64) -> OfferStateFields {
    OfferStateFields {
        activates_at: Some(history.now() + Duration::hours(from_hours)),
        expires_at: Some(history.now() + Duration::hours(to_hours)),
        external_ref_id: Some(" ref-1 ".into()),
    }
}

#[test]
fn saving_an_offer_issues_its_credential_then_the_entry() {
    let (history, shop) = wallet_shop();
    let fields = windowed(&history, 1, 2);
    let now = history.now();
    let given = given(history.events().to_vec()).at(now);
    let credential = CredentialId(given.next_id());
    let when = given.when(Command::SaveOfferToWallet {
        member_id: shop.member,
        channel_id: Some(shop.channel),
        offer_id: Some(shop.offer),
        fields: fields.clone(),
    });
    let EventKind::CredentialIssued(issued) = &when.emitted()[0].kind else {
        panic!("no credential in {:?}", when.emitted());
    };
    assert_eq!(issued.credential_id, credential);
    assert_eq!(issued.offer_ids, vec![shop.offer]);
    assert_eq!(issued.member_id, shop.member);
    when.then(vec![
        EventKind::CredentialIssued(issued.clone()),
        EventKind::OfferStateCreated(OfferState {
            id: OfferStateId(credential.0 + 1),
            member_id: shop.member,
            offer_id: shop.offer,
            channel_id: shop.channel,
            credential_id: credential,
            activates_at: fields.activates_at,
            expires_at: fields.expires_at,
            external_ref_id: Some("ref-1".into()),
            points_paid: 0,
            voided_at: None,
            created_at: now,
            updated_at: now,
        }),
    ]);
}

#[test]
fn saving_checks_what_issuing_checks() {
    let (history, shop) = wallet_shop();
    let save = |channel, offer| Command::SaveOfferToWallet {
        member_id: shop.member,
        channel_id: channel,
        offer_id: offer,
        fields: OfferStateFields::default(),
    };
    given(history.events().to_vec())
        .when(save(None, Some(shop.offer)))
        .then_error(DomainError::ChannelRequired);
    given(history.events().to_vec())
        .when(save(Some(shop.channel), None))
        .then_error(DomainError::Blank { field: "Offer" });
    given(history.events().to_vec())
        .when(Command::SaveOfferToWallet {
            member_id: domain::ids::MemberId(9_999),
            channel_id: Some(shop.channel),
            offer_id: Some(shop.offer),
            fields: OfferStateFields::default(),
        })
        .then_error(DomainError::NotFound { resource: "Member" });
    given(history.events().to_vec())
        .when(Command::SaveOfferToWallet {
            member_id: shop.member,
            channel_id: Some(shop.channel),
            offer_id: Some(shop.offer),
            fields: windowed(&history, 2, 1),
        })
        .then_error(DomainError::Invalid {
            field: "Expires at",
            reason: "must be after activates at".into(),
        });
}

#[test]
fn a_wallet_code_redeems_only_inside_its_window() {
    let (mut history, shop) = wallet_shop();
    let fields = windowed(&history, 1, 2);
    let events = history.record(Command::SaveOfferToWallet {
        member_id: shop.member,
        channel_id: Some(shop.channel),
        offer_id: Some(shop.offer),
        fields,
    });
    let entry = OfferStateId(created(&events[1..]));
    let code = issued_code(&events);
    let activates = domain::time::format_timestamp(&(history.now() + Duration::hours(1)));
    given(history.events().to_vec())
        .at(history.now())
        .when(redeem(shop.store, &code))
        .then_error(DomainError::OfferStateNotActive {
            offer_state_id: entry,
            activates_at: activates,
        });
    let inside = given(history.events().to_vec())
        .at(history.now() + Duration::minutes(90))
        .when(redeem(shop.store, &code));
    assert!(matches!(
        inside.emitted()[0].kind,
        EventKind::RedemptionCommitted(_)
    ));
    given(history.events().to_vec())
        .at(history.now() + Duration::hours(2))
        .when(redeem(shop.store, &code))
        .then_error(DomainError::CredentialNotRedeemable {
            credential_id: CredentialId(entry.0 - 1),
            status: "expired".into(),
        });
}

#[test]
fn an_update_moves_the_window_and_keeps_what_it_does_not_name() {
    let (mut history, shop) = wallet_shop();
    let events = history.record(save_to_wallet(shop.member, shop.channel, shop.offer));
    let entry = OfferStateId(created(&events[1..]));
    let before = queries::entry(history.state(), entry)
        .map(|found| found.offer_state.clone())
        .expect("saved");
    let later = history.now() + Duration::hours(5);
    let when = given(history.events().to_vec())
        .after(Duration::minutes(1))
        .when(Command::UpdateOfferState {
            member_id: shop.member,
            offer_state_id: entry,
            fields: OfferStateFields {
                expires_at: Some(later),
                ..OfferStateFields::default()
            },
        });
    when.then(vec![EventKind::OfferStateUpdated(OfferState {
        expires_at: Some(later),
        updated_at: before.updated_at + Duration::minutes(1),
        ..before
    })]);
    given(history.events().to_vec())
        .when(Command::UpdateOfferState {
            member_id: shop.bob,
            offer_state_id: entry,
            fields: OfferStateFields::default(),
        })
        .then_error(DomainError::NotFound {
            resource: "Offer state",
        });
}

#[test]
fn voiding_voids_the_code_and_pays_unused_points_back_once() {
    let (mut history, shop) = wallet_shop();
    history.record(transfer_points("alice", None, shop.channel, 30, "grant-1"));
    let events = history.record(save_to_wallet(shop.member, shop.channel, shop.reward));
    let entry = OfferStateId(created(&events[1..]));
    let credential = CredentialId(entry.0 - 1);
    assert_eq!(ledger(history.state(), shop.member).balance(), 5);
    let void = |member| Command::VoidOfferState {
        member,
        offer_state_id: entry,
    };
    given(history.events().to_vec())
        .when(void(MemberKey::Identifier("alice".into())))
        .then(vec![
            EventKind::CredentialVoided(CredentialRef {
                credential_id: credential,
            }),
            EventKind::OfferStateVoided(OfferStateVoided {
                offer_state_id: entry,
                member_id: shop.member,
                points_refunded: 25,
            }),
        ]);
    history.record(void(MemberKey::Id(shop.member)));
    assert_eq!(ledger(history.state(), shop.member).balance(), 30);
    let code_gone =
        queries::entry(history.state(), entry).map(|found| found.status_at(history.now()));
    assert_eq!(code_gone, Some("voided"));
    given(history.events().to_vec())
        .when(void(MemberKey::Id(shop.member)))
        .then_error(DomainError::WrongStatus {
            resource: "Offer state",
            action: "changed",
            status: "voided".into(),
        });
    given(history.events().to_vec())
        .when(void(MemberKey::Identifier("nobody".into())))
        .then_error(DomainError::NotFound { resource: "Member" });
}

#[test]
fn a_redeemed_entry_voids_without_paying_back() {
    let (mut history, shop) = wallet_shop();
    history.record(transfer_points("alice", None, shop.channel, 25, "grant-1"));
    let events = history.record(save_to_wallet(shop.member, shop.channel, shop.reward));
    let entry = OfferStateId(created(&events[1..]));
    history.record(redeem(shop.store, &issued_code(&events)));
    given(history.events().to_vec())
        .when(Command::VoidOfferState {
            member: MemberKey::Id(shop.member),
            offer_state_id: entry,
        })
        .then(vec![EventKind::OfferStateVoided(OfferStateVoided {
            offer_state_id: entry,
            member_id: shop.member,
            points_refunded: 0,
        })]);
    let redeemed =
        queries::entry(history.state(), entry).map(|found| found.status_at(history.now()));
    assert_eq!(redeemed, Some("redeemed"));
}
