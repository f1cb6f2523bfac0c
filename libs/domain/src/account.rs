//! The account (tenant): its settings and its API credentials with roles. Keys are never held
//! in clear: callers hash them before they reach the domain.

use crate::idempotency::hash_given;
use crate::ids::{AccountId, ApiKeyId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// A tenant and its settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Account {
    /// The account's id.
    pub id: AccountId,
    /// Display name.
    pub name: String,
    /// IANA time zone that days (daily limits) are counted in.
    pub time_zone: String,
    /// ISO 4217 currency that baskets are priced in.
    pub currency: String,
    /// Whether account-level conversion callbacks are sent.
    pub enable_callbacks: bool,
    /// Account-level callback url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_callback_url: Option<String>,
    /// Most offers one basket gets (the highest ranked that apply); none = no cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_offers_per_basket: Option<u32>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Settings given when creating or updating an account; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFields {
    /// Display name.
    pub name: Option<String>,
    /// IANA time zone; "UTC" when created without one.
    pub time_zone: Option<String>,
    /// ISO 4217 currency; "USD" when created without one.
    pub currency: Option<String>,
    /// Turns account-level callbacks on or off.
    pub enable_callbacks: Option<bool>,
    /// Account-level callback url.
    pub credential_callback_url: Option<String>,
    /// Most offers one basket gets; 0 lifts the cap.
    #[serde(default)]
    pub max_offers_per_basket: Option<u32>,
}

/// Written by hand to keep the idempotency fingerprint of a request without the basket cap
/// what it was before accounts had one (the derived hash of the other fields, in order).
impl Hash for AccountFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let AccountFields {
            name,
            time_zone,
            currency,
            enable_callbacks,
            credential_callback_url,
            max_offers_per_basket,
        } = self;
        name.hash(state);
        time_zone.hash(state);
        currency.hash(state);
        enable_callbacks.hash(state);
        credential_callback_url.hash(state);
        hash_given(state, 0, max_offers_per_basket);
    }
}

/// What an API credential may do.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including API keys and account settings.
    Admin,
    /// Members and credentials.
    Issuer,
    /// Point-of-sale redemption.
    Pos,
    /// Read only.
    Reporting,
}

/// An API credential: an identity, the hash of its key, and its roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApiKey {
    /// Its id.
    pub id: ApiKeyId,
    /// The public half (`X-Auth-Identity`).
    pub identity: String,
    /// Hash of the current key.
    pub key_hash: String,
    /// What it may do.
    pub roles: Vec<Role>,
    /// Hash of the key replaced by the last rotation, accepted until `previous_valid_until`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_key_hash: Option<String>,
    /// End of the grace period of the previous key.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub previous_valid_until: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked key accepts nothing.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was issued.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
}

impl ApiKey {
    /// Whether the credential is revoked at `now` (it then accepts nothing).
    pub fn is_revoked(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_some_and(|revoked| revoked <= now)
    }

    /// Whether a key with hash `key_hash` authenticates this credential at `now`.
    pub fn accepts(&self, key_hash: &str, now: DateTime<Utc>) -> bool {
        if self.is_revoked(now) {
            return false;
        }
        if self.key_hash == key_hash {
            return true;
        }
        self.previous_key_hash.as_deref() == Some(key_hash)
            && self.previous_valid_until.is_some_and(|until| now < until)
    }
}
