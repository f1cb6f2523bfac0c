//! What needs no token: `GET /health` (200 while every partition actor takes commands; 503
//! once one has been fenced by a newer writer or stopped, so an orchestrator stops routing to
//! a process that lost its partitions), `GET /metrics` (Prometheus text) and
//! `GET /openapi.json` (this API's OpenAPI document, generated from the route declarations).

use crate::http::ApiError;
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::OnceLock;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get("/health", "health", "Whether this process serves writes")
                .public()
                .answers::<Health>(200, "Every partition actor takes commands")
                .answers::<Health>(503, "A partition actor stopped or was fenced"),
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

/// The answer of `/health`.
#[derive(Serialize, JsonSchema)]
struct Health {
    /// `ok`, or `unavailable`.
    status: &'static str,
}

async fn health(state: web::Data<AppState>) -> HttpResponse {
    if state.writers_serving() {
        HttpResponse::Ok().json(Health { status: "ok" })
    } else {
        HttpResponse::ServiceUnavailable().json(Health {
            status: "unavailable",
        })
    }
}

async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let text = state.metrics().render().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}

/// The document, rendered once per process from the declarations.
async fn openapi() -> HttpResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let text = DOCUMENT.get_or_init(|| super::routes().document().to_string());
    HttpResponse::Ok()
        .content_type("application/json")
        .body(text.as_str())
}
