//! The named queries the API asks of live state, on the shared shop: whether a credential
//! request would be issued offer by offer (`credential::queries::eligibility`), an offer with
//! its channel links (`offer::queries`), and the membership changes of lists and item sets
//! (`catalog::queries`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::catalog::queries::{item_set_items, member_list_beyond, store_list_change, Change};
use domain::catalog::ListFields;
use domain::command::CredentialRequest;
use domain::credential::queries::{eligibility, related, MAX_OFFERS_CHECKED};
use domain::ids::{ChannelId, ItemId, ItemSetId, MemberId, MemberListId, OfferId, StoreId};
use domain::ids::{MerchantId, StoreListId};
use domain::offer::queries::{channels_beyond, links, with_links};
use domain::{Command, DomainError};
use std::collections::BTreeSet;
use testkit::fixtures::scenario::History;
use testkit::fixtures::{
    create_channel, create_dollar_off, create_item, create_item_set, create_member,
    create_merchant, create_store, created, Shop,
};

fn request(shop: &Shop, offers: &[OfferId]) -> CredentialRequest {
    CredentialRequest {
        member_id: Some(shop.member),
        channel_id: Some(shop.channel),
        offer_ids: offers.to_vec(),
        ..Default::default()
    }
}

/// A pending offer named `name`, linked to the shop's channel.
fn pending_offer(history: &mut History, shop: &Shop, name: &str) -> OfferId {
    let offer = OfferId(created(&history.record(create_dollar_off(name, None))));
    history.record(Command::LinkOfferChannels {
        offer_id: offer,
        channel_ids: vec![shop.channel],
    });
    offer
}

#[test]
fn a_request_for_the_shops_offer_is_eligible() {
    let (history, shop) = History::shop(None);
    let answer = eligibility(
        history.state(),
        &request(&shop, &[shop.offer]),
        history.now(),
    );
    assert!(answer.is_eligible());
    assert_eq!(answer.offer_ids, vec![shop.offer]);
    assert!(answer.refusals.is_empty());
}

/// Mutation: checking the offers as a whole (not one by one) fails it.
#[test]
fn each_offer_is_checked_on_its_own_and_asked_once() {
    let (history, shop) = History::shop(None);
    let unknown = OfferId(999);
    let answer = eligibility(
        history.state(),
        &request(&shop, &[shop.offer, unknown, shop.offer]),
        history.now(),
    );
    assert!(!answer.is_eligible());
    assert_eq!(answer.offer_ids, vec![shop.offer]);
    assert_eq!(
        answer.refusals,
        vec![DomainError::OffersNotFound { ids: "999".into() }]
    );
}

#[test]
fn refusals_with_the_same_message_are_named_once() {
    let (mut history, shop) = History::shop(None);
    let first = pending_offer(&mut history, &shop, "Soon");
    let second = pending_offer(&mut history, &shop, "Soon");
    let later = pending_offer(&mut history, &shop, "Later");
    let answer = eligibility(
        history.state(),
        &request(&shop, &[first, shop.offer, second, later]),
        history.now(),
    );
    assert_eq!(answer.offer_ids, vec![shop.offer]);
    let messages: Vec<String> = answer.refusals.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("Soon") && messages[1].contains("Later"));
}

#[test]
fn a_request_refused_before_its_offers_names_no_offer() {
    let (history, shop) = History::shop(None);
    let mut asked = request(&shop, &[shop.offer]);
    asked.member_id = Some(MemberId(999));
    let answer = eligibility(history.state(), &asked, history.now());
    assert!(answer.offer_ids.is_empty());
    assert_eq!(answer.refusals, vec![DomainError::MemberRequired]);
}

#[test]
fn past_the_offers_checked_one_by_one_the_request_is_checked_whole() {
    let (history, shop) = History::shop(None);
    let mut offers = vec![shop.offer];
    offers.extend((0..MAX_OFFERS_CHECKED as u64).map(|n| OfferId(900 + n)));
    let answer = eligibility(history.state(), &request(&shop, &offers), history.now());
    assert!(
        answer.offer_ids.is_empty(),
        "the good offer is not singled out"
    );
    assert_eq!(answer.refusals.len(), 1);
}

#[test]
fn a_credential_is_related_to_its_first_offer_and_its_stores_merchant() {
    let (mut history, shop) = History::shop(None);
    let mut asked = request(&shop, &[shop.offer]);
    asked.store_id = Some(shop.store);
    let issued = history.record(Command::IssueCredential { request: asked });
    let state = history.state();
    let credential = state
        .credential(domain::ids::CredentialId(created(&issued)))
        .unwrap();
    let found = related(state, credential);
    assert_eq!(found.offer.map(|offer| offer.id), Some(shop.offer));
    assert_eq!(found.store.map(|store| store.id), Some(shop.store));
    assert_eq!(found.merchant_id, Some(shop.merchant));
    assert_eq!(
        found.merchant.map(|merchant| merchant.name.as_str()),
        Some("Q Burger Inc")
    );
}

/// The shop with its offer also linked to a second channel, "Email".
fn on_two_channels() -> (History, Shop, ChannelId) {
    let (mut history, shop) = History::shop(None);
    let email = ChannelId(created(&history.record(create_channel("Email"))));
    history.record(Command::LinkOfferChannels {
        offer_id: shop.offer,
        channel_ids: vec![email],
    });
    (history, shop, email)
}

#[test]
fn an_offer_comes_with_its_links_by_channel_with_their_names() {
    let (history, shop, email) = on_two_channels();
    let state = history.state();
    let found = with_links(state, shop.offer).unwrap();
    assert_eq!(found.offer.id, shop.offer);
    let seen: Vec<(ChannelId, Option<&str>)> = found
        .links
        .iter()
        .map(|named| (named.link.channel_id, named.channel_name))
        .collect();
    assert_eq!(
        seen,
        vec![(shop.channel, Some("App")), (email, Some("Email"))]
    );
    assert!(found
        .links
        .iter()
        .all(|named| named.link.offer_id == shop.offer));
    assert_ne!(found.links[0].link.xid, found.links[1].link.xid);
    assert_eq!(
        state.link_by_xid(&found.links[1].link.xid),
        Some((shop.offer, email))
    );
}

#[test]
fn an_offer_on_no_channel_has_no_links_and_an_unknown_one_is_none() {
    let (mut history, _, _) = on_two_channels();
    let lone = OfferId(created(&history.record(create_dollar_off("Lone", None))));
    let state = history.state();
    assert!(with_links(state, lone).unwrap().links.is_empty());
    assert!(links(state, lone).is_empty());
    assert!(with_links(state, OfferId(999)).is_none());
}

#[test]
fn the_channels_beyond_a_wanted_set_are_the_other_links() {
    let (history, shop, email) = on_two_channels();
    let state = history.state();
    assert_eq!(
        channels_beyond(state, shop.offer, &[shop.channel]),
        vec![email]
    );
    assert_eq!(
        channels_beyond(state, shop.offer, &[]),
        vec![shop.channel, email]
    );
    assert!(channels_beyond(state, shop.offer, &[shop.channel, email]).is_empty());
}

#[test]
fn setting_a_store_lists_stores_removes_the_others_first() {
    let (mut history, shop) = History::shop(None);
    let second = StoreId(created(
        &history.record(create_store(shop.merchant, "Elm St")),
    ));
    let list = StoreListId(created(&history.record(Command::CreateStoreList {
        merchant_id: Some(shop.merchant),
        fields: ListFields {
            name: Some("Downtown".into()),
        },
    })));
    history.record(Command::AddStoresToList {
        store_list_id: list,
        store_ids: vec![shop.store],
    });
    let state = history.state();
    let wanted: BTreeSet<StoreId> = [second].into();
    assert_eq!(
        store_list_change(state, None, list, wanted.clone(), Change::Set),
        Ok(vec![
            Command::RemoveStoresFromList {
                store_list_id: list,
                store_ids: vec![shop.store],
            },
            Command::AddStoresToList {
                store_list_id: list,
                store_ids: vec![second],
            },
        ])
    );
    let other = MerchantId(created(&history.record(create_merchant("Tacos Inc"))));
    let foreign = StoreId(created(&history.record(create_store(other, "Oak St"))));
    let state = history.state();
    assert!(matches!(
        store_list_change(state, None, list, [foreign].into(), Change::Add),
        Err(DomainError::Invalid { .. })
    ));
    assert_eq!(
        store_list_change(state, Some(other), list, wanted, Change::Add),
        Err(DomainError::NotFound {
            resource: "Store list"
        })
    );
}

#[test]
fn a_member_list_set_removes_the_members_not_wanted() {
    let (mut history, shop) = History::shop(None);
    let bob = MemberId(created(&history.record(create_member("bob"))));
    let list = MemberListId(created(&history.record(Command::CreateMemberList {
        fields: ListFields {
            name: Some("VIP".into()),
        },
    })));
    history.record(Command::AddMembersToList {
        member_list_id: list,
        member_ids: vec![shop.member, bob],
    });
    let state = history.state();
    assert_eq!(
        member_list_beyond(state, list, &[bob].into()),
        Ok(vec![shop.member])
    );
    assert_eq!(
        member_list_beyond(state, list, &[MemberId(999)].into()),
        Err(DomainError::NotFound { resource: "Member" })
    );
}

#[test]
fn an_item_sets_items_after_a_change() {
    let (mut history, _) = History::shop(None);
    let burger = ItemId(created(&history.record(create_item("Burger", "B1"))));
    let fries = ItemId(created(&history.record(create_item("Fries", "F1"))));
    let set = ItemSetId(created(&history.record(create_item_set("Meal", &[burger]))));
    let state = history.state();
    assert_eq!(
        item_set_items(state, set, [fries].into(), Change::Add),
        Ok(vec![burger, fries])
    );
    assert_eq!(
        item_set_items(state, set, [burger].into(), Change::Remove),
        Ok(vec![])
    );
    assert_eq!(
        item_set_items(state, ItemSetId(999), BTreeSet::new(), Change::Add),
        Err(DomainError::NotFound {
            resource: "Item set"
        })
    );
}
