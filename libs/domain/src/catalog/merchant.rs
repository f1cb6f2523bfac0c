//! Merchants and the stores they own, and the fields clients send for them.

use super::place::{Contact, Contacts, Coordinates};
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
    /// Whether it trades: the stores of an inactive merchant redeem nothing.
    pub is_active: bool,
    /// Its logo's url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// How it is billed, as the operator writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_arrangement: Option<String>,
    /// Whether its terminals scan optical barcodes.
    #[serde(default)]
    pub supports_barcode: bool,
    /// How its terminals identify a redemption (the operator's code for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redemption_identifier_type: Option<u32>,
    /// Whom to reach there.
    #[serde(default, skip_serializing_if = "Contacts::is_empty")]
    pub contacts: Contacts,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Merchant fields given on create or update; absent ones stay as they are, and empty text
/// clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MerchantFields {
    /// Its name.
    pub name: Option<String>,
    /// Whether it trades (true when created without it).
    pub is_active: Option<bool>,
    /// Its logo's url.
    pub logo: Option<String>,
    /// How it is billed.
    pub billing_arrangement: Option<String>,
    /// Whether its terminals scan barcodes (false when created without it).
    pub supports_barcode: Option<bool>,
    /// How its terminals identify a redemption.
    pub redemption_identifier_type: Option<u32>,
    /// Its primary contact (an empty one removes it).
    pub primary: Option<Contact>,
    /// Its secondary contact (an empty one removes it).
    pub secondary: Option<Contact>,
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
    /// What it is, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it trades: an inactive store redeems nothing.
    #[serde(default = "active")]
    pub is_active: bool,
    /// Its phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Street address, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The address's second line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    /// Its city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Its state or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Its postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Its country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Where it is on the map: stores without coordinates are never nearby.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    /// Its icon's url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Whom to reach there.
    #[serde(default, skip_serializing_if = "Contacts::is_empty")]
    pub contacts: Contacts,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

impl Store {
    /// A store of `merchant_id` named `name`, trading, with nothing else known, made `at`.
    pub fn new(id: StoreId, merchant_id: MerchantId, name: String, at: DateTime<Utc>) -> Store {
        Store {
            id,
            merchant_id,
            name,
            store_code: None,
            description: None,
            is_active: true,
            phone: None,
            address: None,
            address2: None,
            city: None,
            state: None,
            zip: None,
            country: None,
            coordinates: None,
            icon_url: None,
            contacts: Contacts::default(),
            created_at: at,
            updated_at: at,
        }
    }
}

/// Stores recorded before `is_active` existed trade.
fn active() -> bool {
    true
}

/// Store fields given on create or update; absent ones stay as they are, and empty text
/// clears an optional one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoreFields {
    /// Its name.
    pub name: Option<String>,
    /// The merchant's own store number.
    pub store_code: Option<String>,
    /// What it is.
    pub description: Option<String>,
    /// Whether it trades (true when created without it).
    pub is_active: Option<bool>,
    /// Its phone number.
    pub phone: Option<String>,
    /// Where it is.
    #[serde(default)]
    pub location: LocationFields,
    /// Its icon's url.
    pub icon_url: Option<String>,
    /// Its primary contact (an empty one removes it).
    pub primary: Option<Contact>,
    /// Its secondary contact (an empty one removes it).
    pub secondary: Option<Contact>,
}

/// A store's address and coordinates as given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocationFields {
    /// Street address.
    pub address: Option<String>,
    /// The address's second line.
    pub address2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Postal code.
    pub zip: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Latitude in decimal degrees; given with `lng` (both, or neither to keep them).
    pub lat: Option<rust_decimal::Decimal>,
    /// Longitude in decimal degrees.
    pub lng: Option<rust_decimal::Decimal>,
}
