//! Manufacturers: makers of items that merchants sell. A manufacturer owns items and item sets
//! (as a merchant does) and names the merchants that carry its products.

use crate::ids::{ManufacturerId, MerchantId};
use crate::persistent::OrdSet;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A manufacturer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Manufacturer {
    /// Its id.
    pub id: ManufacturerId,
    /// Its name.
    pub name: String,
    /// What it makes, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The url of its logo, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// Whether it is active.
    pub is_active: bool,
    /// The merchants that carry its products.
    #[schemars(with = "std::collections::BTreeSet<MerchantId>")]
    pub merchant_ids: OrdSet<MerchantId>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Manufacturer fields given on create or update; absent ones stay as they are, empty text
/// clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ManufacturerFields {
    /// Its name.
    pub name: Option<String>,
    /// What it makes.
    pub description: Option<String>,
    /// The url of its logo (http or https).
    pub logo: Option<String>,
    /// Whether it is active (true when created without it).
    pub is_active: Option<bool>,
}
