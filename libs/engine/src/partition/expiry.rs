//! Work driven by time: the actor records lapsed reservations and code lifetimes, erasures
//! past their grace and the firing of scheduled offer actions by itself.
//!
//! A [`Schedule`] keeps, for every account of the partition with something pending, the time
//! it is next due (`AccountState::next_expiry`: the first lapsing reservation or code, erasure
//! or pending schedule). It is updated whenever an account's state changes (O(log n) per
//! accepted command), rebuilt from every account at start and after a rebuild of the state,
//! and read in O(1) when the actor decides how long to wait. When the injected clock passes an account's time, the actor
//! decides [`Command::ExpireDue`] for it as part of the next batch, with no idempotency key
//! and the correlation id [`EXPIRY_CORRELATION`].
//!
//! An `ExpireDue` that records nothing (an entry whose credential is locked by a reservation,
//! say) is not appended; the account then waits for its first entry after now, or for its
//! next change, since the domain's answer depends on nothing else. After a failed append the
//! expiry work pauses for one tick, so a failing log is not retried in a loop.

use super::actor::Batch;
use super::{bump, PartitionActor};
use chrono::{DateTime, Utc};
use domain::ids::AccountId;
use domain::{decide, AccountState, Command, Context};
use eventlog::EventLog;
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;
use tokio::time::Instant;

/// The correlation id of the events the actor records for lapsed reservations and codes.
pub const EXPIRY_CORRELATION: &str = "expiry";

/// The shortest wait for a pending expiry, so a clock that stands still (a manual one) is not
/// polled in a tight loop just before an entry is due.
const MIN_WAIT: Duration = Duration::from_millis(10);

/// When each account of the partition is next due for an expiry check.
pub(super) struct Schedule {
    /// Accounts by the time they are due.
    queue: BTreeSet<(DateTime<Utc>, AccountId)>,
    /// The time each account in `queue` is due at.
    due_at: HashMap<AccountId, DateTime<Utc>>,
    /// Longest wait between two looks at the clock while something is pending.
    tick: Duration,
    /// No expiry work before this instant (set after a failed append).
    paused_until: Option<Instant>,
}

impl Schedule {
    /// The schedule of `accounts`, looking at the clock at least every `tick`.
    pub(super) fn new(accounts: &HashMap<AccountId, AccountState>, tick: Duration) -> Self {
        let mut schedule = Self {
            queue: BTreeSet::new(),
            due_at: HashMap::new(),
            tick: tick.max(MIN_WAIT),
            paused_until: None,
        };
        schedule.rebuild(accounts);
        schedule
    }

    /// Forgets every entry and schedules `accounts` afresh.
    pub(super) fn rebuild(&mut self, accounts: &HashMap<AccountId, AccountState>) {
        self.queue.clear();
        self.due_at.clear();
        for (account_id, state) in accounts {
            self.set(*account_id, state.next_expiry());
        }
    }

    /// Reschedules an account whose state just changed.
    pub(super) fn changed(&mut self, account_id: AccountId, state: &AccountState) {
        self.set(account_id, state.next_expiry());
    }

    /// Reschedules an account for which nothing was due at `now`: to its first entry after.
    fn quiet(&mut self, account_id: AccountId, state: &AccountState, now: DateTime<Utc>) {
        self.set(account_id, state.next_expiry_after(now));
    }

    /// Pauses the expiry work for one tick.
    pub(super) fn pause(&mut self) {
        self.paused_until = Some(Instant::now() + self.tick);
    }

    /// How long the actor may wait for requests before it next looks at the clock: `None` when
    /// nothing is pending (only a request can change that), zero when something is due.
    pub(super) fn wait(&self, now: DateTime<Utc>) -> Option<Duration> {
        let (due, _) = self.queue.first()?;
        if let Some(paused) = self.paused(Instant::now()) {
            return Some(paused.min(self.tick));
        }
        let until_due = (*due - now).to_std().unwrap_or_default();
        if until_due.is_zero() {
            return Some(Duration::ZERO);
        }
        Some(until_due.max(MIN_WAIT).min(self.tick))
    }

    /// The accounts due at `now`, taken off the schedule (each is rescheduled once decided).
    fn take_due(&mut self, now: DateTime<Utc>) -> Vec<AccountId> {
        if self.paused(Instant::now()).is_some() {
            return Vec::new();
        }
        self.paused_until = None;
        let mut due = Vec::new();
        while let Some(&(at, account_id)) = self.queue.first() {
            if at > now {
                break;
            }
            self.queue.pop_first();
            self.due_at.remove(&account_id);
            due.push(account_id);
        }
        due
    }

    /// How much of a pause is left at `now`, if any.
    fn paused(&self, now: Instant) -> Option<Duration> {
        self.paused_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    fn set(&mut self, account_id: AccountId, at: Option<DateTime<Utc>>) {
        let old = self.due_at.get(&account_id).copied();
        if old == at {
            return;
        }
        if let Some(old) = old {
            self.queue.remove(&(old, account_id));
            self.due_at.remove(&account_id);
        }
        if let Some(at) = at {
            self.queue.insert((at, account_id));
            self.due_at.insert(account_id, at);
        }
    }
}

impl<L: EventLog> PartitionActor<L> {
    /// Decides `ExpireDue` for every account due at the clock's time and stages the events into
    /// `batch`; accounts for which nothing is recorded wait for their next entry.
    pub(super) fn expire_due(&mut self, batch: &mut Batch) {
        let now = self.clock.now();
        for account_id in self.expiry.take_due(now) {
            let Some(state) = self.accounts.get(&account_id) else {
                continue;
            };
            bump(&self.shared.counters.expiry_checks, 1);
            let mut context = Context::new(now, &mut self.rng);
            let decided = decide(state, &Command::ExpireDue, None, &mut context);
            let staged = match decided {
                Ok(decision) if !decision.new_events().is_empty() => self
                    .stage(
                        account_id,
                        Some(EXPIRY_CORRELATION),
                        decision,
                        now.timestamp_millis(),
                        batch,
                    )
                    .is_ok(),
                _ => false,
            };
            if staged {
                batch.expiries += 1;
            } else if let Some(state) = self.accounts.get(&account_id) {
                self.expiry.quiet(account_id, state, now);
            }
        }
    }
}
