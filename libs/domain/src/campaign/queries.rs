//! What the API asks of campaigns in live state.

use super::Campaign;
use crate::ids::{CampaignId, ChannelId};
use crate::state::AccountState;
use chrono::{DateTime, Utc};

/// Campaign `id`.
pub fn campaign(state: &AccountState, id: CampaignId) -> Option<&Campaign> {
    state.campaigns.get(&id)
}

/// The campaign with the account's `external_id`.
pub fn by_external_id<'s>(state: &'s AccountState, external_id: &str) -> Option<&'s Campaign> {
    let id = state.campaign_ids_by_external_id.get(external_id.trim())?;
    state.campaigns.get(id)
}

/// The campaigns on `channel` running at `now`: displayed, with an offer redeemable now, by id.
pub fn running_on(state: &AccountState, channel: ChannelId, now: DateTime<Utc>) -> Vec<&Campaign> {
    let mut found: Vec<&Campaign> = state
        .campaigns
        .values()
        .filter(|campaign| campaign.channel_id == Some(channel) && campaign.is_displayed_at(now))
        .filter(|campaign| {
            campaign
                .offer_id
                .and_then(|offer| state.offers.get(&offer))
                .is_some_and(|offer| offer.is_redeemable_at(now))
        })
        .collect();
    found.sort_unstable_by_key(|campaign| campaign.id);
    found
}
