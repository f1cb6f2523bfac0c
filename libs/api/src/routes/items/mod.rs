//! Items and item sets, account-wide and under a merchant or a manufacturer (their owner).
//!
//! - `items`: `/v1.0/items[/{id}]`, `/v1.0/merchants/{merchant_id}/items[/{id}]` and
//!   `/v1.0/manufacturers/{manufacturer_id}/items[/{id}]`.
//! - `item_sets`: `/v1.0/item_sets[/{id}[/items]]`, and the same under a merchant or a
//!   manufacturer.
//!
//! One handler serves every path of a resource: under an owner, a resource of another owner
//! (or of none) answers 404, an owner the account does not hold answers 404, and what is
//! created belongs to the path's owner. A manufacturer's item sets are item sets like any:
//! offers use them for rewards and eligibility. Issuers (and admins) write, reporting reads.

mod item_sets;
#[allow(clippy::module_inception)]
mod items;

use crate::auth::Principal;
use crate::http::ApiError;
use crate::openapi::Routes;
use crate::routes::common::READ;
use crate::state::AppState;
use actix_web::HttpRequest;
use domain::catalog::Owner;
use domain::ids::{ManufacturerId, MerchantId};

pub(super) fn routes(routes: &mut Routes) {
    items::routes(routes);
    item_sets::routes(routes);
}

/// The owner the path names, if it names one.
fn owner_of(request: &HttpRequest) -> Result<Option<Owner>, ApiError> {
    let info = request.match_info();
    let id = |name| {
        info.get(name)
            .map(|text| text.parse::<u64>().map_err(|_| ApiError::NotFound))
            .transpose()
    };
    if let Some(merchant) = id("merchant_id")? {
        return Ok(Some(Owner::Merchant(MerchantId(merchant))));
    }
    Ok(id("manufacturer_id")?.map(|id| Owner::Manufacturer(ManufacturerId(id))))
}

/// The merchant and the manufacturer a create names: the path's owner, else the body's.
fn owners(
    owner: Option<Owner>,
    merchant: Option<u64>,
    manufacturer: Option<u64>,
) -> (Option<MerchantId>, Option<ManufacturerId>) {
    match owner {
        Some(Owner::Merchant(id)) => (Some(id), manufacturer.map(ManufacturerId)),
        Some(Owner::Manufacturer(id)) => (merchant.map(MerchantId), Some(id)),
        None => (merchant.map(MerchantId), manufacturer.map(ManufacturerId)),
    }
}

/// The id named `{name}` in the path.
fn id_of(request: &HttpRequest, name: &str) -> Result<u64, ApiError> {
    request
        .match_info()
        .get(name)
        .and_then(|text| text.parse().ok())
        .ok_or(ApiError::NotFound)
}

/// The resource a create's path names: its owner's kind, none without one (so a missing
/// owner named in the body answers 400, one named in the path 404).
fn path_resource(owner: Option<Owner>) -> &'static str {
    match owner {
        Some(Owner::Merchant(_)) => "Merchant",
        Some(Owner::Manufacturer(_)) => "Manufacturer",
        None => "",
    }
}

/// Checks that the path's owner, if any, is in the caller's account (in its live state).
fn owner_found(
    state: &AppState,
    principal: &Principal,
    owner: Option<Owner>,
) -> Result<(), ApiError> {
    let Some(owner) = owner else { return Ok(()) };
    principal.require(READ)?;
    let found = state.read(principal.account_id, |live, _| match owner {
        Owner::Merchant(id) => live.merchant(id).is_some(),
        Owner::Manufacturer(id) => live.manufacturer(id).is_some(),
    })?;
    found.then_some(()).ok_or(ApiError::NotFound)
}
