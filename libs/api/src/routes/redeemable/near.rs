//! Searching stores from a point: the query (`lat`, `lng`, `radius` in metres, the page) and
//! the page of stores it answers, nearest first, each with `nearby` (the point and its
//! distance). A latitude without a longitude, a point off the globe or a radius of zero or
//! beyond half the Earth's circumference is refused (400) before anything is read.

use crate::http::{ApiError, Paged};
use crate::routes::common::paginate;
use crate::routes::stores::{view, view_near, Nearby};
use actix_web::HttpResponse;
use domain::catalog::{nearest, Coordinates, Store};
use domain::DomainError;
use projections::PageRequest;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::Deserialize;

/// The radius of a `nearby` search that names none: 50 km.
pub(super) const DEFAULT_RADIUS_METRES: u64 = 50_000;
/// The widest radius: half the Earth's circumference, in metres (every point is within it).
const MAX_RADIUS_METRES: u64 = 20_037_509;

/// A page of stores, optionally searched from a point.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct NearQuery {
    /// The page, from 1.
    page: Option<u32>,
    /// Rows per page.
    per_page: Option<u32>,
    /// The latitude to search from, in decimal degrees (with `lng`).
    lat: Option<Decimal>,
    /// The longitude to search from, in decimal degrees (with `lat`).
    lng: Option<Decimal>,
    /// Only stores within this many metres of the point (1 to 20,037,509).
    radius: Option<u64>,
}

/// The part of a nearby search's query beside the point its path names.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct RadiusQuery {
    /// The page, from 1.
    page: Option<u32>,
    /// Rows per page.
    per_page: Option<u32>,
    /// Only stores within this many metres (1 to 20,037,509; 50,000 when not given).
    radius: Option<u64>,
}

/// Where a search starts and how far it reaches.
#[derive(Clone, Copy, Debug)]
pub(super) struct Search {
    from: Coordinates,
    radius: Option<u64>,
}

impl NearQuery {
    /// The page asked for.
    pub(super) fn request(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }

    /// The search it asks for: none without a point.
    fn search(&self) -> Result<Option<Search>, ApiError> {
        let radius = checked_radius(self.radius)?;
        match (self.lat, self.lng) {
            (None, None) if radius.is_some() => {
                Err(DomainError::Blank { field: "Latitude" }.into())
            }
            (None, None) => Ok(None),
            (lat, lng) => Ok(Some(Search {
                from: point(lat, lng)?,
                radius,
            })),
        }
    }

    /// The search it asks for, which must name a point; the radius is 50 km unless given.
    pub(super) fn required_search(&self) -> Result<Search, ApiError> {
        let radius = checked_radius(self.radius)?.unwrap_or(DEFAULT_RADIUS_METRES);
        Ok(Search {
            from: point(self.lat, self.lng)?,
            radius: Some(radius),
        })
    }

    /// A page of `stores`: nearest first from the point when one is given, else by id.
    pub(super) fn answer(&self, stores: Vec<&Store>) -> Result<HttpResponse, ApiError> {
        match self.search()? {
            Some(search) => search.answer(stores, self.request()),
            None => {
                let page = paginate(stores, self.request())?;
                let views = page.items.iter().map(|store| view(store)).collect();
                Ok(HttpResponse::Ok().json(Paged::of(&page, views)))
            }
        }
    }
}

impl RadiusQuery {
    /// The search from the point (`lat`, `lng`) of the path, as text.
    pub(super) fn search(&self, lat: &str, lng: &str) -> Result<Search, ApiError> {
        let degrees = |field: &'static str, text: &str| {
            text.trim()
                .parse::<Decimal>()
                .map_err(|_| ApiError::from(invalid(field, "must be a number in decimal degrees")))
        };
        let from = point(
            Some(degrees("Latitude", lat)?),
            Some(degrees("Longitude", lng)?),
        )?;
        let radius = checked_radius(self.radius)?.unwrap_or(DEFAULT_RADIUS_METRES);
        Ok(Search {
            from,
            radius: Some(radius),
        })
    }

    /// The page asked for.
    pub(super) fn request(&self) -> PageRequest {
        PageRequest::new(self.page, self.per_page)
    }
}

impl Search {
    /// A page of `stores` nearest first, each with its distance.
    pub(super) fn answer(
        &self,
        stores: Vec<&Store>,
        request: PageRequest,
    ) -> Result<HttpResponse, ApiError> {
        let found = nearest(stores, &self.from, self.radius);
        let page = paginate(found, request)?;
        let views = page
            .items
            .iter()
            .map(|(store, distance)| {
                let nearby = distance.map(|distance| Nearby {
                    lat: self.from.lat,
                    lng: self.from.lng,
                    distance,
                });
                view_near(store, nearby)
            })
            .collect();
        Ok(HttpResponse::Ok().json(Paged::of(&page, views)))
    }
}

/// The point (`lat`, `lng`): both given and on the globe.
fn point(lat: Option<Decimal>, lng: Option<Decimal>) -> Result<Coordinates, ApiError> {
    let lat = lat.ok_or(DomainError::Blank { field: "Latitude" })?;
    let lng = lng.ok_or(DomainError::Blank { field: "Longitude" })?;
    Ok(Coordinates::new(lat, lng)?)
}

/// `radius` when in range.
fn checked_radius(radius: Option<u64>) -> Result<Option<u64>, ApiError> {
    match radius {
        Some(0) => Err(invalid("Radius", "must be greater than 0").into()),
        Some(metres) if metres > MAX_RADIUS_METRES => {
            Err(invalid("Radius", "must be at most 20037509 metres").into())
        }
        other => Ok(other),
    }
}

fn invalid(field: &'static str, reason: &str) -> DomainError {
    DomainError::Invalid {
        field,
        reason: reason.into(),
    }
}
