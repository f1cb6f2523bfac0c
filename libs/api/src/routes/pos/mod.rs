//! The point-of-sale API under `/v1.0/pos`: evaluate (dry run), redeem, reserve, then
//! confirm, cancel, void or reverse, and the redemptions read back from the read model.
//!
//! Redeem and reserve need an `Idempotency-Key` (the terminal's transaction id): a repeat
//! gets the first answer. Their answers are built from the events the command recorded (the
//! first command's, for a repeat), so a repeat answers the same status and body. The other
//! actions answer the status their event recorded and the redemption as the live state holds
//! it, with the evaluation its record wrote (see `recorded_evaluation`).
//! Wrong codes spend allowances per API key, store and account (see `engine::guessing`):
//! past one, every code-presenting request of that key, store or account answers 429. The `pos` role may do everything,
//! `reporting` may read (admins always may).

mod wire;

use super::common::ListQuery;
use crate::auth::Principal;
use crate::http::{ApiError, Body, IdempotencyKey, One, Paged, Query, RequestId};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use discount::Evaluation;
use domain::account::Role;
use domain::ids::{AccountId, RedemptionId, StoreId};
use domain::redemption::RedemptionStatus;
use domain::{Command, DomainError, Event, EventKind};
use engine::Presenter;
use schemars::JsonSchema;
use serde::Deserialize;
use wire::{Planned, PosBody, Redemption};

/// Who may use the point of sale (admins always may).
const POS: &[Role] = &[Role::Pos];
/// Who may read redemptions.
const READ: &[Role] = &[Role::Pos, Role::Reporting];

const KEY_REQUIRED: &str = "The terminal's transaction id: a repeat answers the first outcome \
     and records nothing; the same key with another request is refused (409).";

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::post(
                "/pos/evaluate",
                "evaluatePos",
                "Dry run: the discounts codes would give",
            )
            .roles(POS)
            .body::<PosBody>()
            .answers::<One<Planned>>(200, "What a redemption would record"),
            evaluate,
        )
        .add(
            Op::post(
                "/pos/redemptions",
                "redeemPos",
                "Redeem codes against a basket",
            )
            .roles(POS)
            .header("Idempotency-Key", true, KEY_REQUIRED)
            .body::<PosBody>()
            .answers::<One<Redemption>>(201, "The redemption recorded"),
            redeem,
        )
        .add(
            Op::get(
                "/pos/redemptions",
                "listPosRedemptions",
                "The account's redemptions",
            )
            .roles(READ)
            .query::<ListQuery>()
            .answers::<Paged<Redemption>>(200, "A page of redemptions"),
            list,
        )
        .add(
            Op::post(
                "/pos/reservations",
                "reservePos",
                "Hold codes and capacity for ttl_seconds",
            )
            .roles(POS)
            .header("Idempotency-Key", true, KEY_REQUIRED)
            .body::<PosBody>()
            .answers::<One<Redemption>>(201, "The reservation recorded"),
            reserve,
        )
        .add(
            Op::get("/pos/redemptions/{id}", "getPosRedemption", "A redemption")
                .roles(READ)
                .answers::<One<Redemption>>(200, "The redemption"),
            get,
        )
        .add(
            Op::post(
                "/pos/redemptions/{id}/{action}",
                "actOnPosRedemption",
                "Confirm or cancel a reservation, void or reverse a redemption",
            )
            .roles(POS)
            .path_param::<Action>("action")
            .idempotent()
            .answers::<One<Redemption>>(200, "The redemption after the action"),
            act,
        );
}

/// What can be done to a recorded redemption or reservation.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
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

/// Who presents the codes of a request: the key behind the token and the store it names;
/// neither is a header the caller could vary to get a fresh allowance.
fn presenter(principal: &Principal, store: StoreId) -> Presenter {
    Presenter {
        key: principal.key_id,
        store,
    }
}

fn redemption_body(status: actix_web::http::StatusCode, redemption: Redemption) -> HttpResponse {
    HttpResponse::build(status).json(One(redemption))
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
    principal: Principal,
    Body(body): Body<PosBody>,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let (store, request) = body.request();
    let plan = state.evaluate(principal.account_id, &request, presenter(&principal, store))?;
    Ok(HttpResponse::Ok().json(One(wire::planned(&plan))))
}

async fn redeem(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(body): Body<PosBody>,
) -> Result<HttpResponse, ApiError> {
    let (store, pos) = body.request();
    let command = Command::Redeem { request: pos };
    let presenter = presenter(&principal, store);
    record(&state, &principal, &request, command, presenter, false).await
}

async fn reserve(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(body): Body<PosBody>,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let ttl_seconds = body.ttl_seconds.ok_or(DomainError::Blank {
        field: "Ttl seconds",
    })?;
    let (store, pos) = body.request();
    let command = Command::Reserve {
        request: pos,
        ttl_seconds,
    };
    let presenter = presenter(&principal, store);
    record(&state, &principal, &request, command, presenter, true).await
}

/// Redeems or reserves: the role, the key, then the engine, under the presenter's
/// wrong-code allowances.
async fn record(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    command: Command,
    presenter: Presenter,
    reserved: bool,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let key = IdempotencyKey::of(request)?.required()?;
    let events = state
        .present(
            principal.account_id,
            command,
            Some(key),
            RequestId::of(request),
            presenter,
        )
        .await?;
    recorded_body(&events, reserved)
}

/// Confirms, cancels, voids or reverses: answered from the write itself (the status its
/// event recorded, the redemption as the live state holds it after the event), never from a
/// read model that may lag it.
async fn act(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    path: web::Path<(u64, Action)>,
) -> Result<HttpResponse, ApiError> {
    principal.require(POS)?;
    let (id, action) = path.into_inner();
    let IdempotencyKey(key) = IdempotencyKey::of(&request)?;
    let account = principal.account_id;
    let redemption_id = RedemptionId(id);
    let events = state
        .execute(
            account,
            action.command(redemption_id),
            key,
            RequestId::of(&request),
        )
        .await?;
    let live = state
        .read(account, move |live, _| {
            live.redemption(redemption_id).cloned()
        })?
        .ok_or_else(|| ApiError::internal("an acted-on redemption is not in the live state"))?;
    let status = wire::acted(&events, redemption_id).unwrap_or(live.status);
    let evaluation = recorded_evaluation(&state, principal.account_id, redemption_id).await?;
    Ok(redemption_body(
        actix_web::http::StatusCode::OK,
        wire::live(&live, status, evaluation),
    ))
}

/// What the redemption `id` gave, as its record wrote it. The live state keeps no evaluation
/// (it stays in the recording event), so this is the one part read from the read model: it
/// never changes once written, so the row is read as soon as it exists, and only a record
/// the projector has not reached yet waits for it.
async fn recorded_evaluation(
    state: &AppState,
    account: AccountId,
    id: RedemptionId,
) -> Result<Evaluation, ApiError> {
    let row = match state.store().redemption(account, id).await? {
        Some(row) => row,
        None => {
            state.read_barrier(account).await?;
            state
                .store()
                .redemption(account, id)
                .await?
                .ok_or_else(|| {
                    ApiError::internal("a recorded redemption is not in the read model")
                })?
        }
    };
    wire::evaluation(&row)
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
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(redemption_body(
        actix_web::http::StatusCode::OK,
        wire::row(&row)?,
    ))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    state.read_barrier(principal.account_id).await?;
    let page = state
        .store()
        .redemptions(principal.account_id, query.request())
        .await?;
    let rows = page
        .items
        .iter()
        .map(wire::row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, rows)))
}
