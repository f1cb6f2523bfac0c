//! Callback deliveries of a channel: `GET /v1.0/channels/{id}/deliveries` (the newest first, a
//! Sparkfly page of `{"delivery": {...}}`; `?page=&per_page=`) and
//! `POST /v1.0/channels/{id}/deliveries/{delivery_id}/replay` (sends a delivered, timed-out or
//! refused callback again with the same delivery id; 409 while it is still pending). Readers
//! (issuer, reporting) list, issuers replay; a channel of another account is not found.
//!
//! They reach the dispatcher running in this process; when it runs elsewhere (its own
//! service) they answer 503 with the Sparkfly error body.

use super::common::{ListQuery, READ, WRITE};
use super::method_not_allowed;
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use callbacks::Deliveries;
use domain::ids::ChannelId;
use serde_json::json;
use std::sync::Arc;

/// Most rows per page.
const MAX_PER_PAGE: u32 = 100;
/// Rows per page when not asked.
const DEFAULT_PER_PAGE: u32 = 50;

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/channels/{id}/deliveries")
            .get(list)
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource("/channels/{id}/deliveries/{delivery_id}/replay")
            .post(replay)
            .default_service(web::to(method_not_allowed)),
    );
}

fn dispatcher(state: &AppState) -> Result<&Arc<dyn Deliveries>, ApiError> {
    state.deliveries().ok_or(ApiError::Unavailable(
        "Callbacks are dispatched by another service",
    ))
}

/// The channel when it is one of the caller's account.
async fn channel(state: &AppState, principal: &Principal, id: u64) -> Result<ChannelId, ApiError> {
    let channel = ChannelId(id);
    let exists = state
        .read(principal.account_id, move |state, _| {
            state.channels.contains_key(&channel)
        })
        .await?;
    if exists {
        Ok(channel)
    } else {
        Err(ApiError::NotFound)
    }
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let deliveries = dispatcher(&state)?;
    let channel = channel(&state, &principal, id.into_inner()).await?;
    let page = query.page.unwrap_or(1).max(1);
    let per_page = query
        .per_page
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let found = deliveries.list(
        principal.account_id,
        Some(channel),
        page as usize,
        per_page as usize,
    );
    let rows: Vec<_> = found
        .deliveries
        .iter()
        .map(|delivery| json!({ "delivery": delivery }))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "page": found.page,
        "per_page": found.per_page,
        "total_entries": found.total_entries,
        "total_pages": found.total_pages,
        "deliveries": rows,
    })))
}

async fn replay(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(u64, String)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(WRITE)?;
    let deliveries = dispatcher(&state)?;
    let (id, delivery_id) = path.into_inner();
    let channel = channel(&state, &principal, id).await?;
    let view = deliveries
        .replay(principal.account_id, Some(channel), &delivery_id)
        .await?;
    Ok(HttpResponse::Accepted().json(json!({ "delivery": view, "errors": {} })))
}
