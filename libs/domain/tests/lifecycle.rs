//! Scenarios through the model: the seed's sample implementation, daily limits in the
//! account's time zone, API keys, resource rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{Duration, TimeZone, Utc};
use domain::account::{AccountFields, Role};
use domain::credential::{code, CredentialStatus};
use domain::ids::ApiKeyId;
use domain::offer::{OfferFields, RewardKind};
use domain::{Command, DomainError, EventKind, LimitKind};
use support::{created, dec, line, pos, Account};

#[test]
fn sample_implementation_from_member_to_redemption() {
    let mut account = Account::new();
    let member = account.member("unique-member-id");
    assert_eq!(
        account
            .state
            .member_id_by_identifier("unique-member-id")
            .unwrap(),
        member
    );
    let merchant = account.merchant("Q Burger");
    let store = account.store(merchant, "Main St");
    let burger = account.item("BURGER");
    let fries = account.item("FRIES");
    let burgers = account.item_set("Burgers", &[burger]);
    let sides = account.item_set("Fries", &[fries]);
    let offer = account.pending_offer(OfferFields {
        name: Some("Buy a Burger, Get Free Medium Fries".into()),
        reward_kind: Some(RewardKind::ItemFree),
        required_item_set_id: Some(burgers),
        required_item_count: Some(1),
        redemption_item_set_id: Some(sides),
        redemption_item_count: Some(1),
        ..Default::default()
    });
    assert_eq!(
        account.state.offer(offer).unwrap().status_at(account.now),
        "pending"
    );
    account.ok(Command::ApproveOffer { offer_id: offer });
    assert_eq!(
        account.state.offer(offer).unwrap().status_at(account.now),
        "approved"
    );
    let channel = account.named_channel("Email");
    let linked = account.ok(Command::LinkOfferChannels {
        offer_id: offer,
        channel_ids: vec![channel],
    });
    let EventKind::OfferChannelLinked(link) = &linked[0].kind else {
        panic!("{linked:?}")
    };
    assert_eq!(link.xid.len(), 7);
    assert_eq!(
        account.state.link_by_xid(&link.xid).unwrap(),
        (offer, channel)
    );

    let credential = account.issue(member, channel, &[offer]).unwrap();
    let identifier = credential.identifier.clone().unwrap();
    assert!(code::is_well_formed_secure(&identifier));
    assert_eq!(credential.status, CredentialStatus::Open);

    let basket = vec![
        line("1", "BURGER", 1, "5.99"),
        line("2", "FRIES", 1, "2.49"),
    ];
    let lowercase = identifier.to_lowercase();
    let events = account.ok(Command::Redeem {
        request: pos(store, &[&lowercase], basket.clone()),
    });
    let EventKind::RedemptionCommitted(redemption) = &events[0].kind else {
        panic!("{events:?}")
    };
    let evaluation = redemption.evaluation.get().unwrap();
    assert_eq!(evaluation.total_discount, dec("2.49"));
    assert_eq!(evaluation.lines[1].discount, dec("2.49"));
    assert_eq!(evaluation.lines[0].discount, dec("0.00"));
    assert_eq!(
        account.state.credential(credential.id).unwrap().status,
        CredentialStatus::Redeemed
    );

    let error = account.error(Command::Redeem {
        request: pos(store, &[&identifier], basket),
    });
    assert_eq!(
        error,
        DomainError::CredentialNotRedeemable {
            credential_id: credential.id,
            status: "redeemed".into()
        }
    );
}

#[test]
fn daily_limit_counts_days_in_the_account_time_zone() {
    let mut account = Account::with_fields(AccountFields {
        name: Some("West".into()),
        time_zone: Some("America/Los_Angeles".into()),
        ..Default::default()
    });
    // 23:00 in Los Angeles on March 1st is 07:00 UTC on March 2nd.
    account.now = Utc.with_ymd_and_hms(2026, 3, 2, 7, 0, 0).unwrap();
    let member = account.member("m");
    let channel = account.named_channel("App");
    let merchant = account.merchant("M");
    let store = account.store(merchant, "S");
    let offer = account.dollar_off(
        "Daily",
        channel,
        OfferFields {
            max_redemptions_per_member_per_day: Some(1),
            ..Default::default()
        },
    );
    let first = account.code(member, channel, &[offer]);
    account.ok(Command::Redeem {
        request: pos(store, &[&first], vec![]),
    });
    let second = account.issue(member, channel, &[offer]);
    assert!(matches!(
        second,
        Err(DomainError::LimitReached {
            limit: LimitKind::PerMemberPerDay,
            ..
        })
    ));
    // 01:00 local on March 2nd: a new day there, though the same UTC day.
    account.advance(Duration::hours(2));
    let next = account.code(member, channel, &[offer]);
    account.ok(Command::Redeem {
        request: pos(store, &[&next], vec![]),
    });
}

#[test]
fn api_keys_rotate_with_a_grace_period_and_revoke() {
    let mut account = Account::new();
    let events = account.ok(Command::IssueApiKey {
        identity: "pos-1".into(),
        key_hash: "hash-a".into(),
        roles: vec![Role::Pos],
    });
    let id = ApiKeyId(created(&events));
    let error = account.error(Command::IssueApiKey {
        identity: "pos-1".into(),
        key_hash: "h".into(),
        roles: vec![Role::Pos],
    });
    assert_eq!(error.to_string(), "Identity has already been taken");
    account.ok(Command::RotateApiKey {
        api_key_id: id,
        key_hash: "hash-b".into(),
        grace_seconds: 60,
    });
    let key = account.state.api_key(id).unwrap().clone();
    assert!(key.accepts("hash-a", account.now + Duration::seconds(59)));
    assert!(!key.accepts("hash-a", account.now + Duration::seconds(60)));
    assert!(key.accepts("hash-b", account.now + Duration::days(30)));
    account.ok(Command::RevokeApiKey { api_key_id: id });
    assert!(!account
        .state
        .api_key(id)
        .unwrap()
        .accepts("hash-b", account.now));
}

#[test]
fn member_identifiers_are_unique_and_offers_validate_their_terms() {
    let mut account = Account::new();
    account.member("m");
    let error = account.error(Command::CreateMember {
        fields: domain::catalog::MemberFields {
            identifier: Some("m".into()),
            notification_mode: None,
        },
    });
    assert_eq!(error.to_string(), "Identifier has already been taken");
    let error = account.error(Command::CreateOffer {
        fields: OfferFields {
            name: Some("Bad".into()),
            reward_kind: Some(RewardKind::OrderPercentOff),
            reward_value: Some(dec("120")),
            ..Default::default()
        },
    });
    assert_eq!(
        error.to_string(),
        "Reward value must be greater than 0 and at most 100"
    );
    let error = account.error(Command::CreateOffer {
        fields: OfferFields {
            name: Some("Cents".into()),
            reward_kind: Some(RewardKind::OrderAmountOff),
            reward_value: Some(dec("1.005")),
            ..Default::default()
        },
    });
    assert_eq!(
        error.to_string(),
        "Reward value must have at most 2 decimal places"
    );
    let error = account.error(Command::CreateOffer {
        fields: OfferFields {
            name: Some("Free what".into()),
            reward_kind: Some(RewardKind::ItemFree),
            ..Default::default()
        },
    });
    assert_eq!(error.to_string(), "Redemption item set can't be blank");
}
