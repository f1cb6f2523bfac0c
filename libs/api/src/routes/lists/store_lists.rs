//! A merchant's store lists: `GET/POST /v1.0/merchants/{merchant_id}/store_lists` and
//! `GET/PUT/DELETE .../store_lists/{id}`. A list is found only under its own merchant of the
//! caller's account (otherwise 404); it answers with all its store ids.

use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::routes::common::{page_body, read_guard, write, ListQuery};
use crate::routes::method_not_allowed;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{ListFields, StoreList};
use domain::ids::{MerchantId, StoreListId};
use domain::{Command, EventKind};
use serde::{Deserialize, Serialize};

pub(super) const RESOURCE: &str = "Store list";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/merchants/{merchant_id}/store_lists")
            .get(list)
            .post(create)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/merchants/{merchant_id}/store_lists/{id}")
            .get(get)
            .put(rename)
            .delete(delete)
            .default_service(web::to(method_not_allowed)),
    );
}

/// `{"store_list": {"name": ...}}`.
#[derive(Debug, Deserialize)]
struct ListInput {
    store_list: NameInput,
}

#[derive(Debug, Deserialize)]
struct NameInput {
    name: Option<String>,
}

impl From<ListInput> for ListFields {
    fn from(input: ListInput) -> Self {
        Self {
            name: input.store_list.name,
        }
    }
}

#[derive(Serialize)]
struct Wrapped<'a> {
    store_list: &'a StoreList,
}

fn one(status: StatusCode, store_list: &StoreList) -> HttpResponse {
    HttpResponse::build(status).json(Wrapped { store_list })
}

/// The list `id` of the caller's account (of `merchant` when given), or 404.
pub(super) async fn found(
    state: &AppState,
    principal: &Principal,
    merchant: Option<u64>,
    id: u64,
) -> Result<StoreList, ApiError> {
    read_guard(state, principal).await?;
    state
        .store()
        .store_list(principal.account_id, StoreListId(id))
        .await?
        .filter(|list| {
            merchant.is_none_or(|merchant| list.merchant_id == Some(MerchantId(merchant)))
        })
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
        .store_lists(principal.account_id, Some(merchant_id), query.request())
        .await?;
    page_body(&page, "store_lists", "store_list", &page.items)
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    merchant_id: web::Path<u64>,
    Body(input): Body<ListInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateStoreList {
        merchant_id: Some(MerchantId(merchant_id.into_inner())),
        fields: input.into(),
    };
    let events = write(&state, &principal, &request, command).await?;
    let created = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::StoreListCreated(list) => Some(list),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no store list"))?;
    Ok(one(StatusCode::CREATED, created))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, id) = path.into_inner();
    let list = found(&state, &principal, Some(merchant_id), id).await?;
    Ok(one(StatusCode::OK, &list))
}

async fn rename(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<ListInput>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, id) = path.into_inner();
    found(&state, &principal, Some(merchant_id), id).await?;
    let command = Command::RenameStoreList {
        store_list_id: StoreListId(id),
        fields: input.into(),
    };
    write(&state, &principal, &request, command).await?;
    let list = found(&state, &principal, Some(merchant_id), id).await?;
    Ok(one(StatusCode::OK, &list))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, id) = path.into_inner();
    found(&state, &principal, Some(merchant_id), id).await?;
    let command = Command::DeleteStoreList {
        store_list_id: StoreListId(id),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
