//! A merchant's stores: `GET/POST /v1.0/merchants/{merchant_id}/stores` (the list filtered by
//! `name`) and `GET/PUT/DELETE /v1.0/merchants/{merchant_id}/stores/{store_id}`, in the
//! Sparkfly `store` shape (`wire`). A store is found only under its own merchant of the
//! caller's account (otherwise 404). Issuers (and admins) write, reporting reads.

mod wire;

pub(super) use wire::{view, view_near, Nearby, StoreView};

use super::common::{read_guard, write, NamedListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::Store;
use domain::ids::{MerchantId, StoreId};
use domain::{Command, Event, EventKind};
use wire::StoreInput;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/merchants/{merchant_id}/stores",
                "listStores",
                "A merchant's stores",
            )
            .roles(READ)
            .query::<NamedListQuery>()
            .answers::<Paged<StoreView>>(200, "A page of stores"),
            list,
        )
        .add(
            Op::post(
                "/merchants/{merchant_id}/stores",
                "createStore",
                "Create a store of a merchant",
            )
            .roles(WRITE)
            .idempotent()
            .body::<StoreInput>()
            .answers::<One<StoreView>>(201, "The store created"),
            create,
        )
        .add(
            Op::get(
                "/merchants/{merchant_id}/stores/{store_id}",
                "getStore",
                "A store of a merchant",
            )
            .roles(READ)
            .answers::<One<StoreView>>(200, "The store"),
            get,
        )
        .add(
            Op::put(
                "/merchants/{merchant_id}/stores/{store_id}",
                "updateStore",
                "Change a store",
            )
            .roles(WRITE)
            .idempotent()
            .body::<StoreInput>()
            .answers::<One<StoreView>>(200, "The store as changed"),
            update,
        )
        .add(
            Op::delete(
                "/merchants/{merchant_id}/stores/{store_id}",
                "deleteStore",
                "Delete a store",
            )
            .roles(WRITE)
            .idempotent()
            .empty(200, "Deleted"),
            delete,
        );
}

fn one(status: StatusCode, store: &Store) -> HttpResponse {
    HttpResponse::build(status).json(One(view(store)))
}

fn recorded(events: &[Event]) -> Result<&Store, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::StoreCreated(store) | EventKind::StoreUpdated(store) => Some(&**store),
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
    query: Query<NamedListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let merchant_id = MerchantId(merchant_id.into_inner());
    state
        .store()
        .merchant(principal.account_id, merchant_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let request = query.request();
    let page = state
        .store()
        .merchant_stores(
            principal.account_id,
            merchant_id,
            query.name.as_deref(),
            request,
        )
        .await?;
    let stores = page.items.iter().map(view).collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, stores)))
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
