//! What the API may ask of an account's live state about offers: an offer with its channel
//! links ([`with_links`]), the links alone ([`links`]), and the channels an offer is linked to
//! beyond a wanted set ([`channels_beyond`]).

use super::Offer;
use crate::channel::OfferChannel;
use crate::ids::{ChannelId, OfferId};
use crate::state::AccountState;

/// An offer's link to a channel, with the channel's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedLink<'a> {
    /// The link.
    pub link: &'a OfferChannel,
    /// The channel's name; `None` when the channel is gone.
    pub channel_name: Option<&'a str>,
}

/// An offer and its channel links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferWithLinks<'a> {
    /// The offer.
    pub offer: &'a Offer,
    /// Its links, by channel id.
    pub links: Vec<NamedLink<'a>>,
}

/// Offer `offer` with its channel links; `None` when the account has no such offer.
pub fn with_links(state: &AccountState, offer: OfferId) -> Option<OfferWithLinks<'_>> {
    let found = state.offer(offer)?;
    Some(OfferWithLinks {
        offer: found,
        links: links(state, offer),
    })
}

/// The channel links of offer `offer`, by channel id, each with its channel's name; empty
/// when the offer is unknown or runs on no channel.
pub fn links(state: &AccountState, offer: OfferId) -> Vec<NamedLink<'_>> {
    let mut links: Vec<NamedLink<'_>> = state
        .offer_links(offer)
        .map(|link| NamedLink {
            link,
            channel_name: state
                .channel(link.channel_id)
                .map(|channel| channel.name.as_str()),
        })
        .collect();
    links.sort_by_key(|named| named.link.channel_id);
    links
}

/// The channels offer `offer` is linked to that are not among `wanted`, by id: what making
/// `wanted` its whole set of channels unlinks.
pub fn channels_beyond(
    state: &AccountState,
    offer: OfferId,
    wanted: &[ChannelId],
) -> Vec<ChannelId> {
    let mut others: Vec<ChannelId> = state
        .offer_links(offer)
        .map(|link| link.channel_id)
        .filter(|channel| !wanted.contains(channel))
        .collect();
    others.sort_unstable();
    others
}
