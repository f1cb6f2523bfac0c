//! Items: `GET/POST /v1.0/items` (`?name=&code=` filter by exact match) and
//! `GET/PUT/DELETE /v1.0/items/{id}`, the same under `/v1.0/merchants/{merchant_id}` and
//! `/v1.0/manufacturers/{manufacturer_id}`. An item's code is unique per owner (merchant and
//! manufacturer); a taken code answers 400.

use super::{id_of, owner_found, owner_of, owners, path_resource};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::{read_guard, write, READ, WRITE};
use crate::routes::lists::body_refusal;
use crate::routes::resource::{one, OperationIds};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{Item, ItemFields, Owner};
use domain::ids::ItemId;
use domain::{Command, Event, EventKind};
use projections::ItemFilter;
use schemars::JsonSchema;
use serde::Deserialize;

pub(super) fn routes(routes: &mut Routes) {
    let account = OperationIds {
        list: "listItems",
        create: "createItem",
        get: "getItem",
        update: "updateItem",
        delete: "deleteItem",
    };
    let merchant = OperationIds {
        list: "listMerchantItems",
        create: "createMerchantItem",
        get: "getMerchantItem",
        update: "updateMerchantItem",
        delete: "deleteMerchantItem",
    };
    let manufacturer = OperationIds {
        list: "listManufacturerItems",
        create: "createManufacturerItem",
        get: "getManufacturerItem",
        update: "updateManufacturerItem",
        delete: "deleteManufacturerItem",
    };
    for (base, ids) in [
        ("/items", account),
        ("/merchants/{merchant_id}/items", merchant),
        ("/manufacturers/{manufacturer_id}/items", manufacturer),
    ] {
        let one = format!("{base}/{{item_id}}");
        routes
            .add(
                Op::get(base, ids.list, "Items, filtered by exact name or code")
                    .roles(READ)
                    .query::<ItemQuery>()
                    .answers::<Paged<Item>>(200, "A page of items"),
                list,
            )
            .add(
                Op::post(base, ids.create, "Create an item")
                    .roles(WRITE)
                    .idempotent()
                    .body::<ItemInput>()
                    .answers::<One<Item>>(201, "The item created"),
                create,
            )
            .add(
                Op::get(&one, ids.get, "An item")
                    .roles(READ)
                    .answers::<One<Item>>(200, "The item"),
                get,
            )
            .add(
                Op::put(&one, ids.update, "Change an item")
                    .roles(WRITE)
                    .idempotent()
                    .body::<ItemInput>()
                    .answers::<One<Item>>(200, "The item as changed"),
                update,
            )
            .add(
                Op::delete(&one, ids.delete, "Delete an item")
                    .roles(WRITE)
                    .idempotent()
                    .empty(200, "Deleted"),
                delete,
            );
    }
}

impl Named for Item {
    const ONE: &'static str = "item";
    const MANY: &'static str = "items";
}

/// `{"item": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize, JsonSchema)]
struct ItemInput {
    /// The item's fields.
    item: FieldsInput,
}

/// An item's fields; absent ones stay as they are.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// The code a basket line carries; unique per owner (required on create).
    code: Option<String>,
    /// The merchant that sells it (create only; the path's merchant under a merchant).
    merchant_id: Option<u64>,
    /// The manufacturer that makes it (create only; the path's manufacturer under one).
    manufacturer_id: Option<u64>,
}

impl ItemInput {
    /// The fields, owned by the path's owner when it names one.
    fn fields(self, owner: Option<Owner>) -> ItemFields {
        let fields = self.item;
        let (merchant_id, manufacturer_id) =
            owners(owner, fields.merchant_id, fields.manufacturer_id);
        ItemFields {
            name: fields.name,
            code: fields.code,
            merchant_id,
            manufacturer_id,
        }
    }
}

/// `?page=&per_page=&name=&code=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ItemQuery {
    /// The page, from 1.
    page: Option<u32>,
    /// Items per page.
    per_page: Option<u32>,
    /// Only the items with exactly this name.
    name: Option<String>,
    /// Only the items with exactly this code.
    code: Option<String>,
}

fn recorded(events: &[Event]) -> Result<&Item, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ItemCreated(item) | EventKind::ItemUpdated(item) => Some(item),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no item"))
}

/// The item the path names in the caller's account (under the path's owner), or 404.
async fn found(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
) -> Result<Item, ApiError> {
    let owner = owner_of(request)?;
    let id = ItemId(id_of(request, "item_id")?);
    read_guard(state, principal).await?;
    state
        .store()
        .item(principal.account_id, id)
        .await?
        .filter(|item| owner.is_none_or(|owner| item.owned_by(owner)))
        .ok_or(ApiError::NotFound)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<ItemQuery>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner_of(&request)?;
    read_guard(&state, &principal).await?;
    owner_found(&state, &principal, owner)?;
    let query = query.into_inner();
    let filter = ItemFilter {
        owner,
        name: query.name,
        code: query.code,
    };
    let page = state
        .store()
        .items(
            principal.account_id,
            &filter,
            projections::PageRequest::new(query.page, query.per_page),
        )
        .await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ItemInput>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner_of(&request)?;
    let command = Command::CreateItem {
        fields: input.fields(owner),
    };
    let events = write(&state, &principal, &request, command)
        .await
        .map_err(|error| body_refusal(error, path_resource(owner)))?;
    Ok(one(StatusCode::CREATED, recorded(&events)?))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let item = found(&state, &principal, &request).await?;
    Ok(one(StatusCode::OK, &item))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ItemInput>,
) -> Result<HttpResponse, ApiError> {
    let item = found(&state, &principal, &request).await?;
    let command = Command::UpdateItem {
        item_id: item.id,
        fields: input.fields(None),
    };
    let events = write(&state, &principal, &request, command).await?;
    Ok(one(StatusCode::OK, recorded(&events)?))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let item = found(&state, &principal, &request).await?;
    let command = Command::DeleteItem { item_id: item.id };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}
