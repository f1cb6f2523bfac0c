//! Stacking rules with hand-computed figures (USD): priorities, exclusive offers and the cap on
//! the number of offers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::num::NonZeroU32;

use common::{basket, dec, discounts, eval, eval_with, offer, offer_result};
use discount::{
    Basket, Currency, Evaluation, ItemSet, OfferInput, OfferOutcome, Reward, Stacking,
    StackingRules, UnitDiscount,
};

fn ranked(o: OfferInput<'_>, priority: i32) -> OfferInput<'_> {
    OfferInput {
        stacking: Stacking {
            priority,
            ..o.stacking
        },
        ..o
    }
}

fn exclusive(o: OfferInput<'_>) -> OfferInput<'_> {
    OfferInput {
        stacking: Stacking {
            exclusive: true,
            ..o.stacking
        },
        ..o
    }
}

fn with_points(o: OfferInput<'_>, points: u64) -> OfferInput<'_> {
    OfferInput { points, ..o }
}

fn cap(max_offers: u32) -> StackingRules {
    StackingRules {
        max_offers: NonZeroU32::new(max_offers),
    }
}

fn eval_capped(b: &Basket, offers: &[OfferInput<'_>], max_offers: u32) -> Evaluation {
    eval_with(b, offers, Currency::USD, cap(max_offers))
}

/// `(offer_id, outcome)` of every offer, in the evaluation's order.
fn outcomes(e: &Evaluation) -> Vec<(u64, OfferOutcome)> {
    e.offers.iter().map(|o| (o.offer_id, o.outcome)).collect()
}

/// Every offer that is not `Applied` gives nothing.
fn assert_left_out_give_nothing(e: &Evaluation) {
    for o in e
        .offers
        .iter()
        .filter(|o| o.outcome != OfferOutcome::Applied)
    {
        assert_eq!(
            (o.discount.to_string(), o.points, o.units_rewarded),
            ("0.00".to_owned(), 0, 0),
            "offer {}",
            o.offer_id
        );
    }
}

/// Two x at 10.00 and one y at 20.00.
fn two_lines() -> Basket {
    basket(&[("a", "x", 2, "10.00"), ("b", "y", 1, "20.00")])
}

fn half_off(target: &ItemSet) -> Reward<'_> {
    Reward::Items {
        target,
        unit: UnitDiscount::PercentOff(dec("50")),
        max_units: None,
    }
}

#[test]
fn priority_orders_the_offers_within_a_group() {
    let b = basket(&[("a", "x", 1, "10.00")]);
    let x = ItemSet::new(["x"]);
    let eight_off = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::AmountOff(dec("8")),
            max_units: None,
        },
    );
    let half = offer(2, half_off(&x));
    // By offer_id: 8.00 off, then half of 10.00 capped at the 2.00 left.
    let e = eval(&b, &[eight_off, half]);
    let amounts: Vec<String> = e.offers.iter().map(|o| o.discount.to_string()).collect();
    assert_eq!(
        (outcomes(&e)[0].0, amounts),
        (1, vec!["8.00".into(), "2.00".into()])
    );
    // Offer 2 ranked first: half off (5.00), then 8.00 off capped at the 5.00 left.
    let e = eval(&b, &[eight_off, ranked(half, 1)]);
    let ids: Vec<u64> = e.offers.iter().map(|o| o.offer_id).collect();
    assert_eq!(ids, [2, 1]);
    assert_eq!(offer_result(&e, 2).discount.to_string(), "5.00");
    assert_eq!(offer_result(&e, 1).discount.to_string(), "5.00");
    // Item-level offers still come before order-level ones, whatever the priorities.
    let order = ranked(offer(0, Reward::OrderAmountOff(dec("1"))), 9);
    let e = eval(&b, &[order, eight_off]);
    let ids: Vec<u64> = e.offers.iter().map(|o| o.offer_id).collect();
    assert_eq!(ids, [1, 0]);
}

#[test]
fn an_exclusive_offer_that_applies_applies_alone() {
    let b = two_lines();
    let x = ItemSet::new(["x"]);
    let half_x = with_points(offer(1, half_off(&x)), 3);
    let ten_pct = with_points(exclusive(offer(2, Reward::OrderPercentOff(dec("10")))), 7);
    let bonus = with_points(offer(3, Reward::PointsOnly), 10);
    let e = eval(&b, &[bonus, ten_pct, half_x]);
    assert_eq!(
        outcomes(&e),
        [
            (1, OfferOutcome::Excluded),
            (2, OfferOutcome::Applied),
            (3, OfferOutcome::Excluded)
        ]
    );
    // 10% of 40.00, spread 20:20.
    assert_eq!(discounts(&e), ["2.00", "2.00"]);
    assert_eq!(
        (e.total_discount.to_string(), e.total_points),
        ("4.00".into(), 7)
    );
    assert_left_out_give_nothing(&e);
    let alone = eval(&b, &[ten_pct]);
    assert_eq!(e.lines, alone.lines);
    assert_eq!(offer_result(&e, 2), offer_result(&alone, 2));
}

#[test]
fn of_two_exclusive_offers_that_apply_the_higher_priority_wins() {
    let b = two_lines();
    let x = ItemSet::new(["x"]);
    let five_off = exclusive(offer(1, Reward::OrderAmountOff(dec("5"))));
    let free_x = exclusive(offer(
        2,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::Free,
            max_units: None,
        },
    ));
    // Equal priorities: the lower offer_id wins.
    let e = eval(&b, &[free_x, five_off]);
    assert_eq!(
        outcomes(&e),
        [(2, OfferOutcome::Excluded), (1, OfferOutcome::Applied)]
    );
    assert_eq!(discounts(&e), ["2.50", "2.50"]);
    // Offer 2 ranked higher wins although its id is higher.
    let e = eval(&b, &[ranked(free_x, 1), five_off]);
    assert_eq!(
        outcomes(&e),
        [(2, OfferOutcome::Applied), (1, OfferOutcome::Excluded)]
    );
    assert_eq!(discounts(&e), ["20.00", "0.00"]);
    assert_left_out_give_nothing(&e);
    // And offer 1 again when it is ranked higher still.
    let e = eval(&b, &[ranked(free_x, 1), ranked(five_off, 2)]);
    assert_eq!(offer_result(&e, 1).outcome, OfferOutcome::Applied);
    assert_eq!(offer_result(&e, 2).outcome, OfferOutcome::Excluded);
}

#[test]
fn an_exclusive_offer_that_does_not_apply_lets_the_others_apply() {
    let b = two_lines();
    let x = ItemSet::new(["x"]);
    let z = ItemSet::new(["z"]);
    let mut big_spender = exclusive(offer(1, Reward::OrderPercentOff(dec("50"))));
    big_spender.min_spend = Some(dec("100"));
    big_spender.stacking.priority = 5;
    let nothing = exclusive(offer(4, half_off(&z)));
    let half_x = offer(2, half_off(&x));
    let five_off = offer(3, Reward::OrderAmountOff(dec("5")));
    let e = eval(&b, &[big_spender, nothing, half_x, five_off]);
    assert_eq!(
        outcomes(&e),
        [
            (2, OfferOutcome::Applied),
            (4, OfferOutcome::NothingToDiscount),
            (1, OfferOutcome::MinSpendNotMet),
            (3, OfferOutcome::Applied)
        ]
    );
    // Half off a's 20.00, then 5.00 over the 10.00 and 20.00 left: 1.67 and 3.33.
    assert_eq!(discounts(&e), ["11.67", "3.33"]);
    assert_left_out_give_nothing(&e);
    let without = eval(&b, &[half_x, five_off]);
    assert_eq!(e.lines, without.lines);
    assert_eq!(e.total_discount, without.total_discount);
}

/// An exclusive offer is judged alone: buy one x get one at 2.00 rewards a (1.00), no
/// discount, so it does not apply; after offer 1 made a free it would reward b (5.00), yet it
/// stays out and offer 1 applies without it.
#[test]
fn an_exclusive_offer_is_judged_alone_not_after_the_others() {
    let b = basket(&[("a", "x", 1, "1.00"), ("b", "x", 2, "5.00")]);
    let x = ItemSet::new(["x"]);
    let cheapest_free = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::Free,
            max_units: Some(1),
        },
    );
    let at_two = Reward::BuyGet {
        required: &x,
        required_count: 1,
        target: &x,
        reward_count: 1,
        unit: UnitDiscount::FixedPrice(dec("2")),
        max_rounds: None,
    };
    let e = eval(&b, &[cheapest_free, exclusive(offer(2, at_two))]);
    assert_eq!(
        outcomes(&e),
        [
            (1, OfferOutcome::Applied),
            (2, OfferOutcome::NothingToDiscount)
        ]
    );
    assert_eq!(discounts(&e), ["1.00", "0.00"]);
    // Not exclusive, it applies after offer 1.
    let e = eval(&b, &[cheapest_free, offer(2, at_two)]);
    assert_eq!(discounts(&e), ["1.00", "3.00"]);
}

/// Three offers ranked 2 (order-level, priority 2), 3 (points-only, 1), 1 (item-level, 0).
#[test]
fn a_cap_keeps_the_best_ranked_offers() {
    let b = two_lines();
    let x = ItemSet::new(["x"]);
    let half_x = offer(1, half_off(&x));
    let five_off = ranked(offer(2, Reward::OrderAmountOff(dec("5"))), 2);
    let bonus = ranked(with_points(offer(3, Reward::PointsOnly), 10), 1);
    let offers = [half_x, five_off, bonus];

    let e = eval_capped(&b, &offers, 1);
    assert_eq!(
        outcomes(&e),
        [
            (1, OfferOutcome::CapReached),
            (2, OfferOutcome::Applied),
            (3, OfferOutcome::CapReached)
        ]
    );
    assert_eq!(discounts(&e), ["2.50", "2.50"]);
    assert_eq!(e.total_points, 0);
    assert_left_out_give_nothing(&e);

    let e = eval_capped(&b, &offers, 2);
    assert_eq!(
        outcomes(&e),
        [
            (1, OfferOutcome::CapReached),
            (2, OfferOutcome::Applied),
            (3, OfferOutcome::Applied)
        ]
    );
    assert_eq!(discounts(&e), ["2.50", "2.50"]);
    assert_eq!(e.total_points, 10);

    let e = eval_capped(&b, &offers, 3);
    assert_eq!(e, eval(&b, &offers));
    assert_eq!(discounts(&e), ["11.67", "3.33"]);
}

#[test]
fn under_a_cap_an_offer_that_does_not_apply_takes_no_place() {
    let b = two_lines();
    let z = ItemSet::new(["z"]);
    let mut big_spender = ranked(offer(1, Reward::OrderPercentOff(dec("50"))), 9);
    big_spender.min_spend = Some(dec("100"));
    let nothing = ranked(offer(2, half_off(&z)), 8);
    let five_off = offer(3, Reward::OrderAmountOff(dec("5")));
    let one_off = offer(4, Reward::OrderAmountOff(dec("1")));
    let e = eval_capped(&b, &[big_spender, nothing, five_off, one_off], 1);
    assert_eq!(
        outcomes(&e),
        [
            (2, OfferOutcome::NothingToDiscount),
            (1, OfferOutcome::MinSpendNotMet),
            (3, OfferOutcome::Applied),
            (4, OfferOutcome::CapReached)
        ]
    );
    assert_eq!(e.total_discount.to_string(), "5.00");
}

/// Offer 1 is chosen first; offer 2, an item-level offer applied before it, would leave it
/// nothing, so offer 2 is excluded although the cap has room.
#[test]
fn under_a_cap_an_offer_that_would_take_a_chosen_one_away_is_excluded() {
    let b = basket(&[("a", "x", 1, "10.00")]);
    let x = ItemSet::new(["x"]);
    let five_off = ranked(offer(1, Reward::OrderAmountOff(dec("5"))), 5);
    let free_x = offer(
        2,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::Free,
            max_units: None,
        },
    );
    let e = eval_capped(&b, &[five_off, free_x], 2);
    assert_eq!(
        outcomes(&e),
        [(2, OfferOutcome::Excluded), (1, OfferOutcome::Applied)]
    );
    assert_eq!(discounts(&e), ["5.00"]);
    assert_left_out_give_nothing(&e);
    // Without a cap both are evaluated, and offer 1 finds nothing left.
    let e = eval(&b, &[five_off, free_x]);
    assert_eq!(
        outcomes(&e),
        [
            (2, OfferOutcome::Applied),
            (1, OfferOutcome::NothingToDiscount)
        ]
    );
}
