//! Properties of the reward options (rounds cap, order spread) and of the stacking rules, over
//! the generated cases of `common/cases.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use common::cases::{case, case_with_options, case_with_rules, Case, OfferOptions, RewardSpec};
use common::check;
use discount::{
    evaluate, Currency, Evaluation, OfferOutcome, OrderSpread, Stacking, StackingRules,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Evaluates `case` (lines and offers in their generated order) and checks the invariants.
fn run(case: &Case) -> Evaluation {
    let (_, e) = case.run_identity();
    check(&e, Currency::new(case.minor_units));
    e
}

/// `case` with every offer's options changed by `change`.
fn with_options(case: &Case, change: impl Fn(&mut OfferOptions)) -> Case {
    let mut case = case.clone();
    for (_, offer) in &mut case.offers {
        change(&mut offer.options);
    }
    case
}

/// `case` with every offer spread by `spread`.
fn spread_by(case: &Case, spread: OrderSpread) -> Case {
    with_options(case, |options| options.spread = spread)
}

fn is_order_level(reward: &RewardSpec) -> bool {
    matches!(
        reward,
        RewardSpec::OrderAmountOff(_) | RewardSpec::OrderPercentOff(_)
    )
}

fn is_item_level(reward: &RewardSpec) -> bool {
    matches!(reward, RewardSpec::Items { .. } | RewardSpec::BuyGet { .. })
}

/// Units of the basket whose item is in `codes`.
fn units_in(case: &Case, codes: &BTreeSet<usize>) -> u32 {
    case.lines
        .iter()
        .filter(|&&(_, code, _, _)| codes.contains(&code))
        .map(|&(_, _, quantity, _)| quantity)
        .sum()
}

/// Each line's allocation of `offer_id` (zero when none).
fn allocations_of(e: &Evaluation, offer_id: u64) -> Vec<Decimal> {
    e.lines
        .iter()
        .map(|line| {
            line.allocations
                .iter()
                .filter(|a| a.offer_id == offer_id)
                .map(|a| a.amount)
                .sum()
        })
        .collect()
}

/// The outcome of every offer.
fn outcome_of(e: &Evaluation) -> BTreeMap<u64, OfferOutcome> {
    e.offers.iter().map(|o| (o.offer_id, o.outcome)).collect()
}

/// `e` with every offer id mapped through `ids`.
fn renamed(mut e: Evaluation, ids: &BTreeMap<u64, u64>) -> Evaluation {
    for offer in &mut e.offers {
        offer.offer_id = ids[&offer.offer_id];
    }
    for line in &mut e.lines {
        for allocation in &mut line.allocations {
            allocation.offer_id = ids[&allocation.offer_id];
        }
    }
    e
}

proptest! {
    #[test]
    fn a_rounds_cap_bounds_the_rewarded_units(case in case_with_rules()) {
        let e = run(&case);
        for (offer_id, spec) in &case.offers {
            if let (RewardSpec::BuyGet { m, .. }, Some(max_rounds)) =
                (&spec.reward, spec.options.max_rounds)
            {
                let result = e.offers.iter().find(|o| o.offer_id == *offer_id).unwrap();
                prop_assert!(result.units_rewarded <= max_rounds * m);
            }
        }
    }

    /// Caps of 1, 2, ... on one buy-get offer: the units grow with the cap and stay within
    /// `cap * M`; once a cap gives the uncapped result every larger cap does, and a cap of
    /// `floor(required units / N)` (at least the rounds done) always does.
    #[test]
    fn a_rounds_cap_at_or_above_the_rounds_done_changes_nothing(case in case()) {
        let Some(index) = case
            .offers
            .iter()
            .position(|(_, spec)| matches!(spec.reward, RewardSpec::BuyGet { .. }))
        else {
            return Ok(());
        };
        let (offer_id, spec) = case.offers[index].clone();
        let RewardSpec::BuyGet { required, n, m, .. } = &spec.reward else {
            unreachable!()
        };
        let uncapped = run(&case);
        let bound = (units_in(&case, required) / n).max(1);
        let caps: Vec<u32> = (1..=bound.min(24)).chain([bound, bound + 1, bound + 7]).collect();
        let mut previous_units = 0;
        let mut reached = false;
        for cap in caps {
            let mut capped = case.clone();
            capped.offers[index].1.options.max_rounds = Some(cap);
            let e = run(&capped);
            let units = e.offers.iter().find(|o| o.offer_id == offer_id).unwrap().units_rewarded;
            prop_assert!(units <= cap * m);
            prop_assert!(units >= previous_units);
            previous_units = units;
            if reached || cap >= bound {
                prop_assert_eq!(&e, &uncapped, "cap {}", cap);
            }
            reached = e == uncapped;
        }
    }

    /// The spread changes the split only: every offer's outcome and total are the same, each
    /// offer's parts add up to its total, and no line goes below zero.
    #[test]
    fn both_spreads_give_every_offer_the_same_total(case in case_with_rules()) {
        let after = run(&spread_by(&case, OrderSpread::AfterItemDiscounts));
        let before = run(&spread_by(&case, OrderSpread::BeforeItemDiscounts));
        prop_assert_eq!(&before.offers, &after.offers);
        prop_assert_eq!(before.total_discount, after.total_discount);
        for e in [&after, &before] {
            for offer in &e.offers {
                let parts: Decimal = allocations_of(e, offer.offer_id).iter().sum();
                prop_assert_eq!(parts, offer.discount);
            }
            for line in &e.lines {
                prop_assert!(line.discount >= Decimal::ZERO && line.discount <= line.line_total);
            }
        }
    }

    /// With no item-level offer, the first order-level offer that applies meets the lines
    /// untouched, so both spreads split it the same on every line; when it is the only one,
    /// every line is the same. (A later order-level offer meets the first one's discounts, so
    /// there the spreads may differ.)
    #[test]
    fn without_item_offers_the_first_order_offer_is_spread_the_same(case in case_with_rules()) {
        let mut case = case;
        case.offers.retain(|(_, spec)| !is_item_level(&spec.reward));
        case.offer_order = (0..case.offers.len()).collect();
        let after = run(&spread_by(&case, OrderSpread::AfterItemDiscounts));
        let before = run(&spread_by(&case, OrderSpread::BeforeItemDiscounts));
        let order_level: BTreeMap<u64, bool> = case
            .offers
            .iter()
            .map(|(id, spec)| (*id, is_order_level(&spec.reward)))
            .collect();
        let applied: Vec<u64> = after
            .offers
            .iter()
            .filter(|o| order_level[&o.offer_id] && o.outcome == OfferOutcome::Applied)
            .map(|o| o.offer_id)
            .collect();
        if let Some(&first) = applied.first() {
            prop_assert_eq!(allocations_of(&before, first), allocations_of(&after, first));
        }
        if applied.len() <= 1 {
            prop_assert_eq!(&before, &after);
        }
    }

    #[test]
    fn a_cap_of_k_applies_at_most_k_offers(case in case_with_rules()) {
        let e = run(&case);
        let applied = e.offers.iter().filter(|o| o.outcome == OfferOutcome::Applied).count();
        if let Some(k) = case.rules.max_offers {
            prop_assert!(applied <= k.get() as usize);
        }
        let exclusive = case.offers.iter().any(|(_, spec)| spec.options.stacking.exclusive);
        for offer in &e.offers {
            if offer.outcome != OfferOutcome::Applied {
                prop_assert_eq!(
                    (offer.discount, offer.points, offer.units_rewarded),
                    (Decimal::ZERO, 0, 0)
                );
            }
            if offer.outcome == OfferOutcome::CapReached {
                prop_assert!(case.rules.max_offers.is_some());
            }
            if offer.outcome == OfferOutcome::Excluded {
                prop_assert!(exclusive || case.rules.max_offers.is_some());
            }
        }
    }

    /// Under a cap with no exclusive winner, every non-exclusive offer's outcome is explained
    /// by the offers applied before it in rank order (the ones chosen when it was considered):
    /// evaluated with them, it applies and keeps them all applied when it is `Applied`, it
    /// applies but takes one away when `Excluded`, it has the same outcome when it is
    /// `MinSpendNotMet` or `NothingToDiscount`, and `k` of them applied when `CapReached`.
    #[test]
    fn a_cap_chooses_greedily_in_rank_order(case in case_with_rules()) {
        let Some(k) = case.rules.max_offers else {
            return Ok(());
        };
        let e = run(&case);
        let outcomes = outcome_of(&e);
        let exclusive = |id: u64| {
            case.offers.iter().any(|(other, spec)| *other == id && spec.options.stacking.exclusive)
        };
        if e.offers.iter().any(|o| exclusive(o.offer_id) && o.outcome == OfferOutcome::Applied) {
            return Ok(());
        }
        let mut ranked: Vec<(i32, u64, usize)> = case
            .offers
            .iter()
            .enumerate()
            .filter(|(_, (_, spec))| !spec.options.stacking.exclusive)
            .map(|(index, (id, spec))| (spec.options.stacking.priority, *id, index))
            .collect();
        ranked.sort_by_key(|&(priority, id, _)| (Reverse(priority), id));
        let mut chosen: Vec<usize> = Vec::new();
        for &(_, id, index) in &ranked {
            let outcome = outcomes[&id];
            if outcome == OfferOutcome::CapReached {
                prop_assert_eq!(chosen.len(), k.get() as usize);
                continue;
            }
            let mut trial = case.clone();
            trial.offers = chosen.iter().chain([&index]).map(|&i| case.offers[i].clone()).collect();
            trial.offer_order = (0..trial.offers.len()).collect();
            trial.rules = StackingRules::default();
            let t = outcome_of(&run(&trial));
            let kept = chosen.iter().all(|&i| t[&case.offers[i].0] == OfferOutcome::Applied);
            match outcome {
                OfferOutcome::Applied => {
                    prop_assert!(chosen.len() < k.get() as usize);
                    prop_assert!(kept && t[&id] == OfferOutcome::Applied);
                    chosen.push(index);
                }
                OfferOutcome::Excluded => {
                    prop_assert!(!kept && t[&id] == OfferOutcome::Applied);
                }
                other => prop_assert_eq!(t[&id], other),
            }
        }
    }

    /// When an exclusive offer applies on its own, the best ranked such offer is the only one
    /// applied, and the evaluation is its evaluation alone, every other offer `Excluded`.
    #[test]
    fn an_exclusive_offer_that_applies_is_evaluated_alone(case in case_with_rules()) {
        let e = run(&case);
        let basket = case.basket(&case.identity().0);
        let sets = case.sets();
        let inputs = case.inputs(&sets, &case.identity().1);
        let currency = Currency::new(case.minor_units);
        let mut exclusive: Vec<_> = inputs.iter().filter(|o| o.stacking.exclusive).collect();
        exclusive.sort_by_key(|o| (Reverse(o.stacking.priority), o.offer_id));
        let winner = exclusive.into_iter().find_map(|offer| {
            let alone = evaluate(&basket, &[*offer], currency, StackingRules::default()).unwrap();
            (alone.offers[0].outcome == OfferOutcome::Applied).then_some((offer.offer_id, alone))
        });
        let Some((winner, alone)) = winner else {
            return Ok(());
        };
        let applied: Vec<u64> = e
            .offers
            .iter()
            .filter(|o| o.outcome == OfferOutcome::Applied)
            .map(|o| o.offer_id)
            .collect();
        prop_assert_eq!(applied, vec![winner]);
        prop_assert_eq!(&e.lines, &alone.lines);
        prop_assert_eq!(
            (e.subtotal, e.total_discount, e.total_points),
            (alone.subtotal, alone.total_discount, alone.total_points)
        );
        for offer in &e.offers {
            if offer.offer_id == winner {
                prop_assert_eq!(offer, &alone.offers[0]);
            } else {
                prop_assert_eq!(offer.outcome, OfferOutcome::Excluded);
            }
        }
        prop_assert_eq!(e.offers.len(), case.offers.len());
    }

    /// With no exclusive offer and no cap, equal priorities (whatever their value) give the
    /// legacy result, and distinct ones only reorder: the result is the legacy result of the
    /// same offers renamed so that ascending ids follow the ranks.
    #[test]
    fn without_exclusive_offers_or_a_cap_priorities_only_reorder(
        case in case_with_options(),
        uniform in -5i32..=5,
    ) {
        let case = with_options(&case, |options| options.stacking.exclusive = false);
        let legacy = run(&with_options(&case, |options| options.stacking = Stacking::default()));
        let equal = run(&with_options(&case, |options| options.stacking.priority = uniform));
        prop_assert_eq!(&equal, &legacy);

        let e = run(&case);
        let mut ranked: Vec<(i32, u64)> = case
            .offers
            .iter()
            .map(|(id, spec)| (spec.options.stacking.priority, *id))
            .collect();
        ranked.sort_by_key(|&(priority, id)| (Reverse(priority), id));
        let mut ids: Vec<u64> = ranked.iter().map(|&(_, id)| id).collect();
        ids.sort_unstable();
        let to_new: BTreeMap<u64, u64> =
            ranked.iter().zip(&ids).map(|(&(_, old), &new)| (old, new)).collect();
        let to_old: BTreeMap<u64, u64> = to_new.iter().map(|(&old, &new)| (new, old)).collect();
        let mut renamed_case = with_options(&case, |options| options.stacking = Stacking::default());
        for (id, _) in &mut renamed_case.offers {
            *id = to_new[id];
        }
        prop_assert_eq!(renamed(run(&renamed_case), &to_old), e);
    }

    #[test]
    fn stacking_does_not_depend_on_the_order_of_lines_or_offers(case in case_with_rules()) {
        let (_, e) = case.run_identity();
        let (_, shuffled) = case.run(&case.line_order, &case.offer_order);
        prop_assert_eq!(&shuffled.offers, &e.offers);
        prop_assert_eq!(
            (shuffled.total_discount, shuffled.total_points),
            (e.total_discount, e.total_points)
        );
        for line in &shuffled.lines {
            let same = e.lines.iter().find(|l| l.line_id == line.line_id).unwrap();
            prop_assert_eq!(line, same);
        }
        prop_assert_eq!(outcome_of(&shuffled), outcome_of(&e));
    }
}
