//! Properties of `evaluate` over generated baskets and offers of every reward kind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use discount::{
    evaluate, Basket, BasketLine, Currency, Evaluation, ItemSet, OfferInput, OfferOutcome, Reward,
    UnitDiscount,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

const CODES: [&str; 6] = ["apple", "bread", "cheese", "dates", "eggs", "figs"];

#[derive(Clone, Debug)]
enum UnitSpec {
    Free,
    AmountOff(i64),
    PercentOff(i64),
    FixedPrice(i64),
}

#[derive(Clone, Debug)]
enum RewardSpec {
    OrderAmountOff(i64),
    OrderPercentOff(i64),
    Items {
        target: BTreeSet<usize>,
        unit: UnitSpec,
        max_units: Option<u32>,
    },
    BuyGet {
        required: BTreeSet<usize>,
        n: u32,
        target: BTreeSet<usize>,
        m: u32,
        unit: UnitSpec,
    },
    PointsOnly,
}

#[derive(Clone, Debug)]
struct OfferSpec {
    reward: RewardSpec,
    min_spend: Option<i64>,
    max_amount: Option<i64>,
    points: u64,
}

/// A generated case: lines as (line id, code index, quantity, price in minor units), offers,
/// and permutations of both.
#[derive(Clone, Debug)]
struct Case {
    minor_units: u32,
    lines: Vec<(u16, usize, u32, i64)>,
    offers: Vec<(u64, OfferSpec)>,
    line_order: Vec<usize>,
    offer_order: Vec<usize>,
}

/// Unit prices in minor units, often equal so that ties are exercised.
fn price() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 0i64..=50_000,
        2 => prop::sample::select(vec![0i64, 1, 99, 250, 1_000]),
    ]
}

fn code_set() -> impl Strategy<Value = BTreeSet<usize>> {
    prop::collection::btree_set(0..CODES.len(), 0..=4)
}

fn unit() -> impl Strategy<Value = UnitSpec> {
    prop_oneof![
        Just(UnitSpec::Free),
        (0i64..=10_000).prop_map(UnitSpec::AmountOff),
        (0i64..=10_000).prop_map(UnitSpec::PercentOff),
        (0i64..=50_000).prop_map(UnitSpec::FixedPrice),
    ]
}

fn reward() -> impl Strategy<Value = RewardSpec> {
    prop_oneof![
        (0i64..=20_000).prop_map(RewardSpec::OrderAmountOff),
        (0i64..=10_000).prop_map(RewardSpec::OrderPercentOff),
        (code_set(), unit(), prop::option::of(1u32..=10)).prop_map(|(target, unit, max_units)| {
            RewardSpec::Items {
                target,
                unit,
                max_units,
            }
        }),
        (code_set(), 1u32..=4, code_set(), 1u32..=4, unit()).prop_map(
            |(required, n, target, m, unit)| RewardSpec::BuyGet {
                required,
                n,
                target,
                m,
                unit
            }
        ),
        Just(RewardSpec::PointsOnly),
    ]
}

fn offer() -> impl Strategy<Value = OfferSpec> {
    (
        reward(),
        prop::option::of(0i64..=2_000_000),
        prop::option::of(0i64..=20_000),
        0u64..=100,
    )
        .prop_map(|(reward, min_spend, max_amount, points)| OfferSpec {
            reward,
            min_spend,
            max_amount,
            points,
        })
}

fn case() -> impl Strategy<Value = Case> {
    let lines = prop::collection::btree_set(0u16..1000, 1..=12).prop_flat_map(|ids| {
        let n = ids.len();
        (
            Just(ids.into_iter().collect::<Vec<_>>()),
            prop::collection::vec((0..CODES.len(), 1u32..=20, price()), n),
        )
    });
    let offers = prop::collection::btree_set(0u64..100, 1..=4).prop_flat_map(|ids| {
        let n = ids.len();
        (Just(ids), prop::collection::vec(offer(), n))
    });
    (prop_oneof![Just(0u32), Just(2), Just(3)], lines, offers)
        .prop_flat_map(|(minor_units, (ids, rows), (offer_ids, specs))| {
            let lines: Vec<_> = ids
                .into_iter()
                .zip(rows)
                .map(|(id, (code, quantity, price))| (id, code, quantity, price))
                .collect();
            let offers: Vec<_> = offer_ids.into_iter().zip(specs).collect();
            let line_order = Just((0..lines.len()).collect::<Vec<_>>()).prop_shuffle();
            let offer_order = Just((0..offers.len()).collect::<Vec<_>>()).prop_shuffle();
            (
                Just(minor_units),
                Just(lines),
                Just(offers),
                line_order,
                offer_order,
            )
        })
        .prop_map(
            |(minor_units, lines, offers, line_order, offer_order)| Case {
                minor_units,
                lines,
                offers,
                line_order,
                offer_order,
            },
        )
}

fn money(minor: i64, minor_units: u32) -> Decimal {
    Decimal::new(minor, minor_units)
}

fn percent(hundredths: i64) -> Decimal {
    Decimal::new(hundredths, 2)
}

fn set(codes: &BTreeSet<usize>) -> ItemSet {
    ItemSet::new(codes.iter().map(|&i| CODES[i]))
}

fn unit_discount(unit: &UnitSpec, minor_units: u32) -> UnitDiscount {
    match *unit {
        UnitSpec::Free => UnitDiscount::Free,
        UnitSpec::AmountOff(a) => UnitDiscount::AmountOff(money(a, minor_units)),
        UnitSpec::PercentOff(p) => UnitDiscount::PercentOff(percent(p)),
        UnitSpec::FixedPrice(f) => UnitDiscount::FixedPrice(money(f, minor_units)),
    }
}

impl Case {
    fn basket(&self, order: &[usize]) -> Basket {
        Basket {
            lines: order
                .iter()
                .map(|&i| {
                    let (id, code, quantity, price) = self.lines[i];
                    BasketLine {
                        line_id: format!("L{id}"),
                        item_code: CODES[code].to_owned(),
                        quantity,
                        unit_price: money(price, self.minor_units),
                    }
                })
                .collect(),
        }
    }

    /// The offers' item sets, two per offer (required, target).
    fn sets(&self) -> Vec<(ItemSet, ItemSet)> {
        self.offers
            .iter()
            .map(|(_, spec)| match &spec.reward {
                RewardSpec::Items { target, .. } => (ItemSet::default(), set(target)),
                RewardSpec::BuyGet {
                    required, target, ..
                } => (set(required), set(target)),
                _ => (ItemSet::default(), ItemSet::default()),
            })
            .collect()
    }

    fn inputs<'a>(&self, sets: &'a [(ItemSet, ItemSet)], order: &[usize]) -> Vec<OfferInput<'a>> {
        let minor_units = self.minor_units;
        order
            .iter()
            .map(|&i| {
                let (offer_id, spec) = &self.offers[i];
                let (required, target) = &sets[i];
                let reward = match &spec.reward {
                    RewardSpec::OrderAmountOff(a) => Reward::OrderAmountOff(money(*a, minor_units)),
                    RewardSpec::OrderPercentOff(p) => Reward::OrderPercentOff(percent(*p)),
                    RewardSpec::Items {
                        unit, max_units, ..
                    } => Reward::Items {
                        target,
                        unit: unit_discount(unit, minor_units),
                        max_units: *max_units,
                    },
                    RewardSpec::BuyGet { n, m, unit, .. } => Reward::BuyGet {
                        required,
                        required_count: *n,
                        target,
                        reward_count: *m,
                        unit: unit_discount(unit, minor_units),
                    },
                    RewardSpec::PointsOnly => Reward::PointsOnly,
                };
                OfferInput {
                    offer_id: *offer_id,
                    reward,
                    min_spend: spec.min_spend.map(|v| money(v, minor_units)),
                    max_amount: spec.max_amount.map(|v| money(v, minor_units)),
                    points: spec.points,
                }
            })
            .collect()
    }
}

fn all_decimals(e: &Evaluation) -> Vec<Decimal> {
    let mut all = vec![e.subtotal, e.total_discount];
    all.extend(e.offers.iter().map(|o| o.discount));
    for line in &e.lines {
        all.extend([line.line_total, line.discount]);
        all.extend(line.allocations.iter().map(|a| a.amount));
    }
    all
}

impl Case {
    fn identity(&self) -> (Vec<usize>, Vec<usize>) {
        (
            (0..self.lines.len()).collect(),
            (0..self.offers.len()).collect(),
        )
    }

    /// The basket and its evaluation, lines and offers in the given orders.
    fn run(&self, line_order: &[usize], offer_order: &[usize]) -> (Basket, Evaluation) {
        let basket = self.basket(line_order);
        let sets = self.sets();
        let inputs = self.inputs(&sets, offer_order);
        let evaluation = evaluate(&basket, &inputs, Currency::new(self.minor_units)).unwrap();
        (basket, evaluation)
    }

    fn run_identity(&self) -> (Basket, Evaluation) {
        let (lines, offers) = self.identity();
        self.run(&lines, &offers)
    }
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
