//! Benches of the domain: `decide` on a redeem command, and decoding plus applying recorded
//! events from JSON (what a restart replays).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use benches::{redemption_stream, Fixture};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use domain::{decide, evolve, AccountState, Context, Event};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn decide_redeem(c: &mut Criterion) {
    let mut fixture = Fixture::new(1_000);
    let single = fixture.issue(1, &[fixture.offers[0]]);
    let both = fixture.issue(2, &fixture.offers.clone());
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let now = fixture.now;
    let mut group = c.benchmark_group("decide");
    for (name, code) in [("redeem_one_offer", single), ("redeem_two_offers", both)] {
        let command = fixture.redeem(&code);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut context = Context::new(now, &mut rng);
                black_box(
                    decide(
                        black_box(&fixture.state),
                        black_box(&command),
                        None,
                        &mut context,
                    )
                    .unwrap(),
                )
            })
        });
    }
    group.finish();
}

/// Two logs: every code redeemed (the heaviest mix: half the events are redemptions with
/// their evaluation), and one code in ten redeemed (closer to promotions, where most issued
/// codes are never used).
fn replay_from_json(c: &mut Criterion) {
    let decoders = std::thread::available_parallelism().map_or(2, usize::from);
    for (name, redeem_every) in [("every_code_redeemed", 1), ("one_code_in_ten_redeemed", 10)] {
        let lines = redemption_stream(5_000, redeem_every);
        let mut group = c.benchmark_group(format!("replay_{name}"));
        group.throughput(Throughput::Elements(lines.len() as u64));
        group.bench_function("one_thread", |b| {
            b.iter_batched(
                AccountState::default,
                |mut state| {
                    for line in &lines {
                        let event = Event::from_json(line).unwrap();
                        evolve(&mut state, event);
                    }
                    state
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("{decoders}_threads"), |b| {
            b.iter(|| engine::replay_json(black_box(&lines), decoders).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, decide_redeem, replay_from_json);
criterion_main!(benches);
