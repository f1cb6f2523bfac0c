//! What the API asks of bulk jobs in live state.

use super::{BulkJob, BulkStatus, JOB_ANNOTATION};
use crate::credential::{AnnotationValue, Credential};
use crate::ids::BulkJobId;
use crate::state::AccountState;

/// Job `id`.
pub fn job(state: &AccountState, id: BulkJobId) -> Option<&BulkJob> {
    state.bulk_jobs.get(&id)
}

/// Every job, newest first.
pub fn jobs(state: &AccountState) -> Vec<&BulkJob> {
    let mut found: Vec<&BulkJob> = state.bulk_jobs.values().collect();
    found.sort_unstable_by_key(|job| std::cmp::Reverse(job.id));
    found
}

/// Whether the account has a job running.
pub fn has_running(state: &AccountState) -> bool {
    !state.running_bulk_jobs.is_empty()
}

/// The jobs in `status`, newest first.
pub fn in_status(state: &AccountState, status: BulkStatus) -> Vec<&BulkJob> {
    let mut found = jobs(state);
    found.retain(|job| job.status == status);
    found
}

/// The credentials job `id` issued, by id.
pub fn issued(state: &AccountState, id: BulkJobId) -> Vec<&Credential> {
    let wanted = id.to_string();
    let mut found: Vec<&Credential> = state
        .credentials
        .values()
        .filter(|credential| {
            matches!(credential.annotations.get(JOB_ANNOTATION),
                Some(AnnotationValue::Text(job)) if *job == wanted)
        })
        .collect();
    found.sort_unstable_by_key(|credential| credential.id);
    found
}
