//! Benchmarks of `discount::evaluate`: a realistic 10-line basket with three offers, and the
//! largest basket allowed (500 lines, large quantities).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use discount::{
    evaluate, Basket, BasketLine, Currency, ItemSet, OfferInput, OrderSpread, Reward, Stacking,
    StackingRules, UnitDiscount,
};
use rust_decimal::Decimal;

/// The allocator the server binaries use.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The offers' item sets: sodas (buy 2 get 1 free) and snacks (20% off up to 3 units).
struct Sets {
    sodas: ItemSet,
    snacks: ItemSet,
}

impl Sets {
    fn new() -> Self {
        Sets {
            sodas: ItemSet::new((0..40).map(|i| format!("SODA-{i:03}"))),
            snacks: ItemSet::new((0..60).map(|i| format!("SNACK-{i:03}"))),
        }
    }

    fn offers(&self) -> [OfferInput<'_>; 3] {
        [
            OfferInput {
                offer_id: 101,
                reward: Reward::BuyGet {
                    required: &self.sodas,
                    required_count: 2,
                    target: &self.sodas,
                    reward_count: 1,
                    unit: UnitDiscount::Free,
                    max_rounds: None,
                },
                min_spend: None,
                max_amount: None,
                points: 10,
                spread: OrderSpread::default(),
                stacking: Stacking::default(),
            },
            OfferInput {
                offer_id: 102,
                reward: Reward::Items {
                    target: &self.snacks,
                    unit: UnitDiscount::PercentOff(Decimal::new(20, 0)),
                    max_units: Some(3),
                },
                min_spend: None,
                max_amount: None,
                points: 0,
                spread: OrderSpread::default(),
                stacking: Stacking::default(),
            },
            OfferInput {
                offer_id: 103,
                reward: Reward::OrderPercentOff(Decimal::new(10, 0)),
                min_spend: Some(Decimal::new(2000, 2)),
                max_amount: Some(Decimal::new(500, 2)),
                points: 25,
                spread: OrderSpread::default(),
                stacking: Stacking::default(),
            },
        ]
    }
}

fn line(line_id: String, item_code: String, quantity: u32, cents: i64) -> BasketLine {
    BasketLine {
        line_id,
        item_code,
        quantity,
        unit_price: Decimal::new(cents, 2),
    }
}

/// A convenience-store basket: sodas, snacks and other items.
fn small_basket() -> Basket {
    let rows = [
        ("SODA-001", 2, 199),
        ("SODA-007", 1, 249),
        ("SNACK-004", 2, 349),
        ("MILK-1L", 1, 129),
        ("SNACK-010", 1, 499),
        ("BREAD-WH", 1, 279),
        ("SODA-012", 3, 99),
        ("COFFEE-L", 1, 325),
        ("SNACK-031", 2, 150),
        ("EGGS-12", 1, 419),
    ];
    Basket {
        lines: rows
            .iter()
            .enumerate()
            .map(|(i, &(code, quantity, cents))| {
                line(format!("{}", i + 1), code.to_owned(), quantity, cents)
            })
            .collect(),
    }
}

/// The largest basket allowed: 500 lines, quantities up to 10,000.
fn large_basket() -> Basket {
    Basket {
        lines: (0..500u32)
            .map(|i| {
                let code = match i % 3 {
                    0 => format!("SODA-{:03}", i % 40),
                    1 => format!("SNACK-{:03}", i % 60),
                    _ => format!("OTHER-{i}"),
                };
                let quantity = 1 + (i * 7919) % 10_000;
                let cents = 49 + i64::from((i * 104_729) % 20_000);
                line(format!("L{i:04}"), code, quantity, cents)
            })
            .collect(),
    }
}

fn bench(c: &mut Criterion) {
    let sets = Sets::new();
    let offers = sets.offers();
    let small = small_basket();
    let large = large_basket();
    c.bench_function("evaluate/10 lines, 3 offers", |b| {
        b.iter(|| {
            evaluate(
                black_box(&small),
                black_box(&offers),
                Currency::USD,
                StackingRules::default(),
            )
        })
    });
    c.bench_function("evaluate/500 lines x large quantities, 3 offers", |b| {
        b.iter(|| {
            evaluate(
                black_box(&large),
                black_box(&offers),
                Currency::USD,
                StackingRules::default(),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
