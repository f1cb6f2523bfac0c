//! Point-of-sale scenarios: refusals that leave no trace, the dry run, reservations, voids
//! and reversals, short numeric codes, idempotency keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::Duration;
use domain::catalog::{ItemFields, ItemSetFields};
use domain::channel::{ChannelFields, CodeFormat};
use domain::credential::CredentialStatus;
use domain::ids::{ItemId, ItemSetId, ManufacturerId};
use domain::offer::{EligibilityDimension, OfferFields, RewardKind};
use domain::redemption::RedemptionStatus;
use domain::{evaluate, Command, Decision, DomainError, EventKind, LimitKind};
use support::{dec, line, pos, redeem, Account};
use testkit::fixtures::{create_manufacturer, created};

#[test]
fn unknown_codes_and_nothing_to_give_are_refused_without_a_trace() {
    let (mut account, shop, offer) = Account::shop_with_offer(
        "Spend 20",
        OfferFields {
            min_spend_amount: Some(dec("20.00")),
            ..Default::default()
        },
    );
    let error = account.error(redeem(shop.store, "NOPE"));
    assert_eq!(error.to_string(), "Code NOPE is not valid");
    let (credential, code) = account.credential(shop.member, shop.channel, &[offer]);
    let error = account.error(redeem(shop.store, &code));
    assert_eq!(error, DomainError::NothingApplies);
    assert_eq!(
        account.state.credential(credential.id).unwrap().status,
        CredentialStatus::Open
    );
    let big = vec![line("1", "X", 2, "10.00")];
    account.ok(Command::Redeem {
        request: pos(shop.store, &[&code], big),
    });
}

#[test]
fn evaluate_is_a_dry_run() {
    let (mut account, shop) = Account::shop();
    let offer = account.offer(
        OfferFields {
            name: Some("Ten percent".into()),
            reward_kind: Some(RewardKind::OrderPercentOff),
            reward_value: Some(dec("10")),
            ..Default::default()
        },
        shop.channel,
    );
    let code = account.code(shop.member, shop.channel, &[offer]);
    let before = account.state.clone();
    let plan = evaluate(
        &account.state,
        &pos(shop.store, &[&code], vec![line("a", "X", 3, "3.33")]),
        account.now,
    )
    .unwrap();
    assert_eq!(plan.evaluation.total_discount, dec("1.00"));
    assert_eq!(plan.applications.len(), 1);
    assert_eq!(account.state, before);
}

/// A manufacturer's item set serves an offer as any set does: its items are the ones rewarded,
/// and a basket without one of them is not eligible.
#[test]
fn a_manufacturer_item_set_rewards_its_items() {
    let (mut account, shop) = Account::shop();
    let acme = ManufacturerId(created(&account.ok(create_manufacturer("Acme"))));
    let chips = ItemId(created(&account.ok(Command::CreateItem {
        fields: ItemFields {
            name: Some("Chips".into()),
            code: Some("CHIPS".into()),
            manufacturer_id: Some(acme),
            ..Default::default()
        },
    })));
    let set = ItemSetId(created(&account.ok(Command::CreateItemSet {
        fields: ItemSetFields {
            name: Some("Acme snacks".into()),
            item_ids: Some(vec![chips]),
            manufacturer_id: Some(acme),
            ..Default::default()
        },
    })));
    let offer = account.offer(
        OfferFields {
            name: Some("Half off Acme".into()),
            reward_kind: Some(RewardKind::ItemPercentOff),
            reward_value: Some(dec("50")),
            redemption_item_set_id: Some(set),
            ..Default::default()
        },
        shop.channel,
    );
    account.ok(Command::AddOfferEligibility {
        offer_id: offer,
        dimension: EligibilityDimension::ItemSets,
        ids: vec![set.0],
    });
    let code = account.code(shop.member, shop.channel, &[offer]);
    let basket = vec![line("1", "CHIPS", 2, "3.00"), line("2", "X", 1, "10.00")];
    let plan = evaluate(
        &account.state,
        &pos(shop.store, &[&code], basket),
        account.now,
    )
    .unwrap();
    assert_eq!(plan.evaluation.total_discount, dec("3.00"));
    assert_eq!(plan.evaluation.lines[0].discount, dec("3.00"));
    let without = pos(shop.store, &[&code], vec![line("2", "X", 1, "10.00")]);
    assert_eq!(
        evaluate(&account.state, &without, account.now).unwrap_err(),
        DomainError::BasketNotEligible {
            offer_name: "Half off Acme".into()
        }
    );
}

/// A reservation holds an offer's only redemption until it is confirmed (the code redeemed,
/// the capacity kept), cancelled (both given back) or lapses: past its expiry it holds nothing,
/// even before the expiry is recorded, so another code takes the capacity in that window.
/// Fails if lapsed reservations count against limits until `ExpireDue` records them.
#[test]
fn reservations_hold_then_confirm_cancel_or_lapse() {
    let (mut account, shop, offer) = Account::shop_with_offer(
        "One",
        OfferFields {
            max_redemptions: Some(1),
            ..Default::default()
        },
    );
    let (first, first_code) = account.credential(shop.member, shop.channel, &[offer]);
    let second_member = account.member("m2");
    let (second, second_code) = account.credential(second_member, shop.channel, &[offer]);

    // A reservation holds the only redemption.
    let held = account.reserve(shop.store, &first_code, 30);
    assert_eq!(
        account.state.credential(first.id).unwrap().status,
        CredentialStatus::Locked
    );
    let error = account.error(redeem(shop.store, &second_code));
    assert!(
        matches!(
            error,
            DomainError::LimitReached {
                limit: LimitKind::Total,
                ..
            }
        ),
        "{error}"
    );

    // Cancelled: the capacity and the code come back.
    account.ok(Command::CancelReservation {
        redemption_id: held,
    });
    assert_eq!(
        account.state.credential(first.id).unwrap().status,
        CredentialStatus::Open
    );
    assert_eq!(
        account.state.redemption(held).unwrap().status,
        RedemptionStatus::Cancelled
    );

    // Lapsed: capacity is free at once, even before the expiry is recorded.
    let lapsing = account.reserve(shop.store, &first_code, 30);
    account.advance(Duration::seconds(31));
    let error = account.error(Command::ConfirmReservation {
        redemption_id: lapsing,
    });
    assert_eq!(
        error,
        DomainError::ReservationExpired {
            redemption_id: lapsing
        }
    );
    // In that window (the lapse not recorded yet) the other member's code takes the only
    // redemption; cancelled, it gives it back for what follows.
    assert_eq!(
        account.state.redemption(lapsing).unwrap().status,
        RedemptionStatus::Reserved
    );
    let in_window = account.reserve(shop.store, &second_code, 30);
    assert_eq!(
        account.state.credential(second.id).unwrap().status,
        CredentialStatus::Locked
    );
    assert_eq!(
        account.state.redemption(lapsing).unwrap().status,
        RedemptionStatus::Reserved,
        "the lapse is still unrecorded"
    );
    account.ok(Command::CancelReservation {
        redemption_id: in_window,
    });
    let expired = account.ok(Command::ExpireDue);
    assert!(matches!(expired[0].kind, EventKind::ReservationExpired(_)));
    assert_eq!(
        account.state.credential(first.id).unwrap().status,
        CredentialStatus::Open
    );

    // Confirmed: the code is redeemed and the capacity stays taken.
    let confirmed = account.reserve(shop.store, &first_code, 30);
    account.ok(Command::ConfirmReservation {
        redemption_id: confirmed,
    });
    assert_eq!(
        account.state.credential(first.id).unwrap().status,
        CredentialStatus::Redeemed
    );
    let error = account.error(redeem(shop.store, &second_code));
    assert!(matches!(error, DomainError::LimitReached { .. }));
    let error = account.error(Command::ConfirmReservation {
        redemption_id: confirmed,
    });
    assert!(matches!(error, DomainError::WrongStatus { .. }));
}

#[test]
fn void_reopens_and_reverse_closes_both_giving_limits_back() {
    let (mut account, shop, offer) = Account::shop_with_offer(
        "One",
        OfferFields {
            max_redemptions_per_member: Some(1),
            ..Default::default()
        },
    );
    let (credential, code) = account.credential(shop.member, shop.channel, &[offer]);

    let redeemed = account.redeem(shop.store, &code);
    account.ok(Command::VoidRedemption {
        redemption_id: redeemed,
    });
    assert_eq!(
        account.state.credential(credential.id).unwrap().status,
        CredentialStatus::Open
    );

    let again = account.redeem(shop.store, &code);
    account.ok(Command::ReverseRedemption {
        redemption_id: again,
    });
    assert_eq!(
        account.state.credential(credential.id).unwrap().status,
        CredentialStatus::Reversed
    );
    let error = account.error(redeem(shop.store, &code));
    assert!(matches!(error, DomainError::CredentialNotRedeemable { .. }));
    let error = account.error(Command::ReverseRedemption {
        redemption_id: again,
    });
    assert!(matches!(error, DomainError::WrongStatus { .. }));

    // The member's limit was given back: a new credential can be issued and redeemed.
    let fresh = account.code(shop.member, shop.channel, &[offer]);
    account.redeem(shop.store, &fresh);
}

#[test]
fn short_numeric_codes_need_a_lifetime_and_expire() {
    let mut account = Account::new();
    let member = account.member("m");
    let numeric = CodeFormat::Numeric { digits: 4 };
    let error = account.error(Command::CreateChannel {
        fields: ChannelFields {
            name: Some("Kiosk".into()),
            code_format: Some(numeric),
            ..Default::default()
        },
    });
    assert!(
        error
            .to_string()
            .starts_with("Code lifetime is required with numeric codes"),
        "{error}"
    );
    let channel = account.channel(ChannelFields {
        name: Some("Kiosk".into()),
        code_format: Some(numeric),
        code_lifetime: Some(300),
        ..Default::default()
    });
    let offer = account.dollar_off("Kiosk Dollar", channel, OfferFields::default());
    let (credential, code) = account.credential(member, channel, &[offer]);
    assert_eq!(code.len(), 4);
    assert!(code.bytes().all(|byte| byte.is_ascii_digit()));
    assert_eq!(
        credential.expires_at,
        Some(account.now + Duration::seconds(300))
    );
    account.advance(Duration::seconds(301));
    let merchant = account.merchant("M");
    let store = account.store(merchant, "S");
    let error = account.error(redeem(store, &code));
    assert_eq!(
        error,
        DomainError::CredentialNotRedeemable {
            credential_id: credential.id,
            status: "expired".into()
        }
    );
    let expired = account.ok(Command::ExpireDue);
    assert!(matches!(expired[0].kind, EventKind::CredentialExpired(_)));
    assert!(account.ok(Command::ExpireDue).is_empty());
}

#[test]
fn idempotency_keys_answer_repeats_and_refuse_other_requests() {
    let (mut account, shop, offer) = Account::shop_with_offer("Dollar", OfferFields::default());
    let code = account.code(shop.member, shop.channel, &[offer]);
    let request = redeem(shop.store, &code);
    let first = account.decide(request.clone(), Some("txn-1")).unwrap();
    let Decision::Accepted(events) = &first else {
        panic!("{first:?}")
    };
    let recorded = account.events.len();
    let repeat = account.decide(request, Some("txn-1")).unwrap();
    assert_eq!(repeat, Decision::Repeated(events.clone()));
    assert_eq!(account.events.len(), recorded);
    let other = Command::Redeem {
        request: pos(shop.store, &[&code], vec![line("1", "X", 2, "1.00")]),
    };
    assert_eq!(
        account.decide(other, Some("txn-1")),
        Err(DomainError::IdempotencyKeyReused)
    );
    // Forgotten after the retention window: the key is decided afresh.
    account.advance(Duration::hours(25));
    account.member("later");
    assert!(account.state.idempotency().recall("txn-1").is_none());
}

#[test]
fn oversized_annotations_are_refused() {
    use domain::command::CredentialRequest;
    use domain::credential::AnnotationValue;
    let mut account = Account::new();
    let member = account.member("m");
    let channel = account.named_channel("App");
    let mut request = CredentialRequest {
        member_id: Some(member),
        channel_id: Some(channel),
        ..Default::default()
    };
    request.annotations.insert(
        "conv_ids".into(),
        AnnotationValue::Map([("click".to_string(), "x".repeat(1_001))].into()),
    );
    let error = account.error(Command::IssueCredential {
        request: request.clone(),
    });
    assert!(
        error
            .to_string()
            .starts_with("Annotations must have at most 50 entries"),
        "{error}"
    );
    request.annotations.insert(
        "conv_ids".into(),
        AnnotationValue::Map([("click".to_string(), "abc".to_string())].into()),
    );
    account.ok(Command::IssueCredential { request });
}
