//! LinkOfferChannels, UnlinkOfferChannels and SetOfferChannelCap: linking an offer to a
//! channel draws a fresh xid for the pair (once per pair), unlinking records only existing
//! links, and a cap is positive and set on an existing link.

use domain::channel::OfferChannel;
use domain::event::{OfferChannelCapSet, OfferChannelRef};
use domain::ids::{ChannelId, OfferId};
use domain::{Command, DomainError, EventKind};
use testkit::fixtures::scenario::{given, History};
use testkit::fixtures::{create_channel, created};

fn link(offer: OfferId, channels: &[ChannelId]) -> Command {
    Command::LinkOfferChannels {
        offer_id: offer,
        channel_ids: channels.to_vec(),
    }
}

fn cap(offer: OfferId, channel: ChannelId, max: Option<u32>) -> Command {
    Command::SetOfferChannelCap {
        offer_id: offer,
        channel_id: channel,
        max_redemptions: max,
    }
}

#[test]
fn linking_an_offer_to_a_channel_draws_an_xid_once_per_pair() {
    let (mut history, shop) = History::shop(None);
    let web = ChannelId(created(&history.record(create_channel("Web"))));
    let given = given(history);
    let now = given.now();
    let when = given.when(link(shop.offer, &[web, shop.channel, web]));
    let EventKind::OfferChannelLinked(drawn) = &when.emitted()[0].kind else {
        panic!("no link in {:?}", when.emitted())
    };
    let xid = drawn.xid.clone();
    assert_eq!(xid.len(), 7, "{xid}");
    assert!(
        xid.bytes().all(|byte| byte.is_ascii_alphanumeric()),
        "{xid}"
    );
    when.then(vec![EventKind::OfferChannelLinked(OfferChannel {
        offer_id: shop.offer,
        channel_id: web,
        xid,
        max_redemptions: None,
        settings: Default::default(),
        created_at: now,
    })]);
}

#[test]
fn an_offer_cannot_be_linked_to_an_unknown_channel() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(link(shop.offer, &[ChannelId(999)]))
        .then_error(DomainError::NotFound {
            resource: "Channel",
        });
}

#[test]
fn unlinking_records_only_the_links_there_are() {
    let (mut history, shop) = History::shop(None);
    let web = ChannelId(created(&history.record(create_channel("Web"))));
    given(history)
        .when(Command::UnlinkOfferChannels {
            offer_id: shop.offer,
            channel_ids: vec![web, shop.channel],
        })
        .then(vec![EventKind::OfferChannelUnlinked(OfferChannelRef {
            offer_id: shop.offer,
            channel_id: shop.channel,
        })]);
}

#[test]
fn an_unknown_offer_cannot_be_unlinked() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(Command::UnlinkOfferChannels {
            offer_id: OfferId(999),
            channel_ids: vec![shop.channel],
        })
        .then_error(DomainError::NotFound { resource: "Offer" });
}

#[test]
fn capping_a_link_records_the_cap() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(cap(shop.offer, shop.channel, Some(10)))
        .then(vec![EventKind::OfferChannelCapSet(OfferChannelCapSet {
            offer_id: shop.offer,
            channel_id: shop.channel,
            max_redemptions: Some(10),
        })]);
}

#[test]
fn a_cap_of_zero_is_refused() {
    let (history, shop) = History::shop(None);
    given(history)
        .when(cap(shop.offer, shop.channel, Some(0)))
        .then_error(DomainError::Invalid {
            field: "Max redemptions",
            reason: "must be greater than 0".into(),
        });
}

#[test]
fn a_channel_the_offer_is_not_linked_to_cannot_be_capped() {
    let (mut history, shop) = History::shop(None);
    let web = ChannelId(created(&history.record(create_channel("Web"))));
    given(history)
        .when(cap(shop.offer, web, Some(10)))
        .then_error(DomainError::NotFound {
            resource: "Offer channel",
        });
}
