//! The Sparkfly `store` shape: the body of a create or update (`store_input`, plus the
//! `location` the seed's stores carry) and the store every answer holds. The model's
//! `store_code` is `number`; the address lines and coordinates are `location` (latitude and
//! longitude as decimal text, as the reference types them); an answer to a search from a
//! point carries `nearby` (that point and the distance in metres).

use crate::http::Named;
use chrono::{DateTime, Utc};
use domain::catalog::{Contact, Contacts, LocationFields, Store, StoreFields};
use domain::ids::{MerchantId, StoreId};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `{"store": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
pub(in crate::routes) struct StoreInput {
    /// The store's fields.
    store: FieldsInput,
}

/// A store's fields; absent ones stay as they are, empty text clears an optional one.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// The merchant's own store number.
    number: Option<String>,
    /// What it is, for people.
    description: Option<String>,
    /// Whether it trades (true when created without it); an inactive store redeems nothing.
    is_active: Option<bool>,
    /// Its phone number.
    phone: Option<String>,
    /// Where it is.
    location: Option<LocationInput>,
    /// Its icon's url (http or https).
    icon_url: Option<String>,
    /// Whom to reach first (an empty contact removes it).
    primary: Option<Contact>,
    /// Whom to reach otherwise.
    secondary: Option<Contact>,
}

/// Where a store is: the address, and `lat` with `lng` in decimal degrees (numbers or text).
#[derive(Debug, Default, Deserialize, JsonSchema)]
struct LocationInput {
    /// Its street address.
    address: Option<String>,
    /// The address's second line.
    address2: Option<String>,
    /// Its city.
    city: Option<String>,
    /// Its state or region.
    state: Option<String>,
    /// Its postal code.
    zip: Option<String>,
    /// Its country.
    country: Option<String>,
    /// Latitude, -90 to 90 (with `lng`).
    lat: Option<Decimal>,
    /// Longitude, -180 to 180 (with `lat`).
    lng: Option<Decimal>,
}

impl From<StoreInput> for StoreFields {
    fn from(input: StoreInput) -> Self {
        let fields = input.store;
        let location = fields.location.unwrap_or_default();
        Self {
            name: fields.name,
            store_code: fields.number,
            description: fields.description,
            is_active: fields.is_active,
            phone: fields.phone,
            location: LocationFields {
                address: location.address,
                address2: location.address2,
                city: location.city,
                state: location.state,
                zip: location.zip,
                country: location.country,
                lat: location.lat,
                lng: location.lng,
            },
            icon_url: fields.icon_url,
            primary: fields.primary,
            secondary: fields.secondary,
        }
    }
}

/// A store in the Sparkfly `store` shape.
#[derive(Debug, Serialize, JsonSchema)]
pub(in crate::routes) struct StoreView<'a> {
    /// Its id.
    id: StoreId,
    /// The merchant that owns it.
    merchant_id: MerchantId,
    /// Its name.
    name: &'a str,
    /// The merchant's own store number, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<&'a str>,
    /// What it is, for people.
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    /// Whether it trades.
    is_active: bool,
    /// Its phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    /// Where it is.
    location: Location<'a>,
    /// Whom to reach there.
    #[serde(skip_serializing_if = "Contacts::is_empty")]
    contacts: &'a Contacts,
    /// Its icon's url.
    #[serde(skip_serializing_if = "Option::is_none")]
    icon_url: Option<&'a str>,
    /// From a search by point: the point and how far the store is from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    nearby: Option<Nearby>,
    /// When it was created.
    #[schemars(with = "DateTime<Utc>")]
    created_at: String,
    /// When it last changed.
    #[schemars(with = "DateTime<Utc>")]
    updated_at: String,
}

/// Where a store is; what is unknown is left out.
#[derive(Debug, Serialize, JsonSchema)]
struct Location<'a> {
    /// Its street address.
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
    /// The address's second line.
    #[serde(skip_serializing_if = "Option::is_none")]
    address2: Option<&'a str>,
    /// Its city.
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<&'a str>,
    /// Its state or region.
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a str>,
    /// Its postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    zip: Option<&'a str>,
    /// Its country.
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'a str>,
    /// Latitude in decimal degrees, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    lat: Option<Decimal>,
    /// Longitude in decimal degrees, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    lng: Option<Decimal>,
}

/// The point a search was made from, and the store's distance from it.
#[derive(Clone, Copy, Debug, Serialize, JsonSchema)]
pub(in crate::routes) struct Nearby {
    /// The searched latitude.
    pub(in crate::routes) lat: Decimal,
    /// The searched longitude.
    pub(in crate::routes) lng: Decimal,
    /// The great-circle distance in whole metres.
    pub(in crate::routes) distance: u64,
}

impl Named for StoreView<'_> {
    const ONE: &'static str = "store";
    const MANY: &'static str = "stores";
}

/// `store` in the Sparkfly shape.
pub(in crate::routes) fn view(store: &Store) -> StoreView<'_> {
    StoreView {
        id: store.id,
        merchant_id: store.merchant_id,
        name: &store.name,
        number: store.store_code.as_deref(),
        description: store.description.as_deref(),
        is_active: store.is_active,
        phone: store.phone.as_deref(),
        location: Location {
            address: store.address.as_deref(),
            address2: store.address2.as_deref(),
            city: store.city.as_deref(),
            state: store.state.as_deref(),
            zip: store.zip.as_deref(),
            country: store.country.as_deref(),
            lat: store.coordinates.map(|point| point.lat),
            lng: store.coordinates.map(|point| point.lng),
        },
        contacts: &store.contacts,
        icon_url: store.icon_url.as_deref(),
        nearby: None,
        created_at: domain::time::format_timestamp(&store.created_at),
        updated_at: domain::time::format_timestamp(&store.updated_at),
    }
}

/// `store` found from a search by point.
pub(in crate::routes) fn view_near(store: &Store, nearby: Option<Nearby>) -> StoreView<'_> {
    StoreView {
        nearby,
        ..view(store)
    }
}
