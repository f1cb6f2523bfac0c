//! Decisions on campaigns: a name is required (the offer's, when a new campaign names none);
//! an `external_id` is unique in the account; the
//! offer and channel must exist, and the offer be linked to the channel when both are named;
//! the display window must not be inverted.

use crate::campaign::{Campaign, CampaignFields};
use crate::error::{DomainError, DomainResult};
use crate::event::{CampaignRef, EventKind};
use crate::ids::CampaignId;
use crate::state::AccountState;
use crate::validate::{existing, replace_text, required_text, MAX_LONG_TEXT, MAX_TEXT};
use chrono::{DateTime, Utc};

pub(super) fn create(
    state: &AccountState,
    fields: &CampaignFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let blank = Campaign {
        id: CampaignId(state.next_id()),
        name: String::new(),
        external_id: None,
        offer_id: None,
        channel_id: None,
        description: None,
        funding_source: None,
        pos_offer_code: None,
        start_display_at: None,
        stop_display_at: None,
        created_at: now,
        updated_at: now,
    };
    let campaign = merged(state, blank, fields, now)?;
    Ok(vec![EventKind::CampaignCreated(campaign)])
}

pub(super) fn update(
    state: &AccountState,
    id: CampaignId,
    fields: &CampaignFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    let kept = existing(&state.campaigns, &id, "Campaign")?.clone();
    let campaign = merged(state, kept, fields, now)?;
    Ok(vec![EventKind::CampaignUpdated(campaign)])
}

pub(super) fn delete(state: &AccountState, id: CampaignId) -> DomainResult<Vec<EventKind>> {
    existing(&state.campaigns, &id, "Campaign")?;
    Ok(vec![EventKind::CampaignDeleted(CampaignRef {
        campaign_id: id,
    })])
}

fn merged(
    state: &AccountState,
    mut campaign: Campaign,
    fields: &CampaignFields,
    now: DateTime<Utc>,
) -> DomainResult<Campaign> {
    campaign.offer_id = fields.offer_id.or(campaign.offer_id);
    if let Some(offer) = campaign.offer_id {
        existing(&state.offers, &offer, "Offer")?;
    }
    let offer_name = campaign
        .offer_id
        .and_then(|offer| state.offers.get(&offer))
        .map(|offer| offer.name.as_str());
    let kept = Some(campaign.name.as_str()).filter(|name| !name.is_empty());
    let name = fields.name.as_deref().or(kept).or(offer_name);
    campaign.name = required_text("Name", name, MAX_TEXT)?;
    replace_text(
        "External",
        fields.external_id.as_deref(),
        MAX_TEXT,
        &mut campaign.external_id,
    )?;
    if let Some(external) = &campaign.external_id {
        let taken = state
            .campaign_ids_by_external_id
            .get(external)
            .is_some_and(|holder| *holder != campaign.id);
        if taken {
            return Err(DomainError::Taken { field: "External" });
        }
    }
    replace_text(
        "Description",
        fields.description.as_deref(),
        MAX_LONG_TEXT,
        &mut campaign.description,
    )?;
    replace_text(
        "Funding source",
        fields.funding_source.as_deref(),
        MAX_TEXT,
        &mut campaign.funding_source,
    )?;
    replace_text(
        "Pos offer code",
        fields.pos_offer_code.as_deref(),
        MAX_TEXT,
        &mut campaign.pos_offer_code,
    )?;
    campaign.channel_id = fields.channel_id.or(campaign.channel_id);
    if let Some(channel) = campaign.channel_id {
        existing(&state.channels, &channel, "Channel")?;
    }
    if let (Some(offer), Some(channel)) = (campaign.offer_id, campaign.channel_id) {
        if !state.offer_channels.contains_key(&(offer, channel)) {
            return Err(DomainError::OffersNotFound {
                ids: offer.to_string(),
            });
        }
    }
    campaign.start_display_at = fields.start_display_at.or(campaign.start_display_at);
    campaign.stop_display_at = fields.stop_display_at.or(campaign.stop_display_at);
    if let (Some(start), Some(stop)) = (campaign.start_display_at, campaign.stop_display_at) {
        if stop <= start {
            return Err(DomainError::Invalid {
                field: "Stop display at",
                reason: "must be after start display at".into(),
            });
        }
    }
    campaign.updated_at = now;
    Ok(campaign)
}
