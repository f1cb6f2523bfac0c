//! Usage counters behind redemption limits: applications of committed redemptions and live
//! reservations, per offer, per offer and member, per offer, member and day, per offer and
//! channel.

use super::OfferApplication;
use crate::ids::{ChannelId, MemberId, OfferId};
use crate::persistent::InlineMap;
use chrono::NaiveDate;
use imbl::hashmap::Entry;
use serde::{Deserialize, Serialize};
use std::hash::Hash;

/// Counts of applications holding capacity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    total: InlineMap<OfferId, u32>,
    per_member: InlineMap<(OfferId, MemberId), u32>,
    per_member_day: InlineMap<(OfferId, MemberId, NaiveDate), u32>,
    per_channel: InlineMap<(OfferId, ChannelId), u32>,
}

/// The four counts one application is checked against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Of the offer.
    pub total: u32,
    /// Of the offer by the member.
    pub per_member: u32,
    /// Of the offer by the member on the day.
    pub per_member_day: u32,
    /// Of the offer on the channel.
    pub per_channel: u32,
}

impl Counts {
    /// One for each dimension of `like` that `other` counts in.
    pub fn shared(like: &OfferApplication, other: &OfferApplication) -> Self {
        if other.offer_id != like.offer_id {
            return Self::default();
        }
        let same_member = other.member_id == like.member_id;
        Self {
            total: 1,
            per_member: u32::from(same_member),
            per_member_day: u32::from(same_member && other.day == like.day),
            per_channel: u32::from(other.channel_id == like.channel_id),
        }
    }

    /// These counts plus `other`.
    pub fn plus(self, other: Self) -> Self {
        self.zip(other, u32::saturating_add)
    }

    /// These counts less `other`.
    pub fn minus(self, other: Self) -> Self {
        self.zip(other, u32::saturating_sub)
    }

    fn zip(self, other: Self, op: fn(u32, u32) -> u32) -> Self {
        Self {
            total: op(self.total, other.total),
            per_member: op(self.per_member, other.per_member),
            per_member_day: op(self.per_member_day, other.per_member_day),
            per_channel: op(self.per_channel, other.per_channel),
        }
    }
}

impl Usage {
    /// Counts one more application.
    pub fn add(&mut self, application: &OfferApplication) {
        let (offer, member) = (application.offer_id, application.member_id);
        *self.total.entry(offer).or_default() += 1;
        *self.per_member.entry((offer, member)).or_default() += 1;
        *self
            .per_member_day
            .entry((offer, member, application.day))
            .or_default() += 1;
        *self
            .per_channel
            .entry((offer, application.channel_id))
            .or_default() += 1;
    }

    /// Gives an application's capacity back.
    pub fn remove(&mut self, application: &OfferApplication) {
        let (offer, member) = (application.offer_id, application.member_id);
        decrement(&mut self.total, offer);
        decrement(&mut self.per_member, (offer, member));
        decrement(&mut self.per_member_day, (offer, member, application.day));
        decrement(&mut self.per_channel, (offer, application.channel_id));
    }

    /// The recorded counts for the dimensions of `application`.
    pub fn counts(&self, application: &OfferApplication) -> Counts {
        let offer = application.offer_id;
        let member = application.member_id;
        Counts {
            total: self.total.get(&offer).copied().unwrap_or(0),
            per_member: self.per_member.get(&(offer, member)).copied().unwrap_or(0),
            per_member_day: self
                .per_member_day
                .get(&(offer, member, application.day))
                .copied()
                .unwrap_or(0),
            per_channel: self
                .per_channel
                .get(&(offer, application.channel_id))
                .copied()
                .unwrap_or(0),
        }
    }
}

fn decrement<K: Hash + Eq + Clone>(counts: &mut InlineMap<K, u32>, key: K) {
    if let Entry::Occupied(mut entry) = counts.entry(key) {
        if *entry.get() <= 1 {
            entry.remove();
        } else {
            *entry.get_mut() -= 1;
        }
    }
}
