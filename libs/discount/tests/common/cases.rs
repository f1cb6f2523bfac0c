//! Generated cases for the property tests: baskets and offers of every reward kind (amounts in
//! minor units), with the options and stacking rules left at their defaults ([`case`]) or
//! generated too ([`case_with_options`], [`case_with_rules`]).

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use discount::{
    evaluate, Basket, BasketLine, Currency, Evaluation, ItemSet, OfferInput, OrderSpread, Reward,
    Stacking, StackingRules, UnitDiscount,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// The item codes the generated lines and item sets use.
pub const CODES: [&str; 6] = ["apple", "bread", "cheese", "dates", "eggs", "figs"];

/// A unit discount; amounts in minor units, percentages in hundredths.
#[derive(Clone, Debug)]
pub enum UnitSpec {
    Free,
    AmountOff(i64),
    PercentOff(i64),
    FixedPrice(i64),
}

/// A reward; item sets as indices into [`CODES`], amounts in minor units, percentages in
/// hundredths.
#[derive(Clone, Debug)]
pub enum RewardSpec {
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

/// An offer (its id is kept beside it in [`Case::offers`]); amounts in minor units.
#[derive(Clone, Debug)]
pub struct OfferSpec {
    pub reward: RewardSpec,
    pub min_spend: Option<i64>,
    pub max_amount: Option<i64>,
    pub points: u64,
    /// The options it may leave at their defaults.
    pub options: OfferOptions,
}

/// The options an offer may leave at their defaults (`max_rounds` applies to `BuyGet` only).
#[derive(Clone, Debug, Default)]
pub struct OfferOptions {
    pub max_rounds: Option<u32>,
    pub spread: OrderSpread,
    pub stacking: Stacking,
}

/// A generated case: lines as (line id, code index, quantity, price in minor units), offers,
/// and permutations of both.
#[derive(Clone, Debug)]
pub struct Case {
    pub minor_units: u32,
    pub lines: Vec<(u16, usize, u32, i64)>,
    pub offers: Vec<(u64, OfferSpec)>,
    pub line_order: Vec<usize>,
    pub offer_order: Vec<usize>,
    pub rules: StackingRules,
}

/// Unit prices in minor units, often equal so that ties are exercised.
pub fn price() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 0i64..=50_000,
        2 => prop::sample::select(vec![0i64, 1, 99, 250, 1_000]),
    ]
}

/// Item sets of up to four codes, the empty set included.
pub fn code_set() -> impl Strategy<Value = BTreeSet<usize>> {
    prop::collection::btree_set(0..CODES.len(), 0..=4)
}

/// Unit discounts of every kind.
pub fn unit() -> impl Strategy<Value = UnitSpec> {
    prop_oneof![
        Just(UnitSpec::Free),
        (0i64..=10_000).prop_map(UnitSpec::AmountOff),
        (0i64..=10_000).prop_map(UnitSpec::PercentOff),
        (0i64..=50_000).prop_map(UnitSpec::FixedPrice),
    ]
}

/// Rewards of every kind.
pub fn reward() -> impl Strategy<Value = RewardSpec> {
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

/// Offers with or without a minimum spend and a cap, and with default options.
pub fn offer() -> impl Strategy<Value = OfferSpec> {
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
            options: OfferOptions::default(),
        })
}

/// Cases of 1 to 12 lines and 1 to 4 offers in 0, 2 or 3 decimal places, with default
/// options and no stacking rules.
pub fn case() -> impl Strategy<Value = Case> {
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
                rules: StackingRules::default(),
            },
        )
}

/// Options for one offer: a rounds cap, either spread, exclusive now and then, priorities.
pub fn options() -> impl Strategy<Value = OfferOptions> {
    let max_rounds = prop_oneof![2 => Just(None), 3 => (1u32..=4).prop_map(Some)];
    let spread = prop_oneof![
        Just(OrderSpread::AfterItemDiscounts),
        Just(OrderSpread::BeforeItemDiscounts),
    ];
    let exclusive = prop_oneof![3 => Just(false), 1 => Just(true)];
    let priority = prop_oneof![1 => Just(0i32), 2 => -3i32..=3];
    (max_rounds, spread, exclusive, priority).prop_map(
        |(max_rounds, spread, exclusive, priority)| OfferOptions {
            max_rounds,
            spread,
            stacking: Stacking {
                exclusive,
                priority,
            },
        },
    )
}

/// The cases of [`case`] with generated options on every offer, and no stacking rules.
pub fn case_with_options() -> impl Strategy<Value = Case> {
    case()
        .prop_flat_map(|case| {
            let options = prop::collection::vec(options(), case.offers.len());
            (Just(case), options)
        })
        .prop_map(|(mut case, options)| {
            for ((_, offer), options) in case.offers.iter_mut().zip(options) {
                offer.options = options;
            }
            case
        })
}

/// The cases of [`case_with_options`] under a cap of 1 to 4 offers or none.
pub fn case_with_rules() -> impl Strategy<Value = Case> {
    let max_offers = prop_oneof![1 => Just(None), 2 => (1u32..=4).prop_map(NonZeroU32::new)];
    (case_with_options(), max_offers).prop_map(|(mut case, max_offers)| {
        case.rules = StackingRules { max_offers };
        case
    })
}

/// `minor` minor units as an amount.
pub fn money(minor: i64, minor_units: u32) -> Decimal {
    Decimal::new(minor, minor_units)
}

/// `hundredths` hundredths of a percent as a percentage.
pub fn percent(hundredths: i64) -> Decimal {
    Decimal::new(hundredths, 2)
}

/// The item set of the codes at `codes`.
pub fn set(codes: &BTreeSet<usize>) -> ItemSet {
    ItemSet::new(codes.iter().map(|&i| CODES[i]))
}

/// The engine's unit discount for `unit`.
pub fn unit_discount(unit: &UnitSpec, minor_units: u32) -> UnitDiscount {
    match *unit {
        UnitSpec::Free => UnitDiscount::Free,
        UnitSpec::AmountOff(a) => UnitDiscount::AmountOff(money(a, minor_units)),
        UnitSpec::PercentOff(p) => UnitDiscount::PercentOff(percent(p)),
        UnitSpec::FixedPrice(f) => UnitDiscount::FixedPrice(money(f, minor_units)),
    }
}

impl Case {
    /// The basket, lines in `order` (indices into `lines`).
    pub fn basket(&self, order: &[usize]) -> Basket {
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
    pub fn sets(&self) -> Vec<(ItemSet, ItemSet)> {
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

    /// The offer inputs, in `order` (indices into `offers`), borrowing `sets`.
    pub fn inputs<'a>(
        &self,
        sets: &'a [(ItemSet, ItemSet)],
        order: &[usize],
    ) -> Vec<OfferInput<'a>> {
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
                        max_rounds: spec.options.max_rounds,
                    },
                    RewardSpec::PointsOnly => Reward::PointsOnly,
                };
                OfferInput {
                    offer_id: *offer_id,
                    reward,
                    min_spend: spec.min_spend.map(|v| money(v, minor_units)),
                    max_amount: spec.max_amount.map(|v| money(v, minor_units)),
                    points: spec.points,
                    spread: spec.options.spread,
                    stacking: spec.options.stacking,
                }
            })
            .collect()
    }
}

impl Case {
    /// The lines and offers in their generated order.
    pub fn identity(&self) -> (Vec<usize>, Vec<usize>) {
        (
            (0..self.lines.len()).collect(),
            (0..self.offers.len()).collect(),
        )
    }

    /// The basket and its evaluation, lines and offers in the given orders.
    pub fn run(&self, line_order: &[usize], offer_order: &[usize]) -> (Basket, Evaluation) {
        let basket = self.basket(line_order);
        let sets = self.sets();
        let inputs = self.inputs(&sets, offer_order);
        let evaluation = evaluate(
            &basket,
            &inputs,
            Currency::new(self.minor_units),
            self.rules,
        )
        .unwrap();
        (basket, evaluation)
    }

    /// The basket and its evaluation, lines and offers in their generated order.
    pub fn run_identity(&self) -> (Basket, Evaluation) {
        let (lines, offers) = self.identity();
        self.run(&lines, &offers)
    }
}
