//! The operations endpoints of the services that serve no API (the projector, the callback
//! dispatcher): `GET /health` (200, or 503 while the service cannot do its work, the body
//! naming what cannot: [`api::Health`], the API's own shape) and `GET /metrics` (Prometheus
//! text) on a listener of their own.

use actix_web::{web, App, HttpResponse, HttpServer};
use api::Health;
use futures_util::future::BoxFuture;
use std::net::TcpListener;
use std::sync::Arc;

/// What the endpoints report.
pub(crate) trait Status: Send + Sync + 'static {
    /// Whether the service does its work, and if not, what cannot.
    fn health(&self) -> Health;
    /// Its metrics in the Prometheus text format.
    fn metrics(&self) -> BoxFuture<'_, anyhow::Result<String>>;
}

/// The endpoints on `listener`, answering from `status`.
pub(crate) fn serve(
    listener: TcpListener,
    status: Arc<dyn Status>,
) -> std::io::Result<actix_web::dev::Server> {
    let data = web::Data::from(status);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/health", web::get().to(health))
            .route("/metrics", web::get().to(metrics))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run())
}

async fn health(status: web::Data<dyn Status>) -> HttpResponse {
    status.health().response()
}

async fn metrics(status: web::Data<dyn Status>) -> HttpResponse {
    match status.metrics().await {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4")
            .body(text),
        Err(error) => {
            tracing::warn!(%error, "metrics not rendered");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}

/// Every metric of `registry` in the Prometheus text format.
pub(crate) fn render(registry: &prometheus::Registry) -> anyhow::Result<String> {
    use prometheus::Encoder as _;
    let mut out = Vec::new();
    prometheus::TextEncoder::new().encode(&registry.gather(), &mut out)?;
    Ok(String::from_utf8(out)?)
}
