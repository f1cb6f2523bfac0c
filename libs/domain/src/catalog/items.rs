//! Items (product codes of a merchant or a manufacturer) and item sets, which offers use for
//! item-level rewards and eligibility, and the [`Owner`] a path scopes them to. A set of any
//! owner serves every offer of the account alike.

use crate::ids::{ItemId, ItemSetId, ManufacturerId, MerchantId};
use crate::persistent::OrdSet;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// Who an item or item set belongs to, as a path under a merchant or a manufacturer names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A merchant (the items it sells).
    Merchant(MerchantId),
    /// A manufacturer (the items it makes).
    Manufacturer(ManufacturerId),
}

impl Owner {
    /// The merchant, when the owner is one.
    pub fn merchant(self) -> Option<MerchantId> {
        match self {
            Self::Merchant(merchant) => Some(merchant),
            Self::Manufacturer(_) => None,
        }
    }

    /// The manufacturer, when the owner is one.
    pub fn manufacturer(self) -> Option<ManufacturerId> {
        match self {
            Self::Manufacturer(manufacturer) => Some(manufacturer),
            Self::Merchant(_) => None,
        }
    }

    /// Whether a resource of `merchant` and `manufacturer` belongs to this owner.
    pub fn owns(self, merchant: Option<MerchantId>, manufacturer: Option<ManufacturerId>) -> bool {
        match self {
            Self::Merchant(id) => merchant == Some(id),
            Self::Manufacturer(id) => manufacturer == Some(id),
        }
    }
}

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
    #[schemars(with = "Option<u64>")]
    pub manufacturer_id: Option<ManufacturerId>,
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
    pub manufacturer_id: Option<ManufacturerId>,
}

impl Item {
    /// Whether it belongs to `owner`.
    pub fn owned_by(&self, owner: Owner) -> bool {
        owner.owns(self.merchant_id, self.manufacturer_id)
    }
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
    /// The manufacturer it belongs to, if any (from version 2 of its events).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer_id: Option<ManufacturerId>,
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

impl ItemSet {
    /// Whether it belongs to `owner`.
    pub fn owned_by(&self, owner: Owner) -> bool {
        owner.owns(self.merchant_id, self.manufacturer_id)
    }
}

/// Item set fields given on create or update; `item_ids` replaces the set's items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSetFields {
    /// Its name.
    pub name: Option<String>,
    /// The merchant it belongs to (create only).
    pub merchant_id: Option<MerchantId>,
    /// Its items.
    pub item_ids: Option<Vec<ItemId>>,
    /// Sparkfly's set type (1 by default for a manufacturer's set, 0 otherwise).
    pub set_type: Option<u32>,
    /// The manufacturer it belongs to (create only).
    #[serde(default)]
    pub manufacturer_id: Option<ManufacturerId>,
}

/// Written by hand to keep the idempotency fingerprint of a request without a manufacturer
/// what it was before sets had one (the derived hash of the other fields, in order), so a
/// retry sent across an upgrade still matches its first request; a manufacturer is hashed
/// after them only when there is one.
impl Hash for ItemSetFields {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.merchant_id.hash(state);
        self.item_ids.hash(state);
        self.set_type.hash(state);
        if let Some(manufacturer) = self.manufacturer_id {
            manufacturer.hash(state);
        }
    }
}
