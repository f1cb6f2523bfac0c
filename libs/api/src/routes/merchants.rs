//! Merchants: `GET/POST /v1.0/merchants` and `GET/PUT/DELETE /v1.0/merchants/{id}`. Writes go
//! through the engine and answer with the merchant their events recorded; reads come from the
//! read model once it holds the caller's writes. Issuers (and admins) write, reporting reads.
//! A merchant that still has stores is not deleted (the domain's refusal).

use super::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{Merchant, MerchantFields};
use domain::ids::MerchantId;
use domain::{Command, Event, EventKind};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get("/merchants", "listMerchants", "The account's merchants")
                .roles(READ)
                .query::<ListQuery>()
                .answers::<Paged<Merchant>>(200, "A page of merchants"),
            list,
        )
        .add(
            Op::post("/merchants", "createMerchant", "Create a merchant")
                .roles(WRITE)
                .idempotent()
                .body::<MerchantInput>()
                .answers::<One<Merchant>>(201, "The merchant created"),
            create,
        )
        .add(
            Op::get("/merchants/{id}", "getMerchant", "A merchant")
                .roles(READ)
                .answers::<One<Merchant>>(200, "The merchant"),
            get,
        )
        .add(
            Op::put("/merchants/{id}", "updateMerchant", "Change a merchant")
                .roles(WRITE)
                .idempotent()
                .body::<MerchantInput>()
                .answers::<One<Merchant>>(200, "The merchant as changed"),
            update,
        )
        .add(
            Op::delete(
                "/merchants/{id}",
                "deleteMerchant",
                "Delete a merchant without stores",
            )
            .roles(WRITE)
            .idempotent()
            .empty(200, "Deleted"),
            delete,
        );
}

impl Named for Merchant {
    const ONE: &'static str = "merchant";
    const MANY: &'static str = "merchants";
}

/// `{"merchant": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct MerchantInput {
    /// The merchant's fields.
    merchant: FieldsInput,
}

/// A merchant's fields; absent ones stay as they are.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// Whether it trades (true when created without it).
    is_active: Option<bool>,
}

impl From<MerchantInput> for MerchantFields {
    fn from(input: MerchantInput) -> Self {
        Self {
            name: input.merchant.name,
            is_active: input.merchant.is_active,
        }
    }
}

fn one(status: StatusCode, merchant: &Merchant) -> HttpResponse {
    HttpResponse::build(status).json(One(merchant))
}

fn recorded(events: &[Event]) -> Result<&Merchant, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::MerchantCreated(merchant) | EventKind::MerchantUpdated(merchant) => {
                Some(merchant)
            }
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no merchant"))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .merchants(principal.account_id, query.request())
        .await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<MerchantInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateMerchant {
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
    read_guard(&state, &principal).await?;
    let merchant = state
        .store()
        .merchant(principal.account_id, MerchantId(id.into_inner()))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(one(StatusCode::OK, &merchant))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<MerchantInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::UpdateMerchant {
        merchant_id: MerchantId(id.into_inner()),
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
    let command = Command::DeleteMerchant {
        merchant_id: MerchantId(id.into_inner()),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
