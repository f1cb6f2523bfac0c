//! Applying bulk jobs: the job, its progress and cursor, and the set of running jobs move
//! together. (The credentials a step issues apply as any issuance does.)

use crate::bulk::{BulkSource, BulkStatus, MAX_KEPT_FAILURES};
use crate::event::BulkJobEvent;
use crate::ids::BulkJobId;
use crate::state::AccountState;
use chrono::{DateTime, Utc};

pub(super) fn apply(state: &mut AccountState, event: BulkJobEvent, at: DateTime<Utc>) {
    match event {
        BulkJobEvent::Created(job) => {
            state.last_id = state.last_id.max(job.id.0);
            if job.status == BulkStatus::Running {
                state.running_bulk_jobs.insert(job.id);
            }
            state.bulk_jobs.insert(job.id, job);
        }
        BulkJobEvent::Advanced(advance) => {
            let Some(job) = state.bulk_jobs.get_mut(&advance.bulk_job_id) else {
                return;
            };
            job.processed = job.processed.saturating_add(advance.processed);
            job.issued = job.issued.saturating_add(advance.issued);
            job.failed = job.failed.saturating_add(advance.failed);
            let room = MAX_KEPT_FAILURES.saturating_sub(job.failures.len());
            job.failures.extend(advance.failures.into_iter().take(room));
            if let (BulkSource::MemberList { after, .. }, Some(reached)) =
                (&mut job.source, advance.after)
            {
                *after = Some(reached);
            }
        }
        BulkJobEvent::Finished(done) => {
            settle(state, done.bulk_job_id, BulkStatus::Finished, at);
        }
        BulkJobEvent::Cancelled(cancelled) => {
            settle(state, cancelled.bulk_job_id, BulkStatus::Cancelled, at);
        }
    }
}

fn settle(state: &mut AccountState, id: BulkJobId, status: BulkStatus, at: DateTime<Utc>) {
    state.running_bulk_jobs.remove(&id);
    if let Some(job) = state.bulk_jobs.get_mut(&id) {
        job.status = status;
        job.finished_at = Some(at);
    }
}
