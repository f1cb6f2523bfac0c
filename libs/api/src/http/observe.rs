//! The outermost middleware: gives every request an id (the client's `X-Request-Id` when it
//! is sane, else a new ULID), answers it in `X-Request-Id` with the time taken in
//! `X-Runtime` (seconds), logs the request with its id, and counts it in the metrics.

use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage};
use std::time::Instant;

/// The request id header.
pub const REQUEST_ID: &str = "x-request-id";
const RUNTIME: HeaderName = HeaderName::from_static("x-runtime");
const MAX_ID_LEN: usize = 128;

/// The id of the request being served, in its extensions.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// The middleware function (see the module docs).
pub async fn observe(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| sane(id))
        .map_or_else(|| ulid::Ulid::generate().to_string(), str::to_owned);
    request.extensions_mut().insert(RequestId(id.clone()));
    let metrics = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics().clone());
    let method = request.method().clone();
    let path = request.path().to_owned();

    let mut response = next.call(request).await?;

    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    tracing::info!(request_id = %id, %method, %path, status, seconds, "request");
    if let Some(metrics) = metrics {
        metrics.observe(status, seconds);
    }
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(HeaderName::from_static(REQUEST_ID), value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("{seconds:.6}")) {
        headers.insert(RUNTIME, value);
    }
    Ok(response)
}

impl RequestId {
    /// The id of `request`, when the middleware gave it one.
    pub fn of(request: &actix_web::HttpRequest) -> Option<String> {
        request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
    }
}
