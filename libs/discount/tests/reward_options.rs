//! The reward options with hand-computed figures (USD): the cap on buy-N-get-M rounds and the
//! two ways an order-level discount is spread.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{basket, dec, discounts, eval, line, offer, offer_result};
use discount::{
    evaluate, Allocation, BasketError, Currency, ItemSet, OfferError, OfferInput, OfferOutcome,
    OrderSpread, Reward, StackingRules, UnitDiscount,
};

fn buy_two_a_get_one_b<'a>(a: &'a ItemSet, b: &'a ItemSet, max_rounds: Option<u32>) -> Reward<'a> {
    Reward::BuyGet {
        required: a,
        required_count: 2,
        target: b,
        reward_count: 1,
        unit: UnitDiscount::Free,
        max_rounds,
    }
}

fn spread_by(spread: OrderSpread, o: OfferInput<'_>) -> OfferInput<'_> {
    OfferInput { spread, ..o }
}

/// The example: buy 2 from A, get 1 from B free, on 6 A units and 3 B units.
#[test]
fn max_rounds_caps_the_rounds_of_a_buy_get() {
    let b = basket(&[("a", "A", 6, "5.00"), ("b", "B", 3, "2.00")]);
    let (a_set, b_set) = (ItemSet::new(["A"]), ItemSet::new(["B"]));
    let cases = [
        (None, 3, "6.00"),
        (Some(1), 1, "2.00"),
        (Some(2), 2, "4.00"),
        (Some(3), 3, "6.00"),
        (Some(50), 3, "6.00"),
    ];
    for (max_rounds, units, discount) in cases {
        let e = eval(
            &b,
            &[offer(1, buy_two_a_get_one_b(&a_set, &b_set, max_rounds))],
        );
        let r = offer_result(&e, 1);
        assert_eq!(r.units_rewarded, units, "max_rounds {max_rounds:?}");
        assert_eq!(
            r.discount.to_string(),
            discount,
            "max_rounds {max_rounds:?}"
        );
        assert_eq!(discounts(&e), ["0.00", discount]);
    }
}

/// A round counts even when it is made of units from several lines, and a short last round
/// counts as one.
#[test]
fn max_rounds_counts_rounds_not_units() {
    let shirts = ItemSet::new(["shirt"]);
    let buy_one_get_two = |max_rounds| Reward::BuyGet {
        required: &shirts,
        required_count: 1,
        target: &shirts,
        reward_count: 2,
        unit: UnitDiscount::PercentOff(dec("50")),
        max_rounds,
    };
    let b = basket(&[
        ("a", "shirt", 1, "40.00"),
        ("b", "shirt", 1, "30.00"),
        ("c", "shirt", 1, "20.00"),
        ("d", "shirt", 1, "10.00"),
        ("e", "shirt", 1, "8.00"),
    ]);
    // Round 1 buys a (40) and rewards e and d; round 2 buys b (30) and rewards c alone.
    let e = eval(&b, &[offer(1, buy_one_get_two(None))]);
    assert_eq!(discounts(&e), ["0.00", "0.00", "10.00", "5.00", "4.00"]);
    assert_eq!(offer_result(&e, 1).units_rewarded, 3);
    let e = eval(&b, &[offer(1, buy_one_get_two(Some(1)))]);
    assert_eq!(discounts(&e), ["0.00", "0.00", "0.00", "5.00", "4.00"]);
    assert_eq!(offer_result(&e, 1).units_rewarded, 2);
}

#[test]
fn max_rounds_of_zero_is_invalid() {
    let (a_set, b_set) = (ItemSet::new(["A"]), ItemSet::new(["B"]));
    let b = basket(&[("a", "A", 2, "1.00")]);
    let o = offer(9, buy_two_a_get_one_b(&a_set, &b_set, Some(0)));
    let e = evaluate(&b, &[o], Currency::USD, StackingRules::default()).unwrap_err();
    assert_eq!(
        e,
        BasketError::InvalidOffer {
            offer_id: 9,
            reason: OfferError::ZeroCount {
                field: "max_rounds"
            }
        }
    );
    assert_eq!(
        e.to_string(),
        "offer 9 is invalid: max_rounds is 0; it must be at least 1"
    );
}

/// After half off line a, $4 off the order: after item discounts the weights are the remaining
/// 5.00 and 30.00; before item discounts they are the line totals 10.00 and 30.00.
#[test]
fn the_two_spreads_split_one_total_differently() {
    let b = basket(&[("a", "x", 1, "10.00"), ("b", "y", 1, "30.00")]);
    let x = ItemSet::new(["x"]);
    let half_x = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::PercentOff(dec("50")),
            max_units: None,
        },
    );
    let four_off = offer(2, Reward::OrderAmountOff(dec("4")));

    // 400 * 500 / 3500 = 57.14 and 400 * 3000 / 3500 = 342.86: 57 and 342, the cent to b.
    let after = eval(&b, &[half_x, four_off]);
    assert_eq!(discounts(&after), ["5.57", "3.43"]);
    assert_eq!(
        line(&after, "a").allocations[1],
        Allocation {
            offer_id: 2,
            amount: dec("0.57")
        }
    );

    let before = eval(
        &b,
        &[
            half_x,
            spread_by(OrderSpread::BeforeItemDiscounts, four_off),
        ],
    );
    assert_eq!(discounts(&before), ["6.00", "3.00"]);
    assert_eq!(
        line(&before, "a").allocations[1],
        Allocation {
            offer_id: 2,
            amount: dec("1.00")
        }
    );
    assert_eq!(before.offers, after.offers);
    assert_eq!(offer_result(&before, 2).discount.to_string(), "4.00");
}

/// Before item discounts, a line's part is capped at what is left on it and the excess goes
/// to the other lines: 90% off a leaves 1.00 on it; $20 off by 10:30 would give it 5.00.
#[test]
fn the_before_spread_takes_no_line_below_zero() {
    let b = basket(&[("a", "x", 1, "10.00"), ("b", "y", 1, "30.00")]);
    let x = ItemSet::new(["x"]);
    let most_of_x = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::PercentOff(dec("90")),
            max_units: None,
        },
    );
    let twenty_off = offer(2, Reward::OrderAmountOff(dec("20")));
    let before = eval(
        &b,
        &[
            most_of_x,
            spread_by(OrderSpread::BeforeItemDiscounts, twenty_off),
        ],
    );
    assert_eq!(discounts(&before), ["10.00", "19.00"]);
    // After: 2000 by 100:3000 is 64.52 and 1935.48, the cent to a.
    let after = eval(&b, &[most_of_x, twenty_off]);
    assert_eq!(discounts(&after), ["9.65", "19.35"]);
    assert_eq!(before.total_discount, after.total_discount);
}

/// A line with nothing left takes no part of a before-discount spread; it is not given a part
/// and capped back: after a is made free, 0.02 off by 0:100:200 is 0.67 and 1.33 cents, the
/// extra cent to b (by 100:100:200 a would win it on the tie with b and pass it on to c).
#[test]
fn the_before_spread_skips_a_line_already_free() {
    let b = basket(&[
        ("a", "x", 1, "1.00"),
        ("b", "y", 1, "1.00"),
        ("c", "z", 1, "2.00"),
    ]);
    let x = ItemSet::new(["x"]);
    let free_x = offer(
        1,
        Reward::Items {
            target: &x,
            unit: UnitDiscount::Free,
            max_units: None,
        },
    );
    let two_cents = spread_by(
        OrderSpread::BeforeItemDiscounts,
        offer(2, Reward::OrderAmountOff(dec("0.02"))),
    );
    let e = eval(&b, &[free_x, two_cents]);
    assert_eq!(discounts(&e), ["1.00", "0.01", "0.01"]);
    assert_eq!(line(&e, "a").allocations.len(), 1);
}

/// A second order-level offer is also spread by the line totals, not by what the first left,
/// so the spreads differ even with no item-level offer: after 0.01 off line a, 0.03 off over
/// 0.02 and 0.03 left is 1.2 and 1.8 cents (the extra cent to b), over 3 and 3 it is 1.5 each
/// (the extra cent to a).
#[test]
fn a_second_order_offer_spreads_by_line_totals_too() {
    let b = basket(&[("a", "x", 1, "0.03"), ("b", "y", 1, "0.03")]);
    let first = offer(1, Reward::OrderAmountOff(dec("0.01")));
    let second = offer(2, Reward::OrderAmountOff(dec("0.03")));
    let after = eval(&b, &[first, second]);
    assert_eq!(discounts(&after), ["0.02", "0.02"]);
    let before = eval(
        &b,
        &[first, spread_by(OrderSpread::BeforeItemDiscounts, second)],
    );
    assert_eq!(discounts(&before), ["0.03", "0.01"]);
    assert_eq!(offer_result(&before, 2).outcome, OfferOutcome::Applied);
}
