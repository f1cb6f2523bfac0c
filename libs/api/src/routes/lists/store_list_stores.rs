//! The stores of a store list: a page of them in the Sparkfly `store` shape at
//! `GET /v1.0/merchants/{merchant_id}/store_lists/{id}/stores`, and the list's store ids at
//! `/v1.0/merchants/store_lists/{id}/stores`: `GET` (a page of ids), `PUT` (add), `DELETE`
//! (remove), `POST` (set), with `{"store_list": {"store_ids": [...]}}`, answering
//! `{"id", "store_ids"}`. The merchant-scoped path takes the same writes. Stores added must be
//! stores of the list's merchant.

use super::store_lists::{found, RESOURCE};
use super::{body_refusal, set_step};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::routes::common::{page_body, write, ListQuery, WRITE};
use crate::routes::method_not_allowed;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::Store;
use domain::ids::{MerchantId, StoreId, StoreListId};
use domain::validate::existing;
use domain::{AccountState, Command, DomainError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/merchants/store_lists/{id}/stores")
            .get(store_ids)
            .put(add)
            .delete(remove)
            .post(set)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/merchants/{merchant_id}/store_lists/{id}/stores")
            .get(stores)
            .put(owned_add)
            .delete(owned_remove)
            .post(owned_set)
            .default_service(web::to(method_not_allowed)),
    );
}

/// `{"store_list": {"store_ids": [...]}}`.
#[derive(Debug, Deserialize)]
struct StoresInput {
    store_list: IdsInput,
}

#[derive(Debug, Deserialize)]
struct IdsInput {
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

/// A store in the Sparkfly `store` shape (as `stores` answers it).
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

async fn stores(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, id) = path.into_inner();
    found(&state, &principal, Some(merchant_id), id).await?;
    let page = state
        .store()
        .store_list_stores(principal.account_id, StoreListId(id), query.request())
        .await?;
    page_body(&page, "stores", "store", page.items.iter().map(view))
}

async fn store_ids(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    found(&state, &principal, None, id).await?;
    let page = state
        .store()
        .store_list_stores(principal.account_id, StoreListId(id), query.request())
        .await?;
    let ids: Vec<StoreId> = page.items.iter().map(|store| store.id).collect();
    Ok(HttpResponse::Ok().json(json!({
        "page": page.page,
        "per_page": page.per_page,
        "total_entries": page.total_entries,
        "total_pages": page.total_pages,
        "id": id,
        "store_ids": ids,
    })))
}

/// What changing a list's stores needs to know first.
enum Change {
    Add,
    Remove,
    Set,
}

/// Checks `stores` against the live state (the list exists, under `merchant` when given; each
/// store exists and is the list's merchant's) and answers the commands that make the change.
fn plan(
    account: &AccountState,
    merchant: Option<u64>,
    id: StoreListId,
    stores: BTreeSet<StoreId>,
    change: &Change,
) -> Result<Vec<Command>, DomainError> {
    let list = existing(&account.store_lists, &id, RESOURCE)?;
    if merchant.is_some_and(|merchant| list.merchant_id != Some(MerchantId(merchant))) {
        return Err(DomainError::NotFound { resource: RESOURCE });
    }
    if !matches!(change, Change::Remove) {
        for store in &stores {
            let found = existing(&account.stores, store, "Store")?;
            if list
                .merchant_id
                .is_some_and(|owner| owner != found.merchant_id)
            {
                return Err(DomainError::Invalid {
                    field: "Store ids",
                    reason: "must be stores of the store list's merchant".into(),
                });
            }
        }
    }
    let remove = |store_ids: Vec<StoreId>| Command::RemoveStoresFromList {
        store_list_id: id,
        store_ids,
    };
    let add = |store_ids: Vec<StoreId>| Command::AddStoresToList {
        store_list_id: id,
        store_ids,
    };
    Ok(match change {
        Change::Add => vec![add(stores.into_iter().collect())],
        Change::Remove => vec![remove(stores.into_iter().collect())],
        Change::Set => {
            let others: Vec<StoreId> = list.store_ids.difference(&stores).copied().collect();
            let mut commands = Vec::new();
            if !others.is_empty() {
                commands.push(remove(others));
            }
            commands.push(add(stores.into_iter().collect()));
            commands
        }
    })
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
        .read(principal.account_id, move |account, _| {
            plan(account, merchant, list_id, stores, &change)
        })
        .await?
        .map_err(|error| body_refusal(ApiError::Domain(error), RESOURCE))?;
    for command in commands {
        let done = if keyed {
            write(state, principal, request, command).await.map(drop)
        } else {
            set_step(state, principal, request, command).await
        };
        done.map_err(|error| body_refusal(error, RESOURCE))?;
    }
    let list = found(state, principal, merchant, id).await?;
    Ok(HttpResponse::build(status).json(json!({"id": id, "store_ids": list.store_ids})))
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
