//! The routes, one module per resource family, mounted by [`configure`].
//!
//! - `health`: `GET /health`, `GET /metrics` and `GET /openapi.json` (no auth).
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
//! - `callback_urls`: the destination check of a callback url when it is set.

mod account;
mod api_keys;
mod auth;
mod callback_urls;
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
use crate::openapi::Routes;
use actix_web::web;

/// Every declared route, in the order requests are matched against them (the point of sale
/// first: the terminals' requests must not wait behind every catalog pattern).
pub fn routes() -> Routes {
    let mut routes = Routes::default();
    health::routes(&mut routes);
    auth::routes(&mut routes);
    routes.with_prefix("/v1.0", |routes| {
        pos::routes(routes);
        api_keys::routes(routes);
        members::routes(routes);
    });
    routes
}

/// Mounts every route, and makes path errors (a segment that is not an id) answer 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()));
    routes().mount(cfg, method_not_allowed);
    cfg.service(
        web::scope("/v1.0")
            .configure(account::configure)
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
