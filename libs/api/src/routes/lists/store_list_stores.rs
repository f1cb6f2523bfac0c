//! The stores of a store list: a page of them in the Sparkfly `store` shape at
//! `GET /v1.0/merchants/{merchant_id}/store_lists/{id}/stores`, and the list's store ids at
//! `/v1.0/merchants/store_lists/{id}/stores`: `GET` (a page of ids), `PUT` (add), `DELETE`
//! (remove), `POST` (set), with `{"store_list": {"store_ids": [...]}}`, answering
//! `{"id", "store_ids"}`. The merchant-scoped path takes the same writes. Stores added must be
//! stores of the list's merchant.

use super::store_lists::{found, RESOURCE};
use super::{body_refusal, set_step};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::{read_guard, write, NamedListQuery, READ, WRITE};
use crate::routes::stores::{view, StoreView};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::queries::{store_list_change, Change};
use domain::ids::{MerchantId, StoreId, StoreListId};
use domain::DomainError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub(super) fn routes(routes: &mut Routes) {
    const IDS: &str = "/merchants/store_lists/{id}/stores";
    const STORES: &str = "/merchants/{merchant_id}/store_lists/{id}/stores";
    routes
        .add(
            Op::get(IDS, "listStoreListStoreIds", "A store list's store ids")
                .roles(READ)
                .query::<NamedListQuery>()
                .answers::<StoreIdsPage>(200, "A page of the list's store ids"),
            store_ids,
        )
        .add(
            Op::put(IDS, "addStoreListStores", "Add stores to a list")
                .roles(WRITE)
                .idempotent()
                .body::<StoresInput>()
                .answers::<StoreIds>(201, "The list's store ids now"),
            add,
        )
        .add(
            Op::delete(IDS, "removeStoreListStores", "Remove stores from a list")
                .roles(WRITE)
                .idempotent()
                .body::<StoresInput>()
                .answers::<StoreIds>(200, "The list's store ids now"),
            remove,
        )
        .add(
            Op::post(
                IDS,
                "setStoreListStores",
                "Make the stores the list's only ones",
            )
            .roles(WRITE)
            .body::<StoresInput>()
            .answers::<StoreIds>(201, "The list's store ids now"),
            set,
        )
        .add(
            Op::get(
                STORES,
                "listStoreListStores",
                "The stores of a merchant's store list",
            )
            .roles(READ)
            .query::<NamedListQuery>()
            .answers::<Paged<StoreView>>(200, "A page of the list's stores"),
            stores,
        )
        .add(
            Op::put(
                STORES,
                "addMerchantStoreListStores",
                "Add stores to a merchant's list",
            )
            .roles(WRITE)
            .idempotent()
            .body::<StoresInput>()
            .answers::<StoreIds>(201, "The list's store ids now"),
            owned_add,
        )
        .add(
            Op::delete(
                STORES,
                "removeMerchantStoreListStores",
                "Remove stores from a merchant's list",
            )
            .roles(WRITE)
            .idempotent()
            .body::<StoresInput>()
            .answers::<StoreIds>(200, "The list's store ids now"),
            owned_remove,
        )
        .add(
            Op::post(
                STORES,
                "setMerchantStoreListStores",
                "Make the stores a merchant's list's only ones",
            )
            .roles(WRITE)
            .body::<StoresInput>()
            .answers::<StoreIds>(201, "The list's store ids now"),
            owned_set,
        );
}

/// `{"store_list": {"store_ids": [...]}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct StoresInput {
    /// The stores of the change.
    store_list: IdsInput,
}

/// The stores of a change.
#[derive(Debug, Deserialize, JsonSchema)]
struct IdsInput {
    /// Store ids (required): stores of the list's merchant.
    store_ids: Option<Vec<u64>>,
}

impl StoresInput {
    fn ids(self) -> Result<BTreeSet<StoreId>, ApiError> {
        let ids = self
            .store_list
            .store_ids
            .ok_or(ApiError::Domain(DomainError::Blank { field: "Store ids" }))?;
        Ok(ids.into_iter().map(StoreId).collect())
    }
}

/// A list's store ids: `{"id", "store_ids"}`.
#[derive(Debug, Serialize, JsonSchema)]
struct StoreIds {
    /// The list's id.
    id: StoreListId,
    /// Its stores.
    store_ids: Vec<StoreId>,
}

/// A page of a list's store ids.
#[derive(Debug, Serialize, JsonSchema)]
struct StoreIdsPage {
    /// The page number, from 1.
    page: u32,
    /// Ids per page.
    per_page: u32,
    /// Ids in all pages.
    total_entries: u64,
    /// Pages in all.
    total_pages: u64,
    /// The list and this page's ids.
    #[serde(flatten)]
    ids: StoreIds,
}

async fn stores(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
    query: Query<NamedListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, id) = path.into_inner();
    found(&state, &principal, Some(merchant_id), id)?;
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .store_list_stores(
            principal.account_id,
            StoreListId(id),
            query.name.as_deref(),
            query.request(),
        )
        .await?;
    let stores = page.items.iter().map(view).collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, stores)))
}

async fn store_ids(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    query: Query<NamedListQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    found(&state, &principal, None, id)?;
    read_guard(&state, &principal).await?;
    let page = state
        .store()
        .store_list_stores(
            principal.account_id,
            StoreListId(id),
            query.name.as_deref(),
            query.request(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(StoreIdsPage {
        page: page.page,
        per_page: page.per_page,
        total_entries: page.total_entries,
        total_pages: page.total_pages,
        ids: StoreIds {
            id: StoreListId(id),
            store_ids: page.items.iter().map(|store| store.id).collect(),
        },
    }))
}

/// Changes the stores of list `id` and answers `{"id", "store_ids"}` with `status`.
async fn change(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    (merchant, id): (Option<u64>, u64),
    input: StoresInput,
    change: Change,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let stores = input.ids()?;
    let status = match change {
        Change::Remove => StatusCode::OK,
        Change::Add | Change::Set => StatusCode::CREATED,
    };
    let list_id = StoreListId(id);
    let keyed = !matches!(change, Change::Set);
    let commands = state
        .read(principal.account_id, move |live, _| {
            store_list_change(live, merchant.map(MerchantId), list_id, stores, change)
        })?
        .map_err(|error| body_refusal(ApiError::Domain(error), RESOURCE))?;
    for command in commands {
        let done = if keyed {
            write(state, principal, request, command).await.map(drop)
        } else {
            set_step(state, principal, request, command).await
        };
        done.map_err(|error| body_refusal(error, RESOURCE))?;
    }
    let list = found(state, principal, merchant, id)?;
    Ok(HttpResponse::build(status).json(StoreIds {
        id: StoreListId(id),
        store_ids: list.store_ids.into_iter().collect(),
    }))
}

async fn add(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<StoresInput>,
) -> Result<HttpResponse, ApiError> {
    let target = (None, id.into_inner());
    change(&state, &principal, &request, target, input, Change::Add).await
}

async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<StoresInput>,
) -> Result<HttpResponse, ApiError> {
    let target = (None, id.into_inner());
    change(&state, &principal, &request, target, input, Change::Remove).await
}

async fn set(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<StoresInput>,
) -> Result<HttpResponse, ApiError> {
    let target = (None, id.into_inner());
    change(&state, &principal, &request, target, input, Change::Set).await
}

async fn owned_add(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<StoresInput>,
) -> Result<HttpResponse, ApiError> {
    let (merchant, id) = path.into_inner();
    let target = (Some(merchant), id);
    change(&state, &principal, &request, target, input, Change::Add).await
}

async fn owned_remove(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<StoresInput>,
) -> Result<HttpResponse, ApiError> {
    let (merchant, id) = path.into_inner();
    let target = (Some(merchant), id);
    change(&state, &principal, &request, target, input, Change::Remove).await
}

async fn owned_set(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<StoresInput>,
) -> Result<HttpResponse, ApiError> {
    let (merchant, id) = path.into_inner();
    let target = (Some(merchant), id);
    change(&state, &principal, &request, target, input, Change::Set).await
}
