//! An offer's eligible item sets: `/v1.0/offers/{id}/eligible_item_sets` (a page of Sparkfly's
//! `eligible_item_set`s, whose id is the item set's; `POST {"eligible_item_set":
//! {"item_set_id": 3}}`) and `GET`/`PUT`/`DELETE` `/eligible_item_sets/{item_set_id}`. `PUT`
//! (and `POST` when it gives them) sets the set's `list_type` (0 any, 1 required, 2 excluded:
//! see `domain::offer::ItemSetRole`) and `req_qty` (units the basket must hold), making it
//! eligible when it was not; a `POST` without them keeps the rule. Statuses follow the
//! Sparkfly OpenAPI document.

use super::view::stored;
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::{paginate, read_guard, write, ListQuery, READ, WRITE};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::{ItemSetId, OfferId};
use domain::offer::{EligibilityDimension, ItemSetRole, ItemSetRule};
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
            .body::<RuleInput>()
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
            Op::put(
                SET,
                "updateOfferEligibleItemSet",
                "Set an eligible item set's rule",
            )
            .roles(WRITE)
            .idempotent()
            .body::<RuleInput>()
            .answers::<One<EligibleItemSet>>(201, "The eligible item set"),
            set_rule,
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

/// `{"eligible_item_set": {"item_set_id": 3, "list_type": 1, "req_qty": 2}}` (on `PUT` an
/// `item_set_id` must be the path's).
#[derive(Debug, Deserialize, JsonSchema)]
struct RuleInput {
    /// The rule.
    eligible_item_set: RuleFields,
}

/// An eligible item set's rule; absent fields take the default (any, 1).
#[derive(Debug, Deserialize, JsonSchema)]
struct RuleFields {
    /// The item set's id (required on `POST`; the path's, when given on `PUT`).
    item_set_id: Option<u64>,
    /// 0: one of the sets of which the basket must satisfy one; 1: required; 2: excluded.
    list_type: Option<u32>,
    /// Units of the set's items the basket must hold (1 to 10,000).
    req_qty: Option<u32>,
}

impl RuleFields {
    /// The rule asked for.
    fn rule(&self) -> Result<ItemSetRule, ApiError> {
        let default = ItemSetRule::default();
        let role = match self.list_type {
            None => default.role,
            Some(code) => ItemSetRole::of_code(code).ok_or_else(|| {
                ApiError::BadRequest(
                    "list_type must be 0 (any), 1 (required) or 2 (excluded)".into(),
                )
            })?,
        };
        Ok(ItemSetRule {
            role,
            required_quantity: self.req_qty.unwrap_or(default.required_quantity),
        })
    }
}

const NO_ITEM_SET: DomainError = DomainError::NotFound {
    resource: "Eligible item set",
};

/// Sparkfly's `eligible_item_set`: an item set a basket is checked against, with its rule.
#[derive(Debug, Serialize, JsonSchema)]
struct EligibleItemSet {
    /// The item set's id.
    id: ItemSetId,
    /// The item set's id.
    item_set_id: ItemSetId,
    /// The offer.
    offer_id: OfferId,
    /// Its role's number: 0 any, 1 required, 2 excluded.
    list_type: u32,
    /// Its role's name.
    type_name: &'static str,
    /// Units of its items the basket must hold.
    req_qty: u32,
}

impl EligibleItemSet {
    fn new(offer_id: OfferId, set: ItemSetId, rule: ItemSetRule) -> Self {
        Self {
            id: set,
            item_set_id: set,
            offer_id,
            list_type: rule.role.code(),
            type_name: rule.role.name(),
            req_qty: rule.required_quantity,
        }
    }
}

impl Named for EligibleItemSet {
    const ONE: &'static str = "eligible_item_set";
    const MANY: &'static str = "eligible_item_sets";
}

fn one_item_set(
    status: StatusCode,
    offer: OfferId,
    set: ItemSetId,
    rule: ItemSetRule,
) -> HttpResponse {
    HttpResponse::build(status).json(One(EligibleItemSet::new(offer, set, rule)))
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
        .map(|set| {
            let rule = view.offer.eligibility.item_set_rule(*set);
            EligibleItemSet::new(view.offer.id, *set, rule)
        })
        .collect();
    Ok(HttpResponse::Ok().json(Paged::of(&page, rows)))
}

async fn add_item_set(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    Body(input): Body<RuleInput>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let fields = input.eligible_item_set;
    let set = fields
        .item_set_id
        .ok_or_else(|| ApiError::BadRequest("item_set_id is required".into()))?;
    let command = if fields.list_type.is_some() || fields.req_qty.is_some() {
        Command::SetOfferItemSetRule {
            offer_id,
            item_set_id: ItemSetId(set),
            rule: fields.rule()?,
        }
    } else {
        Command::AddOfferEligibility {
            offer_id,
            dimension: EligibilityDimension::ItemSets,
            ids: vec![set],
        }
    };
    let set = ItemSetId(set);
    write(&state, &principal, &request, command).await?;
    let rule = state
        .read(principal.account_id, move |live, _| {
            live.offer(offer_id)
                .map(|offer| offer.eligibility.item_set_rule(set))
        })?
        .unwrap_or_default();
    Ok(one_item_set(StatusCode::CREATED, offer_id, set, rule))
}

async fn set_rule(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, u64)>,
    Body(input): Body<RuleInput>,
) -> Result<HttpResponse, ApiError> {
    let (offer_id, set) = path.into_inner();
    let fields = input.eligible_item_set;
    if fields.item_set_id.is_some_and(|given| given != set) {
        return Err(ApiError::BadRequest(
            "item_set_id must be the path's item set".into(),
        ));
    }
    let rule = fields.rule()?;
    let (offer_id, item_set_id) = (OfferId(offer_id), ItemSetId(set));
    let command = Command::SetOfferItemSetRule {
        offer_id,
        item_set_id,
        rule,
    };
    write(&state, &principal, &request, command).await?;
    Ok(one_item_set(
        StatusCode::CREATED,
        offer_id,
        item_set_id,
        rule,
    ))
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
    let rule = view.offer.eligibility.item_set_rule(set);
    Ok(one_item_set(StatusCode::OK, offer_id, set, rule))
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
