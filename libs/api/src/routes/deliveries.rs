//! Callback deliveries of a channel: `GET /v1.0/channels/{id}/deliveries` (the newest first, a
//! Sparkfly page of `{"delivery": {...}}`; `?page=&per_page=`) and
//! `POST /v1.0/channels/{id}/deliveries/{delivery_id}/replay` (sends a delivered, timed-out or
//! refused callback again with the same delivery id; 409 while it is still pending). Readers
//! (issuer, reporting) list, issuers replay; a channel of another account is not found.
//!
//! They reach the dispatcher running in this process; when it runs elsewhere (its own
//! service) they answer 503 with the Sparkfly error body.

use super::common::{ListQuery, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Named, Paged, Query, Reported};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use callbacks::{Deliveries, DeliveryView};
use domain::ids::ChannelId;
use std::sync::Arc;

/// Most rows per page.
const MAX_PER_PAGE: u32 = 100;
/// Rows per page when not asked.
const DEFAULT_PER_PAGE: u32 = 50;

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/channels/{id}/deliveries",
                "listChannelDeliveries",
                "A channel's newest callback deliveries",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<DeliveryView>>(200, "A page of deliveries, the newest first"),
            list,
        )
        .add(
            Op::post(
                "/channels/{id}/deliveries/{delivery_id}/replay",
                "replayChannelDelivery",
                "Send a final delivery again, with the same delivery id",
            )
            .roles(WRITE)
            .path_param::<String>("delivery_id")
            .answers::<Reported<DeliveryView>>(202, "The delivery, pending again"),
            replay,
        );
}

impl Named for DeliveryView {
    const ONE: &'static str = "delivery";
    const MANY: &'static str = "deliveries";
}

fn dispatcher(state: &AppState) -> Result<&Arc<dyn Deliveries>, ApiError> {
    state.deliveries().ok_or(ApiError::Unavailable(
        "Callbacks are dispatched by another service",
    ))
}

/// The channel when it is one of the caller's account.
async fn channel(state: &AppState, principal: &Principal, id: u64) -> Result<ChannelId, ApiError> {
    let channel = ChannelId(id);
    let exists = state.read(principal.account_id, move |live, _| {
        live.channel(channel).is_some()
    })?;
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
    let count = |n: usize| u64::try_from(n).map_err(ApiError::internal);
    let page = Paged {
        page: u32::try_from(found.page).map_err(ApiError::internal)?,
        per_page: u32::try_from(found.per_page).map_err(ApiError::internal)?,
        total_entries: count(found.total_entries)?,
        total_pages: count(found.total_pages)?,
        items: found.deliveries,
    };
    Ok(HttpResponse::Ok().json(page))
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
    Ok(HttpResponse::Accepted().json(Reported(view)))
}
