//! Manufacturers in the read model: the merchants they name follow adds, removes, sets and the
//! deletion of a merchant; their items and item sets are listed by owner; pages are Sparkfly
//! style; the rows agree with the live state; and a rebuild from zero (or a restart
//! half-way) gives the same rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::catalog::{ItemFields, ItemSetFields, ManufacturerFields, Owner};
use domain::ids::{ItemId, ItemSetId, ManufacturerId, MerchantId};
use domain::Command;
use projections::{ItemFilter, PageRequest};
use support::{created, Backend, Setup, ACCOUNT};
use testkit::fixtures::{create_manufacturer, create_merchant};

/// What `traffic` made.
struct Made {
    acme: ManufacturerId,
    other: ManufacturerId,
    merchants: Vec<MerchantId>,
    chips: ItemId,
    snacks: ItemSetId,
}

/// Two manufacturers (one renamed and deleted), merchants named, dropped, set and deleted,
/// and a manufacturer's items and item set beside a merchant's.
async fn traffic(setup: &Setup) -> Made {
    setup.account().await;
    let mut merchants = Vec::new();
    for name in ["North", "South", "East"] {
        merchants.push(MerchantId(created(&setup.ok(create_merchant(name)).await)));
    }
    let acme = ManufacturerId(created(&setup.ok(create_manufacturer("Acme")).await));
    let other = ManufacturerId(created(&setup.ok(create_manufacturer("Other")).await));
    setup
        .ok(Command::AddManufacturerMerchants {
            manufacturer_id: acme,
            merchant_ids: merchants.clone(),
        })
        .await;
    setup
        .ok(Command::RemoveManufacturerMerchants {
            manufacturer_id: acme,
            merchant_ids: vec![merchants[0]],
        })
        .await;
    setup
        .ok(Command::SetManufacturerMerchants {
            manufacturer_id: other,
            merchant_ids: merchants[1..].to_vec(),
        })
        .await;
    setup
        .ok(Command::DeleteMerchant {
            merchant_id: merchants[2],
        })
        .await;
    setup
        .ok(Command::UpdateManufacturer {
            manufacturer_id: acme,
            fields: ManufacturerFields {
                description: Some("Snacks".into()),
                ..ManufacturerFields::default()
            },
        })
        .await;
    let doomed = ManufacturerId(created(&setup.ok(create_manufacturer("Gone")).await));
    setup
        .ok(Command::DeleteManufacturer {
            manufacturer_id: doomed,
        })
        .await;
    let item = |code: &str, manufacturer_id, merchant_id| Command::CreateItem {
        fields: ItemFields {
            name: Some(code.to_owned()),
            code: Some(code.to_owned()),
            merchant_id,
            manufacturer_id,
        },
    };
    let chips = ItemId(created(&setup.ok(item("CHIPS", Some(acme), None)).await));
    setup.ok(item("CHIPS", None, Some(merchants[0]))).await;
    let snacks = ItemSetId(created(
        &setup
            .ok(Command::CreateItemSet {
                fields: ItemSetFields {
                    name: Some("Snacks".into()),
                    item_ids: Some(vec![chips]),
                    manufacturer_id: Some(acme),
                    ..ItemSetFields::default()
                },
            })
            .await,
    ));
    Made {
        acme,
        other,
        merchants,
        chips,
        snacks,
    }
}

async fn merchants_and_owned_items_follow_the_log(backend: Backend) {
    let setup = Setup::new(backend).await;
    let made = traffic(&setup).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();

    let page = store
        .manufacturers(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((page.total_entries, page.total_pages), (2, 1));
    let (acme, other) = (&page.items[0], &page.items[1]);
    assert_eq!((acme.id, other.id), (made.acme, made.other));
    assert_eq!(acme.description.as_deref(), Some("Snacks"));
    assert_eq!(
        acme.merchant_ids.iter().copied().collect::<Vec<_>>(),
        vec![made.merchants[1]],
        "the first removed, the third deleted"
    );
    assert_eq!(
        other.merchant_ids.iter().copied().collect::<Vec<_>>(),
        vec![made.merchants[1]]
    );
    let second = store
        .manufacturers(ACCOUNT, PageRequest::new(Some(2), Some(1)))
        .await
        .unwrap();
    assert_eq!((second.total_pages, second.items.len()), (2, 1));

    let acme_owned = Some(Owner::Manufacturer(made.acme));
    let filter = ItemFilter {
        owner: acme_owned,
        ..ItemFilter::default()
    };
    let items = store
        .items(ACCOUNT, &filter, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(items.total_entries, 1);
    assert_eq!(items.items[0].id, made.chips);
    let all = store
        .items(ACCOUNT, &ItemFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total_entries, 2);
    let sets = store
        .item_sets(ACCOUNT, acme_owned, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(sets.total_entries, 1);
    assert_eq!(sets.items[0].id, made.snacks);
    assert_eq!(sets.items[0].set_type, 1);
    let none = store
        .item_sets(
            ACCOUNT,
            Some(Owner::Manufacturer(made.other)),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(none.total_entries, 0);
    let merchant_sets = store
        .item_sets(
            ACCOUNT,
            Some(Owner::Merchant(made.merchants[0])),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(merchant_sets.total_entries, 0);
}

async fn the_read_model_agrees_with_the_live_state(backend: Backend) {
    let setup = Setup::new(backend).await;
    let made = traffic(&setup).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    let live = setup.actor.account_state(ACCOUNT).await.unwrap().unwrap();
    let page = store
        .manufacturers(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    let listed: Vec<_> = page.items.iter().collect();
    let expected: Vec<_> = [made.acme, made.other]
        .into_iter()
        .map(|id| live.manufacturer(id).unwrap())
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(
        store.item_set(ACCOUNT, made.snacks).await.unwrap().as_ref(),
        live.item_set(made.snacks)
    );
    assert_eq!(
        store.item(ACCOUNT, made.chips).await.unwrap().as_ref(),
        live.item(made.chips)
    );
}

async fn a_rebuild_or_a_restart_gives_the_same_rows(backend: Backend) {
    let setup = Setup::new(backend).await;
    traffic(&setup).await;
    let tables = ["manufacturers|", "manufacturer_merchants|", "item_sets|"];
    setup.assert_rebuilds_agree(&tables, 2).await;
}

per_backend!(
    merchants_and_owned_items_follow_the_log,
    the_read_model_agrees_with_the_live_state,
    a_rebuild_or_a_restart_gives_the_same_rows,
);
