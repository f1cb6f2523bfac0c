//! Item sets: `GET/POST /v1.0/item_sets`, `GET/PUT/DELETE /v1.0/item_sets/{id}` (`item_ids`
//! replaces the set's items), and its items: `GET /v1.0/item_sets/{id}/items` (a page of items),
//! `PUT` (add) and `DELETE` (remove) with `{"item_set": {"item_ids": [...]}}`, answering the
//! set; the same under `/v1.0/merchants/{merchant_id}`. Unknown item ids answer 400; a set an
//! offer uses cannot be deleted (409).

use super::items::merchant_found;
use super::{id_of, in_scope, merchant_of, path_resource};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::routes::common::{page_body, read_guard, write, ListQuery};
use crate::routes::lists::body_refusal;
use crate::routes::method_not_allowed;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{ItemSet, ItemSetFields};
use domain::ids::{ItemId, ItemSetId, MerchantId};
use domain::validate::existing;
use domain::{Command, DomainError, Event, EventKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const RESOURCE: &str = "Item set";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    for base in ["/item_sets", "/merchants/{merchant_id}/item_sets"] {
        cfg.service(
            web::resource(base)
                .get(list)
                .post(create)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource(format!("{base}/{{item_set_id}}"))
                .get(get)
                .put(update)
                .delete(delete)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource(format!("{base}/{{item_set_id}}/items"))
                .get(items)
                .put(add)
                .delete(remove)
                .default_service(web::to(method_not_allowed)),
        );
    }
}

/// `{"item_set": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize)]
struct SetInput {
    item_set: FieldsInput,
}

#[derive(Debug, Deserialize)]
struct FieldsInput {
    name: Option<String>,
    merchant_id: Option<u64>,
    item_ids: Option<Vec<u64>>,
    set_type: Option<u32>,
}

impl SetInput {
    /// The fields, owned by the path's merchant when it names one.
    fn fields(self, merchant: Option<MerchantId>) -> ItemSetFields {
        let fields = self.item_set;
        ItemSetFields {
            name: fields.name,
            merchant_id: merchant.or(fields.merchant_id.map(MerchantId)),
            item_ids: fields
                .item_ids
                .map(|ids| ids.into_iter().map(ItemId).collect()),
            set_type: fields.set_type,
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

#[derive(Serialize)]
struct Wrapped<'a> {
    item_set: &'a ItemSet,
}

fn one(status: StatusCode, item_set: &ItemSet) -> HttpResponse {
    HttpResponse::build(status).json(Wrapped { item_set })
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

/// The set the path names in the caller's account (under the path's merchant), or 404.
async fn found(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
) -> Result<ItemSet, ApiError> {
    let merchant = merchant_of(request)?;
    let id = ItemSetId(id_of(request, "item_set_id")?);
    read_guard(state, principal).await?;
    state
        .store()
        .item_set(principal.account_id, id)
        .await?
        .filter(|set| in_scope(merchant, set.merchant_id))
        .ok_or(ApiError::NotFound)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let merchant = merchant_of(&request)?;
    read_guard(&state, &principal).await?;
    merchant_found(&state, &principal, merchant).await?;
    let page = state
        .store()
        .item_sets(principal.account_id, merchant, query.request())
        .await?;
    page_body(&page, "item_sets", "item_set", &page.items)
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<SetInput>,
) -> Result<HttpResponse, ApiError> {
    let merchant = merchant_of(&request)?;
    let command = Command::CreateItemSet {
        fields: input.fields(merchant),
    };
    let events = write(&state, &principal, &request, command)
        .await
        .map_err(|error| body_refusal(error, path_resource(merchant)))?;
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
    page_body(&page, "items", "item", &page.items)
}

async fn add(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<SetInput>,
) -> Result<HttpResponse, ApiError> {
    change(&state, &principal, &request, input.item_ids()?, true).await
}

async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<SetInput>,
) -> Result<HttpResponse, ApiError> {
    change(&state, &principal, &request, input.item_ids()?, false).await
}

/// Adds (or removes) `ids` to the set the path names: the set's items are read from the live
/// state and written back whole, with the new ones.
async fn change(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    ids: BTreeSet<ItemId>,
    adding: bool,
) -> Result<HttpResponse, ApiError> {
    let set = found(state, principal, request).await?;
    let id = set.id;
    let item_ids = state
        .read(principal.account_id, move |account, _| {
            let set = existing(&account.item_sets, &id, RESOURCE)?;
            let items: Vec<ItemId> = if adding {
                set.item_ids.union(&ids).copied().collect()
            } else {
                set.item_ids.difference(&ids).copied().collect()
            };
            Ok::<_, DomainError>(items)
        })
        .await??;
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
    let status = if adding {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(one(status, recorded(&events)?))
}
