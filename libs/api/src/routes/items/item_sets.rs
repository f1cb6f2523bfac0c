//! Item sets: `GET/POST /v1.0/item_sets`, `GET/PUT/DELETE /v1.0/item_sets/{id}` (`item_ids`
//! replaces the set's items), and its items: `GET /v1.0/item_sets/{id}/items` (a page of items),
//! `PUT` (add) and `DELETE` (remove) with `{"item_set": {"item_ids": [...]}}`, answering the
//! set; the same under `/v1.0/merchants/{merchant_id}` and
//! `/v1.0/manufacturers/{manufacturer_id}`. Unknown item ids answer 400; a set an offer uses
//! cannot be deleted (409).

use super::{id_of, owner_found, owner_of, owners, path_resource};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::{read_guard, write, ListQuery, READ, WRITE};
use crate::routes::lists::body_refusal;
use crate::routes::resource::{one, OperationIds};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::queries::{item_set_items, Change};
use domain::catalog::{Item, ItemSet, ItemSetFields, Owner};
use domain::ids::{ItemId, ItemSetId};
use domain::{Command, DomainError, Event, EventKind};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeSet;

const RESOURCE: &str = "Item set";

/// The operation ids of a set's items at one of its two bases.
struct ItemsIds {
    list: &'static str,
    add: &'static str,
    remove: &'static str,
}

pub(super) fn routes(routes: &mut Routes) {
    let account = OperationIds {
        list: "listItemSets",
        create: "createItemSet",
        get: "getItemSet",
        update: "updateItemSet",
        delete: "deleteItemSet",
    };
    let account_items = ItemsIds {
        list: "listItemSetItems",
        add: "addItemSetItems",
        remove: "removeItemSetItems",
    };
    let merchant = OperationIds {
        list: "listMerchantItemSets",
        create: "createMerchantItemSet",
        get: "getMerchantItemSet",
        update: "updateMerchantItemSet",
        delete: "deleteMerchantItemSet",
    };
    let merchant_items = ItemsIds {
        list: "listMerchantItemSetItems",
        add: "addMerchantItemSetItems",
        remove: "removeMerchantItemSetItems",
    };
    let manufacturer = OperationIds {
        list: "listManufacturerItemSets",
        create: "createManufacturerItemSet",
        get: "getManufacturerItemSet",
        update: "updateManufacturerItemSet",
        delete: "deleteManufacturerItemSet",
    };
    let manufacturer_items = ItemsIds {
        list: "listManufacturerItemSetItems",
        add: "addManufacturerItemSetItems",
        remove: "removeManufacturerItemSetItems",
    };
    for (base, ids, items_ids) in [
        ("/item_sets", account, account_items),
        (
            "/merchants/{merchant_id}/item_sets",
            merchant,
            merchant_items,
        ),
        (
            "/manufacturers/{manufacturer_id}/item_sets",
            manufacturer,
            manufacturer_items,
        ),
    ] {
        let one = format!("{base}/{{item_set_id}}");
        let members = format!("{one}/items");
        routes
            .add(
                Op::get(base, ids.list, "Item sets")
                    .roles(READ)
                    .query::<ListQuery>()
                    .answers::<Paged<ItemSet>>(200, "A page of item sets"),
                list,
            )
            .add(
                Op::post(base, ids.create, "Create an item set")
                    .roles(WRITE)
                    .idempotent()
                    .body::<SetInput>()
                    .answers::<One<ItemSet>>(201, "The item set created"),
                create,
            )
            .add(
                Op::get(&one, ids.get, "An item set")
                    .roles(READ)
                    .answers::<One<ItemSet>>(200, "The item set"),
                get,
            )
            .add(
                Op::put(&one, ids.update, "Change an item set")
                    .roles(WRITE)
                    .idempotent()
                    .body::<SetInput>()
                    .answers::<One<ItemSet>>(200, "The item set as changed"),
                update,
            )
            .add(
                Op::delete(&one, ids.delete, "Delete an item set no offer uses")
                    .roles(WRITE)
                    .idempotent()
                    .empty(200, "Deleted"),
                delete,
            )
            .add(
                Op::get(&members, items_ids.list, "An item set's items")
                    .roles(READ)
                    .query::<ListQuery>()
                    .answers::<Paged<Item>>(200, "A page of the set's items"),
                items,
            )
            .add(
                Op::put(&members, items_ids.add, "Add items to an item set")
                    .roles(WRITE)
                    .idempotent()
                    .body::<SetInput>()
                    .answers::<One<ItemSet>>(201, "The item set now"),
                add,
            )
            .add(
                Op::delete(&members, items_ids.remove, "Remove items from an item set")
                    .roles(WRITE)
                    .idempotent()
                    .body::<SetInput>()
                    .answers::<One<ItemSet>>(200, "The item set now"),
                remove,
            );
    }
}

impl Named for ItemSet {
    const ONE: &'static str = "item_set";
    const MANY: &'static str = "item_sets";
}

/// `{"item_set": {...}}`, the body of a create or update (and of adding or removing items,
/// which reads only `item_ids`).
#[derive(Debug, Deserialize, JsonSchema)]
struct SetInput {
    /// The set's fields.
    item_set: FieldsInput,
}

/// An item set's fields; absent ones stay as they are.
#[derive(Debug, Deserialize, JsonSchema)]
struct FieldsInput {
    /// Its name (required on create).
    name: Option<String>,
    /// The merchant it belongs to (create only; the path's merchant under a merchant).
    merchant_id: Option<u64>,
    /// The manufacturer it belongs to (create only; the path's manufacturer under one).
    manufacturer_id: Option<u64>,
    /// Its items: replaces them on create or update, the items added or removed otherwise.
    item_ids: Option<Vec<u64>>,
    /// Sparkfly's set type (0 merchant, 1 manufacturer; 1 by default for a manufacturer's).
    set_type: Option<u32>,
}

impl SetInput {
    /// The fields, owned by the path's owner when it names one.
    fn fields(self, owner: Option<Owner>) -> ItemSetFields {
        let fields = self.item_set;
        let (merchant_id, manufacturer_id) =
            owners(owner, fields.merchant_id, fields.manufacturer_id);
        ItemSetFields {
            name: fields.name,
            merchant_id,
            item_ids: fields
                .item_ids
                .map(|ids| ids.into_iter().map(ItemId).collect()),
            set_type: fields.set_type,
            manufacturer_id,
        }
    }

    /// The item ids of an add or remove.
    fn item_ids(self) -> Result<BTreeSet<ItemId>, ApiError> {
        let ids = self
            .item_set
            .item_ids
            .ok_or(ApiError::Domain(DomainError::Blank { field: "Item ids" }))?;
        Ok(ids.into_iter().map(ItemId).collect())
    }
}

fn recorded(events: &[Event]) -> Result<&ItemSet, ApiError> {
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ItemSetCreated(set) | EventKind::ItemSetUpdated(set) => Some(set),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no item set"))
}

/// The set the path names in the caller's account (under the path's owner), or 404.
async fn found(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
) -> Result<ItemSet, ApiError> {
    let owner = owner_of(request)?;
    let id = ItemSetId(id_of(request, "item_set_id")?);
    read_guard(state, principal).await?;
    state
        .store()
        .item_set(principal.account_id, id)
        .await?
        .filter(|set| owner.is_none_or(|owner| set.owned_by(owner)))
        .ok_or(ApiError::NotFound)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner_of(&request)?;
    read_guard(&state, &principal).await?;
    owner_found(&state, &principal, owner)?;
    let page = state
        .store()
        .item_sets(principal.account_id, owner, query.request())
        .await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<SetInput>,
) -> Result<HttpResponse, ApiError> {
    let owner = owner_of(&request)?;
    let command = Command::CreateItemSet {
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
    let set = found(&state, &principal, &request).await?;
    Ok(one(StatusCode::OK, &set))
}

async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<SetInput>,
) -> Result<HttpResponse, ApiError> {
    let set = found(&state, &principal, &request).await?;
    let command = Command::UpdateItemSet {
        item_set_id: set.id,
        fields: input.fields(None),
    };
    let events = write(&state, &principal, &request, command)
        .await
        .map_err(|error| body_refusal(error, RESOURCE))?;
    Ok(one(StatusCode::OK, recorded(&events)?))
}

async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let set = found(&state, &principal, &request).await?;
    let command = Command::DeleteItemSet {
        item_set_id: set.id,
    };
    write(&state, &principal, &request, command).await?;
    Ok(HttpResponse::Ok().finish())
}

async fn items(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let set = found(&state, &principal, &request).await?;
    let page = state
        .store()
        .item_set_items(principal.account_id, set.id, query.request())
        .await?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn add(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<SetInput>,
) -> Result<HttpResponse, ApiError> {
    change(&state, &principal, &request, input.item_ids()?, Change::Add).await
}

async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<SetInput>,
) -> Result<HttpResponse, ApiError> {
    change(
        &state,
        &principal,
        &request,
        input.item_ids()?,
        Change::Remove,
    )
    .await
}

/// Adds (or removes) `ids` to the set the path names: the set's items are read from the live
/// state and written back whole, with the new ones.
async fn change(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    ids: BTreeSet<ItemId>,
    change: Change,
) -> Result<HttpResponse, ApiError> {
    let set = found(state, principal, request).await?;
    let id = set.id;
    let item_ids = state.read(principal.account_id, move |live, _| {
        item_set_items(live, id, ids, change)
    })??;
    let command = Command::UpdateItemSet {
        item_set_id: id,
        fields: ItemSetFields {
            item_ids: Some(item_ids),
            ..ItemSetFields::default()
        },
    };
    let events = write(state, principal, request, command)
        .await
        .map_err(|error| body_refusal(error, RESOURCE))?;
    let status = if change == Change::Add {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(one(status, recorded(&events)?))
}
