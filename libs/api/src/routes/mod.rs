//! The routes, one module per resource family, mounted by [`configure`].
//!
//! - `health`: `GET /health` and `GET /metrics` (no auth).
//! - `auth`: `GET /auth`.
//! - `members`: `/v1.0/members` and `/v1.0/members/{id}`, `/v1.0/members/search`.

mod auth;
mod health;
mod members;

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
    .service(web::scope("/v1.0").configure(members::configure))
    .default_service(web::to(not_found));
}

async fn method_not_allowed() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed)
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
