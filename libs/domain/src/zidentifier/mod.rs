//! Zidentifiers: an unguessable id linking a member to an offer on a channel (Sparkfly's
//! `zid`), for links that must name the member without showing who they are. One per
//! (member, offer, channel): asking again answers the same one. Drawn like a secure
//! credential code (about 54 bits), unique in the account. `queries` answers what the API asks.

pub mod queries;

use crate::ids::{ChannelId, MemberId, OfferId, ZidentifierId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A member's id for an offer on a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Zidentifier {
    /// Its id.
    pub id: ZidentifierId,
    /// The id itself.
    pub zid: String,
    /// The member.
    pub member_id: MemberId,
    /// The offer.
    pub offer_id: OfferId,
    /// The channel.
    pub channel_id: ChannelId,
    /// When it was issued.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
}
