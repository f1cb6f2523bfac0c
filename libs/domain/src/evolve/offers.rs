//! Applying events of offers, channels and the links between them.

use crate::event::{ChannelEvent, OfferChannelEvent, OfferEvent};
use crate::offer::OfferStatus;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn offers(state: &mut AccountState, event: OfferEvent, at: DateTime<Utc>) {
    match event {
        OfferEvent::Created(offer) | OfferEvent::Updated(offer) => {
            state.last_id = state.last_id.max(offer.id.0);
            state.offers.insert(offer.id, *offer);
        }
        OfferEvent::Approved(approved) => {
            if let Some(offer) = state.offers.get_mut(&approved.offer_id) {
                offer.status = OfferStatus::Approved;
                offer.approved_at = Some(at);
                offer.updated_at = at;
            }
        }
        OfferEvent::Stopped(stopped) => {
            if let Some(offer) = state.offers.get_mut(&stopped.offer_id) {
                offer.status = OfferStatus::Stopped;
                offer.updated_at = at;
            }
        }
        OfferEvent::PassbookConfigured(configuration) => {
            state
                .passbooks
                .insert(configuration.offer_id, configuration);
        }
        OfferEvent::PassbookDeleted(deleted) => {
            state.passbooks.remove(&deleted.offer_id);
        }
        OfferEvent::Deleted(deleted) => {
            state.offers.remove(&deleted.offer_id);
            state.passbooks.remove(&deleted.offer_id);
            let unlinked: Vec<_> = state
                .offer_channels
                .keys()
                .filter(|(offer, _)| *offer == deleted.offer_id)
                .copied()
                .collect();
            for key in unlinked {
                unlink(state, key);
            }
        }
    }
}

pub(super) fn links(state: &mut AccountState, event: OfferChannelEvent) {
    match event {
        OfferChannelEvent::Linked(link) => {
            let key = (link.offer_id, link.channel_id);
            state.links_by_xid.insert(link.xid.clone(), key);
            state.offer_channels.insert(key, link);
        }
        OfferChannelEvent::Unlinked(link) => unlink(state, (link.offer_id, link.channel_id)),
        OfferChannelEvent::CapSet(cap) => {
            if let Some(link) = state
                .offer_channels
                .get_mut(&(cap.offer_id, cap.channel_id))
            {
                link.max_redemptions = cap.max_redemptions;
            }
        }
        OfferChannelEvent::Configured(configured) => {
            let key = (configured.offer_id, configured.channel_id);
            if let Some(link) = state.offer_channels.get_mut(&key) {
                link.settings = configured.settings;
            }
        }
    }
}

pub(super) fn channels(state: &mut AccountState, event: ChannelEvent) {
    match event {
        ChannelEvent::Created(channel) | ChannelEvent::Updated(channel) => {
            state.last_id = state.last_id.max(channel.id.0);
            state.channels.insert(channel.id, channel);
        }
        ChannelEvent::Deleted(deleted) => {
            state.channels.remove(&deleted.channel_id);
        }
    }
}

fn unlink(state: &mut AccountState, key: (crate::ids::OfferId, crate::ids::ChannelId)) {
    if let Some(link) = state.offer_channels.remove(&key) {
        state.links_by_xid.remove(&link.xid);
    }
}
