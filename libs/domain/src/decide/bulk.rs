//! Decisions on bulk jobs. A new job names an existing offer linked to an existing channel,
//! and a member list or 1 to `MAX_IDENTIFIERS` identifiers; an account runs at most
//! `MAX_RUNNING_JOBS` at once. Only a running job can be cancelled. A step of the oldest
//! running job issues to its next members, each decided as a single issuance against the
//! state the ones before it left (so codes stay unique and limits hold), and records the
//! progress; the step that reaches the last member finishes the job.

use super::credential;
use crate::bulk::{
    BulkFailure, BulkJob, BulkJobFields, BulkSource, BulkStatus, BulkTargets, JOB_ANNOTATION,
    MAX_IDENTIFIERS, MAX_KEPT_FAILURES, MAX_RUNNING_JOBS,
};
use crate::command::CredentialRequest;
use crate::context::Context;
use crate::credential::{AnnotationValue, Annotations};
use crate::error::{DomainError, DomainResult};
use crate::event::{BulkAdvance, BulkJobRef, Event, EventKind};
use crate::evolve::evolve;
use crate::ids::{BulkJobId, MemberId};
use crate::state::AccountState;
use crate::validate::existing;
use chrono::{DateTime, Utc};
use std::ops::Bound;

pub(super) fn create(
    state: &AccountState,
    fields: &BulkJobFields,
    now: DateTime<Utc>,
) -> DomainResult<Vec<EventKind>> {
    if state.running_bulk_jobs.len() >= MAX_RUNNING_JOBS {
        return Err(DomainError::Invalid {
            field: "Bulk job",
            reason: format!("cannot start: {MAX_RUNNING_JOBS} jobs are running"),
        });
    }
    Ok(vec![EventKind::BulkJobCreated(job_of(state, fields, now)?)])
}

/// The job `fields` ask for, checked against `state` (all but the running jobs' limit, which
/// a schedule checks when it fires).
pub(super) fn job_of(
    state: &AccountState,
    fields: &BulkJobFields,
    now: DateTime<Utc>,
) -> DomainResult<BulkJob> {
    existing(&state.offers, &fields.offer_id, "Offer")?;
    existing(&state.channels, &fields.channel_id, "Channel")?;
    if !state
        .offer_channels
        .contains_key(&(fields.offer_id, fields.channel_id))
    {
        return Err(DomainError::OffersNotFound {
            ids: fields.offer_id.to_string(),
        });
    }
    let (source, total) = match &fields.targets {
        BulkTargets::MemberList(list_id) => {
            let list = existing(&state.member_lists, list_id, "Member list")?;
            let source = BulkSource::MemberList {
                member_list_id: *list_id,
                after: None,
            };
            (source, list.member_ids.len())
        }
        BulkTargets::Identifiers(identifiers) => {
            if identifiers.is_empty() {
                return Err(DomainError::Blank {
                    field: "Identifiers",
                });
            }
            if identifiers.len() > MAX_IDENTIFIERS {
                return Err(DomainError::Invalid {
                    field: "Identifiers",
                    reason: format!("are too many (maximum is {MAX_IDENTIFIERS})"),
                });
            }
            let members = identifiers
                .iter()
                .map(|identifier| state.member_id_by_identifier(identifier.trim()))
                .collect();
            (BulkSource::Members { members }, identifiers.len())
        }
    };
    Ok(BulkJob {
        id: BulkJobId(state.next_id()),
        offer_id: fields.offer_id,
        channel_id: fields.channel_id,
        source,
        total: u32::try_from(total).unwrap_or(u32::MAX),
        processed: 0,
        issued: 0,
        failed: 0,
        failures: Vec::new(),
        status: BulkStatus::Running,
        created_at: now,
        finished_at: None,
    })
}

pub(super) fn cancel(state: &AccountState, id: BulkJobId) -> DomainResult<Vec<EventKind>> {
    let job = existing(&state.bulk_jobs, &id, "Bulk job")?;
    if job.status != BulkStatus::Running {
        return Err(DomainError::WrongStatus {
            resource: "Bulk job",
            action: "cancelled",
            status: job.status.name().into(),
        });
    }
    Ok(vec![EventKind::BulkJobCancelled(BulkJobRef {
        bulk_job_id: id,
    })])
}

/// One step of the oldest running job: issues to its next `max` members.
pub(super) fn advance(
    state: &AccountState,
    max: u32,
    context: &mut Context<'_>,
) -> DomainResult<Vec<EventKind>> {
    let Some(job) = state
        .running_bulk_jobs
        .get_min()
        .and_then(|id| state.bulk_jobs.get(id))
    else {
        return Ok(Vec::new());
    };
    let (targets, exhausted) = next_targets(state, job, max);
    let annotations = Annotations::from([(
        JOB_ANNOTATION.to_owned(),
        AnnotationValue::Text(job.id.to_string()),
    )]);
    let mut working = state.clone();
    let mut kinds = Vec::new();
    let mut advance = BulkAdvance {
        bulk_job_id: job.id,
        processed: 0,
        issued: 0,
        failed: 0,
        after: None,
        failures: Vec::new(),
    };
    for (offset, member) in (0u32..).zip(targets) {
        let position = job.processed.saturating_add(offset);
        advance.processed += 1;
        if let Some(member) = member {
            advance.after = Some(member);
        }
        let issued = match member {
            None => Err(DomainError::NotFound { resource: "Member" }),
            Some(member_id) => {
                let request = CredentialRequest {
                    member_id: Some(member_id),
                    channel_id: Some(job.channel_id),
                    offer_ids: vec![job.offer_id],
                    annotations: annotations.clone(),
                    ..CredentialRequest::default()
                };
                credential::issue(&working, &request, context)
            }
        };
        match issued {
            Ok(issued) => {
                advance.issued += 1;
                for kind in &issued {
                    let event = Event {
                        occurred_at: context.now,
                        idempotency: None,
                        kind: kind.clone(),
                    };
                    evolve(&mut working, event);
                }
                kinds.extend(issued);
            }
            Err(refused) => {
                advance.failed += 1;
                if job.failures.len() + advance.failures.len() < MAX_KEPT_FAILURES {
                    advance.failures.push(BulkFailure {
                        member_id: member,
                        position,
                        reason: refused.to_string(),
                    });
                }
            }
        }
    }
    if advance.processed > 0 {
        kinds.push(EventKind::BulkJobAdvanced(advance));
    }
    if exhausted {
        kinds.push(EventKind::BulkJobFinished(BulkJobRef {
            bulk_job_id: job.id,
        }));
    }
    Ok(kinds)
}

/// The next at most `max` members of `job` (`None` for an identifier that named no member),
/// and whether none is left after them.
fn next_targets(state: &AccountState, job: &BulkJob, max: u32) -> (Vec<Option<MemberId>>, bool) {
    let max = usize::try_from(max.max(1)).unwrap_or(usize::MAX);
    match &job.source {
        BulkSource::MemberList {
            member_list_id,
            after,
        } => {
            let Some(list) = state.member_lists.get(member_list_id) else {
                return (Vec::new(), true);
            };
            let start = after.map_or(Bound::Unbounded, Bound::Excluded);
            let mut rest = list.member_ids.range((start, Bound::Unbounded));
            let targets: Vec<Option<MemberId>> =
                rest.by_ref().take(max).copied().map(Some).collect();
            let exhausted = rest.next().is_none();
            (targets, exhausted)
        }
        BulkSource::Members { members } => {
            let start = usize::try_from(job.processed).unwrap_or(usize::MAX);
            let targets: Vec<Option<MemberId>> =
                members.iter().skip(start).take(max).copied().collect();
            let exhausted = start.saturating_add(targets.len()) >= members.len();
            (targets, exhausted)
        }
    }
}
