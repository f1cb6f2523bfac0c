//! `GET /health` (200 while every partition actor takes commands; 503 once one has been
//! fenced by a newer writer or stopped, so an orchestrator stops routing to a process that
//! lost its partitions) and `GET /metrics` (Prometheus text); neither needs auth.

use crate::http::ApiError;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/metrics", web::get().to(metrics));
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    if state.writers_serving() {
        HttpResponse::Ok().json(json!({ "status": "ok" }))
    } else {
        HttpResponse::ServiceUnavailable().json(json!({ "status": "unavailable" }))
    }
}

async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let text = state.metrics().render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}
