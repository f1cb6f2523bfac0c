//! Manufacturers: `GET/POST /v1.0/manufacturers` and `GET/PUT/DELETE /v1.0/manufacturers/{id}`,
//! answering `{"manufacturer": {...}}` with the ids of the merchants it names; the merchants
//! themselves in `merchants`, its items and item sets in `items`. Writes go through the engine
//! and answer with the manufacturer their events recorded; one manufacturer is read from the
//! live state, pages from the read model once it holds the caller's writes. Issuers (and
//! admins) write, reporting reads. A manufacturer that still owns items or item sets is not
//! deleted (409, the domain's refusal).

mod merchants;

use super::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{Manufacturer, ManufacturerFields};
use domain::ids::ManufacturerId;
use domain::{Command, Event, EventKind};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/manufacturers",
                "listManufacturers",
                "The account's manufacturers",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<Manufacturer>>(200, "A page of manufacturers"),
            list,
        )
        .add(
            Op::post(
                "/manufacturers",
                "createManufacturer",
                "Create a manufacturer",
            )
            .roles(WRITE)
            .idempotent()
            .body::<ManufacturerInput>()
            .answers::<One<Manufacturer>>(201, "The manufacturer created"),
            create,
        )
        .add(
            Op::get("/manufacturers/{id}", "getManufacturer", "A manufacturer")
                .roles(READ)
                .answers::<One<Manufacturer>>(200, "The manufacturer"),
            get,
        )
        .add(
            Op::put(
                "/manufacturers/{id}",
                "updateManufacturer",
                "Change a manufacturer",
            )
            .roles(WRITE)
            .idempotent()
            .body::<ManufacturerInput>()
            .answers::<One<Manufacturer>>(200, "The manufacturer as changed"),
            update,
        )
        .add(
            Op::delete(
                "/manufacturers/{id}",
                "deleteManufacturer",
                "Delete a manufacturer that owns no items or item sets",
            )
            .roles(WRITE)
            .idempotent()
            .empty(200, "Deleted"),
            delete,
        );
    merchants::routes(routes);
}

impl Named for Manufacturer {
    const ONE: &'static str = "manufacturer";
    const MANY: &'static str = "manufacturers";
}

/// `{"manufacturer": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct ManufacturerInput {
    /// The manufacturer's fields.
    manufacturer: FieldsInput,
}

/// A manufacturer's fields; absent ones stay as they are, empty text clears an optional one.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// What it makes.
    description: Option<String>,
    /// The url of its logo (http or https).
    logo: Option<String>,
    /// Whether it is active (true when created without it).
    is_active: Option<bool>,
}

impl From<ManufacturerInput> for ManufacturerFields {
    fn from(input: ManufacturerInput) -> Self {
        let fields = input.manufacturer;
        Self {
            name: fields.name,
            description: fields.description,
            logo: fields.logo,
            is_active: fields.is_active,
        }
    }
}

fn one(status: StatusCode, manufacturer: &Manufacturer) -> HttpResponse {
    HttpResponse::build(status).json(One(manufacturer))
}

fn recorded(events: &[Event]) -> Result<&Manufacturer, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ManufacturerCreated(manufacturer)
            | EventKind::ManufacturerUpdated(manufacturer) => Some(manufacturer),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no manufacturer"))
}

/// Manufacturer `id` of the caller's account as its live state holds it (every write the
/// caller was answered included), or 404.
fn found(
    state: &AppState,
    principal: &Principal,
    id: ManufacturerId,
) -> Result<Manufacturer, ApiError> {
    principal.require(READ)?;
    state
        .read(principal.account_id, |live, _| {
            live.manufacturer(id).cloned()
        })?
        .ok_or(ApiError::NotFound)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .manufacturers(principal.account_id, query.request())
        .await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ManufacturerInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateManufacturer {
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(StatusCode::CREATED, recorded(&events)?))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let manufacturer = found(&state, &principal, ManufacturerId(id.into_inner()))?;
    Ok(one(StatusCode::OK, &manufacturer))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<ManufacturerInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::UpdateManufacturer {
        manufacturer_id: ManufacturerId(id.into_inner()),
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(StatusCode::OK, recorded(&events)?))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::DeleteManufacturer {
        manufacturer_id: ManufacturerId(id.into_inner()),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
