//! Applying events of offers, channels and the links between them.

use crate::event::EventKind;
use crate::offer::OfferStatus;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, kind: EventKind, at: DateTime<Utc>) {
    match kind {
        EventKind::OfferCreated(offer) | EventKind::OfferUpdated(offer) => {
            state.last_id = state.last_id.max(offer.id.0);
            state.offers.insert(offer.id, *offer);
        }
        EventKind::OfferApproved(approved) => {
            if let Some(offer) = state.offers.get_mut(&approved.offer_id) {
                offer.status = OfferStatus::Approved;
                offer.approved_at = Some(at);
                offer.updated_at = at;
            }
        }
        EventKind::OfferStopped(stopped) => {
            if let Some(offer) = state.offers.get_mut(&stopped.offer_id) {
                offer.status = OfferStatus::Stopped;
                offer.updated_at = at;
            }
        }
        EventKind::OfferDeleted(deleted) => {
            state.offers.remove(&deleted.offer_id);
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
        EventKind::OfferChannelLinked(link) => {
            let key = (link.offer_id, link.channel_id);
            state.links_by_xid.insert(link.xid.clone(), key);
            state.offer_channels.insert(key, link);
        }
        EventKind::OfferChannelUnlinked(link) => unlink(state, (link.offer_id, link.channel_id)),
        EventKind::OfferChannelCapSet(cap) => {
            if let Some(link) = state
                .offer_channels
                .get_mut(&(cap.offer_id, cap.channel_id))
            {
                link.max_redemptions = cap.max_redemptions;
            }
        }
        EventKind::ChannelCreated(channel) | EventKind::ChannelUpdated(channel) => {
            state.last_id = state.last_id.max(channel.id.0);
            state.channels.insert(channel.id, channel);
        }
        EventKind::ChannelDeleted(deleted) => {
            state.channels.remove(&deleted.channel_id);
        }
        _ => {}
    }
}

fn unlink(state: &mut AccountState, key: (crate::ids::OfferId, crate::ids::ChannelId)) {
    if let Some(link) = state.offer_channels.remove(&key) {
        state.links_by_xid.remove(&link.xid);
    }
}
