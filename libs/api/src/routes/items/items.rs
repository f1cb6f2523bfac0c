//! Items: `GET/POST /v1.0/items` (`?name=&code=` filter by exact match) and
//! `GET/PUT/DELETE /v1.0/items/{id}`, the same under `/v1.0/merchants/{merchant_id}`. An item's
//! code is unique per owner (merchant or manufacturer); a taken code answers 400.

use super::{id_of, in_scope, merchant_of, path_resource};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::routes::common::{page_body, read_guard, write};
use crate::routes::lists::body_refusal;
use crate::routes::method_not_allowed;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::{Item, ItemFields};
use domain::ids::{ItemId, MerchantId};
use domain::{Command, Event, EventKind};
use projections::ItemFilter;
use serde::{Deserialize, Serialize};

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    for base in ["/items", "/merchants/{merchant_id}/items"] {
        cfg.service(
            web::resource(base)
                .get(list)
                .post(create)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource(format!("{base}/{{item_id}}"))
                .get(get)
                .put(update)
                .delete(delete)
                .default_service(web::to(method_not_allowed)),
        );
    }
}

/// `{"item": {...}}`, the body of a create or update.
#[derive(Debug, Deserialize)]
struct ItemInput {
    item: FieldsInput,
}

#[derive(Debug, Deserialize)]
struct FieldsInput {
    name: Option<String>,
    code: Option<String>,
    merchant_id: Option<u64>,
    manufacturer_id: Option<u64>,
}

impl ItemInput {
    /// The fields, owned by the path's merchant when it names one.
    fn fields(self, merchant: Option<MerchantId>) -> ItemFields {
        let fields = self.item;
        ItemFields {
            name: fields.name,
            code: fields.code,
            merchant_id: merchant.or(fields.merchant_id.map(MerchantId)),
            manufacturer_id: fields.manufacturer_id,
        }
    }
}

/// `?page=&per_page=&name=&code=`.
#[derive(Debug, Deserialize)]
struct ItemQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    name: Option<String>,
    code: Option<String>,
}

#[derive(Serialize)]
struct Wrapped<'a> {
    item: &'a Item,
}

fn one(status: StatusCode, item: &Item) -> HttpResponse {
    HttpResponse::build(status).json(Wrapped { item })
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

/// The item the path names in the caller's account (under the path's merchant), or 404.
async fn found(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
) -> Result<Item, ApiError> {
    let merchant = merchant_of(request)?;
    let id = ItemId(id_of(request, "item_id")?);
    read_guard(state, principal).await?;
    state
        .store()
        .item(principal.account_id, id)
        .await?
        .filter(|item| in_scope(merchant, item.merchant_id))
        .ok_or(ApiError::NotFound)
}

/// Checks that the path's merchant, if any, is in the caller's account.
pub(super) async fn merchant_found(
    state: &AppState,
    principal: &Principal,
    merchant: Option<MerchantId>,
) -> Result<(), ApiError> {
    let Some(merchant) = merchant else {
        return Ok(());
    };
    state
        .store()
        .merchant(principal.account_id, merchant)
        .await?
        .map(drop)
        .ok_or(ApiError::NotFound)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<ItemQuery>,
) -> Result<HttpResponse, ApiError> {
    let merchant = merchant_of(&request)?;
    read_guard(&state, &principal).await?;
    merchant_found(&state, &principal, merchant).await?;
    let query = query.into_inner();
    let filter = ItemFilter {
        merchant_id: merchant,
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
    page_body(&page, "items", "item", &page.items)
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ItemInput>,
) -> Result<HttpResponse, ApiError> {
    let merchant = merchant_of(&request)?;
    let command = Command::CreateItem {
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
