//! A merchant's store lists: `GET/POST /v1.0/merchants/{merchant_id}/store_lists` and
//! `GET/PUT/DELETE .../store_lists/{id}`. A list is found only under its own merchant of the
//! caller's account (otherwise 404); it answers with all its store ids.

use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{ListFields, StoreList};
use domain::ids::{MerchantId, StoreListId};
use domain::{Command, EventKind};
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) const RESOURCE: &str = "Store list";

pub(super) fn routes(routes: &mut Routes) {
    const LISTS: &str = "/merchants/{merchant_id}/store_lists";
    const LIST: &str = "/merchants/{merchant_id}/store_lists/{id}";
    routes
        .add(
            Op::get(LISTS, "listStoreLists", "A merchant's store lists")
                .roles(READ)
                .query::<ListQuery>()
                .answers::<Paged<StoreList>>(200, "A page of store lists"),
            list,
        )
        .add(
            Op::post(
                LISTS,
                "createStoreList",
                "Create a store list of a merchant",
            )
            .roles(WRITE)
            .idempotent()
            .body::<ListInput>()
            .answers::<One<StoreList>>(201, "The store list created"),
            create,
        )
        .add(
            Op::get(LIST, "getStoreList", "A store list")
                .roles(READ)
                .answers::<One<StoreList>>(200, "The store list"),
            get,
        )
        .add(
            Op::put(LIST, "renameStoreList", "Rename a store list")
                .roles(WRITE)
                .idempotent()
                .body::<ListInput>()
                .answers::<One<StoreList>>(200, "The store list as renamed"),
            rename,
        )
        .add(
            Op::delete(LIST, "deleteStoreList", "Delete a store list")
                .roles(WRITE)
                .idempotent()
                .empty(200, "Deleted"),
            delete,
        );
}

impl Named for StoreList {
    const ONE: &'static str = "store_list";
    const MANY: &'static str = "store_lists";
}

/// `{"store_list": {"name": ...}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ListInput {
    /// The list's fields.
    store_list: NameInput,
}

/// A list's name.
#[derive(Debug, Deserialize, JsonSchema)]
struct NameInput {
    /// Its name (required on create).
    name: Option<String>,
}

impl From<ListInput> for ListFields {
    fn from(input: ListInput) -> Self {
        Self {
            name: input.store_list.name,
        }
    }
}

fn one(status: StatusCode, store_list: &StoreList) -> HttpResponse {
    HttpResponse::build(status).json(One(store_list))
}

/// The list `id` of the caller's account (of `merchant` when given) as its live state holds
/// it (every write the caller was answered included, without waiting for the read model), or
/// 404.
pub(super) fn found(
    state: &AppState,
    principal: &Principal,
    merchant: Option<u64>,
    id: u64,
) -> Result<StoreList, ApiError> {
    principal.require(READ)?;
    state
        .read(principal.account_id, |live, _| {
            live.store_list(StoreListId(id)).cloned()
        })?
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
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
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
    let list = found(&state, &principal, Some(merchant_id), id)?;
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
    found(&state, &principal, Some(merchant_id), id)?;
    let command = Command::RenameStoreList {
        store_list_id: StoreListId(id),
        fields: input.into(),
    };
    write(&state, &principal, &request, command).await?;
    let list = found(&state, &principal, Some(merchant_id), id)?;
    Ok(one(StatusCode::OK, &list))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (merchant_id, id) = path.into_inner();
    found(&state, &principal, Some(merchant_id), id)?;
    let command = Command::DeleteStoreList {
        store_list_id: StoreListId(id),
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
