//! Items and item sets, account-wide and under a merchant.
//!
//! - `items`: `/v1.0/items[/{id}]` and `/v1.0/merchants/{merchant_id}/items[/{id}]`.
//! - `item_sets`: `/v1.0/item_sets[/{id}[/items]]` and
//!   `/v1.0/merchants/{merchant_id}/item_sets[/{id}[/items]]`.
//!
//! One handler serves both paths of a resource: under a merchant, a resource of another
//! merchant (or of none) answers 404, and what is created belongs to the path's merchant.
//! Issuers (and admins) write, reporting reads.

mod item_sets;
#[allow(clippy::module_inception)]
mod items;

use crate::http::ApiError;
use crate::openapi::Routes;
use actix_web::HttpRequest;
use domain::ids::MerchantId;

pub(super) fn routes(routes: &mut Routes) {
    items::routes(routes);
    item_sets::routes(routes);
}

/// The operation ids of a resource's routes at one of its two bases.
struct OperationIds {
    list: &'static str,
    create: &'static str,
    get: &'static str,
    update: &'static str,
    delete: &'static str,
}

/// The merchant the path names, if it names one.
fn merchant_of(request: &HttpRequest) -> Result<Option<MerchantId>, ApiError> {
    request
        .match_info()
        .get("merchant_id")
        .map(|text| text.parse().map(MerchantId).map_err(|_| ApiError::NotFound))
        .transpose()
}

/// The id named `{name}` in the path.
fn id_of(request: &HttpRequest, name: &str) -> Result<u64, ApiError> {
    request
        .match_info()
        .get(name)
        .and_then(|text| text.parse().ok())
        .ok_or(ApiError::NotFound)
}

/// Whether a resource owned by `owner` is found under the path's `merchant`.
fn in_scope(merchant: Option<MerchantId>, owner: Option<MerchantId>) -> bool {
    merchant.is_none_or(|merchant| owner == Some(merchant))
}

/// The resource a create's path names: the merchant under a merchant path, none otherwise
/// (so a missing merchant named in the body answers 400, one named in the path 404).
fn path_resource(merchant: Option<MerchantId>) -> &'static str {
    if merchant.is_some() {
        "Merchant"
    } else {
        ""
    }
}
