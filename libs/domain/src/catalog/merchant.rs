//! Merchants and the stores they own.

use crate::ids::{MerchantId, StoreId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A merchant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Merchant {
    /// Its id.
    pub id: MerchantId,
    /// Its name.
    pub name: String,
    /// Whether it trades.
    pub is_active: bool,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Merchant fields given on create or update.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MerchantFields {
    /// Its name.
    pub name: Option<String>,
    /// Whether it trades (true when created without it).
    pub is_active: Option<bool>,
}

/// A store of a merchant: where redemptions happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Store {
    /// Its id.
    pub id: StoreId,
    /// The merchant that owns it.
    pub merchant_id: MerchantId,
    /// Its name.
    pub name: String,
    /// The merchant's own store number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_code: Option<String>,
    /// Street address, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Store fields given on create or update.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoreFields {
    /// Its name.
    pub name: Option<String>,
    /// The merchant's own store number.
    pub store_code: Option<String>,
    /// Street address.
    pub address: Option<String>,
}
