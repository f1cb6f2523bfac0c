//! What needs no token: `GET /health` (200 while every partition actor takes commands and
//! every projector of this process keeps up; 503 once an actor has been fenced by a newer
//! writer or stopped, so an orchestrator stops routing to a process that lost its partitions,
//! and while a projector of this process is failing, until its restart has caught up; the
//! body names which, see [`Health`]; when instances share the partitions it also names this
//! instance and the partitions it serves, and answers 503 while it cannot renew its leases), `GET /metrics` (Prometheus text) and
//! `GET /openapi.json` (this API's OpenAPI document, generated from the route declarations).

use crate::http::{ApiError, Health, MEMBERSHIP, WRITERS};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use std::sync::OnceLock;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/health",
                "health",
                "Whether this process serves writes and keeps its read models up",
            )
            .public()
            .answers::<Health>(
                200,
                "Every partition actor takes commands, no projector fails",
            )
            .answers::<Health>(
                503,
                "A partition actor stopped or was fenced, or a projector is failing",
            ),
            health,
        )
        .add(
            Op::get("/metrics", "metrics", "Prometheus metrics")
                .public()
                .text(200, "The metrics", "text/plain"),
            metrics,
        )
        .add(
            Op::get(
                "/openapi",
                "openapi",
                "This document (also at /openapi.json)",
            )
            .public()
            .answers::<serde_json::Value>(200, "The OpenAPI 3.1 document"),
            openapi,
        );
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    let mut health = Health::default();
    if !state.writers_serving() {
        health = health.unhealthy(WRITERS);
    }
    if let Some(cluster) = state.cluster() {
        health = health.owning(cluster.instance(), state.partitions().owned());
        if !cluster.is_ready() {
            health = health.unhealthy(MEMBERSHIP);
        }
    }
    health
        .failing_projectors(state.store().failing_projectors())
        .response()
}

async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let text = state.metrics().render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}

/// The document, rendered once per process from the declarations.
async fn openapi(state: web::Data<AppState>) -> HttpResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let base = &state.landing().base_path;
    let text = DOCUMENT.get_or_init(|| super::routes(base).document().to_string());
    HttpResponse::Ok()
        .content_type("application/json")
        .body(text.as_str())
}
