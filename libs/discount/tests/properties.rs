//! Properties of `evaluate` over generated baskets and offers of every reward kind (the
//! generators are in `common/cases.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cases::case;
use discount::{Basket, Evaluation, OfferOutcome, Reward};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn all_decimals(e: &Evaluation) -> Vec<Decimal> {
    let mut all = vec![e.subtotal, e.total_discount];
    all.extend(e.offers.iter().map(|o| o.discount));
    for line in &e.lines {
        all.extend([line.line_total, line.discount]);
        all.extend(line.allocations.iter().map(|a| a.amount));
    }
    all
}

proptest! {
    #[test]
    fn line_discounts_are_bounded_and_fully_allocated(case in case()) {
        let (_, e) = case.run_identity();
        for line in &e.lines {
            prop_assert!(line.discount >= Decimal::ZERO && line.discount <= line.line_total);
            let allocated: Decimal = line.allocations.iter().map(|a| a.amount).sum();
            prop_assert_eq!(allocated, line.discount);
            prop_assert!(line.allocations.iter().all(|a| a.amount > Decimal::ZERO));
        }
    }

    #[test]
    fn totals_agree(case in case()) {
        let (_, e) = case.run_identity();
        let by_lines: Decimal = e.lines.iter().map(|l| l.discount).sum();
        let by_offers: Decimal = e.offers.iter().map(|o| o.discount).sum();
        let line_totals: Decimal = e.lines.iter().map(|l| l.line_total).sum();
        prop_assert_eq!(by_lines, e.total_discount);
        prop_assert_eq!(by_offers, e.total_discount);
        prop_assert_eq!(line_totals, e.subtotal);
        prop_assert_eq!(e.offers.iter().map(|o| o.points).sum::<u64>(), e.total_points);
    }

    #[test]
    fn order_of_lines_and_offers_changes_nothing(case in case()) {
        let (_, e) = case.run_identity();
        let (shuffled, s) = case.run(&case.line_order, &case.offer_order);
        prop_assert_eq!(&s.offers, &e.offers);
        prop_assert_eq!(
            (s.subtotal, s.total_discount, s.total_points),
            (e.subtotal, e.total_discount, e.total_points)
        );
        for line in &s.lines {
            let same = e.lines.iter().find(|l| l.line_id == line.line_id).unwrap();
            prop_assert_eq!(line, same);
        }
        let ids: Vec<&str> = s.lines.iter().map(|l| l.line_id.as_str()).collect();
        let basket_ids: Vec<&str> = shuffled.lines.iter().map(|l| l.line_id.as_str()).collect();
        prop_assert_eq!(ids, basket_ids);
    }

    #[test]
    fn max_amount_caps_and_unmet_min_spend_gives_nothing(case in case()) {
        let (_, e) = case.run_identity();
        let sets = case.sets();
        for input in case.inputs(&sets, &case.identity().1) {
            let result = e.offers.iter().find(|o| o.offer_id == input.offer_id).unwrap();
            if let Some(max) = input.max_amount {
                prop_assert!(result.discount <= max);
            }
            let unmet = input.min_spend.is_some_and(|min| min > e.subtotal);
            prop_assert_eq!(result.outcome == OfferOutcome::MinSpendNotMet, unmet);
            if unmet {
                prop_assert_eq!((result.discount, result.points), (Decimal::ZERO, 0));
            }
            let points_only = matches!(input.reward, Reward::PointsOnly);
            prop_assert_eq!(
                result.outcome == OfferOutcome::Applied,
                !unmet && (points_only || result.discount > Decimal::ZERO)
            );
            let earned = if result.outcome == OfferOutcome::Applied { input.points } else { 0 };
            prop_assert_eq!(result.points, earned);
        }
    }

    #[test]
    fn rewarded_units_respect_the_offer_limits(case in case()) {
        let (basket, e) = case.run_identity();
        let sets = case.sets();
        for input in case.inputs(&sets, &case.identity().1) {
            let result = e.offers.iter().find(|o| o.offer_id == input.offer_id).unwrap();
            match input.reward {
                Reward::BuyGet { required, required_count, reward_count, .. } => {
                    let bought: u32 = basket
                        .lines
                        .iter()
                        .filter(|l| required.contains(&l.item_code))
                        .map(|l| l.quantity)
                        .sum();
                    prop_assert!(result.units_rewarded <= bought / required_count * reward_count);
                }
                Reward::Items { target, max_units, .. } => {
                    let qualifying: u32 = basket
                        .lines
                        .iter()
                        .filter(|l| target.contains(&l.item_code))
                        .map(|l| l.quantity)
                        .sum();
                    prop_assert!(result.units_rewarded <= qualifying);
                    if let Some(max) = max_units {
                        prop_assert!(result.units_rewarded <= max);
                    }
                }
                _ => prop_assert_eq!(result.units_rewarded, 0),
            }
        }
    }

    #[test]
    fn every_amount_has_the_currency_scale(case in case()) {
        let (_, e) = case.run_identity();
        for value in all_decimals(&e) {
            prop_assert_eq!(value.scale(), case.minor_units);
        }
    }

    #[test]
    fn basket_and_evaluation_roundtrip_through_json(case in case()) {
        let (basket, e) = case.run_identity();
        let json = serde_json::to_string(&basket).unwrap();
        prop_assert_eq!(serde_json::from_str::<Basket>(&json).unwrap(), basket);
        let json = serde_json::to_string(&e).unwrap();
        let back: Evaluation = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &e);
        for (a, b) in all_decimals(&back).iter().zip(all_decimals(&e)) {
            prop_assert_eq!(a.scale(), b.scale());
        }
    }
}
