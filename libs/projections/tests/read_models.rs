//! The read models after real engine traffic: the seed flow and pagination.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::credential::CredentialStatus;
use domain::ids::{CredentialId, RedemptionId};
use domain::offer::OfferStatus;
use domain::redemption::RedemptionStatus;
use projections::{CredentialFilter, PageRequest};
use support::{seed, Backend, Setup, ACCOUNT, PARTITION};

async fn the_seed_flow_is_readable(backend: Backend) {
    let setup = Setup::new(backend).await;
    let seeded = seed(&setup).await;
    let store = setup.store("read.db").await;
    let next = setup.projector(&store).catch_up().await.unwrap();
    assert_eq!(next, setup.records().await.len() as u64);
    assert_eq!(store.next_offset(PARTITION).await.unwrap(), next);

    let member = store
        .member_by_identifier(ACCOUNT, "alice")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.id, seeded.member);
    assert_eq!(
        store.member(ACCOUNT, seeded.member).await.unwrap(),
        Some(member)
    );
    assert!(store
        .member_by_identifier(ACCOUNT, "bob")
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .merchants(ACCOUNT, PageRequest::default())
            .await
            .unwrap()
            .total_entries,
        1
    );
    let shop = store.store(ACCOUNT, seeded.store).await.unwrap().unwrap();
    assert_eq!(shop.name, "Main St");
    assert_eq!(
        store
            .channels(ACCOUNT, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    let offers = store
        .offers(ACCOUNT, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(offers.total_entries, 1);
    let offer = &offers.items[0];
    assert_eq!(offer.offer.id, seeded.offer);
    assert_eq!(offer.offer.status, OfferStatus::Approved);
    assert!(offer.offer.approved_at.is_some());
    assert_eq!(offer.channels.len(), 1);
    assert_eq!(offer.channels[0].channel_id, seeded.channel);
    assert!(!offer.channels[0].xid.is_empty());
    assert_eq!(
        store.offer(ACCOUNT, seeded.offer).await.unwrap().as_ref(),
        Some(offer)
    );

    let credential = store
        .credential(ACCOUNT, CredentialId(seeded.credential))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(credential.status, CredentialStatus::Redeemed);
    assert!(credential.redeemed_at.is_some());
    let redeemed = CredentialFilter {
        member_id: Some(seeded.member),
        status: Some(CredentialStatus::Redeemed),
        offer_id: Some(seeded.offer),
        store_id: None,
    };
    let listed = store
        .credentials(ACCOUNT, redeemed, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![credential]);
    let open = CredentialFilter {
        status: Some(CredentialStatus::Open),
        ..CredentialFilter::default()
    };
    let none = store
        .credentials(ACCOUNT, open, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(none.total_entries, 0);

    let redemption = store
        .redemption(ACCOUNT, RedemptionId(seeded.redemption))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(redemption.status, RedemptionStatus::Committed);
    assert_eq!(redemption.store_id, Some(seeded.store));
    assert_eq!(
        redemption.credential_ids,
        vec![CredentialId(seeded.credential)]
    );
    assert!(
        redemption.evaluation.is_object(),
        "{:?}",
        redemption.evaluation
    );
    let listed = store
        .redemptions(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![redemption]);
}

async fn lists_page_sparkfly_style(backend: Backend) {
    let setup = Setup::new(backend).await;
    setup.account().await;
    setup.members("m", 120).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();

    let mut seen = Vec::new();
    for (page, expected) in [(1, 50), (2, 50), (3, 20), (4, 0)] {
        let listed = store
            .members(ACCOUNT, PageRequest::new(Some(page), None))
            .await
            .unwrap();
        assert_eq!((listed.page, listed.per_page), (page, 50));
        assert_eq!((listed.total_entries, listed.total_pages), (120, 3));
        assert_eq!(listed.items.len(), expected);
        seen.extend(listed.items.into_iter().map(|member| member.id));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 120);
    let capped = store
        .members(ACCOUNT, PageRequest::new(None, Some(500)))
        .await
        .unwrap();
    assert_eq!(
        (capped.per_page, capped.items.len(), capped.total_pages),
        (100, 100, 2)
    );
}

per_backend!(the_seed_flow_is_readable, lists_page_sparkfly_style,);
