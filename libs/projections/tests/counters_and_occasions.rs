//! Counters, occasions (Sparkfly's events) and POS offer codes in the read model: created, renamed and deleted
//! through the log, listed in Sparkfly pages by id, and a rebuild from zero (or a restart
//! half-way) gives the same rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::catalog::{CounterFields, OccasionFields, PosOfferCodeFields};
use domain::ids::{CounterId, OccasionId, PosOfferCodeId};
use domain::Command;
use projections::PageRequest;
use support::{created, Backend, Setup, ACCOUNT};

fn counter(name: i64) -> Command {
    Command::CreateCounter {
        fields: CounterFields { name: Some(name) },
    }
}

fn occasion(name: &str) -> Command {
    Command::CreateOccasion {
        fields: OccasionFields {
            name: Some(name.into()),
        },
    }
}

/// Three counters (the first renamed, the second deleted) and two occasions (the first
/// renamed, the second deleted): the ids kept.
async fn traffic(setup: &Setup) -> (Vec<CounterId>, OccasionId) {
    setup.account().await;
    let mut counters = Vec::new();
    for name in [1, 2, 3] {
        counters.push(CounterId(created(&setup.ok(counter(name)).await)));
    }
    setup
        .ok(Command::UpdateCounter {
            counter_id: counters[0],
            fields: CounterFields { name: Some(10) },
        })
        .await;
    setup
        .ok(Command::DeleteCounter {
            counter_id: counters[1],
        })
        .await;
    let launch = OccasionId(created(&setup.ok(occasion("Launch")).await));
    let gone = OccasionId(created(&setup.ok(occasion("Gone")).await));
    setup
        .ok(Command::UpdateOccasion {
            occasion_id: launch,
            fields: OccasionFields {
                name: Some("Relaunch".into()),
            },
        })
        .await;
    setup
        .ok(Command::DeleteOccasion { occasion_id: gone })
        .await;
    let code = |code: &str| Command::CreatePosOfferCode {
        fields: PosOfferCodeFields {
            code: Some(code.into()),
            description: None,
        },
    };
    let kept = PosOfferCodeId(created(&setup.ok(code("SAVE10")).await));
    let dropped = PosOfferCodeId(created(&setup.ok(code("SAVE20")).await));
    setup
        .ok(Command::DeletePosOfferCode {
            pos_offer_code_id: dropped,
        })
        .await;
    assert_ne!(kept, dropped);
    counters.remove(1);
    (counters, launch)
}

async fn records_follow_the_log(backend: Backend) {
    let setup = Setup::new(backend).await;
    let (counters, launch) = traffic(&setup).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();

    let page = store
        .counters(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((page.total_entries, page.total_pages), (2, 1));
    let seen: Vec<_> = page.items.iter().map(|c| (c.id, c.name)).collect();
    assert_eq!(seen, vec![(counters[0], 10), (counters[1], 3)]);
    let second = store
        .counters(ACCOUNT, PageRequest::new(Some(2), Some(1)))
        .await
        .unwrap();
    assert_eq!((second.total_pages, second.items.len()), (2, 1));
    assert_eq!(second.items[0].id, counters[1]);

    let page = store
        .occasions(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    let seen: Vec<_> = page.items.iter().map(|o| (o.id, o.name.as_str())).collect();
    assert_eq!(seen, vec![(launch, "Relaunch")]);
    let live = setup.actor.account_state(ACCOUNT).await.unwrap().unwrap();
    assert_eq!(
        store.occasion(ACCOUNT, launch).await.unwrap().as_ref(),
        live.occasion(launch)
    );
    let codes = store
        .pos_offer_codes(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    let seen: Vec<_> = codes.items.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(seen, vec!["SAVE10"]);
}

async fn a_rebuild_or_a_restart_gives_the_same_rows(backend: Backend) {
    let setup = Setup::new(backend).await;
    traffic(&setup).await;
    setup
        .assert_rebuilds_agree(&["counters|", "occasions|", "pos_offer_codes|"], 2)
        .await;
}

per_backend!(
    records_follow_the_log,
    a_rebuild_or_a_restart_gives_the_same_rows,
);
