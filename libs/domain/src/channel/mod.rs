//! Channels (where members come from) and their links to offers, each with a short `xid`
//! and the settings of its landing page (`settings`).

mod settings;

pub use settings::{sms_keyword, LinkSecurity, LinkSettings, LinkSettingsFields, MAX_SMS_KEYWORD};

use crate::ids::{ChannelId, OfferId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest `code_lifetime` a channel with short numeric codes may ask for, in seconds.
pub const MAX_NUMERIC_CODE_LIFETIME: u32 = 3_600;

/// How credential codes on a channel look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CodeFormat {
    /// Unguessable: 11 random characters (over 54 bits) and a check character.
    #[default]
    Secure,
    /// Short digits, easy to key in; only with a short `code_lifetime`.
    Numeric {
        /// Number of digits, 4 to 8.
        digits: u8,
    },
}

/// A channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Channel {
    /// Its id.
    pub id: ChannelId,
    /// Its name.
    pub name: String,
    /// Whether SMS keywords are allowed.
    pub allow_sms_keyword: bool,
    /// Whether conversion callbacks are signed.
    pub allow_hmac: bool,
    /// Url called on every redemption, with `%{...}` placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_callback_url: Option<String>,
    /// The key its conversion callbacks are signed with (HMAC-SHA256) while `allow_hmac` is
    /// on: 32 random bytes as 64 hex characters, drawn when `allow_hmac` is first turned on or
    /// when a rotation is asked for, kept when it is turned off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac_secret: Option<String>,
    /// How codes issued on it look.
    pub code_format: CodeFormat,
    /// Seconds a code issued on it lives, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_lifetime: Option<u32>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Channel fields given on create or update.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelFields {
    /// Its name.
    pub name: Option<String>,
    /// Whether SMS keywords are allowed.
    pub allow_sms_keyword: Option<bool>,
    /// Whether conversion callbacks are signed.
    pub allow_hmac: Option<bool>,
    /// Conversion callback url.
    pub conversion_callback_url: Option<String>,
    /// Draws a new `hmac_secret` (the old one stops signing at once).
    #[serde(default)]
    pub rotate_hmac_secret: bool,
    /// Code format.
    pub code_format: Option<CodeFormat>,
    /// Code lifetime in seconds.
    pub code_lifetime: Option<u32>,
}

/// The link of an offer to a channel: the offer runs on the channel, under the link's `xid`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OfferChannel {
    /// The offer.
    pub offer_id: OfferId,
    /// The channel.
    pub channel_id: ChannelId,
    /// Short id of the pair, unique in the account.
    pub xid: String,
    /// Cap on the offer's redemptions through this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_redemptions: Option<u32>,
    /// How its landing page is protected and reached.
    #[serde(default, skip_serializing_if = "LinkSettings::is_default")]
    pub settings: LinkSettings,
    /// When the link was made.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
}
