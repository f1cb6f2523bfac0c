//! The point-of-sale API under `/v1.0/pos`: evaluate (dry run), redeem, reserve, then
//! confirm, cancel, void or reverse, and the redemptions read back from the read model.
//!
//! Redeem and reserve need an `Idempotency-Key` (the terminal's transaction id): a repeat
//! gets the first answer. Their answers are built from the events the command recorded (the
//! first command's, for a repeat), so a repeat answers the same status and body; the other
//! actions answer the redemption as the read model holds it once it holds their write.
//! Wrong codes are rate limited per terminal (`limiter`). The `pos` role may do everything,
//! `reporting` may read (admins always may).

mod limiter;
mod wire;

use super::common::ListQuery;
use super::method_not_allowed;
use crate::auth::Principal;
use crate::http::{ApiError, Body, RequestId, IDEMPOTENCY_KEY};
use crate::state::AppState;
use actix_web::http::header::RETRY_AFTER;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::account::Role;
use domain::ids::RedemptionId;
use domain::redemption::{PosRequest, RedemptionStatus};
use domain::{Command, DomainError, Event, EventKind};
use limiter::{Terminal, TerminalKey, TerminalLimiter, MAX_TERMINAL_ID};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;
use wire::PosBody;

/// Who may use the point of sale (admins always may).
const POS: &[Role] = &[Role::Pos];
/// Who may read redemptions.
const READ: &[Role] = &[Role::Pos, Role::Reporting];
/// The header naming the terminal a request comes from.
const TERMINAL_ID: &str = "x-terminal-id";

pub(super) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::from(limiter::shared()))
        .service(
            web::resource("/pos/evaluate")
                .post(evaluate)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource("/pos/redemptions")
                .get(list)
                .post(redeem)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource("/pos/reservations")
                .post(reserve)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource("/pos/redemptions/{id}")
                .get(get)
                .default_service(web::to(method_not_allowed)),
        )
        .service(
            web::resource("/pos/redemptions/{id}/{action}")
                .post(act)
                .default_service(web::to(method_not_allowed)),
        );
}

/// What can be done to a recorded redemption or reservation.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    Confirm,
    Cancel,
    Void,
    Reverse,
}

impl Action {
    fn command(self, redemption_id: RedemptionId) -> Command {
        match self {
            Self::Confirm => Command::ConfirmReservation { redemption_id },
            Self::Cancel => Command::CancelReservation { redemption_id },
            Self::Void => Command::VoidRedemption { redemption_id },
            Self::Reverse => Command::ReverseRedemption { redemption_id },
        }
    }
}

fn idempotency_key(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    request
        .headers()
        .get(IDEMPOTENCY_KEY)
        .map(|value| {
            value
                .to_str()
                .map(str::to_owned)
                .map_err(|_| ApiError::BadRequest("Idempotency-Key must be text".into()))
        })
        .transpose()
}

fn required_key(request: &HttpRequest) -> Result<String, ApiError> {
    idempotency_key(request)?
        .filter(|key| !key.trim().is_empty())
        .ok_or_else(|| {
            ApiError::BadRequest(
                "Idempotency-Key header (the terminal's transaction id) is required".into(),
            )
        })
}

fn terminal(principal: &Principal, request: &HttpRequest) -> Result<TerminalKey, ApiError> {
    let terminal = match request.headers().get(TERMINAL_ID) {
        None => Terminal::Key(principal.key_id),
        Some(value) => value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|id| (1..=MAX_TERMINAL_ID).contains(&id.len()))
            .map(|id| Terminal::Named(id.to_owned()))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "X-Terminal-Id must be text of 1 to {MAX_TERMINAL_ID} characters"
                ))
            })?,
    };
    Ok((principal.account_id, terminal))
}

fn too_many(wait: Duration) -> HttpResponse {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    HttpResponse::TooManyRequests()
        .insert_header((RETRY_AFTER, seconds.to_string()))
        .json(json!({
            "error": format!(
                "Too many invalid codes from this terminal; retry after {seconds} seconds"
            )
        }))
}

/// A request presenting codes from `terminal`: refused at once while the terminal's
/// wrong-code budget is spent; a refusal for an unknown code spends it.
struct Presenting<'a> {
    limiter: &'a TerminalLimiter,
    terminal: TerminalKey,
}

impl<'a> Presenting<'a> {
    fn start(
        limiter: &'a TerminalLimiter,
        principal: &Principal,
        request: &HttpRequest,
    ) -> Result<Result<Self, HttpResponse>, ApiError> {
        let terminal = terminal(principal, request)?;
        Ok(match limiter.refused_for(&terminal) {
            Some(wait) => Err(too_many(wait)),
            None => Ok(Self { limiter, terminal }),
        })
    }

    fn refused(&self, error: ApiError) -> Result<HttpResponse, ApiError> {
        if let ApiError::Domain(DomainError::CodeNotValid { .. }) = error {
            if let Some(wait) = self.limiter.wrong_code(&self.terminal) {
                return Ok(too_many(wait));
            }
        }
        Err(error)
    }
}

fn redemption_body(status: actix_web::http::StatusCode, redemption: Value) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "redemption": redemption }))
}

fn recorded_body(events: &[Event], reserved: bool) -> Result<HttpResponse, ApiError> {
    let (redemption, at) = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::RedemptionCommitted(redemption) if !reserved => {
                Some((redemption, &event.occurred_at))
            }
            EventKind::RedemptionReserved(redemption) if reserved => {
                Some((redemption, &event.occurred_at))
            }
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no redemption"))?;
    let status = if reserved {
        RedemptionStatus::Reserved
    } else {
        RedemptionStatus::Committed
    };
    let body = wire::recorded(redemption, status, at)?;
    Ok(redemption_body(actix_web::http::StatusCode::CREATED, body))
}

async fn evaluate(
    state: web::Data<AppState>,
    limiter: web::Data<TerminalLimiter>,
    principal: Principal,
    request: HttpRequest,
    Body(body): Body<PosBody>,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let presenting = match Presenting::start(&limiter, &principal, &request)? {
        Ok(presenting) => presenting,
        Err(refusal) => return Ok(refusal),
    };
    let pos_request: PosRequest = body.request;
    let planned = state
        .read(principal.account_id, move |account, now| {
            domain::evaluate(account, &pos_request, now)
        })
        .await?;
    match planned {
        Ok(plan) => Ok(HttpResponse::Ok().json(json!({ "evaluation": wire::planned(&plan)? }))),
        Err(error) => presenting.refused(ApiError::Domain(error)),
    }
}

async fn redeem(
    state: web::Data<AppState>,
    limiter: web::Data<TerminalLimiter>,
    principal: Principal,
    request: HttpRequest,
    Body(body): Body<PosBody>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::Redeem {
        request: body.request,
    };
    present(&state, &limiter, &principal, &request, command, false).await
}

async fn reserve(
    state: web::Data<AppState>,
    limiter: web::Data<TerminalLimiter>,
    principal: Principal,
    request: HttpRequest,
    Body(body): Body<PosBody>,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let ttl_seconds = body.ttl_seconds.ok_or(DomainError::Blank {
        field: "Ttl seconds",
    })?;
    let command = Command::Reserve {
        request: body.request,
        ttl_seconds,
    };
    present(&state, &limiter, &principal, &request, command, true).await
}

/// Redeems or reserves: the role, the key, the terminal's budget, then the engine.
async fn present(
    state: &AppState,
    limiter: &TerminalLimiter,
    principal: &Principal,
    request: &HttpRequest,
    command: Command,
    reserved: bool,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let key = required_key(request)?;
    let presenting = match Presenting::start(limiter, principal, request)? {
        Ok(presenting) => presenting,
        Err(refusal) => return Ok(refusal),
    };
    let executed = state
        .execute(
            principal.account_id,
            command,
            Some(key),
            RequestId::of(request),
        )
        .await;
    match executed {
        Ok(events) => recorded_body(&events, reserved),
        Err(error) => presenting.refused(error),
    }
}

async fn act(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, Action)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let (id, action) = path.into_inner();
    let key = idempotency_key(&request)?;
    let redemption_id = RedemptionId(id);
    state
        .execute(
            principal.account_id,
            action.command(redemption_id),
            key,
            RequestId::of(&request),
        )
        .await?;
    state.read_barrier(principal.account_id).await?;
    let row = state
        .store()
        .redemption(principal.account_id, redemption_id)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("a recorded redemption is not in the read model"))?;
    Ok(redemption_body(
        actix_web::http::StatusCode::OK,
        wire::row(&row)?,
    ))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    state.read_barrier(principal.account_id).await?;
    let row = state
        .store()
        .redemption(principal.account_id, RedemptionId(id.into_inner()))
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(redemption_body(
        actix_web::http::StatusCode::OK,
        wire::row(&row)?,
    ))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    state.read_barrier(principal.account_id).await?;
    let page = state
        .store()
        .redemptions(principal.account_id, query.request())
        .await
        .map_err(ApiError::internal)?;
    let rows = page
        .items
        .iter()
        .map(wire::row)
        .collect::<Result<Vec<_>, _>>()?;
    super::common::page_body(&page, "redemptions", "redemption", rows)
}
