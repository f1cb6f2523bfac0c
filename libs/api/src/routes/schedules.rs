//! Schedules (our extension; the payment-unit seed's scheduled requests, for offers):
//!
//! - `POST /v1.0/schedules`: `{"schedule": {"action", "offer_id", "fires_at"}}`, where
//!   `action` is `approve_offer`, `stop_offer`, `change_offer_window` (which also takes
//!   `activates_at`, `expires_at` and `stop_offering_at`, each replacing the offer's when
//!   given) or `start_bulk_job` (which takes `channel_id` and `member_list_id` or
//!   `identifiers`, as `POST /bulk_jobs` does); answers 201 with the pending schedule.
//! - `GET /v1.0/schedules?status=&offer_id=&page=&per_page=`: schedules by the time they are
//!   due, then by id.
//! - `GET /v1.0/schedules/{id}`: one, with `fired_at` (and `failure` when its action was
//!   refused at its time) or `cancelled_at` once settled.
//! - `DELETE /v1.0/schedules/{id}`: cancels a pending one and answers it (409 once settled).
//!
//! A schedule fires once at its time, with its action, in the partition writer's time-driven
//! work: across restarts and takeovers the log says whether it fired. Issuers (and admins)
//! write, reporting reads. Answers are read from the live state.

use super::bulk_jobs::BulkJobBody;
use super::common::{paginate, path_id, write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use domain::bulk::BulkTargets;
use domain::event::EventKind;
use domain::ids::{OfferId, ScheduleId};
use domain::schedule::{
    queries, OfferWindow, Schedule, ScheduleFields, ScheduleStatus, ScheduledAction,
};
use domain::time::format_timestamp;
use domain::Command;
use projections::PageRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::post("/schedules", "createSchedule", "Schedule an offer action")
                .roles(WRITE)
                .idempotent()
                .body::<ScheduleInput>()
                .answers::<One<ScheduleView>>(201, "The schedule, pending"),
            create,
        )
        .add(
            Op::get("/schedules", "listSchedules", "Scheduled offer actions")
                .roles(READ)
                .query::<ScheduleQuery>()
                .answers::<Paged<ScheduleView>>(200, "A page of schedules"),
            list,
        )
        .add(
            Op::get("/schedules/{schedule_id}", "getSchedule", "A schedule")
                .roles(READ)
                .answers::<One<ScheduleView>>(200, "The schedule"),
            get,
        )
        .add(
            Op::delete(
                "/schedules/{schedule_id}",
                "cancelSchedule",
                "Cancel a pending schedule",
            )
            .roles(WRITE)
            .idempotent()
            .answers::<One<ScheduleView>>(200, "The schedule, cancelled"),
            cancel,
        );
}

/// `{"schedule": {...}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ScheduleInput {
    schedule: ScheduleBody,
}

/// What an action is called in the API.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum ActionName {
    ApproveOffer,
    StopOffer,
    ChangeOfferWindow,
    StartBulkJob,
}

/// A schedule as a client sends it.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
struct ScheduleBody {
    action: Option<ActionName>,
    offer_id: Option<u64>,
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    fires_at: Option<DateTime<Utc>>,
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    activates_at: Option<DateTime<Utc>>,
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(with = "domain::time::rfc3339_option")]
    #[schemars(with = "Option<DateTime<Utc>>")]
    stop_offering_at: Option<DateTime<Utc>>,
    /// The bulk job's channel (`start_bulk_job`).
    channel_id: Option<u64>,
    /// The bulk job's member list (`start_bulk_job`).
    member_list_id: Option<u64>,
    /// The bulk job's member identifiers (`start_bulk_job`).
    identifiers: Option<Vec<String>>,
}

impl ScheduleBody {
    /// The domain's fields; window times go only with `change_offer_window`.
    fn fields(self) -> Result<ScheduleFields, ApiError> {
        let required = |field: &str| ApiError::BadRequest(format!("{field} is required"));
        let action = self.action.ok_or_else(|| required("action"))?;
        let offer_id = OfferId(self.offer_id.ok_or_else(|| required("offer_id"))?);
        let fires_at = self.fires_at.ok_or_else(|| required("fires_at"))?;
        let window = OfferWindow {
            activates_at: self.activates_at,
            expires_at: self.expires_at,
            stop_offering_at: self.stop_offering_at,
        };
        let bulk = self.channel_id.is_some()
            || self.member_list_id.is_some()
            || self.identifiers.is_some();
        let action = match action {
            ActionName::ChangeOfferWindow if !bulk => {
                ScheduledAction::ChangeOfferWindow { offer_id, window }
            }
            ActionName::StartBulkJob if window.is_empty() => {
                let job = BulkJobBody {
                    offer_id: Some(offer_id.0),
                    channel_id: self.channel_id,
                    member_list_id: self.member_list_id,
                    identifiers: self.identifiers,
                };
                ScheduledAction::StartBulkJob { job: job.fields()? }
            }
            ActionName::ApproveOffer if !bulk && window.is_empty() => {
                ScheduledAction::ApproveOffer { offer_id }
            }
            ActionName::StopOffer if !bulk && window.is_empty() => {
                ScheduledAction::StopOffer { offer_id }
            }
            _ => {
                return Err(ApiError::BadRequest(
                    "activates_at, expires_at and stop_offering_at go only with \
                     change_offer_window; channel_id, member_list_id and identifiers only with \
                     start_bulk_job"
                        .into(),
                ))
            }
        };
        Ok(ScheduleFields { action, fires_at })
    }
}

/// `?status=&offer_id=&page=&per_page=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct ScheduleQuery {
    /// Only schedules in this status.
    status: Option<ScheduleStatus>,
    /// Only schedules about this offer.
    offer_id: Option<u64>,
    /// The page, from 1.
    page: Option<u32>,
    /// Rows per page.
    per_page: Option<u32>,
}

/// A schedule as answered.
#[derive(Debug, Serialize, JsonSchema)]
struct ScheduleView {
    id: u64,
    /// `approve_offer`, `stop_offer`, `change_offer_window` or `start_bulk_job`.
    action: &'static str,
    offer_id: u64,
    fires_at: String,
    /// `pending`, `fired`, `failed` (its action was refused at its time) or `cancelled`.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    activates_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_offering_at: Option<String>,
    /// The bulk job's channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_id: Option<u64>,
    /// The bulk job's member list.
    #[serde(skip_serializing_if = "Option::is_none")]
    member_list_id: Option<u64>,
    /// How many identifiers the bulk job names.
    #[serde(skip_serializing_if = "Option::is_none")]
    identifiers: Option<usize>,
    /// When it fired or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    fired_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancelled_at: Option<String>,
    /// Why its action was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
    created_at: String,
}

impl Named for ScheduleView {
    const ONE: &'static str = "schedule";
    const MANY: &'static str = "schedules";
}

impl ScheduleView {
    fn new(schedule: &Schedule) -> Self {
        let settled = schedule.settled_at.as_ref().map(format_timestamp);
        let (fired_at, cancelled_at) = match schedule.status {
            ScheduleStatus::Pending => (None, None),
            ScheduleStatus::Fired | ScheduleStatus::Failed => (settled, None),
            ScheduleStatus::Cancelled => (None, settled),
        };
        let (window, job) = match &schedule.action {
            ScheduledAction::ChangeOfferWindow { window, .. } => (Some(window), None),
            ScheduledAction::StartBulkJob { job } => (None, Some(job)),
            ScheduledAction::ApproveOffer { .. } | ScheduledAction::StopOffer { .. } => {
                (None, None)
            }
        };
        let (member_list_id, identifiers) = match job.map(|job| &job.targets) {
            Some(BulkTargets::MemberList(list)) => (Some(list.0), None),
            Some(BulkTargets::Identifiers(identifiers)) => (None, Some(identifiers.len())),
            None => (None, None),
        };
        let time = |pick: fn(&OfferWindow) -> Option<DateTime<Utc>>| {
            window.and_then(pick).as_ref().map(format_timestamp)
        };
        Self {
            id: schedule.id.0,
            action: schedule.action.name(),
            offer_id: schedule.offer_id().0,
            fires_at: format_timestamp(&schedule.fires_at),
            status: schedule.status.name(),
            activates_at: time(|window| window.activates_at),
            expires_at: time(|window| window.expires_at),
            stop_offering_at: time(|window| window.stop_offering_at),
            channel_id: job.map(|job| job.channel_id.0),
            member_list_id,
            identifiers,
            fired_at,
            cancelled_at,
            failure: schedule.failure.clone(),
            created_at: format_timestamp(&schedule.created_at),
        }
    }
}

/// Schedule `id` from the live state.
fn answer(
    state: &AppState,
    principal: &Principal,
    id: ScheduleId,
) -> Result<HttpResponse, ApiError> {
    let view = state.read(principal.account_id, move |live, _| {
        queries::schedule(live, id).map(ScheduleView::new)
    })?;
    Ok(HttpResponse::Ok().json(One(view.ok_or(ApiError::NotFound)?)))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<ScheduleInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateSchedule {
        fields: input.schedule.fields()?,
    };
    let events = write(&state, &principal, &request, command).await?;
    let schedule = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::ScheduleCreated(schedule) => Some(schedule),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no schedule"))?;
    Ok(HttpResponse::Created().json(One(ScheduleView::new(schedule))))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<ScheduleQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let query = query.into_inner();
    let (status, offer) = (query.status, query.offer_id.map(OfferId));
    let views = state.read(principal.account_id, move |live, _| {
        queries::listed(live, status, offer)
            .into_iter()
            .map(ScheduleView::new)
            .collect::<Vec<_>>()
    })?;
    let page = paginate(views, PageRequest::new(query.page, query.per_page))?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let id = ScheduleId(path_id(id.into_inner())?);
    answer(&state, &principal, id)
}

async fn cancel(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let id = ScheduleId(path_id(id.into_inner())?);
    write(
        &state,
        &principal,
        &request,
        Command::CancelSchedule { schedule_id: id },
    )
    .await?;
    answer(&state, &principal, id)
}
