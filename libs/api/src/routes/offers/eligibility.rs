//! An offer's eligibility: `/v1.0/offers/{id}/merchants`, `/store_lists` and `/member_lists`
//! (`GET` the ids, `POST` sets them to `{"offer": {"merchant_ids": [..]}}`, `PUT` adds them,
//! `DELETE` removes them; each answers `{"offer": {"id", "merchant_ids"}}`). Statuses follow
//! the Sparkfly OpenAPI document. Eligible item sets are in `item_sets`.

use super::follow_up;
use super::view::{live, stored};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One};
use crate::openapi::{Op, Routes};
use crate::routes::common::{read_guard, write, READ, WRITE};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::ids::OfferId;
use domain::offer::{EligibilityDimension, Offer};
use domain::Command;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::marker::PhantomData;

/// The operation ids of a dimension's routes.
struct OperationIds {
    list: &'static str,
    set: &'static str,
    add: &'static str,
    remove: &'static str,
}

/// One list-of-ids dimension of eligibility and how its routes name it.
trait Dimension: Default + 'static {
    /// The path under `/offers/{id}`.
    const PATH: &'static str;
    /// The field of the ids in bodies.
    const FIELD: &'static str;
    /// What the dimension's ids name, in schema names (`Merchants`).
    const NAME: &'static str;
    /// Its routes' operation ids.
    const IDS: OperationIds;
    /// The domain's dimension.
    const KIND: EligibilityDimension;
    /// The status of an answer to `DELETE` (the OpenAPI document's).
    const REMOVED: StatusCode;
    /// The ids of the dimension on `offer`.
    fn ids(offer: &Offer) -> Vec<u64>;
}

#[derive(Default)]
struct Merchants;
#[derive(Default)]
struct StoreLists;
#[derive(Default)]
struct MemberLists;

impl Dimension for Merchants {
    const PATH: &'static str = "/offers/{id}/merchants";
    const FIELD: &'static str = "merchant_ids";
    const NAME: &'static str = "Merchants";
    const IDS: OperationIds = OperationIds {
        list: "listOfferMerchants",
        set: "setOfferMerchants",
        add: "addOfferMerchants",
        remove: "removeOfferMerchants",
    };
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
    const NAME: &'static str = "StoreLists";
    const IDS: OperationIds = OperationIds {
        list: "listOfferStoreLists",
        set: "setOfferStoreLists",
        add: "addOfferStoreLists",
        remove: "removeOfferStoreLists",
    };
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
    const NAME: &'static str = "MemberLists";
    const IDS: OperationIds = OperationIds {
        list: "listOfferMemberLists",
        set: "setOfferMemberLists",
        add: "addOfferMemberLists",
        remove: "removeOfferMemberLists",
    };
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

pub(super) fn routes(routes: &mut Routes) {
    dimension::<Merchants>(routes);
    dimension::<StoreLists>(routes);
    dimension::<MemberLists>(routes);
}

fn dimension<D: Dimension>(routes: &mut Routes) {
    routes
        .add(
            Op::get(D::PATH, D::IDS.list, "An offer's eligibility ids")
                .roles(READ)
                .answers::<One<OfferIds<D>>>(200, "The ids"),
            list::<D>,
        )
        .add(
            Op::post(D::PATH, D::IDS.set, "Make the ids the offer's only ones")
                .roles(WRITE)
                .idempotent()
                .body::<IdsInput<D>>()
                .answers::<One<OfferIds<D>>>(201, "The ids now"),
            set::<D>,
        )
        .add(
            Op::put(D::PATH, D::IDS.add, "Add ids to the offer's eligibility")
                .roles(WRITE)
                .idempotent()
                .body::<IdsInput<D>>()
                .answers::<One<OfferIds<D>>>(201, "The ids now"),
            add::<D>,
        )
        .add(
            Op::delete(
                D::PATH,
                D::IDS.remove,
                "Remove ids from the offer's eligibility",
            )
            .roles(WRITE)
            .idempotent()
            .body::<IdsInput<D>>()
            .answers::<One<OfferIds<D>>>(D::REMOVED.as_u16(), "The ids now"),
            remove::<D>,
        );
}

/// `{"offer": {"<dimension>_ids": [..]}}`.
#[derive(Debug, Deserialize)]
struct IdsInput<D> {
    offer: Map<String, Value>,
    #[serde(skip)]
    dimension: PhantomData<D>,
}

impl<D: Dimension> IdsInput<D> {
    fn ids(mut self) -> Result<Vec<u64>, ApiError> {
        let value = self
            .offer
            .remove(D::FIELD)
            .ok_or_else(|| ApiError::BadRequest(format!("missing field `{}`", D::FIELD)))?;
        serde_json::from_value(value)
            .map_err(|error| ApiError::BadRequest(format!("{}: {error}", D::FIELD)))
    }
}

/// `{"type": "array", "items": <id>}`.
fn id_list(generator: &mut SchemaGenerator) -> Value {
    let id = generator.subschema_for::<u64>().to_value();
    serde_json::json!({"type": "array", "items": id})
}

impl<D: Dimension> JsonSchema for IdsInput<D> {
    fn schema_name() -> Cow<'static, str> {
        format!("{}Input", D::NAME).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let ids = id_list(generator);
        json_schema!({
            "type": "object",
            "properties": {"offer": {
                "type": "object",
                "description": "The ids of the change.",
                "properties": {(D::FIELD): ids},
                "required": [D::FIELD],
            }},
            "required": ["offer"],
        })
    }
}

/// An offer's ids of `D`: `{"id", "<dimension>_ids"}`.
struct OfferIds<D> {
    id: OfferId,
    ids: Vec<u64>,
    dimension: PhantomData<D>,
}

impl<D: Dimension> OfferIds<D> {
    fn of(offer: &Offer) -> Self {
        Self {
            id: offer.id,
            ids: D::ids(offer),
            dimension: PhantomData,
        }
    }
}

impl<D: Dimension> Named for OfferIds<D> {
    const ONE: &'static str = "offer";
    const MANY: &'static str = "offers";
}

impl<D: Dimension> Serialize for OfferIds<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry(D::FIELD, &self.ids)?;
        map.end()
    }
}

impl<D: Dimension> JsonSchema for OfferIds<D> {
    fn schema_name() -> Cow<'static, str> {
        format!("Offer{}", D::NAME).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let id = generator.subschema_for::<OfferId>().to_value();
        let ids = id_list(generator);
        json_schema!({
            "type": "object",
            "properties": {"id": id, (D::FIELD): ids},
            "required": ["id", D::FIELD],
        })
    }
}

fn ids_body<D: Dimension>(status: StatusCode, offer: &Offer) -> HttpResponse {
    HttpResponse::build(status).json(One(OfferIds::<D>::of(offer)))
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
    Body(input): Body<IdsInput<D>>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let ids = input.ids()?;
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
    Body(input): Body<IdsInput<D>>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::AddOfferEligibility {
        offer_id,
        dimension: D::KIND,
        ids: input.ids()?,
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
    Body(input): Body<IdsInput<D>>,
) -> Result<HttpResponse, ApiError> {
    let offer_id = OfferId(id.into_inner());
    let command = Command::RemoveOfferEligibility {
        offer_id,
        dimension: D::KIND,
        ids: input.ids()?,
    };
    change::<D>(&state, &principal, &request, command, offer_id, D::REMOVED).await
}
