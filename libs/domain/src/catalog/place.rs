//! Whom to call and where to go: the contacts of merchants and stores, a store's coordinates,
//! the great-circle distance, and stores ordered by nearness to a point.

use super::Store;
use crate::error::{DomainError, DomainResult};
use crate::validate::{optional_text, MAX_TEXT};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The mean radius of the Earth, in metres (IUGG).
const EARTH_RADIUS_METRES: f64 = 6_371_008.8;
/// Decimal places kept of a coordinate: 7 is about a centimetre.
const COORDINATE_SCALE: u32 = 7;

/// A person to reach at a merchant or store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Contact {
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Their email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Contact {
    /// Whether it names nobody.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.email.is_none()
    }

    /// `given` checked (each field trimmed, bounded, clean; an email must hold an `@`); an
    /// empty contact is none.
    pub fn checked(given: &Contact) -> DomainResult<Option<Contact>> {
        let email = optional_text("Contact email", given.email.as_deref(), MAX_TEXT)?;
        if email.as_deref().is_some_and(|email| !email.contains('@')) {
            return Err(DomainError::Invalid {
                field: "Contact email",
                reason: "must be an email address".into(),
            });
        }
        let contact = Contact {
            name: optional_text("Contact name", given.name.as_deref(), MAX_TEXT)?,
            phone: optional_text("Contact phone", given.phone.as_deref(), MAX_TEXT)?,
            email,
        };
        Ok((!contact.is_empty()).then_some(contact))
    }
}

/// The primary and secondary contacts of a merchant or store.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Contacts {
    /// Whom to reach first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<Contact>,
    /// Whom to reach otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<Contact>,
}

impl Contacts {
    /// Whether it holds no contact.
    pub fn is_empty(&self) -> bool {
        self.primary.is_none() && self.secondary.is_none()
    }

    /// `self` with the contacts given replaced (an empty one removes it); the others stay.
    pub fn merged(
        &self,
        primary: Option<&Contact>,
        secondary: Option<&Contact>,
    ) -> DomainResult<Contacts> {
        let mut contacts = self.clone();
        if let Some(given) = primary {
            contacts.primary = Contact::checked(given)?;
        }
        if let Some(given) = secondary {
            contacts.secondary = Contact::checked(given)?;
        }
        Ok(contacts)
    }
}

/// A point on the Earth in decimal degrees (WGS 84).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Coordinates {
    /// Latitude, -90 to 90.
    pub lat: Decimal,
    /// Longitude, -180 to 180.
    pub lng: Decimal,
}

impl Coordinates {
    /// The point (`lat`, `lng`), both in range, rounded to seven decimal places.
    pub fn new(lat: Decimal, lng: Decimal) -> DomainResult<Coordinates> {
        let in_range = |value: Decimal, bound: i64| {
            value >= Decimal::from(-bound) && value <= Decimal::from(bound)
        };
        if !in_range(lat, 90) {
            return Err(DomainError::Invalid {
                field: "Latitude",
                reason: "must be between -90 and 90".into(),
            });
        }
        if !in_range(lng, 180) {
            return Err(DomainError::Invalid {
                field: "Longitude",
                reason: "must be between -180 and 180".into(),
            });
        }
        Ok(Coordinates {
            lat: lat.round_dp(COORDINATE_SCALE).normalize(),
            lng: lng.round_dp(COORDINATE_SCALE).normalize(),
        })
    }

    /// The great-circle distance to `other` in whole metres (haversine on the mean radius:
    /// within 0.5 % of the ellipsoid's, enough to order stores by nearness).
    pub fn metres_to(&self, other: &Coordinates) -> u64 {
        let radians = |degrees: Decimal| degrees.to_f64().unwrap_or(0.0).to_radians();
        let (lat1, lat2) = (radians(self.lat), radians(other.lat));
        let half_lat = (lat2 - lat1) / 2.0;
        let half_lng = (radians(other.lng) - radians(self.lng)) / 2.0;
        let a = half_lat.sin().powi(2) + lat1.cos() * lat2.cos() * half_lng.sin().powi(2);
        let central = 2.0 * a.sqrt().min(1.0).asin();
        // At most half the Earth's circumference (about 2e7 m): the cast cannot overflow.
        (EARTH_RADIUS_METRES * central).round() as u64
    }
}

/// A store found from a point, with its distance in metres (`None`: it has no coordinates).
pub type Near<'s> = (&'s Store, Option<u64>);

/// `stores` ordered by their distance from `from` (nearest first, then by id). With a
/// `radius` (metres), only those within it; without one, the stores without coordinates
/// follow the others, by id.
pub fn nearest<'s>(
    stores: impl IntoIterator<Item = &'s Store>,
    from: &Coordinates,
    radius: Option<u64>,
) -> Vec<Near<'s>> {
    let mut found: Vec<Near<'s>> = stores
        .into_iter()
        .map(|store| (store, store.coordinates.map(|at| from.metres_to(&at))))
        .filter(|(_, distance)| match (radius, distance) {
            (Some(radius), Some(distance)) => *distance <= radius,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .collect();
    found.sort_unstable_by_key(|(store, distance)| (distance.is_none(), *distance, store.id));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse()
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn point(lat: &str, lng: &str) -> Coordinates {
        Coordinates::new(dec(lat), dec(lng)).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn a_known_distance_is_measured_within_half_a_percent() {
        // Paris (Notre-Dame) to London (Trafalgar Square): 343.5 km on the ellipsoid.
        let metres = point("48.8530", "2.3499").metres_to(&point("51.5080", "-0.1281"));
        assert!((341_800..=345_200).contains(&metres), "{metres}");
    }

    #[test]
    fn distance_is_symmetric_and_zero_to_itself() {
        let (a, b) = (point("37.7749", "-122.4194"), point("-33.8688", "151.2093"));
        assert_eq!(a.metres_to(&b), b.metres_to(&a));
        assert_eq!(a.metres_to(&a), 0);
    }

    #[test]
    fn antipodes_are_half_the_circumference_apart() {
        let metres = point("0", "0").metres_to(&point("0", "180"));
        assert_eq!(metres, 20_015_114);
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        assert!(Coordinates::new(dec("90.0000001"), dec("0")).is_err());
        assert!(Coordinates::new(dec("0"), dec("-180.5")).is_err());
        assert!(Coordinates::new(dec("-90"), dec("180")).is_ok());
    }

    #[test]
    fn an_email_without_at_is_refused_and_an_empty_contact_is_none() {
        let bad = Contact {
            email: Some("nobody".into()),
            ..Contact::default()
        };
        assert!(Contact::checked(&bad).is_err());
        let blank = Contact {
            name: Some("  ".into()),
            ..Contact::default()
        };
        assert_eq!(Contact::checked(&blank).ok(), Some(None));
    }

    fn store(id: u64, coordinates: Option<Coordinates>) -> Store {
        let mut store = Store::new(
            crate::ids::StoreId(id),
            crate::ids::MerchantId(1),
            format!("store {id}"),
            chrono::DateTime::UNIX_EPOCH,
        );
        store.coordinates = coordinates;
        store
    }

    fn any_point() -> impl proptest::strategy::Strategy<Value = Coordinates> {
        use proptest::prelude::*;
        (-90_000i64..=90_000, -180_000i64..=180_000).prop_map(|(lat, lng)| Coordinates {
            lat: Decimal::new(lat, 3),
            lng: Decimal::new(lng, 3),
        })
    }

    proptest::proptest! {
        /// Whatever the stores and the point: nearest first (ties by id), nothing beyond the
        /// radius, every store within it found, and without a radius every store found.
        #[test]
        fn nearest_orders_by_distance_and_keeps_exactly_those_within_the_radius(
            places in proptest::collection::vec(proptest::option::weighted(0.8, any_point()), 0..30),
            from in any_point(),
            radius in proptest::option::of(1u64..20_037_509),
        ) {
            let stores: Vec<Store> = places
                .iter()
                .enumerate()
                .map(|(id, at)| store(id as u64 + 1, *at))
                .collect();
            let found = nearest(&stores, &from, radius);
            let within = |store: &Store| match (store.coordinates, radius) {
                (Some(at), Some(radius)) => from.metres_to(&at) <= radius,
                (Some(_), None) | (None, None) => true,
                (None, Some(_)) => false,
            };
            proptest::prop_assert_eq!(found.len(), stores.iter().filter(|s| within(s)).count());
            for pair in found.windows(2) {
                let key = |(store, distance): &Near<'_>| (distance.is_none(), *distance, store.id);
                proptest::prop_assert!(key(&pair[0]) < key(&pair[1]), "{:?}", pair);
            }
            for (store, distance) in &found {
                proptest::prop_assert_eq!(*distance, store.coordinates.map(|at| from.metres_to(&at)));
            }
        }
    }
}
