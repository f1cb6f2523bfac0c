//! The routes, one module per resource family, mounted by [`configure`].
//!
//! - `health`: `GET /health` and `GET /metrics` (no auth).
//! - `auth`: `GET /auth`.
//! - `members`: `/v1.0/members` and `/v1.0/members/{id}`, `/v1.0/members/search`.
//! - `merchants`: `/v1.0/merchants` and `/v1.0/merchants/{id}`.
//! - `stores`: `/v1.0/merchants/{merchant_id}/stores` and `.../stores/{store_id}`.
//! - `account`: `/v1.0/account` and `/v1.0/account/callbacks/enable|disable`.
//! - `api_keys`: `/v1.0/api_keys`, the account's API keys (issue, list, rotate, revoke).
//! - `channels`: `/v1.0/channels` and `/v1.0/channels/{id}`.
//! - `deliveries`: a channel's callback deliveries and their replay.
//! - `offers`: `/v1.0/offers`, approval, channel links (xid) and eligibility.
//! - `credentials`: `/v1.0/credentials`, offer updates, redeem, void, `credentials/eligible`.
//! - `pos`: `/v1.0/pos/...`, the point-of-sale API (evaluate, redeem, reserve, confirm,
//!   cancel, void, reverse).
//! - `lists`: store lists and member lists, with their stores and members.
//! - `items`: items and item sets.
//! - `common`: what the catalog routes share (roles, writes, the read guard, page bodies).

mod account;
mod api_keys;
mod auth;
mod channels;
mod common;
mod credentials;
mod deliveries;
mod health;
mod items;
mod lists;
mod members;
mod merchants;
mod offers;
mod pos;
mod stores;

use crate::http::ApiError;
use actix_web::web;

/// Mounts every route, and makes path and query errors answer like the rest of the API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|error, _| ApiError::BadRequest(error.to_string()).into()),
    )
    .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
    .configure(health::configure)
    .configure(auth::configure)
    .service(
        // The point of sale first: routes are tried in order, and the terminals' requests are
        // the ones that must not wait behind every catalog pattern.
        web::scope("/v1.0")
            .configure(pos::configure)
            .configure(account::configure)
            .configure(api_keys::configure)
            .configure(members::configure)
            .configure(merchants::configure)
            .configure(stores::configure)
            .configure(channels::configure)
            .configure(deliveries::configure)
            .configure(offers::configure)
            .configure(credentials::configure)
            .configure(lists::configure)
            .configure(items::configure),
    )
    .default_service(web::to(not_found));
}

async fn method_not_allowed() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed)
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
