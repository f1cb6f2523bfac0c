//! One test per row of the seed's 'Validations and Errors' table, asserting the exact message,
//! and that a refused command records nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::Duration;
use domain::command::CredentialRequest;
use domain::ids::{ChannelId, MemberId, OfferId};
use domain::offer::{EligibilityDimension, OfferFields};
use domain::DomainError;
use domain::{Command, LimitKind};
use support::{pos, Account};
use testkit::fixtures::issue_request;

fn issue(
    account: &mut Account,
    member: Option<MemberId>,
    channel: Option<ChannelId>,
    offers: &[OfferId],
) -> DomainError {
    account.error(issue_request(member, channel, offers))
}

#[test]
fn channel_id_is_not_present() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let error = issue(&mut account, Some(member), None, &[]);
    assert_eq!(
        error.to_string(),
        "Channel can't be blank and must be associated with your account and offer"
    );
    let error = issue(&mut account, Some(member), Some(ChannelId(999)), &[]);
    assert_eq!(error, DomainError::ChannelRequired);
}

#[test]
fn member_id_is_not_present() {
    let mut account = Account::new();
    let channel = account.named_channel("Email");
    let error = issue(&mut account, None, Some(channel), &[]);
    assert_eq!(error.to_string(), "Member can't be blank");
    let error = issue(&mut account, Some(MemberId(999)), Some(channel), &[]);
    assert_eq!(error.to_string(), "Member can't be blank");
}

#[test]
fn associated_offers_are_not_approved() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let channel = account.named_channel("Email");
    let offer = account.pending_offer(OfferFields {
        name: Some("Free Fries".into()),
        ..Default::default()
    });
    account.ok(Command::LinkOfferChannels {
        offer_id: offer,
        channel_ids: vec![channel],
    });
    let error = issue(&mut account, Some(member), Some(channel), &[offer]);
    assert_eq!(
        error.to_string(),
        "offer Free Fries must be approved to generate a credential"
    );
}

#[test]
fn member_is_not_eligible_by_member_list() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let insider = account.member("m-2");
    let channel = account.named_channel("Email");
    let offer = account.dollar_off("VIP Dollar", channel, OfferFields::default());
    let list = account.member_list("VIPs", &[insider]);
    account.ok(Command::AddOfferEligibility {
        offer_id: offer,
        dimension: EligibilityDimension::MemberLists,
        ids: vec![list.0],
    });
    let error = issue(&mut account, Some(member), Some(channel), &[offer]);
    assert_eq!(
        error.to_string(),
        "Member must be eligible for offer: VIP Dollar"
    );
    assert!(account.issue(insider, channel, &[offer]).is_ok());
}

#[test]
fn member_is_not_eligible_once_a_limit_is_reached() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let channel = account.named_channel("Email");
    let merchant = account.merchant("Q Burger");
    let store = account.store(merchant, "Main St");
    let offer = account.dollar_off(
        "Once Only",
        channel,
        OfferFields {
            max_redemptions_per_member: Some(1),
            ..Default::default()
        },
    );
    let code = account.code(member, channel, &[offer]);
    account.ok(Command::Redeem {
        request: pos(store, &[&code], vec![]),
    });
    let error = issue(&mut account, Some(member), Some(channel), &[offer]);
    assert_eq!(
        error.to_string(),
        "Member must be eligible for offer: Once Only"
    );
    assert!(matches!(
        error,
        DomainError::LimitReached {
            limit: LimitKind::PerMember,
            ..
        }
    ));
}

#[test]
fn offer_is_no_longer_active() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let channel = account.named_channel("Email");
    let expires_at = account.now + Duration::days(1);
    let offer = account.dollar_off(
        "Short",
        channel,
        OfferFields {
            expires_at: Some(expires_at),
            ..Default::default()
        },
    );
    account.advance(Duration::days(2));
    let error = issue(&mut account, Some(member), Some(channel), &[offer]);
    assert_eq!(
        error.to_string(),
        format!("Offer with ID {} is no longer active", offer.0)
    );

    let starts = account.now + Duration::days(1);
    let later = account.dollar_off(
        "Later",
        channel,
        OfferFields {
            activates_at: Some(starts),
            ..Default::default()
        },
    );
    let error = issue(&mut account, Some(member), Some(channel), &[later]);
    assert_eq!(error, DomainError::OfferNotActive { offer_id: later });

    let stop = account.now + Duration::hours(1);
    let stopping = account.dollar_off(
        "Stopping",
        channel,
        OfferFields {
            stop_offering_at: Some(stop),
            ..Default::default()
        },
    );
    let issued = account.issue(member, channel, &[stopping]).unwrap();
    account.advance(Duration::hours(2));
    let error = issue(&mut account, Some(member), Some(channel), &[stopping]);
    assert_eq!(error, DomainError::OfferNotActive { offer_id: stopping });
    // Issued credentials stay redeemable after stop_offering_at.
    let merchant = account.merchant("M");
    let store = account.store(merchant, "S");
    let code = issued.identifier.unwrap();
    account.ok(Command::Redeem {
        request: pos(store, &[&code], vec![]),
    });
}

#[test]
fn store_is_not_eligible() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let channel = account.named_channel("Email");
    let merchant = account.merchant("Q Burger");
    let listed = account.store(merchant, "Listed");
    let other = account.store(merchant, "Other");
    let offer = account.dollar_off("Downtown Deal", channel, OfferFields::default());
    let list = account.store_list("Downtown", &[listed]);
    account.ok(Command::AddOfferEligibility {
        offer_id: offer,
        dimension: EligibilityDimension::StoreLists,
        ids: vec![list.0],
    });
    let error = account.error(Command::IssueCredential {
        request: CredentialRequest {
            member_id: Some(member),
            channel_id: Some(channel),
            offer_ids: vec![offer],
            store_id: Some(other),
            ..Default::default()
        },
    });
    assert_eq!(
        error.to_string(),
        "Store must be eligible for offer: Downtown Deal"
    );
    // The same rule holds at the point of sale.
    let code = account.code(member, channel, &[offer]);
    let error = account.error(Command::Redeem {
        request: pos(other, &[&code], vec![]),
    });
    assert_eq!(
        error.to_string(),
        "Store must be eligible for offer: Downtown Deal"
    );
    account.ok(Command::Redeem {
        request: pos(listed, &[&code], vec![]),
    });
}

#[test]
fn credential_is_locked() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let channel = account.named_channel("Email");
    let merchant = account.merchant("Q Burger");
    let store = account.store(merchant, "Main St");
    let offer = account.dollar_off("Dollar", channel, OfferFields::default());
    let credential = account.issue(member, channel, &[offer]).unwrap();
    let code = credential.identifier.clone().unwrap();
    account.ok(Command::Reserve {
        request: pos(store, &[&code], vec![]),
        ttl_seconds: 60,
    });
    let message = "This credential is currently locked for processing. Please try again later.";
    let error = account.error(Command::Redeem {
        request: pos(store, &[&code], vec![]),
    });
    assert_eq!(error.to_string(), message);
    let error = account.error(Command::UpdateCredential {
        credential_id: credential.id,
        channel_id: Some(channel),
        offer_ids: vec![offer],
        changes: Default::default(),
    });
    assert_eq!(error.to_string(), message);
    let error = account.error(Command::VoidCredential {
        credential_id: credential.id,
    });
    assert_eq!(error.to_string(), message);
}

#[test]
fn requested_offers_are_not_found() {
    let mut account = Account::new();
    let member = account.member("m-1");
    let email = account.named_channel("Email");
    let app = account.named_channel("App");
    let offer = account.dollar_off("Dollar", email, OfferFields::default());
    let error = issue(
        &mut account,
        Some(member),
        Some(app),
        &[offer, OfferId(9_999)],
    );
    assert_eq!(
        error.to_string(),
        format!(
            "Offer not found or not eligible by channel, with id: {},9999",
            offer.0
        )
    );
    let credential = account.issue(member, email, &[]).unwrap();
    assert_eq!(credential.identifier, None);
    let error = account.error(Command::UpdateCredential {
        credential_id: credential.id,
        channel_id: Some(email),
        offer_ids: vec![OfferId(9_999)],
        changes: Default::default(),
    });
    assert_eq!(
        error.to_string(),
        "Offer not found or not eligible by channel, with id: 9999"
    );
}
