//! The idempotency memory's bounds (retention and capacity) and the stability of the request
//! fingerprint stored in every keyed event.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{DateTime, Duration, Utc};
use domain::catalog::{ItemFields, ItemSetFields, MemberFields};
use domain::event::MemberRef;
use domain::idempotency::{fingerprint, IdempotencyMemory, IdempotencyStamp, CAPACITY, RETENTION};
use domain::ids::{ItemId, ManufacturerId, MemberId, MerchantId, StoreId};
use domain::{Command, Event, EventKind};
use support::{line, pos, start};

/// An event of `key` (with a fingerprint of its own) at `at`; unkeyed with `None`.
fn event(key: Option<&str>, at: DateTime<Utc>) -> Event {
    Event {
        occurred_at: at,
        idempotency: key.map(|key| IdempotencyStamp {
            key: key.to_owned(),
            fingerprint: 7,
        }),
        kind: EventKind::MemberDeleted(MemberRef {
            member_id: MemberId(1),
        }),
    }
}

/// Fails if the memory keeps more than `CAPACITY` keys, or forgets a newer key before the
/// oldest (e.g. `order.pop_back()` instead of `pop_front()`).
#[test]
fn past_capacity_the_oldest_key_is_forgotten_first() {
    let mut memory = IdempotencyMemory::default();
    let at = start();
    for n in 0..=CAPACITY {
        memory.record(&event(Some(&format!("key-{n}")), at));
    }
    assert_eq!(memory.len(), CAPACITY);
    assert!(memory.recall("key-0").is_none(), "the oldest key is gone");
    assert!(memory.recall("key-1").is_some());
    assert!(memory.recall(&format!("key-{CAPACITY}")).is_some());
}

/// Fails if a key outlives its retention, or is forgotten before it (e.g. `>=` for `>` in
/// `forget_before`, or a retention of 23 hours).
#[test]
fn a_key_is_remembered_for_exactly_its_retention() {
    let mut memory = IdempotencyMemory::default();
    let at = start();
    memory.record(&event(Some("first"), at));
    memory.record(&event(None, at + RETENTION - Duration::seconds(1)));
    assert!(
        memory.recall("first").is_some(),
        "one second before the end"
    );
    memory.record(&event(None, at + RETENTION));
    assert!(memory.recall("first").is_none(), "gone at the end");
    assert!(memory.is_empty());
}

/// Fails if a change to a request type's fields or derived `Hash`, or to the hasher, changes
/// the fingerprint of an unchanged request: every keyed event stores it, so a retry after an
/// upgrade would then be refused with 409 instead of answered with its first outcome. A
/// deliberate change needs an upcast of the stored stamps, and new pinned values here.
#[test]
fn request_fingerprints_are_pinned() {
    let member = Command::CreateMember {
        fields: MemberFields {
            identifier: Some("alice".into()),
            notification_mode: None,
        },
    };
    let redeem = Command::Redeem {
        request: pos(
            StoreId(3),
            &["ABC-123"],
            vec![
                line("1", "BURGER", 2, "5.50"),
                line("2", "FRIES", 1, "2.00"),
            ],
        ),
    };
    assert_eq!(fingerprint(&member), 8_704_921_103_074_459_744);
    assert_eq!(fingerprint(&redeem), 317_282_954_969_879_697);
    let item_set = Command::CreateItemSet {
        fields: ItemSetFields {
            name: Some("Burgers".into()),
            merchant_id: Some(MerchantId(2)),
            item_ids: Some(vec![ItemId(3), ItemId(4)]),
            set_type: Some(0),
            manufacturer_id: None,
        },
    };
    let item = Command::CreateItem {
        fields: ItemFields {
            name: Some("Burger".into()),
            code: Some("B-1".into()),
            merchant_id: Some(MerchantId(2)),
            manufacturer_id: Some(ManufacturerId(5)),
        },
    };
    assert_eq!(fingerprint(&item_set), 14_116_843_527_807_285_912);
    assert_eq!(fingerprint(&item), 18_077_115_051_809_776_246);
    // The last variant before this pin: a variant inserted before it changes its value.
    let campaign = Command::DeleteCampaign {
        campaign_id: domain::ids::CampaignId(5),
    };
    assert_eq!(fingerprint(&campaign), 61_050_827_283_109_152);
}

/// Fields added to a request after its first fingerprints hash nothing while absent, so a
/// retry sent across the upgrade that added them still matches its first request. The pinned
/// values are the fingerprints the code before those fields gave (offers before formatting,
/// program fields and reward options; credentials before reusable, printable and the other
/// changes; accounts before the basket cap); each fails when a field is hashed while absent.
#[test]
fn fields_added_later_keep_old_fingerprints() {
    use domain::account::AccountFields;
    use domain::command::CredentialRequest;
    use domain::ids::{ChannelId, CredentialId, OfferId};
    use domain::offer::{OfferFields, RewardKind};

    let offer = Command::CreateOffer {
        fields: OfferFields {
            name: Some("Ten off".into()),
            reward_kind: Some(RewardKind::OrderPercentOff),
            reward_value: Some(rust_decimal::Decimal::TEN),
            max_redemptions: Some(5),
            ..OfferFields::default()
        },
    };
    let issue = Command::IssueCredential {
        request: CredentialRequest {
            member_id: Some(MemberId(3)),
            channel_id: Some(ChannelId(4)),
            offer_ids: vec![OfferId(5)],
            code_lifetime: Some(60),
            ..CredentialRequest::default()
        },
    };
    let update = Command::UpdateCredential {
        credential_id: CredentialId(7),
        channel_id: Some(ChannelId(4)),
        offer_ids: vec![OfferId(5), OfferId(6)],
        changes: Default::default(),
    };
    let account = Command::UpdateAccount {
        fields: AccountFields {
            name: Some("Q".into()),
            enable_callbacks: Some(true),
            ..AccountFields::default()
        },
    };
    assert_eq!(fingerprint(&offer), 2_427_124_622_452_803_857);
    assert_eq!(fingerprint(&issue), 953_637_139_643_207_277);
    assert_eq!(fingerprint(&update), 10_159_060_786_571_367_679);
    assert_eq!(fingerprint(&account), 7_871_639_460_148_030_193);
    let reusable = Command::IssueCredential {
        request: CredentialRequest {
            reusable: Some(true),
            ..CredentialRequest::default()
        },
    };
    let plain = Command::IssueCredential {
        request: CredentialRequest::default(),
    };
    assert_ne!(
        fingerprint(&reusable),
        fingerprint(&plain),
        "a given field counts"
    );
}
