//! Applying campaigns: the entity and its index by external id move together.

use crate::campaign::Campaign;
use crate::event::CampaignEvent;
use crate::ids::CampaignId;
use crate::state::AccountState;

pub(super) fn apply(state: &mut AccountState, event: CampaignEvent) {
    match event {
        CampaignEvent::Created(campaign) | CampaignEvent::Updated(campaign) => {
            state.last_id = state.last_id.max(campaign.id.0);
            unindex(state, campaign.id);
            if let Some(external) = &campaign.external_id {
                state
                    .campaign_ids_by_external_id
                    .insert(external.clone(), campaign.id);
            }
            state.campaigns.insert(campaign.id, campaign);
        }
        CampaignEvent::Deleted(deleted) => {
            unindex(state, deleted.campaign_id);
            state.campaigns.remove(&deleted.campaign_id);
        }
    }
}

/// Takes campaign `id`'s external id out of the index.
fn unindex(state: &mut AccountState, id: CampaignId) {
    let external = state
        .campaigns
        .get(&id)
        .and_then(|campaign: &Campaign| campaign.external_id.clone());
    if let Some(external) = external {
        state.campaign_ids_by_external_id.remove(&external);
    }
}
