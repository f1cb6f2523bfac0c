//! Merchants: `GET/POST /v1.0/merchants` and `GET/PUT/DELETE /v1.0/merchants/{id}`. Writes go
//! through the engine and answer with the merchant their events recorded; reads come from the
//! read model once it holds the caller's writes. Issuers (and admins) write, reporting reads.
//! A merchant that still has stores is not deleted (the domain's refusal).

use super::common::{page_body, read_guard, write, ListQuery};
use super::method_not_allowed;
use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{Merchant, MerchantFields};
use domain::ids::MerchantId;
use domain::{Command, Event, EventKind};
use serde::{Deserialize, Serialize};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/merchants")
            .get(list)
            .post(create)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/merchants/{id}")
            .get(get)
            .put(update)
            .delete(delete)
            .default_service(web::to(method_not_allowed)),
    );
}

/// `{"merchant": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize)]
struct MerchantInput {
    merchant: FieldsInput,
}

#[derive(Debug, Deserialize)]
struct FieldsInput {
    name: Option<String>,
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

#[derive(Serialize)]
struct Wrapped<'a> {
    merchant: &'a Merchant,
}

fn one(status: StatusCode, merchant: &Merchant) -> HttpResponse {
    HttpResponse::build(status).json(Wrapped { merchant })
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
    page_body(&page, "merchants", "merchant", &page.items)
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
