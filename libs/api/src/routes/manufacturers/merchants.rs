//! The merchants a manufacturer names (that carry its products):
//! `/v1.0/manufacturers/{manufacturer_id}/merchants`. `GET` answers them, `POST` makes the
//! body's the only ones, `PUT` adds them and `DELETE` removes them, each with
//! `{"manufacturer": {"merchant_ids": [...]}}` and answering
//! `{"manufacturer": {"id", "merchant_ids"}}` (201, as Sparkfly's OpenAPI document says,
//! even for `DELETE`). Every change is one command, keyed by the optional `Idempotency-Key`:
//! a merchant id the account does not hold answers 400 and changes nothing; a manufacturer
//! the path names that is not there answers 404.

use super::Manufacturers;
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One};
use crate::openapi::{Op, Routes};
use crate::routes::common::{write, READ, WRITE};
use crate::routes::lists::body_refusal;
use crate::routes::resource::{found, one};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::catalog::queries::Change;
use domain::catalog::Manufacturer;
use domain::ids::{ManufacturerId, MerchantId};
use domain::{Command, DomainError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const MERCHANTS: &str = "/manufacturers/{manufacturer_id}/merchants";

pub(super) fn routes(routes: &mut Routes) {
    routes.add(
        Op::get(
            MERCHANTS,
            "listManufacturerMerchants",
            "The merchants a manufacturer names",
        )
        .roles(READ)
        .answers::<One<MerchantIds>>(200, "The manufacturer's merchant ids"),
        list,
    );
    let changes = [
        (
            Op::post(
                MERCHANTS,
                "setManufacturerMerchants",
                "Make the merchants the manufacturer's only ones",
            ),
            Change::Set,
        ),
        (
            Op::put(
                MERCHANTS,
                "addManufacturerMerchants",
                "Add merchants to a manufacturer",
            ),
            Change::Add,
        ),
        (
            Op::delete(
                MERCHANTS,
                "removeManufacturerMerchants",
                "Remove merchants from a manufacturer",
            ),
            Change::Remove,
        ),
    ];
    for (op, change) in changes {
        let op = op
            .roles(WRITE)
            .idempotent()
            .body::<MerchantsInput>()
            .answers::<One<MerchantIds>>(201, "The manufacturer's merchant ids now");
        routes.add(
            op,
            move |state: web::Data<AppState>,
                  principal: Principal,
                  request: HttpRequest,
                  id: web::Path<u64>,
                  Body(input): Body<MerchantsInput>| {
                changed(state, principal, request, (id.into_inner(), change), input)
            },
        );
    }
}

/// `{"manufacturer": {"merchant_ids": [...]}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct MerchantsInput {
    /// The merchants of the change.
    manufacturer: IdsInput,
}

/// The merchants of a change.
#[derive(Debug, Deserialize, JsonSchema)]
struct IdsInput {
    /// Merchant ids (required; at most 1,000): merchants of the account.
    merchant_ids: Option<Vec<u64>>,
}

impl MerchantsInput {
    fn ids(self) -> Result<Vec<MerchantId>, ApiError> {
        let ids = self
            .manufacturer
            .merchant_ids
            .ok_or(ApiError::Domain(DomainError::Blank {
                field: "Merchant ids",
            }))?;
        Ok(ids.into_iter().map(MerchantId).collect())
    }
}

/// A manufacturer's merchants: `{"id", "merchant_ids"}`.
#[derive(Debug, Serialize, JsonSchema)]
struct MerchantIds {
    /// The manufacturer's id.
    id: ManufacturerId,
    /// Its merchants, ascending.
    merchant_ids: Vec<MerchantId>,
}

impl Named for MerchantIds {
    const ONE: &'static str = "manufacturer";
    const MANY: &'static str = "manufacturers";
}

fn ids_body(status: StatusCode, manufacturer: Manufacturer) -> HttpResponse {
    let ids = MerchantIds {
        id: manufacturer.id,
        merchant_ids: manufacturer.merchant_ids.into_iter().collect(),
    };
    one(status, &ids)
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let manufacturer = found::<Manufacturers>(&state, &principal, id.into_inner())?;
    Ok(ids_body(StatusCode::OK, manufacturer))
}

/// Makes `change` of the body's merchants to manufacturer `id` (one command, keyed by the
/// request's `Idempotency-Key`), and answers with its merchants as they now are.
async fn changed(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    (id, change): (u64, Change),
    input: MerchantsInput,
) -> Result<HttpResponse, ApiError> {
    let manufacturer_id = ManufacturerId(id);
    let merchant_ids = input.ids()?;
    let command = match change {
        Change::Set => Command::SetManufacturerMerchants {
            manufacturer_id,
            merchant_ids,
        },
        Change::Add => Command::AddManufacturerMerchants {
            manufacturer_id,
            merchant_ids,
        },
        Change::Remove => Command::RemoveManufacturerMerchants {
            manufacturer_id,
            merchant_ids,
        },
    };
    write(&state, &principal, &request, command)
        .await
        .map_err(|error| body_refusal(error, "Manufacturer"))?;
    let manufacturer = found::<Manufacturers>(&state, &principal, id)?;
    Ok(ids_body(StatusCode::CREATED, manufacturer))
}
