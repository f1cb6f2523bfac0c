//! Campaigns: a marketer's grouping of an offer on a channel under a name, with the account's
//! own `external_id` (unique in the account, for lookups), a display window and a few
//! descriptive fields. What the offer already says (window, limits, terms) is read from the
//! offer, not copied. `queries` answers what the API asks.

pub mod queries;

use crate::ids::{CampaignId, ChannelId, OfferId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Campaign {
    /// Its id.
    pub id: CampaignId,
    /// Its name.
    pub name: String,
    /// The account's own id for it, unique in the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The offer it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<OfferId>,
    /// The channel it runs on (the offer must be linked to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    /// What it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who pays for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_source: Option<String>,
    /// The code terminals key in for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos_offer_code: Option<String>,
    /// Shown from then on, when set.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub start_display_at: Option<DateTime<Utc>>,
    /// Not shown from then on, when set.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub stop_display_at: Option<DateTime<Utc>>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

impl Campaign {
    /// Whether its display window holds `now`.
    pub fn is_displayed_at(&self, now: DateTime<Utc>) -> bool {
        self.start_display_at.is_none_or(|start| start <= now)
            && self.stop_display_at.is_none_or(|stop| now < stop)
    }
}

/// Campaign fields given on create or update: absent fields stay as they are, empty text
/// clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CampaignFields {
    /// Its name (required on create).
    pub name: Option<String>,
    /// The account's own id for it.
    pub external_id: Option<String>,
    /// The offer it runs.
    pub offer_id: Option<OfferId>,
    /// The channel it runs on.
    pub channel_id: Option<ChannelId>,
    /// What it is about.
    pub description: Option<String>,
    /// Who pays for it.
    pub funding_source: Option<String>,
    /// The code terminals key in for it.
    pub pos_offer_code: Option<String>,
    /// Shown from then on.
    pub start_display_at: Option<DateTime<Utc>>,
    /// Not shown from then on.
    pub stop_display_at: Option<DateTime<Utc>>,
}
