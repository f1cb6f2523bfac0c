//! An offer's eligibility: `/v1.0/offers/{id}/merchants`, `/store_lists` and `/member_lists`
//! (`GET` the ids, `POST` sets them to `{"offer": {"merchant_ids": [..]}}`, `PUT` adds them,
//! `DELETE` removes them; each answers `{"offer": {"id", "merchant_ids"}}`), and
//! `/v1.0/offers/{id}/eligible_item_sets` (a page of Sparkfly's `eligible_item_set`s, whose id
//! is the item set's; `POST {"eligible_item_set": {"item_set_id": 3}}`, `GET` and `DELETE`
//! `/eligible_item_sets/{item_set_id}`). Statuses follow the Sparkfly OpenAPI document.

use super::view::{live, stored};
use super::{follow_up, method_not_allowed, paginate};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Query};
use crate::routes::common::{page_body, read_guard, write, ListQuery};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{ItemSetId, OfferId};
use domain::offer::{EligibilityDimension, Offer};
use domain::{Command, DomainError};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// One list-of-ids dimension of eligibility and how its routes name it.
trait Dimension: 'static {
    /// The path under `/offers/{id}`.
    const PATH: &'static str;
    /// The field of the ids in bodies.
    const FIELD: &'static str;
    /// The domain's dimension.
    const KIND: EligibilityDimension;
    /// The status of an answer to `DELETE` (the OpenAPI document's).
    const REMOVED: StatusCode;
    /// The ids of the dimension on `offer`.
    fn ids(offer: &Offer) -> Vec<u64>;
}

struct Merchants;
struct StoreLists;
struct MemberLists;

impl Dimension for Merchants {
    const PATH: &'static str = "/offers/{id}/merchants";
    const FIELD: &'static str = "merchant_ids";
    const KIND: EligibilityDimension = EligibilityDimension::Merchants;
    const REMOVED: StatusCode = StatusCode::OK;
    fn ids(offer: &Offer) -> Vec<u64> {
        offer
            .eligibility
            .merchant_ids
            .iter()
            .map(|id| id.0)
            .collect()
    }
}

impl Dimension for StoreLists {
    const PATH: &'static str = "/offers/{id}/store_lists";
    const FIELD: &'static str = "store_list_ids";
    const KIND: EligibilityDimension = EligibilityDimension::StoreLists;
    const REMOVED: StatusCode = StatusCode::OK;
    fn ids(offer: &Offer) -> Vec<u64> {
        offer
            .eligibility
            .store_list_ids
            .iter()
            .map(|id| id.0)
            .collect()
    }
}

impl Dimension for MemberLists {
    const PATH: &'static str = "/offers/{id}/member_lists";
    const FIELD: &'static str = "member_list_ids";
    const KIND: EligibilityDimension = EligibilityDimension::MemberLists;
    const REMOVED: StatusCode = StatusCode::CREATED;
    fn ids(offer: &Offer) -> Vec<u64> {
        offer
            .eligibility
            .member_list_ids
            .iter()
            .map(|id| id.0)
            .collect()
    }
}

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(dimension::<Merchants>)
        .configure(dimension::<StoreLists>)
        .configure(dimension::<MemberLists>)
        .service(
            web::resource("/offers/{id}/eligible_item_sets")
                .get(item_sets)
                .post(add_item_set)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource("/offers/{id}/eligible_item_sets/{item_set_id}")
                .get(item_set)
                .delete(remove_item_set)
                .default_service(web::to(method_not_allowed)),
        );
}

fn dimension<D: Dimension>(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(D::PATH)
            .get(list::<D>)
            .post(set::<D>)
            .put(add::<D>)
            .delete(remove::<D>)
            .default_service(web::to(method_not_allowed)),
    );
}

/// `{"offer": {"<dimension>_ids": [..]}}`.
#[derive(Debug, Deserialize)]
struct IdsInput {
    offer: Map<String, Value>,
}

impl IdsInput {
    fn ids<D: Dimension>(mut self) -> Result<Vec<u64>, ApiError> {
        let value = self
            .offer
            .remove(D::FIELD)
            .ok_or_else(|| ApiError::BadRequest(format!("missing field `{}`", D::FIELD)))?;
        serde_json::from_value(value)
            .map_err(|error| ApiError::BadRequest(format!("{}: {error}", D::FIELD)))
    }
}

fn ids_body<D: Dimension>(status: StatusCode, offer: &Offer) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "offer": {"id": offer.id, (D::FIELD): D::ids(offer)}
    }))
}

async fn list<D: Dimension>(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let view = stored(&state, principal.account_id, OfferId(id.into_inner())).await?;
    Ok(ids_body::<D>(StatusCode::OK, &view.offer))
}

/// Runs `command` on offer `id` and answers with its ids of `D` as they now are.
async fn change<D: Dimension>(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    command: Command,
    id: OfferId,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    write(state, principal, request, command).await?;
    let view = live(state, principal.account_id, id).await?;
    Ok(ids_body::<D>(status, &view.offer))
}

async fn set<D: Dimension>(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<IdsInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let ids = input.ids::<D>()?;
    let command = Command::AddOfferEligibility {
        offer_id,
        dimension: D::KIND,
        ids: ids.clone(),
    };
    write(&state, &principal, &request, command).await?;
    let view = live(&state, principal.account_id, offer_id).await?;
    let others: Vec<u64> = D::ids(&view.offer)
        .into_iter()
        .filter(|id| !ids.contains(id))
        .collect();
    if others.is_empty() {
        return Ok(ids_body::<D>(StatusCode::CREATED, &view.offer));
    }
    let command = Command::RemoveOfferEligibility {
        offer_id,
        dimension: D::KIND,
        ids: others,
    };
    follow_up(&state, &principal, &request, command, ":remove").await?;
    let view = live(&state, principal.account_id, offer_id).await?;
    Ok(ids_body::<D>(StatusCode::CREATED, &view.offer))
}

async fn add<D: Dimension>(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<IdsInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::AddOfferEligibility {
        offer_id,
        dimension: D::KIND,
        ids: input.ids::<D>()?,
    };
    change::<D>(
        &state,
        &principal,
        &request,
        command,
        offer_id,
        StatusCode::CREATED,
    )
    .await
}

async fn remove<D: Dimension>(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<IdsInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::RemoveOfferEligibility {
        offer_id,
        dimension: D::KIND,
        ids: input.ids::<D>()?,
    };
    change::<D>(&state, &principal, &request, command, offer_id, D::REMOVED).await
}

/// `{"eligible_item_set": {"item_set_id": 3}}`.
#[derive(Debug, Deserialize)]
struct ItemSetInput {
    eligible_item_set: ItemSetFields,
}

#[derive(Debug, Deserialize)]
struct ItemSetFields {
    item_set_id: u64,
}

const NO_ITEM_SET: DomainError = DomainError::NotFound {
    resource: "Eligible item set",
};

fn item_set_json(offer: OfferId, set: ItemSetId) -> Value {
    json!({"id": set, "item_set_id": set, "offer_id": offer})
}

fn one_item_set(status: StatusCode, offer: OfferId, set: ItemSetId) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "eligible_item_set": item_set_json(offer, set) }))
}

async fn item_sets(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let view = stored(&state, principal.account_id, OfferId(id.into_inner())).await?;
    let all = view
        .offer
        .eligibility
        .item_set_ids
        .iter()
        .copied()
        .collect();
    let page = paginate(all, query.request())?;
    let rows = page
        .items
        .iter()
        .map(|set| item_set_json(view.offer.id, *set));
    page_body(&page, "eligible_item_sets", "eligible_item_set", rows)
}

async fn add_item_set(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<ItemSetInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let set = input.eligible_item_set.item_set_id;
    let command = Command::AddOfferEligibility {
        offer_id,
        dimension: EligibilityDimension::ItemSets,
        ids: vec![set],
    };
    write(&state, &principal, &request, command).await?;
    Ok(one_item_set(StatusCode::CREATED, offer_id, ItemSetId(set)))
}

async fn item_set(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    read_guard(&state, &principal).await?;
    let (offer_id, set) = path.into_inner();
    let (offer_id, set) = (OfferId(offer_id), ItemSetId(set));
    let view = stored(&state, principal.account_id, offer_id).await?;
    if !view.offer.eligibility.item_set_ids.contains(&set) {
        return Err(ApiError::NotFound);
    }
    Ok(one_item_set(StatusCode::OK, offer_id, set))
}

async fn remove_item_set(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, ApiError> {
    let (offer_id, set) = path.into_inner();
    let command = Command::RemoveOfferEligibility {
        offer_id: OfferId(offer_id),
        dimension: EligibilityDimension::ItemSets,
        ids: vec![set],
    };
    if write(&state, &principal, &request, command)
        .await?
        .is_empty()
    {
        return Err(ApiError::Domain(NO_ITEM_SET));
    }
    Ok(HttpResponse::Ok().finish())
}
