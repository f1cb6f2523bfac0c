//! Store lists, member lists, items and item sets in the read model: memberships follow adds,
//! removes and deletions of stores, members and items, pages are Sparkfly style, and a rebuild
//! from zero (or a restart half-way) gives the same rows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

use domain::catalog::{ItemFields, ItemSetFields, ListFields, MerchantFields, Owner, StoreFields};
use domain::ids::{ItemId, ItemSetId, MemberId, MemberListId, MerchantId, StoreId, StoreListId};
use domain::{Command, Event, EventKind};
use projections::{ItemFilter, PageRequest};
use support::{Backend, Setup, ACCOUNT};

/// The id of the list, item or set `events` created.
fn made(events: &[Event]) -> u64 {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::StoreListCreated(x) => Some(x.id.0),
            EventKind::MemberListCreated(x) => Some(x.id.0),
            EventKind::ItemCreated(x) => Some(x.id.0),
            EventKind::ItemSetCreated(x) => Some(x.id.0),
            EventKind::StoreCreated(x) => Some(x.id.0),
            EventKind::MerchantCreated(x) => Some(x.id.0),
            _ => None,
        })
        .expect("nothing created")
}

fn named(name: &str) -> ListFields {
    ListFields {
        name: Some(name.into()),
    }
}

struct Made {
    merchant: MerchantId,
    stores: Vec<StoreId>,
    members: Vec<MemberId>,
    store_list: StoreListId,
    member_list: MemberListId,
    items: Vec<ItemId>,
    item_set: ItemSetId,
}

/// Lists, items and sets, changed in every way the domain allows.
async fn traffic(setup: &Setup) -> Made {
    setup.account().await;
    let merchant = MerchantId(made(
        &setup
            .ok(Command::CreateMerchant {
                fields: MerchantFields {
                    name: Some("Q Burger Inc".into()),
                    ..Default::default()
                },
            })
            .await,
    ));
    let mut stores = Vec::new();
    for name in ["North", "South", "East"] {
        let command = Command::CreateStore {
            merchant_id: merchant,
            fields: StoreFields {
                name: Some(name.into()),
                ..StoreFields::default()
            },
        };
        stores.push(StoreId(made(&setup.ok(command).await)));
    }
    let mut members = Vec::new();
    for name in ["ann", "ben", "cy"] {
        members.push(setup.member(name).await);
    }
    let store_list = StoreListId(made(
        &setup
            .ok(Command::CreateStoreList {
                merchant_id: Some(merchant),
                fields: named("Downtown"),
            })
            .await,
    ));
    setup
        .ok(Command::AddStoresToList {
            store_list_id: store_list,
            store_ids: stores.clone(),
        })
        .await;
    setup
        .ok(Command::RemoveStoresFromList {
            store_list_id: store_list,
            store_ids: vec![stores[0]],
        })
        .await;
    setup
        .ok(Command::RenameStoreList {
            store_list_id: store_list,
            fields: named("Uptown"),
        })
        .await;
    setup
        .ok(Command::DeleteStore {
            store_id: stores[2],
        })
        .await;
    let member_list = MemberListId(made(
        &setup
            .ok(Command::CreateMemberList {
                fields: named("VIP"),
            })
            .await,
    ));
    setup
        .ok(Command::AddMembersToList {
            member_list_id: member_list,
            member_ids: members.clone(),
        })
        .await;
    setup
        .ok(Command::DeleteMember {
            member_id: members[1],
        })
        .await;
    let doomed = MemberListId(made(
        &setup
            .ok(Command::CreateMemberList {
                fields: named("Gone"),
            })
            .await,
    ));
    setup
        .ok(Command::AddMembersToList {
            member_list_id: doomed,
            member_ids: vec![members[0]],
        })
        .await;
    setup
        .ok(Command::DeleteMemberList {
            member_list_id: doomed,
        })
        .await;
    let mut items = Vec::new();
    for code in ["A1", "B2", "C3"] {
        let command = Command::CreateItem {
            fields: ItemFields {
                name: Some(format!("Item {code}")),
                code: Some(code.into()),
                merchant_id: Some(merchant),
                manufacturer_id: None,
            },
        };
        items.push(ItemId(made(&setup.ok(command).await)));
    }
    let item_set = ItemSetId(made(
        &setup
            .ok(Command::CreateItemSet {
                fields: ItemSetFields {
                    name: Some("Burgers".into()),
                    merchant_id: Some(merchant),
                    item_ids: Some(items.clone()),
                    set_type: None,
                    manufacturer_id: None,
                },
            })
            .await,
    ));
    setup.ok(Command::DeleteItem { item_id: items[0] }).await;
    setup
        .ok(Command::UpdateItem {
            item_id: items[1],
            fields: ItemFields {
                name: Some("Double".into()),
                ..ItemFields::default()
            },
        })
        .await;
    Made {
        merchant,
        stores,
        members,
        store_list,
        member_list,
        items,
        item_set,
    }
}

async fn memberships_follow_the_log(backend: Backend) {
    let setup = Setup::new(backend).await;
    let made = traffic(&setup).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();

    let list = store
        .store_list(ACCOUNT, made.store_list)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(list.name, "Uptown");
    assert_eq!(list.merchant_id, Some(made.merchant));
    assert_eq!(
        list.store_ids.into_iter().collect::<Vec<_>>(),
        vec![made.stores[1]]
    );
    let stores = store
        .store_list_stores(ACCOUNT, made.store_list, None, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(stores.total_entries, 1);
    assert_eq!(stores.items[0].name, "South");
    let lists = store
        .store_lists(ACCOUNT, Some(made.merchant), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(lists.total_entries, 1);
    let other = MerchantId(made.merchant.0 + 1_000);
    let none = store
        .store_lists(ACCOUNT, Some(other), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(none.total_entries, 0);

    let members = store
        .member_list(ACCOUNT, made.member_list)
        .await
        .unwrap()
        .unwrap();
    let expected = vec![made.members[0], made.members[2]];
    assert_eq!(
        members.member_ids.iter().copied().collect::<Vec<_>>(),
        expected
    );
    let page = store
        .member_list_members(
            ACCOUNT,
            made.member_list,
            PageRequest::new(Some(2), Some(1)),
        )
        .await
        .unwrap();
    assert_eq!((page.total_entries, page.total_pages), (2, 2));
    assert_eq!(page.items, vec![made.members[2]]);
    let all = store
        .member_lists(ACCOUNT, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(all.total_entries, 1);
    assert_eq!(all.items, vec![members]);

    let set = store
        .item_set(ACCOUNT, made.item_set)
        .await
        .unwrap()
        .unwrap();
    let left = vec![made.items[1], made.items[2]];
    assert_eq!(set.item_ids.iter().copied().collect::<Vec<_>>(), left);
    let in_set = store
        .item_set_items(ACCOUNT, made.item_set, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(in_set.items[0].name, "Double");
    assert!(store.item(ACCOUNT, made.items[0]).await.unwrap().is_none());
    let by_code = ItemFilter {
        code: Some("C3".into()),
        ..ItemFilter::default()
    };
    let found = store
        .items(ACCOUNT, &by_code, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].id, made.items[2]);
    let mine = ItemFilter {
        owner: Some(Owner::Merchant(made.merchant)),
        ..ItemFilter::default()
    };
    let listed = store
        .items(ACCOUNT, &mine, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total_entries, 2);
    let sets = store
        .item_sets(ACCOUNT, None, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(sets.items, vec![set]);
}

async fn the_read_model_agrees_with_the_live_state(backend: Backend) {
    let setup = Setup::new(backend).await;
    let made = traffic(&setup).await;
    let store = setup.store("read.db").await;
    setup.projector(&store).catch_up().await.unwrap();
    let live = setup.actor.account_state(ACCOUNT).await.unwrap().unwrap();
    assert_eq!(
        store
            .store_list(ACCOUNT, made.store_list)
            .await
            .unwrap()
            .as_ref(),
        live.store_list(made.store_list)
    );
    assert_eq!(
        store
            .member_list(ACCOUNT, made.member_list)
            .await
            .unwrap()
            .as_ref(),
        live.member_list(made.member_list)
    );
    assert_eq!(
        store
            .item_set(ACCOUNT, made.item_set)
            .await
            .unwrap()
            .as_ref(),
        live.item_set(made.item_set)
    );
    assert_eq!(
        store.item(ACCOUNT, made.items[1]).await.unwrap().as_ref(),
        live.item(made.items[1])
    );
}

async fn a_rebuild_or_a_restart_gives_the_same_rows(backend: Backend) {
    let setup = Setup::new(backend).await;
    traffic(&setup).await;
    let tables = [
        "store_list_stores|",
        "member_list_members|",
        "item_set_items|",
        "items|",
    ];
    setup.assert_rebuilds_agree(&tables, 3).await;
}

per_backend!(
    memberships_follow_the_log,
    the_read_model_agrees_with_the_live_state,
    a_rebuild_or_a_restart_gives_the_same_rows,
);
