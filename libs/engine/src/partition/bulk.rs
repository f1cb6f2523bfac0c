//! Bulk issuance driven by the writer: between clients' batches the actor takes a step of an
//! account's running bulk job (`Command::AdvanceBulkJob`, `step` members at a time) and
//! appends it with whatever else the batch holds.
//!
//! The job may take at most a third of the writer: after a step the actor measures what it
//! cost (deciding it, plus its share of the batch's append by records) and takes no other
//! step for twice that long, so bulk work is at most cost / (cost + 2 cost) of the writer's
//! time and clients' commands always find it free two thirds of the time. Accounts with a
//! running job take steps in turn. The set of those accounts follows every state change, and
//! is rebuilt at start and after a rebuild of the state; since the job's progress is in the
//! state (and the log), a restarted writer resumes each job where it was.

use super::actor::Batch;
use super::{bump, PartitionActor};
use domain::bulk::queries::has_running;
use domain::ids::AccountId;
use domain::{decide, AccountState, Command, Context};
use eventlog::EventLog;
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::time::{Duration, Instant};

/// The correlation id of the events of bulk steps.
pub const BULK_CORRELATION: &str = "bulk";

/// The accounts with a running bulk job, and when the next step may be taken.
pub(super) struct BulkWork {
    accounts: BTreeSet<AccountId>,
    /// The account that took the last step (the next one goes to the one after it).
    last: Option<AccountId>,
    not_before: Instant,
    step: u32,
}

/// A step staged into a batch: what deciding it cost and how many records it added.
pub(super) struct Step {
    pub(super) decided_in: Duration,
    pub(super) records: usize,
}

impl BulkWork {
    /// The bulk work of `accounts`, `step` members per step (0 takes no step).
    pub(super) fn new(accounts: &HashMap<AccountId, AccountState>, step: u32) -> Self {
        let mut work = Self {
            accounts: BTreeSet::new(),
            last: None,
            not_before: Instant::now(),
            step,
        };
        work.rebuild(accounts);
        work
    }

    /// Forgets every account and looks at `accounts` afresh.
    pub(super) fn rebuild(&mut self, accounts: &HashMap<AccountId, AccountState>) {
        self.accounts.clear();
        for (account_id, state) in accounts {
            self.changed(*account_id, state);
        }
    }

    /// Follows an account whose state just changed.
    pub(super) fn changed(&mut self, account_id: AccountId, state: &AccountState) {
        if has_running(state) {
            self.accounts.insert(account_id);
        } else {
            self.accounts.remove(&account_id);
        }
    }

    /// How long the actor may wait for requests before the next step is due: `None` when no
    /// job runs.
    pub(super) fn wait(&self) -> Option<Duration> {
        if self.accounts.is_empty() || self.step == 0 {
            return None;
        }
        Some(self.not_before.saturating_duration_since(Instant::now()))
    }

    /// Spaces the next step after one that cost `cost`.
    pub(super) fn spent(&mut self, cost: Duration) {
        self.not_before = Instant::now() + cost * 2;
    }

    /// The account whose turn it is, when a step is due.
    fn next(&mut self) -> Option<AccountId> {
        if self.step == 0 || Instant::now() < self.not_before {
            return None;
        }
        let after = self.last.map_or(Bound::Unbounded, Bound::Excluded);
        let next = self
            .accounts
            .range((after, Bound::Unbounded))
            .next()
            .or_else(|| self.accounts.first())
            .copied()?;
        self.last = Some(next);
        Some(next)
    }
}

impl<L: EventLog> PartitionActor<L> {
    /// Takes a step of the next account's running job when one is due, staging its events
    /// into `batch`.
    pub(super) fn advance_bulk(&mut self, batch: &mut Batch) -> Option<Step> {
        let account_id = self.bulk.next()?;
        let started = Instant::now();
        let records_before = batch.record_count();
        let state = self.accounts.get(&account_id)?;
        let now = self.clock.now();
        let mut context = Context::new(now, &mut self.rng);
        let command = Command::AdvanceBulkJob {
            max: self.bulk.step,
        };
        let decided = decide(state, &command, None, &mut context);
        let staged = match decided {
            Ok(decision) if !decision.new_events().is_empty() => self
                .stage(
                    account_id,
                    Some(BULK_CORRELATION),
                    decision,
                    now.timestamp_millis(),
                    batch,
                )
                .is_ok(),
            _ => false,
        };
        if !staged {
            if !self.accounts.get(&account_id).is_some_and(has_running) {
                self.bulk.accounts.remove(&account_id);
            }
            self.bulk.spent(started.elapsed());
            return None;
        }
        bump(&self.shared.counters.bulk_steps, 1);
        Some(Step {
            decided_in: started.elapsed(),
            records: batch.record_count().saturating_sub(records_before),
        })
    }
}
