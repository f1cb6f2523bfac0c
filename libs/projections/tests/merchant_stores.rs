//! `ReadStore::merchant_stores`: one merchant's stores, paged, and none for another merchant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::ids::MerchantId;
use projections::PageRequest;
use support::{seed, Backend, Setup, ACCOUNT};

async fn a_merchant_lists_only_its_own_stores(backend: Backend) {
    let setup = Setup::new(backend).await;
    let seeded = seed(&setup).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    let shop = store.store(ACCOUNT, seeded.store).await.unwrap().unwrap();

    let page = store
        .merchant_stores(ACCOUNT, shop.merchant_id, None, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((page.total_entries, page.items), (1, vec![shop.clone()]));

    let beyond = store
        .merchant_stores(
            ACCOUNT,
            shop.merchant_id,
            None,
            PageRequest::new(Some(2), None),
        )
        .await
        .unwrap();
    assert_eq!((beyond.total_entries, beyond.items.len()), (1, 0));

    let other = MerchantId(shop.merchant_id.0 + 1_000);
    let none = store
        .merchant_stores(ACCOUNT, other, None, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((none.total_entries, none.items.len()), (0, 0));
}

per_backend!(a_merchant_lists_only_its_own_stores,);
