//! Expiry driven by time inside the partition actor: with a hand-driven clock and no command
//! sent, lapsed reservations and code lifetimes are recorded in the log by the actor itself;
//! nothing is appended while nothing is due, and a restart rebuilds the same state.
//!
//! The tests run on tokio's paused clock over an in-memory log: the actor's ticks come from
//! the paused clock, which moves on only when every task waits for time, so a test waits no
//! real time and "recorded within a tick" is exact rather than a guess about a busy machine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::Duration as Span;
use domain::channel::{ChannelFields, CodeFormat};
use domain::credential::CredentialStatus;
use domain::ids::{ChannelId, CredentialId};
use domain::redemption::RedemptionStatus;
use domain::{Command, Event};
use engine::{ActorConfig, ActorStats, Clock, EXPIRY_CORRELATION};
use eventlog::Envelope;
use eventlog::EventLog;
use std::time::Duration;
use support::*;
use tokio::time::{sleep, Instant};

/// The expiry tick of most tests.
const TICK: Duration = Duration::from_millis(20);

/// Waits until the actor has recorded `expiries` expiries by itself, failing if that takes
/// longer than one `tick` (plus the 1 ms the wait polls at) of the paused clock. Reads only
/// the shared counters: no message reaches the actor while it waits.
async fn wait_for_expiries(actor: &Actor, expiries: u64, tick: Duration) -> ActorStats {
    let deadline = Instant::now() + tick + Duration::from_millis(1);
    loop {
        let stats = actor.handle.stats();
        if stats.expiries_recorded >= expiries {
            return stats;
        }
        assert!(
            Instant::now() < deadline,
            "no expiry recorded within a tick: {stats:?}"
        );
        sleep(Duration::from_millis(1)).await;
    }
}

/// Every event of partition 0, with its envelope.
async fn log_envelopes(setup: &Setup<MemoryLog>) -> Vec<Envelope<Event>> {
    setup
        .log
        .read(0, 0, usize::MAX)
        .await
        .unwrap()
        .iter()
        .map(|record| Envelope::<Event>::decode(&record.payload).unwrap())
        .collect()
}

/// A channel whose 4-digit codes live `lifetime` seconds, with the shop's offer on it.
async fn numeric_channel(actor: &Actor, shop: &Shop, lifetime: u32) -> ChannelId {
    let channel = ChannelId(created(
        &actor
            .ok(Command::CreateChannel {
                fields: ChannelFields {
                    name: Some("Till".into()),
                    code_format: Some(CodeFormat::Numeric { digits: 4 }),
                    code_lifetime: Some(lifetime),
                    ..Default::default()
                },
            })
            .await,
    ));
    actor
        .ok(Command::LinkOfferChannels {
            offer_id: shop.offer,
            channel_ids: vec![channel],
        })
        .await;
    channel
}

fn credential_of(state: &domain::AccountState, code: &str) -> CredentialId {
    state.credential_id_by_code(code).unwrap()
}

/// Fails if the actor does not enforce reservation TTLs: seen failing (no expiry recorded
/// within a tick) with `first_expiry` ignoring `reservation_expiry`.
#[tokio::test(start_paused = true)]
async fn a_lapsed_reservation_is_recorded_expired_without_any_command() {
    let setup = Setup::in_memory();
    // The default tick (1 s): the setting a server runs with.
    let actor = setup.actor(0).await;
    let shop = actor.shop(None).await;
    let code = actor.code(shop.member, shop.channel, shop.offer).await;
    let reservation = actor.reserve(shop.store, &code, 30).await;
    let state = actor.state().await;
    let credential = credential_of(&state, &code);
    assert_eq!(
        state.credential(credential).unwrap().status,
        CredentialStatus::Locked
    );
    let end = setup.log.end_offset(0).await.unwrap();
    let before = actor.handle.stats();

    setup.clock.advance(Span::seconds(29));
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        actor.handle.stats(),
        before,
        "something recorded before the TTL"
    );
    assert_eq!(setup.log.end_offset(0).await.unwrap(), end);

    setup.clock.advance(Span::seconds(2));
    let after = wait_for_expiries(&actor, 1, ActorConfig::default().expiry_tick).await;
    assert_eq!(after.batches_appended, before.batches_appended + 1);
    assert_eq!(after.events_appended, before.events_appended + 1);
    assert_eq!(after.commands_decided, before.commands_decided);
    assert_eq!(setup.log.end_offset(0).await.unwrap(), end + 1);

    let envelopes = log_envelopes(&setup).await;
    let last = envelopes.last().unwrap();
    assert_eq!(last.event.type_name(), "reservation_expired");
    assert_eq!(last.correlation_id.as_deref(), Some(EXPIRY_CORRELATION));
    assert_eq!(last.event.occurred_at, setup.clock.now());

    let state = actor.state().await;
    assert_eq!(
        state.redemption(reservation).unwrap().status,
        RedemptionStatus::Expired
    );
    assert_eq!(
        state.credential(credential).unwrap().status,
        CredentialStatus::Open
    );
    assert!(state.next_reservation_expiry().is_none());

    // The code is redeemable again.
    actor.ok(redeem(shop.store, &code)).await;
    assert_eq!(committed(&actor.state().await), 1);
}

#[tokio::test(start_paused = true)]
async fn a_numeric_code_expires_when_its_lifetime_passes() {
    let setup = Setup::in_memory();
    let actor = setup.actor_with_tick(0, TICK).await;
    let shop = actor.shop(None).await;
    let channel = numeric_channel(&actor, &shop, 300).await;
    let code = actor.code(shop.member, channel, shop.offer).await;
    assert!(
        code.len() == 4 && code.chars().all(|c| c.is_ascii_digit()),
        "{code}"
    );
    let credential = credential_of(&actor.state().await, &code);

    setup.clock.advance(Span::seconds(299));
    sleep(TICK * 10).await;
    assert_eq!(actor.handle.stats().expiries_recorded, 0);
    assert_eq!(
        actor.state().await.credential(credential).unwrap().status,
        CredentialStatus::Open
    );

    setup.clock.advance(Span::seconds(2));
    wait_for_expiries(&actor, 1, TICK).await;
    let state = actor.state().await;
    assert_eq!(
        state.credential(credential).unwrap().status,
        CredentialStatus::Expired
    );
    assert!(state.next_credential_expiry().is_none());
    let last = log_envelopes(&setup).await.pop().unwrap();
    assert_eq!(last.event.type_name(), "credential_expired");
    assert_eq!(last.correlation_id.as_deref(), Some(EXPIRY_CORRELATION));
}

#[tokio::test(start_paused = true)]
async fn a_code_lapsing_under_a_reservation_expires_once_the_reservation_does() {
    let setup = Setup::in_memory();
    let actor = setup.actor_with_tick(0, TICK).await;
    let shop = actor.shop(None).await;
    let channel = numeric_channel(&actor, &shop, 300).await;
    let code = actor.code(shop.member, channel, shop.offer).await;
    let reservation = actor.reserve(shop.store, &code, 600).await;
    let credential = credential_of(&actor.state().await, &code);
    let before = actor.handle.stats();

    // The code's lifetime passes while the reservation holds it: nothing to record (the
    // domain expires only open credentials), so nothing is appended, however often it ticks.
    setup.clock.advance(Span::seconds(301));
    sleep(TICK * 15).await;
    let quiet = actor.handle.stats();
    assert_eq!(quiet.batches_appended, before.batches_appended);
    assert_eq!(quiet.expiries_recorded, 0);
    // Checked once; then the account waits for its next entry (the reservation's end).
    assert_eq!(quiet.expiry_checks, 1);
    assert_eq!(
        actor.state().await.credential(credential).unwrap().status,
        CredentialStatus::Locked
    );

    // The reservation lapses: it is expired, and then the code it gave back.
    setup.clock.advance(Span::seconds(300));
    let after = wait_for_expiries(&actor, 2, TICK).await;
    assert_eq!(after.events_appended, before.events_appended + 2);
    assert_eq!(after.batches_appended, before.batches_appended + 2);
    assert_eq!(after.expiry_checks, 3);
    let state = actor.state().await;
    assert_eq!(
        state.redemption(reservation).unwrap().status,
        RedemptionStatus::Expired
    );
    assert_eq!(
        state.credential(credential).unwrap().status,
        CredentialStatus::Expired
    );
    let types: Vec<_> = log_envelopes(&setup)
        .await
        .iter()
        .rev()
        .take(2)
        .map(|envelope| envelope.event.type_name())
        .collect();
    assert_eq!(types, ["credential_expired", "reservation_expired"]);
}

#[tokio::test(start_paused = true)]
async fn an_idle_actor_appends_nothing() {
    let setup = Setup::in_memory();
    let actor = setup.actor_with_tick(0, TICK).await;
    let shop = actor.shop(None).await;

    // Nothing pending at all.
    let before = actor.handle.stats();
    setup.clock.advance(Span::days(30));
    sleep(TICK * 10).await;
    assert_eq!(actor.handle.stats(), before);

    // A reservation pending, not yet due: the actor ticks, and still appends nothing.
    let code = actor.code(shop.member, shop.channel, shop.offer).await;
    actor.reserve(shop.store, &code, 3_600).await;
    let before = actor.handle.stats();
    let end = setup.log.end_offset(0).await.unwrap();
    for _ in 0..10 {
        setup.clock.advance(Span::seconds(60));
        sleep(TICK * 2).await;
    }
    assert_eq!(actor.handle.stats(), before);
    assert_eq!(setup.log.end_offset(0).await.unwrap(), end);
}

#[tokio::test(start_paused = true)]
async fn a_restart_after_expiries_rebuilds_the_same_state_and_catches_up() {
    let setup = Setup::in_memory();
    let actor = setup.actor_with_tick(0, TICK).await;
    let shop = actor.shop(None).await;
    let channel = numeric_channel(&actor, &shop, 300).await;
    let numeric = actor.code(shop.member, channel, shop.offer).await;
    let secure = actor.code(shop.member, shop.channel, shop.offer).await;
    let held = actor.reserve(shop.store, &secure, 30).await;

    setup.clock.advance(Span::seconds(301));
    wait_for_expiries(&actor, 1, TICK).await;
    let before = actor.state().await;
    assert_eq!(
        before
            .credential(credential_of(&before, &numeric))
            .unwrap()
            .status,
        CredentialStatus::Expired
    );
    assert_eq!(
        before.redemption(held).unwrap().status,
        RedemptionStatus::Expired
    );

    // A reservation made now lapses while no actor runs.
    let pending = actor.reserve(shop.store, &secure, 30).await;
    let before = actor.state().await;
    actor.handle.shutdown().await;
    let end = setup.log.end_offset(0).await.unwrap();

    let restarted = setup.actor_with_tick(0, TICK).await;
    assert!(
        restarted.state().await == before,
        "the rebuilt state differs"
    );
    assert_eq!(setup.log.end_offset(0).await.unwrap(), end);

    setup.clock.advance(Span::seconds(31));
    wait_for_expiries(&restarted, 1, TICK).await;
    let after = restarted.state().await;
    assert_eq!(
        after.redemption(pending).unwrap().status,
        RedemptionStatus::Expired
    );
    assert_eq!(setup.log.end_offset(0).await.unwrap(), end + 1);
    restarted.handle.shutdown().await;

    let again = setup.actor_with_tick(0, TICK).await;
    assert!(again.state().await == after, "the rebuilt state differs");
    sleep(TICK * 5).await;
    assert_eq!(again.handle.stats().batches_appended, 0);
}
