//! Bulk issuance (our extension; the payment-unit seed's bulk requests with a progress view):
//!
//! - `POST /v1.0/bulk_jobs`: `{"bulk_job": {"offer_id", "channel_id", and "member_list_id" or
//!   "identifiers": [...]}}` (at most 1,000 identifiers; a bigger group is a member list)
//!   answers 201 with the running job.
//! - `GET /v1.0/bulk_jobs?status=`: the jobs, newest first.
//! - `GET /v1.0/bulk_jobs/{id}`: its progress: `total`, `processed`, `issued`, `failed`, the
//!   first 100 `failures` with their reasons, `status` (`running`, `finished`, `cancelled`).
//! - `DELETE /v1.0/bulk_jobs/{id}`: cancels a running job (409 once it ended) and answers it.
//! - `GET /v1.0/bulk_jobs/{id}/results`: the credentials it issued (member, credential, code,
//!   status), paged JSON, or the whole list as CSV on `Accept: text/csv` (or `.csv`).
//!
//! The partition writer issues a job's credentials by itself, in steps between clients'
//! commands, at most a third of its time; each credential is issued as a single one is (same
//! validations and limits), and carries the job's id in its annotations (`bulk_job_id`).
//! A job is event-sourced: it survives restarts and resumes where it was. Answers are read
//! from the live state. Issuers (and admins) start and cancel, reporting reads.

use super::common::{paginate, path_id, wants_csv, write, READ, WRITE};
use crate::auth::Principal;
use crate::http::{ApiError, Body, Named, One, Paged, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::bulk::{queries, BulkJob, BulkJobFields, BulkSource, BulkStatus, BulkTargets};
use domain::credential::Credential;
use domain::event::EventKind;
use domain::ids::{BulkJobId, ChannelId, MemberListId, OfferId};
use domain::time::format_timestamp;
use domain::Command;
use projections::PageRequest;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::post("/bulk_jobs", "createBulkJob", "Start a bulk issuance job")
                .roles(WRITE)
                .idempotent()
                .body::<BulkJobInput>()
                .answers::<One<BulkJobView>>(201, "The job, running"),
            create,
        )
        .add(
            Op::get("/bulk_jobs", "listBulkJobs", "Bulk issuance jobs")
                .roles(READ)
                .query::<JobQuery>()
                .answers::<Paged<BulkJobView>>(200, "A page of jobs, newest first"),
            list,
        )
        .add(
            Op::get(
                "/bulk_jobs/{bulk_job_id}",
                "getBulkJob",
                "A bulk job's progress",
            )
            .roles(READ)
            .answers::<One<BulkJobView>>(200, "The job"),
            get,
        )
        .add(
            Op::delete(
                "/bulk_jobs/{bulk_job_id}",
                "cancelBulkJob",
                "Cancel a running bulk job",
            )
            .roles(WRITE)
            .idempotent()
            .answers::<One<BulkJobView>>(200, "The job, cancelled"),
            cancel,
        )
        .add(
            Op::get(
                "/bulk_jobs/{bulk_job_id}/results",
                "getBulkJobResults",
                "The credentials a bulk job issued",
            )
            .roles(READ)
            .query::<ResultsQuery>()
            .answers::<Paged<ResultView>>(
                200,
                "A page of results (JSON), or every result as CSV on Accept: text/csv",
            ),
            results,
        );
}

/// `{"bulk_job": {...}}`.
#[derive(Debug, Deserialize, JsonSchema)]
struct BulkJobInput {
    bulk_job: BulkJobBody,
}

/// A job as a client asks for it (also a schedule's `start_bulk_job`).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub(super) struct BulkJobBody {
    pub(super) offer_id: Option<u64>,
    pub(super) channel_id: Option<u64>,
    pub(super) member_list_id: Option<u64>,
    pub(super) identifiers: Option<Vec<String>>,
}

impl BulkJobBody {
    /// The domain's fields: an offer, a channel, and a member list or identifiers.
    pub(super) fn fields(self) -> Result<BulkJobFields, ApiError> {
        let required = |field: &str| ApiError::BadRequest(format!("{field} is required"));
        let targets = match (self.member_list_id, self.identifiers) {
            (Some(list), None) => BulkTargets::MemberList(MemberListId(list)),
            (None, Some(identifiers)) => BulkTargets::Identifiers(identifiers),
            _ => {
                return Err(ApiError::BadRequest(
                    "give either member_list_id or identifiers".into(),
                ))
            }
        };
        Ok(BulkJobFields {
            offer_id: OfferId(self.offer_id.ok_or_else(|| required("offer_id"))?),
            channel_id: ChannelId(self.channel_id.ok_or_else(|| required("channel_id"))?),
            targets,
        })
    }
}

/// `?status=&page=&per_page=`.
#[derive(Debug, Deserialize, JsonSchema)]
struct JobQuery {
    /// Only jobs in this status.
    status: Option<BulkStatus>,
    /// The page, from 1.
    page: Option<u32>,
    /// Rows per page.
    per_page: Option<u32>,
}

/// `?page=&per_page=` of the results (JSON only; CSV has them all).
#[derive(Debug, Deserialize, JsonSchema)]
struct ResultsQuery {
    /// The page, from 1.
    page: Option<u32>,
    /// Rows per page.
    per_page: Option<u32>,
}

/// A refusal a job kept.
#[derive(Debug, Serialize, JsonSchema)]
struct FailureView {
    #[serde(skip_serializing_if = "Option::is_none")]
    member_id: Option<u64>,
    /// The member's place among the job's, from 0.
    position: u32,
    reason: String,
}

/// A job as answered.
#[derive(Debug, Serialize, JsonSchema)]
struct BulkJobView {
    id: u64,
    offer_id: u64,
    channel_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    member_list_id: Option<u64>,
    /// `running`, `finished` or `cancelled`.
    status: &'static str,
    /// Members to issue to when the job was created.
    total: u32,
    /// Members reached so far.
    processed: u32,
    issued: u32,
    failed: u32,
    /// The first refusals.
    failures: Vec<FailureView>,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_at: Option<String>,
}

impl Named for BulkJobView {
    const ONE: &'static str = "bulk_job";
    const MANY: &'static str = "bulk_jobs";
}

impl BulkJobView {
    fn new(job: &BulkJob) -> Self {
        let member_list_id = match &job.source {
            BulkSource::MemberList { member_list_id, .. } => Some(member_list_id.0),
            BulkSource::Members { .. } => None,
        };
        Self {
            id: job.id.0,
            offer_id: job.offer_id.0,
            channel_id: job.channel_id.0,
            member_list_id,
            status: job.status.name(),
            total: job.total,
            processed: job.processed,
            issued: job.issued,
            failed: job.failed,
            failures: job
                .failures
                .iter()
                .map(|failure| FailureView {
                    member_id: failure.member_id.map(|member| member.0),
                    position: failure.position,
                    reason: failure.reason.clone(),
                })
                .collect(),
            created_at: format_timestamp(&job.created_at),
            finished_at: job.finished_at.as_ref().map(format_timestamp),
        }
    }
}

/// A credential a job issued.
#[derive(Debug, Serialize, JsonSchema)]
struct ResultView {
    member_id: u64,
    credential_id: u64,
    code: String,
    /// The credential's status now.
    status: String,
}

impl Named for ResultView {
    const ONE: &'static str = "result";
    const MANY: &'static str = "results";
}

impl ResultView {
    fn new(credential: &Credential) -> Self {
        Self {
            member_id: credential.member_id.0,
            credential_id: credential.id.0,
            code: credential
                .identifier
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            status: credential.status.to_string(),
        }
    }
}

fn answer(
    state: &AppState,
    principal: &Principal,
    id: BulkJobId,
) -> Result<HttpResponse, ApiError> {
    let view = state.read(principal.account_id, move |live, _| {
        queries::job(live, id).map(BulkJobView::new)
    })?;
    Ok(HttpResponse::Ok().json(One(view.ok_or(ApiError::NotFound)?)))
}

async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    Body(input): Body<BulkJobInput>,
) -> Result<HttpResponse, ApiError> {
    let command = Command::CreateBulkJob {
        fields: input.bulk_job.fields()?,
    };
    let events = write(&state, &principal, &request, command).await?;
    let job = events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::BulkJobCreated(job) => Some(job),
            _ => None,
        })
        .ok_or_else(|| ApiError::internal("the command recorded no bulk job"))?;
    Ok(HttpResponse::Created().json(One(BulkJobView::new(job))))
}

async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<JobQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let query = query.into_inner();
    let status = query.status;
    let views = state.read(principal.account_id, move |live, _| {
        let jobs = match status {
            Some(status) => queries::in_status(live, status),
            None => queries::jobs(live),
        };
        jobs.into_iter().map(BulkJobView::new).collect::<Vec<_>>()
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
    answer(&state, &principal, BulkJobId(path_id(id.into_inner())?))
}

async fn cancel(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
) -> Result<HttpResponse, ApiError> {
    let id = BulkJobId(path_id(id.into_inner())?);
    write(
        &state,
        &principal,
        &request,
        Command::CancelBulkJob { bulk_job_id: id },
    )
    .await?;
    answer(&state, &principal, id)
}

async fn results(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    id: web::Path<u64>,
    query: Query<ResultsQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let id = BulkJobId(path_id(id.into_inner())?);
    let views = state.read(principal.account_id, move |live, _| {
        queries::job(live, id).map(|_| {
            queries::issued(live, id)
                .into_iter()
                .map(ResultView::new)
                .collect::<Vec<_>>()
        })
    })?;
    let views = views.ok_or(ApiError::NotFound)?;
    if wants_csv(&request) {
        return csv_answer(&views);
    }
    let page = paginate(views, PageRequest::new(query.page, query.per_page))?;
    Ok(HttpResponse::Ok().json(Paged::of(&page, page.items.iter().collect())))
}

fn csv_answer(views: &[ResultView]) -> Result<HttpResponse, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for view in views {
        writer.serialize(view).map_err(ApiError::internal)?;
    }
    if views.is_empty() {
        writer
            .write_record(["member_id", "credential_id", "code", "status"])
            .map_err(ApiError::internal)?;
    }
    let bytes = writer.into_inner().map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(bytes))
}
