//! Impressions: a view of an offer through its link to a channel (its `xid`), recorded as a
//! fact for reports: the offer, the channel, the xid, the creative shown, the member when
//! known, and a digest of the visitor's cookie (never the cookie itself: the caller hashes it).
//! Impressions are not kept in the account's state (there can be many more of them than of
//! anything else); the read model lists them.

use crate::ids::{ChannelId, ImpressionId, MemberId, OfferId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A recorded view of an offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Impression {
    /// Its id.
    pub id: ImpressionId,
    /// The offer seen.
    pub offer_id: OfferId,
    /// The channel it was seen through.
    pub channel_id: ChannelId,
    /// The link's xid.
    pub xid: String,
    /// A digest of the visitor's cookie (hex), so visits can be told apart without keeping it.
    pub cookie_digest: String,
    /// The member, when the view was a known member's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    /// The creative shown (`sf_ac`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creative: Option<String>,
    /// When it was seen.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
}

/// What a client gives to record an impression.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImpressionFields {
    /// The link's xid (required).
    pub xid: Option<String>,
    /// The digest of the visitor's cookie (required; hex of SHA-256, computed by the caller).
    pub cookie_digest: Option<String>,
    /// The member, when known.
    pub member_id: Option<MemberId>,
    /// The creative shown.
    pub creative: Option<String>,
}
