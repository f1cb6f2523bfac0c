//! Limits and idempotency under concurrency: commands decided in one batch see each other, and
//! what the actor answered is what a restart rebuilds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use domain::{Decision, DomainError, LimitKind};
use engine::EngineError;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_redemptions_never_exceed_the_offer_limit() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    let shop = actor.shop(Some(100)).await;

    let issuing: Vec<_> = (0..1_000)
        .map(|_| {
            let actor = actor.clone();
            let (member, channel, offer) = (shop.member, shop.channel, shop.offer);
            tokio::spawn(async move { actor.code(member, channel, offer).await })
        })
        .collect();
    let mut codes = Vec::new();
    for task in issuing {
        codes.push(task.await.unwrap());
    }

    let redeeming: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let handle = actor.handle.clone();
            let command = redeem(shop.store, &code);
            tokio::spawn(async move { handle.execute(ACCOUNT, command, None, None).await })
        })
        .collect();
    let (mut redeemed, mut limited) = (0, 0);
    for task in redeeming {
        match task.await.unwrap() {
            Ok(Decision::Accepted(_)) => redeemed += 1,
            Err(EngineError::Rejected(DomainError::LimitReached {
                limit: LimitKind::Total,
                ..
            })) => limited += 1,
            other => panic!("unexpected answer: {other:?}"),
        }
    }
    assert_eq!((redeemed, limited), (100, 900));
    let before = actor.state().await;
    assert_eq!(committed(&before), 100);

    actor.handle.shutdown().await;
    let restarted = setup.actor(0).await;
    let after = restarted.state().await;
    assert_eq!(committed(&after), 100);
    assert!(after == before, "the rebuilt state differs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_key_records_one_redemption_and_answers_alike() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    let shop = actor.shop(None).await;
    let code = actor.code(shop.member, shop.channel, shop.offer).await;
    let events_before = actor.handle.stats().events_appended;

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let handle = actor.handle.clone();
            let command = redeem(shop.store, &code);
            tokio::spawn(async move {
                handle
                    .execute(ACCOUNT, command, Some("pos-tx-1".into()), None)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut decisions = Vec::new();
    for task in tasks {
        decisions.push(task.await.unwrap());
    }

    let accepted = decisions
        .iter()
        .filter(|decision| matches!(decision, Decision::Accepted(_)))
        .count();
    assert_eq!(accepted, 1);
    let first = decisions[0].outcome();
    assert!(!first.is_empty());
    assert!(decisions.iter().all(|decision| decision.outcome() == first));
    assert_eq!(
        actor.handle.stats().events_appended - events_before,
        first.len() as u64
    );
    assert_eq!(committed(&actor.state().await), 1);

    actor.handle.shutdown().await;
    let restarted = setup.actor(0).await;
    let repeat = restarted
        .redeem_keyed(shop.store, &code, "pos-tx-1")
        .await
        .unwrap();
    assert_eq!(repeat, Decision::Repeated(first.to_vec()));
}

/// Two decisions about one credential in one group-commit batch: 50 codes, each sent twice
/// at once (a redeem and a reserve, no keys, so neither is a repeat of the other), 100
/// commands in fewer batches than the 50 that append; exactly one command per code takes it.
/// Fails if a command is decided against a state that does not hold the commands staged
/// before it (seen failing with the `evolve` loop of `Actor::stage` removed): a pair in one
/// batch would then both take their code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_code_decided_twice_in_a_batch_is_taken_once() {
    let setup = Setup::new().await;
    let actor = setup.actor(0).await;
    let shop = actor.shop(None).await;
    let mut codes = Vec::new();
    for _ in 0..50 {
        codes.push(actor.code(shop.member, shop.channel, shop.offer).await);
    }
    let before = actor.handle.stats();

    let mut tasks = Vec::new();
    for code in &codes {
        for command in [redeem(shop.store, code), reserve(shop.store, code, 300)] {
            let handle = actor.handle.clone();
            tasks.push(tokio::spawn(async move {
                handle.execute(ACCOUNT, command, None, None).await
            }));
        }
    }
    let (mut taken, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(Decision::Accepted(_)) => taken += 1,
            Err(EngineError::Rejected(
                DomainError::CredentialNotRedeemable { .. } | DomainError::CredentialLocked,
            )) => refused += 1,
            other => panic!("unexpected answer: {other:?}"),
        }
    }
    let batches = actor.handle.stats().batches_appended - before.batches_appended;
    assert_eq!((taken, refused), (50, 50));
    assert!(batches < 50, "{batches} batches: none held two commands");
    let state = actor.state().await;
    let held = state
        .redemptions()
        .filter(|redemption| {
            matches!(
                redemption.status,
                domain::redemption::RedemptionStatus::Committed
                    | domain::redemption::RedemptionStatus::Reserved
            )
        })
        .count();
    assert_eq!(held, 50);
}
