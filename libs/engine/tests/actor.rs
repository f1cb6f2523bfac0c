//! The partition actor on a real SQLite log: a full flow, group commit, restart, and routing
//! checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::account::AccountFields;
use domain::ids::AccountId;
use domain::{Command, Decision, Event, EventKind};
use engine::EngineError;
use eventlog::{partition_of, Envelope, EventLog};
use std::collections::HashSet;
use support::*;

#[tokio::test]
async fn the_seed_flow_runs_through_the_actor_and_lands_in_the_log() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    let shop = actor.shop(None).await;
    let code = actor.code(shop.member, shop.channel, shop.offer).await;

    let decision = actor
        .handle
        .execute(
            ACCOUNT,
            redeem(shop.store, &code),
            None,
            Some("req-9".into()),
        )
        .await
        .unwrap();
    let Decision::Accepted(events) = &decision else {
        panic!("{decision:?}")
    };
    let EventKind::RedemptionCommitted(redemption) = &events[0].kind else {
        panic!("{events:?}")
    };
    let evaluation = redemption.evaluation.get().unwrap();
    assert_eq!(evaluation.total_discount, dec("1.00"));
    assert_eq!(committed(&actor.state().await), 1);

    let end = setup.log.end_offset(0).await.unwrap();
    let stats = actor.handle.stats();
    assert_eq!(stats.events_appended, end);
    let records = setup.log.read(0, 0, usize::MAX).await.unwrap();
    let envelopes: Vec<Envelope> = records
        .iter()
        .map(|record| Envelope::decode(&record.payload).unwrap())
        .collect();
    assert!(records.iter().all(|record| record.key == "1"));
    assert!(envelopes
        .iter()
        .all(|e| e.account_id == ACCOUNT && e.epoch == actor.handle.epoch()));
    let ids: HashSet<_> = envelopes.iter().map(|e| e.event_id).collect();
    assert_eq!(ids.len(), envelopes.len());
    let last = envelopes.last().unwrap();
    assert_eq!(last.correlation_id.as_deref(), Some("req-9"));
    assert_eq!(&last.event, events.last().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_commands_are_group_committed() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    actor.account().await;
    let before = actor.handle.stats();

    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let actor = actor.clone();
            tokio::spawn(async move { actor.ok(create_member(&format!("m{n}"))).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().len(), 1);
    }

    let after = actor.handle.stats();
    let batches = after.batches_appended - before.batches_appended;
    assert_eq!(after.events_appended - before.events_appended, 200);
    assert!(batches < 200, "{batches} batches for 200 commands");
    assert_eq!(actor.state().await.members().count(), 200);
    assert_eq!(setup.log.end_offset(0).await.unwrap(), 201);
}

#[tokio::test]
async fn a_restarted_actor_rebuilds_the_same_state_and_goes_on() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    let shop = actor.shop(Some(5)).await;
    for n in 0..3 {
        let code = actor.code(shop.member, shop.channel, shop.offer).await;
        actor
            .redeem_keyed(shop.store, &code, &format!("tx-{n}"))
            .await
            .unwrap();
    }
    let before = actor.state().await;
    actor.handle.shutdown().await;
    let stopped = actor.execute(create_member("late"));
    assert!(matches!(stopped.await, Err(EngineError::Stopped { .. })));

    let restarted = setup.actor(0).await;
    assert!(restarted.handle.epoch() > actor.handle.epoch());
    let after = restarted.state().await;
    assert!(after == before, "the rebuilt state differs");
    assert_eq!(committed(&after), 3);

    let bob = restarted.member("bob").await;
    assert_eq!(bob.0, before.next_id());
    let repeat = restarted.redeem_keyed(shop.store, "unused", "tx-1").await;
    assert!(
        matches!(
            repeat,
            Err(EngineError::Rejected(
                domain::DomainError::IdempotencyKeyReused
            ))
        ),
        "{repeat:?}"
    );
}

#[tokio::test]
async fn an_account_is_served_only_by_its_partition() {
    let setup = Setup::with_partitions(4).await;
    let own = partition_of(ACCOUNT, 4);
    let other = (own + 1) % 4;
    let actor = setup.actor(other).await;
    let refused = actor.execute(create_member("x")).await;
    assert!(matches!(
        refused,
        Err(EngineError::WrongPartition { expected, .. }) if expected == own
    ));

    let actor = setup.actor(own).await;
    let mismatch = actor
        .handle
        .execute(
            ACCOUNT,
            Command::CreateAccount {
                account_id: AccountId(99),
                fields: AccountFields::default(),
            },
            None,
            None,
        )
        .await;
    assert!(matches!(mismatch, Err(EngineError::AccountMismatch { .. })));
    assert_eq!(setup.log.end_offset(own).await.unwrap(), 0);
}

#[tokio::test]
async fn a_refused_command_records_nothing() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    let refused = actor.execute(create_member("x")).await;
    assert!(matches!(
        refused,
        Err(EngineError::Rejected(domain::DomainError::AccountNotFound))
    ));
    actor.account().await;
    actor.member("x").await;
    let duplicate = actor.execute(create_member("x")).await;
    assert!(matches!(duplicate, Err(EngineError::Rejected(_))));
    assert_eq!(setup.log.end_offset(0).await.unwrap(), 2);
    let events: Vec<Event> = setup
        .log
        .read(0, 0, 10)
        .await
        .unwrap()
        .iter()
        .map(|record| Envelope::<Event>::decode(&record.payload).unwrap().event)
        .collect();
    assert_eq!(events[1].type_name(), "member_created");
}
