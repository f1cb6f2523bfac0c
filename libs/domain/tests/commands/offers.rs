//! CreateOffer, UpdateOffer, ApproveOffer, StopOffer, DeleteOffer, AddOfferEligibility and
//! RemoveOfferEligibility: an offer is created pending with checked terms, approved once,
//! stopped, deleted only while pending, and restricted to existing merchants, lists and sets.

use chrono::Duration;
use domain::event::OfferRef;
use domain::ids::{MerchantId, OfferId};
use domain::offer::{
    EligibilityDimension, Limits, Offer, OfferFields, OfferStatus, RewardKind, RewardTerms,
};
use domain::{Command, DomainError, EventKind};
use std::collections::BTreeSet;
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_dollar_off, created, dec, Shop};

/// The shop's history with a second offer, "Pending", not yet approved.
fn with_pending() -> (History, OfferId) {
    let (mut history, _) = History::shop(None);
    let offer = OfferId(created(&history.record(create_dollar_off("Pending", None))));
    (history, offer)
}

fn eligibility(offer: OfferId, merchant: MerchantId, add: bool) -> Command {
    let (dimension, ids) = (EligibilityDimension::Merchants, vec![merchant.0]);
    if add {
        Command::AddOfferEligibility {
            offer_id: offer,
            dimension,
            ids,
        }
    } else {
        Command::RemoveOfferEligibility {
            offer_id: offer,
            dimension,
            ids,
        }
    }
}

/// The shop's merchant.
fn merchant(history: &History, shop: &Shop) -> MerchantId {
    history.state().store(shop.store).unwrap().merchant_id
}

#[test]
fn a_new_offer_is_pending_with_its_terms() {
    let given = given(History::shop(None).0);
    let id = OfferId(given.next_id());
    let now = given.now();
    given
        .when(create_dollar_off("Dollar off twice", Some(2)))
        .then(vec![EventKind::OfferCreated(Box::new(Offer {
            id,
            name: "Dollar off twice".into(),
            description: None,
            merchant_id: None,
            status: OfferStatus::Pending,
            offer_type: 0,
            category: None,
            offer_code: None,
            pos_offer_code: None,
            terms_and_conditions: None,
            reward_item_description: None,
            activates_at: None,
            expires_at: None,
            stop_offering_at: None,
            limits: Limits {
                max_redemptions: Some(2),
                ..Limits::default()
            },
            reward: RewardTerms {
                kind: RewardKind::OrderAmountOff,
                value: Some(dec("1.00")),
                ..RewardTerms::default()
            },
            eligibility: Default::default(),
            formatting: Default::default(),
            program: Default::default(),
            approved_at: None,
            created_at: now,
            updated_at: now,
        }))]);
}

#[test]
fn an_offer_that_expires_before_it_activates_is_refused() {
    let (history, _) = History::shop(None);
    let now = history.now();
    given(history)
        .when(Command::CreateOffer {
            fields: OfferFields {
                name: Some("Backwards".into()),
                reward_kind: Some(RewardKind::OrderAmountOff),
                reward_value: Some(dec("1.00")),
                activates_at: Some(now),
                expires_at: Some(now - Duration::days(1)),
                ..Default::default()
            },
        })
        .then_error(DomainError::Invalid {
            field: "Expires at",
            reason: "must be after activates at".into(),
        });
}

#[test]
fn an_update_changes_only_the_terms_named() {
    let (history, shop) = History::shop(None);
    let given = given(history).after(Duration::minutes(5));
    let offer = given.state().offer(shop.offer).unwrap().clone();
    let now = given.now();
    given
        .when(Command::UpdateOffer {
            offer_id: shop.offer,
            fields: OfferFields {
                reward_value: Some(dec("2.00")),
                max_redemptions_per_member: Some(1),
                ..Default::default()
            },
        })
        .then(vec![EventKind::OfferUpdated(Box::new(Offer {
            reward: RewardTerms {
                value: Some(dec("2.00")),
                ..offer.reward.clone()
            },
            limits: Limits {
                max_redemptions_per_member: Some(1),
                ..offer.limits.clone()
            },
            updated_at: now,
            ..offer
        }))]);
}

#[test]
fn a_limit_of_zero_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::UpdateOffer {
            offer_id: shop.offer,
            fields: OfferFields {
                max_redemptions: Some(0),
                ..Default::default()
            },
        })
        .then_error(DomainError::Invalid {
            field: "Max redemptions",
            reason: "must be greater than 0".into(),
        });
}

#[test]
fn approving_a_pending_offer_records_it() {
    let (history, offer) = with_pending();
    given(history)
        .when(Command::ApproveOffer { offer_id: offer })
        .then(vec![EventKind::OfferApproved(OfferRef { offer_id: offer })]);
}

/// Fails if approving twice records a second approval (mutation checked: the `Approved` arm
/// of `decide::offer::approve` answering with `OfferApproved` like `Pending`).
#[test]
fn approving_an_approved_offer_emits_nothing() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::ApproveOffer {
            offer_id: shop.offer,
        })
        .then_nothing();
}

#[test]
fn a_stopped_offer_cannot_be_approved() {
    let (mut history, shop) = History::shop(None);
    history.record(Command::StopOffer {
        offer_id: shop.offer,
    });
    given(history)
        .when(Command::ApproveOffer {
            offer_id: shop.offer,
        })
        .then_error(DomainError::WrongStatus {
            resource: "Offer",
            action: "approved",
            status: "stopped".into(),
        });
}

#[test]
fn stopping_an_offer_records_it() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::StopOffer {
            offer_id: shop.offer,
        })
        .then(vec![EventKind::OfferStopped(OfferRef {
            offer_id: shop.offer,
        })]);
}

#[test]
fn an_unknown_offer_cannot_be_stopped() {
    given(History::shop(None).0)
        .when(Command::StopOffer {
            offer_id: OfferId(999),
        })
        .then_error(DomainError::NotFound { resource: "Offer" });
}

#[test]
fn a_pending_offer_can_be_deleted() {
    let (history, offer) = with_pending();
    given(history)
        .when(Command::DeleteOffer { offer_id: offer })
        .then(vec![EventKind::OfferDeleted(OfferRef { offer_id: offer })]);
}

#[test]
fn an_approved_offer_cannot_be_deleted() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::DeleteOffer {
            offer_id: shop.offer,
        })
        .then_error(DomainError::WrongStatus {
            resource: "Offer",
            action: "deleted",
            status: "approved".into(),
        });
}

#[test]
fn restricting_an_offer_to_a_merchant_updates_its_eligibility() {
    let (history, shop) = History::shop(None);
    let merchant = merchant(&history, &shop);
    let given = given(history).after(Duration::minutes(5));
    let mut offer = given.state().offer(shop.offer).unwrap().clone();
    offer.eligibility.merchant_ids = BTreeSet::from([merchant]);
    offer.updated_at = given.now();
    given
        .when(eligibility(shop.offer, merchant, true))
        .then(vec![EventKind::OfferUpdated(Box::new(offer))]);
}

#[test]
fn an_unknown_merchant_cannot_restrict_an_offer() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(eligibility(shop.offer, MerchantId(999), true))
        .then_error(DomainError::NotFound {
            resource: "Merchant",
        });
}

#[test]
fn lifting_a_restriction_updates_the_eligibility() {
    let (mut history, shop) = History::shop(None);
    let merchant = merchant(&history, &shop);
    history.record(eligibility(shop.offer, merchant, true));
    let given = given(history).after(Duration::minutes(5));
    let mut offer = given.state().offer(shop.offer).unwrap().clone();
    offer.eligibility.merchant_ids.clear();
    offer.updated_at = given.now();
    given
        .when(eligibility(shop.offer, merchant, false))
        .then(vec![EventKind::OfferUpdated(Box::new(offer))]);
}

#[test]
fn lifting_a_restriction_the_offer_does_not_have_emits_nothing() {
    let (history, shop) = History::shop(None);
    let merchant = merchant(&history, &shop);
    given(history)
        .when(eligibility(shop.offer, merchant, false))
        .then_nothing();
}
