//! Stacking rules of the reference model, by evaluating subsets of the offers.
//!
//! Rules implemented (crate docs, "Stacking"):
//! * offers are ranked by priority (higher first), then ascending `offer_id`;
//! * the exclusive offers, in rank order, are each evaluated alone; the first that applies is
//!   the whole answer, every other offer `Excluded`; otherwise each keeps its lone outcome and
//!   the non-exclusive offers are evaluated without them;
//! * with `max_offers = k`, the non-exclusive offers are taken in rank order: an offer is kept
//!   when the subset of the kept offers plus it gives it `Applied` and leaves every kept offer
//!   `Applied`; otherwise it is out with its outcome in that subset, or `Excluded` when it
//!   applied but took a kept offer away; once k are kept the rest are `CapReached`;
//! * the answer lists every offer in application order, those left out with zero amounts.

use std::collections::BTreeMap;

use discount::{Basket, Currency, OfferInput, OfferOutcome, StackingRules};

use super::arithmetic::zero;
use super::{application_order, evaluate_all, Answer, OfferAnswer};

/// Evaluates `offers` against `basket` under `rules`.
pub fn evaluate(
    basket: &Basket,
    offers: &[OfferInput<'_>],
    currency: Currency,
    rules: StackingRules,
) -> Answer {
    let mut ranked: Vec<&OfferInput<'_>> = offers.iter().collect();
    ranked.sort_by_key(|offer| (std::cmp::Reverse(offer.stacking.priority), offer.offer_id));
    let mut left_out: BTreeMap<u64, OfferOutcome> = BTreeMap::new();
    for offer in ranked.iter().filter(|offer| offer.stacking.exclusive) {
        let alone = evaluate_all(basket, &[offer], currency);
        let outcome = alone.offers[0].outcome;
        if outcome == OfferOutcome::Applied {
            let others = offers
                .iter()
                .filter(|other| other.offer_id != offer.offer_id)
                .map(|other| (other.offer_id, OfferOutcome::Excluded))
                .collect();
            return merge(alone, offers, &others);
        }
        left_out.insert(offer.offer_id, outcome);
    }
    let candidates: Vec<&OfferInput<'_>> = ranked
        .into_iter()
        .filter(|offer| !offer.stacking.exclusive)
        .collect();
    let kept = match rules.max_offers {
        None => candidates,
        Some(max_offers) => {
            let cap = max_offers.get() as usize;
            greedy(basket, &candidates, currency, cap, &mut left_out)
        }
    };
    merge(evaluate_all(basket, &kept, currency), offers, &left_out)
}

/// The candidates (in rank order) kept under a cap of `cap`; the others go to `left_out`.
fn greedy<'o, 'a>(
    basket: &Basket,
    candidates: &[&'o OfferInput<'a>],
    currency: Currency,
    cap: usize,
    left_out: &mut BTreeMap<u64, OfferOutcome>,
) -> Vec<&'o OfferInput<'a>> {
    let mut kept: Vec<&OfferInput<'_>> = Vec::new();
    for &offer in candidates {
        if kept.len() == cap {
            left_out.insert(offer.offer_id, OfferOutcome::CapReached);
            continue;
        }
        let mut trial = kept.clone();
        trial.push(offer);
        let answer = evaluate_all(basket, &trial, currency);
        let outcome_of = |id: u64| {
            answer
                .offers
                .iter()
                .find(|result| result.offer_id == id)
                .map(|result| result.outcome)
        };
        let own = outcome_of(offer.offer_id);
        let all_kept = kept
            .iter()
            .all(|other| outcome_of(other.offer_id) == Some(OfferOutcome::Applied));
        match own {
            Some(OfferOutcome::Applied) if all_kept => kept.push(offer),
            Some(OfferOutcome::Applied) => {
                left_out.insert(offer.offer_id, OfferOutcome::Excluded);
            }
            other => {
                left_out.insert(offer.offer_id, other.expect("every offer has an answer"));
            }
        }
    }
    kept
}

/// `answer` (for some of `offers`) completed with the offers in `left_out`, every offer in
/// application order.
fn merge(
    answer: Answer,
    offers: &[OfferInput<'_>],
    left_out: &BTreeMap<u64, OfferOutcome>,
) -> Answer {
    let mut ordered: Vec<&OfferInput<'_>> = offers.iter().collect();
    ordered.sort_by_key(|offer| application_order(offer));
    let offers = ordered
        .into_iter()
        .map(|offer| match left_out.get(&offer.offer_id) {
            Some(&outcome) => OfferAnswer {
                offer_id: offer.offer_id,
                outcome,
                discount: zero(),
                points: 0,
                units_rewarded: 0,
            },
            None => answer
                .offers
                .iter()
                .find(|result| result.offer_id == offer.offer_id)
                .cloned()
                .expect("an offer is either answered or left out"),
        })
        .collect();
    Answer { offers, ..answer }
}
