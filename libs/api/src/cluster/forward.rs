//! [`forward_misrouted`]: the middleware that lets any instance take any request. It keeps
//! the request's body (at most [`MAX_BODY_BYTES`], as every route does), lets the handler
//! run, and when the handler finds the account's partition owned by another instance
//! ([`ApiError::Misrouted`] with an owner) sends the same request to that owner over a
//! kept-alive connection and answers with the owner's answer: a forwarded write is
//! acknowledged only once the owner has committed it. The forwarded request carries the
//! request id, the idempotency key (every header but the hop-by-hop ones) and the client's
//! address (see `peer`); a request carrying that header (vouched for or not) is never
//! forwarded again, so a partition moving while the request travels answers 503 with
//! `Retry-After`, for the client to retry with its key.
//!
//! Handlers find the owner before they change anything (the first thing an authenticated
//! request does is check its token against its account's partition), so running one
//! before forwarding costs a table lookup.

use super::peer::{self, FORWARDED};
use super::Cluster;
use crate::http::limits::MAX_BODY_BYTES;
use crate::http::{ApiError, RequestId, REQUEST_ID};
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{web, Error, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Instant;

/// Headers that belong to one connection, not to the request, and the ones the forward sets
/// itself.
const NOT_FORWARDED: [&str; 12] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    FORWARDED,
    REQUEST_ID,
];

fn forwardable(name: &str) -> bool {
    !NOT_FORWARDED
        .iter()
        .any(|skipped| name.eq_ignore_ascii_case(skipped))
}

/// The middleware function (see the module docs).
pub async fn forward_misrouted(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = request.app_data::<web::Data<AppState>>().cloned() else {
        return pass(request, next).await;
    };
    let Some(cluster) = state.cluster().cloned() else {
        return pass(request, next).await;
    };
    let request_id = RequestId::of(request.request()).unwrap_or_default();
    if let Some(forwarded) = peer::vouched(state.secret(), &request, &request_id) {
        request.extensions_mut().insert(forwarded);
    }
    // Whether its tag holds or not, a request that names a forward is never forwarded again:
    // instances that disagree on the secret cannot bounce one between them.
    if request.headers().contains_key(FORWARDED) {
        return pass(request, next).await;
    }
    let body = match read_body(&mut request).await {
        Ok(body) => body,
        Err(error) => return Ok(request.error_response(error)),
    };
    request.set_payload(Payload::from(body.clone()));
    let response = next.call(request).await?;
    let misrouted = response
        .response()
        .error()
        .and_then(|error| error.as_error::<ApiError>())
        .and_then(|error| match error {
            ApiError::Misrouted {
                partition,
                owner: Some(owner),
            } => Some((*partition, Arc::clone(owner))),
            _ => None,
        });
    let Some((partition, owner)) = misrouted else {
        return Ok(response.map_into_boxed_body());
    };
    let (request, _) = response.into_parts();
    let answer = forward(&cluster, &state, partition, &owner, &request, body).await;
    Ok(ServiceResponse::new(request, answer))
}

async fn pass(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    next.call(request)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

async fn read_body(request: &mut ServiceRequest) -> Result<Bytes, ApiError> {
    let mut payload = request.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| ApiError::BadRequest(error.to_string()))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Sends `request` again with `body` to `owner` and answers with its answer, or with a 503
/// the client may retry when the owner cannot be reached.
async fn forward(
    cluster: &Cluster,
    state: &AppState,
    partition: u32,
    owner: &str,
    request: &HttpRequest,
    body: Bytes,
) -> HttpResponse {
    let started = Instant::now();
    let request_id = RequestId::of(request).unwrap_or_default();
    let answer = send(cluster, state, owner, request, &request_id, body).await;
    let metrics = cluster.metrics();
    metrics
        .forward_seconds
        .observe(started.elapsed().as_secs_f64());
    match answer {
        Ok(response) => {
            metrics.forwarded.with_label_values(&["answered"]).inc();
            response
        }
        Err(error) => {
            metrics.forwarded.with_label_values(&["unreachable"]).inc();
            tracing::warn!(
                request_id = %request_id, partition, owner, cause = %error,
                "the partition's owner did not answer a forwarded request"
            );
            ApiError::Misrouted {
                partition,
                owner: None,
            }
            .error_response()
        }
    }
}

async fn send(
    cluster: &Cluster,
    state: &AppState,
    owner: &str,
    request: &HttpRequest,
    request_id: &str,
    body: Bytes,
) -> Result<HttpResponse, reqwest::Error> {
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.path(), |whole| whole.as_str());
    let url = format!("{}{path_and_query}", owner.trim_end_matches('/'));
    let method = request.method().as_str();
    let client = request.peer_addr().map(|address| address.ip());
    let vouched = peer::vouch(state.secret(), method, request.path(), request_id, client);
    let mut outgoing = cluster
        .client()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
            url,
        )
        .header(REQUEST_ID, request_id)
        .header(FORWARDED, vouched)
        .body(body);
    for (name, value) in request.headers() {
        if forwardable(name.as_str()) {
            outgoing = outgoing.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = outgoing.send().await?;
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = HttpResponse::build(status);
    for (name, value) in answer.headers() {
        if !forwardable(name.as_str()) {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            response.append_header((name, value));
        }
    }
    let body = answer.bytes().await?;
    Ok(response.body(body))
}
