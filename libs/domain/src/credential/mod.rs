//! Credentials: a member's redeemable code for one or more offers on one channel, and the
//! status it moves through (open, locked by a point-of-sale reservation, redeemed, voided,
//! expired, reversed); `queries` answers what the API asks of them in live state.

pub mod code;
pub mod queries;
mod transition;

pub use transition::{ExpiryWatch, Transition};

use crate::ids::{ChannelId, CredentialId, MemberId, OfferId, RedemptionId, StoreId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;
use std::collections::BTreeMap;
use std::fmt;

/// Where a credential is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// Redeemable.
    Open,
    /// Held by a point-of-sale reservation until it is confirmed, cancelled or expires.
    Locked,
    /// Redeemed.
    Redeemed,
    /// Voided by the account: never redeemable again.
    Voided,
    /// Past its lifetime or its offers' end.
    Expired,
    /// Its redemption was reversed (refunded): limits were given back.
    Reversed,
}

impl fmt::Display for CredentialStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Locked => "locked",
            Self::Redeemed => "redeemed",
            Self::Voided => "voided",
            Self::Expired => "expired",
            Self::Reversed => "reversed",
        })
    }
}

/// A value under a credential's annotations: text, or a map of text (as under `conv_ids`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AnnotationValue {
    /// A text value.
    Text(String),
    /// A map of text values.
    Map(BTreeMap<String, String>),
}

/// Free annotations of a credential; keys under `conv_ids` feed conversion callbacks.
pub type Annotations = BTreeMap<String, AnnotationValue>;

/// The hold of a point-of-sale reservation on a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CredentialLock {
    /// The reservation holding it.
    pub redemption_id: RedemptionId,
    /// When the hold lapses.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub expires_at: DateTime<Utc>,
}

/// A credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Credential {
    /// Its id.
    pub id: CredentialId,
    /// The member it was issued to.
    pub member_id: MemberId,
    /// The channel it was issued on.
    pub channel_id: ChannelId,
    /// The store it was issued for, if any (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_id: Option<StoreId>,
    /// The offers it redeems, in the order given.
    pub offer_ids: Vec<OfferId>,
    /// The code; none until the credential has an offer. Held inline (codes are short), so a
    /// credential's code costs no allocation of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<SmolStr>,
    /// Seconds the code lives, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_lifetime: Option<u32>,
    /// When the code stops being redeemable, if limited.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Free annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: Annotations,
    /// Whether its code redeems more than once (within its offers' limits): a redemption
    /// leaves it open.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reusable: bool,
    /// Whether it was issued to be printed (a landing page shows its printable layout).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub printable: bool,
    /// Status as last recorded; see [`Credential::status_at`] for the status at a time.
    pub status: CredentialStatus,
    /// The reservation holding it, while locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<CredentialLock>,
    /// When it was redeemed.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub redeemed_at: Option<DateTime<Utc>>,
    /// When it was voided.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub voided_at: Option<DateTime<Utc>>,
    /// When its redemption was reversed.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub reversed_at: Option<DateTime<Utc>>,
    /// When it was issued.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

impl Credential {
    /// The status at `now`: a lapsed lock reads as open, a passed lifetime as expired.
    pub fn status_at(&self, now: DateTime<Utc>) -> CredentialStatus {
        match self.status {
            CredentialStatus::Open | CredentialStatus::Locked
                if self.expires_at.is_some_and(|end| end <= now) =>
            {
                CredentialStatus::Expired
            }
            CredentialStatus::Locked if self.lock.is_none_or(|lock| lock.expires_at <= now) => {
                CredentialStatus::Open
            }
            status => status,
        }
    }

    /// Whether its code still belongs to it at `now`, so no other credential may take it: while
    /// open, locked or redeemed (a void may reopen it) and within its lifetime.
    pub fn holds_code_at(&self, now: DateTime<Utc>) -> bool {
        matches!(
            self.status,
            CredentialStatus::Open | CredentialStatus::Locked | CredentialStatus::Redeemed
        ) && self.expires_at.is_none_or(|end| now < end)
    }
}
