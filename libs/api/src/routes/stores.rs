//! A merchant's stores: `GET/POST /v1.0/merchants/{merchant_id}/stores` and
//! `GET/PUT/DELETE /v1.0/merchants/{merchant_id}/stores/{store_id}`. A store answers in the
//! Sparkfly `store` shape as far as the model holds it: `store_code` is `number`, the address
//! is `location.address`. A store is found only under its own merchant of the caller's account
//! (otherwise 404). Issuers (and admins) write, reporting reads.

use super::common::{page_body, read_guard, write, ListQuery};
use super::method_not_allowed;
use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{Store, StoreFields};
use domain::ids::{MerchantId, StoreId};
use domain::{Command, Event, EventKind};
use serde::{Deserialize, Serialize};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/merchants/{merchant_id}/stores")
            .get(list)
            .post(create)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/merchants/{merchant_id}/stores/{store_id}")
            .get(get)
            .put(update)
            .delete(delete)
            .default_service(web::to(method_not_allowed)),
    );
}

/// `{"store": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize)]
struct StoreInput {
    store: FieldsInput,
}

#[derive(Debug, Deserialize)]
struct FieldsInput {
    name: Option<String>,
    number: Option<String>,
    location: Option<LocationInput>,
}

#[derive(Debug, Deserialize)]
struct LocationInput {
    address: Option<String>,
}

impl From<StoreInput> for StoreFields {
    fn from(input: StoreInput) -> Self {
        let fields = input.store;
        Self {
            name: fields.name,
            store_code: fields.number,
            address: fields.location.and_then(|location| location.address),
        }
    }
}

/// A store in the Sparkfly `store` shape.
#[derive(Serialize)]
struct StoreView<'a> {
    id: StoreId,
    merchant_id: MerchantId,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<&'a str>,
    location: Location<'a>,
    created_at: String,
    updated_at: String,
}

#[derive(Serialize)]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
}

fn view(store: &Store) -> StoreView<'_> {
    StoreView {
        id: store.id,
        merchant_id: store.merchant_id,
        name: &store.name,
        number: store.store_code.as_deref(),
        location: Location {
            address: store.address.as_deref(),
        },
        created_at: domain::time::format_timestamp(&store.created_at),
        updated_at: domain::time::format_timestamp(&store.updated_at),
    }
}

#[derive(Serialize)]
struct Wrapped<'a> {
    store: StoreView<'a>,
}

fn one(status: StatusCode, store: &Store) -> HttpResponse {
    HttpResponse::build(status).json(Wrapped { store: view(store) })
}

fn recorded(events: &[Event]) -> Result<&Store, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::StoreCreated(store) | EventKind::StoreUpdated(store) => Some(store),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no store"))
}

/// The store `store_id` of merchant `merchant_id` in the caller's account, or 404.
async fn owned(
    state: &AppState,
    principal: &Principal,
    merchant_id: u64,
    store_id: u64,
) -> Result<Store, ApiError> {
    read_guard(state, principal).await?;
    state
        .store()
        .store(principal.account_id, StoreId(store_id))
        .await?
        .filter(|store| store.merchant_id == MerchantId(merchant_id))
        .ok_or(ApiError::NotFound)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    merchant_id: web::Path<u64>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let merchant_id = MerchantId(merchant_id.into_inner());
    state
        .store()
        .merchant(principal.account_id, merchant_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let page = state
        .store()
        .merchant_stores(principal.account_id, merchant_id, query.request())
        .await?;
    page_body(&page, "stores", "store", page.items.iter().map(view))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    merchant_id: web::Path<u64>,
    Body(input): Body<StoreInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateStore {
        merchant_id: MerchantId(merchant_id.into_inner()),
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(StatusCode::CREATED, recorded(&events)?))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, store_id) = path.into_inner();
    let store = owned(&state, &principal, merchant_id, store_id).await?;
    Ok(one(StatusCode::OK, &store))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<StoreInput>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, store_id) = path.into_inner();
    owned(&state, &principal, merchant_id, store_id).await?;
    let command = Command::UpdateStore {
        store_id: StoreId(store_id),
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(StatusCode::OK, recorded(&events)?))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, store_id) = path.into_inner();
    owned(&state, &principal, merchant_id, store_id).await?;
    let command = Command::DeleteStore {
        store_id: StoreId(store_id),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
