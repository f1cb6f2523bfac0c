//! Items (product codes of a merchant or a manufacturer) and item sets, which offers use for
//! item-level rewards and eligibility.

use crate::ids::{ItemId, ItemSetId, MerchantId};
use crate::persistent::OrdSet;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A product, identified at the point of sale by its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Item {
    /// Its id.
    pub id: ItemId,
    /// Its name.
    pub name: String,
    /// The code a basket line carries; unique per owner (merchant or manufacturer).
    pub code: String,
    /// The merchant that sells it, if it is a merchant item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<MerchantId>,
    /// The manufacturer that makes it, if it is a manufacturer item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer_id: Option<u64>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Item fields given on create or update.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ItemFields {
    /// Its name.
    pub name: Option<String>,
    /// Its code.
    pub code: Option<String>,
    /// The merchant that sells it (create only).
    pub merchant_id: Option<MerchantId>,
    /// The manufacturer that makes it (create only).
    pub manufacturer_id: Option<u64>,
}

/// A named set of items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ItemSet {
    /// Its id.
    pub id: ItemSetId,
    /// Its name.
    pub name: String,
    /// The merchant it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<MerchantId>,
    /// Its items.
    #[schemars(with = "std::collections::BTreeSet<ItemId>")]
    pub item_ids: OrdSet<ItemId>,
    /// Sparkfly's set type (0 merchant, 1 manufacturer).
    pub set_type: u32,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Item set fields given on create or update; `item_ids` replaces the set's items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ItemSetFields {
    /// Its name.
    pub name: Option<String>,
    /// The merchant it belongs to (create only).
    pub merchant_id: Option<MerchantId>,
    /// Its items.
    pub item_ids: Option<Vec<ItemId>>,
    /// Sparkfly's set type.
    pub set_type: Option<u32>,
}
