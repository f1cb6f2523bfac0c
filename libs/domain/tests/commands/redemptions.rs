//! Redeem, VoidRedemption and ReverseRedemption: a code is redeemed once against a basket
//! with the discount engine's answer recorded, within every limit of its offer; a keyed retry
//! gets the first answer and emits nothing; a committed redemption is voided or reversed once;
//! a redemption without a store is recorded only for an offer every store may redeem.

use chrono::Duration;
use domain::catalog::{ListFields, MerchantFields, StoreFields};
use domain::event::RedemptionRef;
use domain::ids::{CredentialId, RedemptionId, StoreListId};
use domain::offer::{EligibilityDimension, OfferFields};
use domain::{Command, DomainError, EventKind, LimitKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{created, line, pos, redeem, reserve, Shop};

use super::{credential, recorded};

/// The shop's history with the limit `limit` sets, and two credentials of its member: the
/// history, the shop, and the second credential's code once the first is redeemed.
fn second_code_after_one_redemption(limit: fn(&Shop) -> Command) -> (History, Shop, String) {
    let (mut history, shop) = History::shop(None);
    history.record(limit(&shop));
    let (_, first) = credential(&mut history, &shop);
    let (_, second) = credential(&mut history, &shop);
    history.record(redeem(shop.store, &first));
    (history, shop, second)
}

/// Changes the terms of the shop's offer to `terms`.
fn terms(shop: &Shop, terms: OfferFields) -> Command {
    Command::UpdateOffer {
        offer_id: shop.offer,
        fields: terms,
    }
}

/// Allows the shop's offer once a day per member.
fn once_a_day(shop: &Shop) -> Command {
    terms(
        shop,
        OfferFields {
            max_redemptions_per_member_per_day: Some(1),
            ..Default::default()
        },
    )
}

/// The shop's history with a credential: the history, the shop, the credential and its code.
fn with_code() -> (History, Shop, CredentialId, String) {
    let (mut history, shop) = History::shop(None);
    let (credential, code) = credential(&mut history, &shop);
    (history, shop, credential, code)
}

/// The shop's history with a redeemed credential: the history, the shop, the redemption.
fn redeemed() -> (History, Shop, RedemptionId) {
    let (mut history, shop, _, code) = with_code();
    let redemption = RedemptionId(created(&history.record(redeem(shop.store, &code))));
    (history, shop, redemption)
}

/// The event of redemption `id` of `credential` at the shop.
fn committed(id: u64, shop: &Shop, credential: CredentialId) -> Vec<EventKind> {
    vec![EventKind::RedemptionCommitted(recorded(
        id, shop, credential, None,
    ))]
}

fn limit_reached(limit: LimitKind) -> DomainError {
    DomainError::LimitReached {
        offer_name: "Dollar off".into(),
        limit,
    }
}

#[test]
fn redeeming_a_code_records_the_discount_of_every_line() {
    let (history, shop, credential, code) = with_code();
    let given = given(history);
    let id = given.next_id();
    given
        .when(redeem(shop.store, &code))
        .then(committed(id, &shop, credential));
}

#[test]
fn an_unknown_code_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(redeem(shop.store, "NOPE"))
        .then_error(DomainError::CodeNotValid {
            code: "NOPE".into(),
        });
}

#[test]
fn a_redeemed_code_cannot_be_redeemed_again() {
    let (mut history, shop, credential, code) = with_code();
    history.record(redeem(shop.store, &code));
    given(history).when(redeem(shop.store, &code)).then_error(
        DomainError::CredentialNotRedeemable {
            credential_id: credential,
            status: "redeemed".into(),
        },
    );
}

/// Fails if a limit lets one redemption too many through (mutation checked: `count >= max`
/// made `count > max` in `redemption::limits::reached`).
#[test]
fn the_total_limit_refuses_the_redemption_past_it() {
    let (history, shop, second) = second_code_after_one_redemption(|shop| {
        terms(
            shop,
            OfferFields {
                max_redemptions: Some(1),
                ..Default::default()
            },
        )
    });
    given(history)
        .when(redeem(shop.store, &second))
        .then_error(limit_reached(LimitKind::Total));
}

#[test]
fn the_per_member_limit_refuses_the_redemption_past_it() {
    let (history, shop, second) = second_code_after_one_redemption(|shop| {
        terms(
            shop,
            OfferFields {
                max_redemptions_per_member: Some(1),
                ..Default::default()
            },
        )
    });
    given(history)
        .when(redeem(shop.store, &second))
        .then_error(limit_reached(LimitKind::PerMember));
}

#[test]
fn the_daily_limit_refuses_a_second_redemption_the_same_day() {
    let (history, shop, second) = second_code_after_one_redemption(once_a_day);
    given(history)
        .after(Duration::hours(8))
        .when(redeem(shop.store, &second))
        .then_error(limit_reached(LimitKind::PerMemberPerDay));
}

#[test]
fn the_daily_limit_allows_a_redemption_the_next_day() {
    let (history, shop, second) = second_code_after_one_redemption(once_a_day);
    let second_credential = history.state().credential_id_by_code(&second).unwrap();
    let given = given(history).after(Duration::hours(9));
    let id = given.next_id();
    given
        .when(redeem(shop.store, &second))
        .then(committed(id, &shop, second_credential));
}

/// Allows the shop's offer once on the shop's channel.
fn once_on_the_channel(shop: &Shop) -> Command {
    Command::SetOfferChannelCap {
        offer_id: shop.offer,
        channel_id: shop.channel,
        max_redemptions: Some(1),
    }
}

#[test]
fn the_channel_cap_refuses_the_redemption_past_it() {
    let (history, shop, second) = second_code_after_one_redemption(once_on_the_channel);
    given(history)
        .when(redeem(shop.store, &second))
        .then_error(limit_reached(LimitKind::PerChannel));
}

/// A reservation past its expiry holds none of its channel's cap, even before `ExpireDue`
/// records the lapse: another code on the channel is redeemed in that window. Fails if a
/// lapse gives the cap back only to other channels (mutation checked:
/// `other.channel_id == like.channel_id` made `!=` in `redemption::usage::Counts::shared`).
#[test]
fn a_lapsed_reservation_holds_none_of_its_channel_cap() {
    let (mut history, shop) = History::shop(None);
    history.record(once_on_the_channel(&shop));
    let (_, first) = credential(&mut history, &shop);
    let (second_credential, second) = credential(&mut history, &shop);
    history.record(reserve(shop.store, &first, 30));
    let given = given(history).after(Duration::seconds(30));
    let id = given.next_id();
    given
        .when(redeem(shop.store, &second))
        .then(committed(id, &shop, second_credential));
}

#[test]
fn a_keyed_redemption_is_stamped_with_its_key() {
    let (history, shop, credential, code) = with_code();
    let given = given(history);
    let id = given.next_id();
    given
        .when_keyed(redeem(shop.store, &code), "till-7/tx-1")
        .then(committed(id, &shop, credential));
}

#[test]
fn a_retry_with_the_same_key_gets_the_first_answer_and_emits_nothing() {
    let (mut history, shop, _, code) = with_code();
    let first = history.record_keyed(redeem(shop.store, &code), "till-7/tx-1");
    given(history)
        .after(Duration::minutes(1))
        .when_keyed(redeem(shop.store, &code), "till-7/tx-1")
        .then_repeats(&first);
}

/// Fails if a key is answered from memory whatever the request (mutation checked: the
/// fingerprint comparison in `decide::decide` replaced by `true`).
#[test]
fn the_same_key_with_another_basket_is_refused() {
    let (mut history, shop, _, code) = with_code();
    history.record_keyed(redeem(shop.store, &code), "till-7/tx-1");
    let other_basket = Command::Redeem {
        request: pos(shop.store, &[&code], vec![line("1", "X", 2, "10.00")]),
    };
    given(history)
        .when_keyed(other_basket, "till-7/tx-1")
        .then_error(DomainError::IdempotencyKeyReused);
}

#[test]
fn voiding_a_redemption_records_it() {
    let (history, _, redemption) = redeemed();
    given(history)
        .when(Command::VoidRedemption {
            redemption_id: redemption,
        })
        .then(vec![EventKind::RedemptionVoided(RedemptionRef {
            redemption_id: redemption,
        })]);
}

#[test]
fn a_voided_redemption_cannot_be_voided_again() {
    let (mut history, _, redemption) = redeemed();
    let void = Command::VoidRedemption {
        redemption_id: redemption,
    };
    history.record(void.clone());
    given(history)
        .when(void)
        .then_error(DomainError::WrongStatus {
            resource: "Redemption",
            action: "voided",
            status: "voided".into(),
        });
}

#[test]
fn reversing_a_redemption_records_it() {
    let (history, _, redemption) = redeemed();
    given(history)
        .when(Command::ReverseRedemption {
            redemption_id: redemption,
        })
        .then(vec![EventKind::RedemptionReversed(RedemptionRef {
            redemption_id: redemption,
        })]);
}

#[test]
fn an_unknown_redemption_cannot_be_reversed() {
    given(History::shop(None).0)
        .when(Command::ReverseRedemption {
            redemption_id: RedemptionId(999),
        })
        .then_error(DomainError::NotFound {
            resource: "Redemption",
        });
}

#[test]
fn a_code_voided_back_can_be_redeemed_again() {
    let (mut history, shop, credential, code) = with_code();
    let first = RedemptionId(created(&history.record(redeem(shop.store, &code))));
    history.record(Command::VoidRedemption {
        redemption_id: first,
    });
    let given = given(history);
    let id = given.next_id();
    given
        .when(redeem(shop.store, &code))
        .then(committed(id, &shop, credential));
}

/// The shop's offer restricted to a store list holding the shop's store.
fn restricted_to_a_store_list(history: &mut History, shop: &Shop) {
    let list = created(&history.record(Command::CreateStoreList {
        merchant_id: None,
        fields: ListFields {
            name: Some("Downtown".into()),
        },
    }));
    history.record(Command::AddStoresToList {
        store_list_id: StoreListId(list),
        store_ids: vec![shop.store],
    });
    history.record(Command::AddOfferEligibility {
        offer_id: shop.offer,
        dimension: EligibilityDimension::StoreLists,
        ids: vec![list],
    });
}

/// A redemption by credential id away from any store, for an offer every store may redeem,
/// is recorded without a store. Mutation: `plan` refusing every request without a store
/// (`None => Err(Blank)` without the restriction check) fails it.
#[test]
fn a_code_is_redeemed_without_a_store_when_its_offer_allows_every_store() {
    let (history, shop, credential, code) = with_code();
    let given = given(history);
    let id = given.next_id();
    let mut request = pos(shop.store, &[&code], vec![]);
    request.store_id = None;
    let mut expected = recorded(id, &shop, credential, None);
    expected.store_id = None;
    given
        .when(Command::Redeem { request })
        .then(vec![EventKind::RedemptionCommitted(expected)]);
}

/// Only a store can show it is on an offer's store list: without one the redemption is
/// refused as the seed words a missing store. Mutation: dropping the `restricts_stores`
/// arm of `check_offer` fails it.
#[test]
fn an_offer_restricted_to_a_store_list_refuses_a_redemption_without_a_store() {
    let (mut history, shop, _, code) = with_code();
    restricted_to_a_store_list(&mut history, &shop);
    let mut request = pos(shop.store, &[&code], vec![]);
    request.store_id = None;
    given(history)
        .when(Command::Redeem { request })
        .then_error(DomainError::Blank { field: "Store" });
}

#[test]
fn an_offer_restricted_to_a_store_list_is_redeemed_at_a_store_on_it() {
    let (mut history, shop, credential, code) = with_code();
    restricted_to_a_store_list(&mut history, &shop);
    let given = given(history);
    let id = given.next_id();
    given
        .when(redeem(shop.store, &code))
        .then(committed(id, &shop, credential));
}

/// The shop's history with a credential, once `change` is recorded.
fn with_code_after(change: fn(&Shop) -> Command) -> (History, Shop, String) {
    let (mut history, shop, _, code) = with_code();
    history.record(change(&shop));
    (history, shop, code)
}

fn store_not_eligible() -> DomainError {
    DomainError::StoreNotEligible {
        offer_name: "Dollar off".into(),
    }
}

/// Fails if `store_eligible` stops reading the store's or the merchant's `is_active`.
#[test]
fn an_inactive_store_and_the_stores_of_an_inactive_merchant_redeem_nothing() {
    let closings: [fn(&Shop) -> Command; 2] = [
        |shop| Command::UpdateStore {
            store_id: shop.store,
            fields: StoreFields {
                is_active: Some(false),
                ..Default::default()
            },
        },
        |shop| Command::UpdateMerchant {
            merchant_id: shop.merchant,
            fields: MerchantFields {
                is_active: Some(false),
                ..Default::default()
            },
        },
    ];
    for closing in closings {
        let (history, shop, code) = with_code_after(closing);
        given(history)
            .when(redeem(shop.store, &code))
            .then_error(store_not_eligible());
    }
}

#[test]
fn a_store_active_again_redeems_again() {
    let (mut history, shop, code) = with_code_after(|shop| Command::UpdateStore {
        store_id: shop.store,
        fields: StoreFields {
            is_active: Some(false),
            ..Default::default()
        },
    });
    history.record(Command::UpdateStore {
        store_id: shop.store,
        fields: StoreFields {
            is_active: Some(true),
            ..Default::default()
        },
    });
    let when = given(history).when(redeem(shop.store, &code));
    assert!(matches!(
        when.emitted().first().map(|event| &event.kind),
        Some(EventKind::RedemptionCommitted(_))
    ));
}
