//! Stacking rules: which of several offers meeting one basket are evaluated together.
//!
//! An offer's [`Stacking`] makes it exclusive and gives it a priority; the evaluation's
//! [`StackingRules`] cap the number of offers. Offers are ranked by priority (higher first),
//! then ascending `offer_id`. An exclusive offer that applies on its own wins alone; otherwise
//! the non-exclusive offers are chosen greedily in rank order up to the cap. The engine only
//! comes here when some offer is exclusive or a cap is set; without either, evaluation is the
//! single pass of [`crate::engine::pass`].

use std::cmp::Reverse;
use std::num::NonZeroU32;

use crate::engine::pass;
use crate::result::{Evaluation, OfferOutcome};
use crate::validate::{Line, Offer};

/// How one offer stacks with the others of an evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stacking {
    /// When it applies on its own, it applies alone and every other offer is
    /// [`OfferOutcome::Excluded`]; of several exclusive offers that apply, the best ranked
    /// wins.
    pub exclusive: bool,
    /// Rank among the offers: higher first (equal priorities by ascending `offer_id`). It
    /// orders the offers within each application group and decides which exclusive offer wins
    /// and which offers a cap keeps.
    pub priority: i32,
}

/// Rules for the whole evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct StackingRules {
    /// At most this many non-exclusive offers apply, chosen greedily in rank order; `None`
    /// puts no limit.
    pub max_offers: Option<NonZeroU32>,
}

/// Evaluates `offers` (validated, in application order) under the stacking rules.
pub(crate) fn evaluate(
    lines: &[Line<'_>],
    minor_units: u32,
    offers: &[Offer<'_>],
    rules: StackingRules,
) -> Evaluation {
    let ranked = rank(offers);
    let mut verdicts: Vec<Option<OfferOutcome>> = vec![None; offers.len()];
    for &index in ranked.iter().filter(|&&index| offers[index].exclusive) {
        let alone = pass(lines, minor_units, offers, |other| {
            (other != index).then_some(OfferOutcome::Excluded)
        });
        match alone.outcome(index) {
            Some(OfferOutcome::Applied) => return alone.finish(),
            outcome => verdicts[index] = outcome.or(Some(OfferOutcome::NothingToDiscount)),
        }
    }
    if let Some(max_offers) = rules.max_offers {
        let candidates = ranked.iter().copied().filter(|&i| !offers[i].exclusive);
        choose(
            lines,
            minor_units,
            offers,
            candidates,
            max_offers,
            &mut verdicts,
        );
    }
    pass(lines, minor_units, offers, |index| verdicts[index]).finish()
}

/// Indices of `offers` in rank order: higher priority first, then ascending `offer_id`.
fn rank(offers: &[Offer<'_>]) -> Vec<usize> {
    let mut ranked: Vec<usize> = (0..offers.len()).collect();
    ranked.sort_unstable_by_key(|&index| (Reverse(offers[index].priority), offers[index].id));
    ranked
}

/// Chooses at most `max_offers` of the `candidates` (in rank order) greedily: a candidate is
/// chosen when, evaluated with the offers already chosen, it applies and they all still apply.
/// Sets the verdict of every candidate: `None` when chosen, else the outcome it is reported
/// with (its outcome in the trial, `Excluded` when it would take a chosen offer away, or
/// `CapReached` when the cap was reached before it was considered).
fn choose(
    lines: &[Line<'_>],
    minor_units: u32,
    offers: &[Offer<'_>],
    candidates: impl Iterator<Item = usize> + Clone,
    max_offers: NonZeroU32,
    verdicts: &mut [Option<OfferOutcome>],
) {
    for index in candidates.clone() {
        verdicts[index] = Some(OfferOutcome::CapReached);
    }
    let mut chosen: Vec<usize> = Vec::new();
    for index in candidates {
        if chosen.len() >= max_offers.get() as usize {
            break;
        }
        verdicts[index] = None;
        let trial = pass(lines, minor_units, offers, |other| verdicts[other]);
        let own = trial.outcome(index);
        let kept = chosen
            .iter()
            .all(|&other| trial.outcome(other) == Some(OfferOutcome::Applied));
        verdicts[index] = match own {
            Some(OfferOutcome::Applied) if kept => {
                chosen.push(index);
                None
            }
            Some(OfferOutcome::Applied) => Some(OfferOutcome::Excluded),
            outcome => Some(outcome.unwrap_or(OfferOutcome::NothingToDiscount)),
        };
    }
}
