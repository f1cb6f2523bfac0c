//! An offer's eligible item sets: `/v1.0/offers/{id}/eligible_item_sets` (a page of Sparkfly's
//! `eligible_item_set`s, whose id is the item set's; `POST {"eligible_item_set":
//! {"item_set_id": 3}}`) and `GET`/`DELETE` `/eligible_item_sets/{item_set_id}`. Statuses
//! follow the Sparkfly OpenAPI document.

use super::view::stored;
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::{paginate, read_guard, write, ListQuery, READ, WRITE};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{ItemSetId, OfferId};
use domain::offer::EligibilityDimension;
use domain::{Command, DomainError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    const SETS: &str = "/offers/{id}/eligible_item_sets";
    const SET: &str = "/offers/{id}/eligible_item_sets/{item_set_id}";
    routes
        .add(
            Op::get(
                SETS,
                "listOfferEligibleItemSets",
                "The item sets a basket must hold an item of",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<EligibleItemSet>>(200, "A page of eligible item sets"),
            item_sets,
        )
        .add(
            Op::post(
                SETS,
                "addOfferEligibleItemSet",
                "Make an item set one of the offer's eligible item sets",
            )
            .roles(WRITE)
            .idempotent()
            .body::<ItemSetInput>()
            .answers::<One<EligibleItemSet>>(201, "The eligible item set"),
            add_item_set,
        )
        .add(
            Op::get(SET, "getOfferEligibleItemSet", "An eligible item set")
                .roles(READ)
                .answers::<One<EligibleItemSet>>(200, "The eligible item set"),
            item_set,
        )
        .add(
            Op::delete(
                SET,
                "removeOfferEligibleItemSet",
                "Remove an eligible item set",
            )
            .roles(WRITE)
            .idempotent()
            .empty(200, "Removed"),
            remove_item_set,
        );
}

/// `{"eligible_item_set": {"item_set_id": 3}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ItemSetInput {
    /// The item set.
    eligible_item_set: ItemSetFields,
}

/// The item set of an eligible item set.
#[derive(Debug, Deserialize, JsonSchema)]
struct ItemSetFields {
    /// The item set's id.
    item_set_id: u64,
}

const NO_ITEM_SET: DomainError = DomainError::NotFound {
    resource: "Eligible item set",
};

/// Sparkfly's `eligible_item_set`: an item set a basket must hold an item of.
#[derive(Debug, Serialize, JsonSchema)]
struct EligibleItemSet {
    /// The item set's id.
    id: ItemSetId,
    /// The item set's id.
    item_set_id: ItemSetId,
    /// The offer.
    offer_id: OfferId,
}

impl EligibleItemSet {
    fn new(offer_id: OfferId, set: ItemSetId) -> Self {
        Self {
            id: set,
            item_set_id: set,
            offer_id,
        }
    }
}

impl Named for EligibleItemSet {
    const ONE: &'static str = "eligible_item_set";
    const MANY: &'static str = "eligible_item_sets";
}

fn one_item_set(status: StatusCode, offer: OfferId, set: ItemSetId) -> HttpResponse {
    HttpResponse::build(status).json(One(EligibleItemSet::new(offer, set)))
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
        .map(|set| EligibleItemSet::new(view.offer.id, *set))
        .collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, rows)))
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
