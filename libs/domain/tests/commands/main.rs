//! Every command family of `domain::Command` in given / when / then form: given the events of
//! the shared shop (and what a test adds to them), when one command is decided, then exactly
//! these events are emitted, or exactly this refusal (and nothing is emitted). One module per
//! family; the helpers here are the few the families share.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod api_keys;
mod bulk_jobs;
mod campaigns;
mod channels;
mod check_ins;
mod credential_changes;
mod credentials;
mod erasure;
mod expiry;
mod impressions;
mod item_set_rules;
mod item_sets;
mod items;
mod manufacturers;
mod member_lists;
mod members;
mod merchants;
mod offer_channels;
mod offers;
mod plain;
mod points;
mod pos_offer_codes;
mod redemptions;
mod reservations;
mod schedules;
mod store_lists;
mod stores;
mod wallet;
mod zidentifiers;

use discount::{Allocation, Evaluation, LineResult, OfferOutcome, OfferResult};
use domain::event::{Lazy, RecordedRedemption, RedeemedOffer};
use domain::ids::{CredentialId, OfferId, RedemptionId};
use testkit::fixtures::scenario::History;
use testkit::fixtures::{created, dec, issue, issued_code, Shop};

/// Records a credential of the shop's member for its offer: its id and code.
fn credential(history: &mut History, shop: &Shop) -> (CredentialId, String) {
    let events = history.record(issue(shop.member, shop.channel, shop.offer));
    (CredentialId(created(&events)), issued_code(&events))
}

/// What the discount engine answers for "$1.00 off the order" `offer` on the default basket
/// of `fixtures::pos` (one $10.00 line "1").
fn dollar_off_ten(offer: OfferId) -> Lazy<Evaluation> {
    Lazy::new(Evaluation {
        lines: vec![LineResult {
            line_id: "1".into(),
            line_total: dec("10.00"),
            discount: dec("1.00"),
            allocations: vec![Allocation {
                offer_id: offer.0,
                amount: dec("1.00"),
            }],
        }],
        offers: vec![OfferResult {
            offer_id: offer.0,
            outcome: OfferOutcome::Applied,
            discount: dec("1.00"),
            points: 0,
            units_rewarded: 0,
        }],
        subtotal: dec("10.00"),
        total_discount: dec("1.00"),
        total_points: 0,
    })
}

/// The record of redemption `id` of the shop's offer on `credential`'s default basket at the
/// shop's store (a reservation when it `expires_at`).
fn recorded(
    id: u64,
    shop: &Shop,
    credential: CredentialId,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
) -> RecordedRedemption {
    RecordedRedemption {
        redemption_id: RedemptionId(id),
        store_id: Some(shop.store),
        expires_at,
        offers: vec![RedeemedOffer {
            credential_id: credential,
            offer_id: shop.offer,
        }],
        evaluation: dollar_off_ten(shop.offer),
    }
}
