//! [`TerminalLimiter`]: the rate limit on wrong codes, per terminal, so a terminal cannot guess
//! codes. Only a refusal because a code is unknown spends the terminal's budget; once it is
//! spent, every code-presenting request from that terminal is refused before it reaches the
//! engine until a unit refills. Correct codes never spend budget.
//!
//! Governor (GCRA) holds the budget per terminal. It has no way to look without spending, so
//! the instant until which a terminal is refused is remembered beside it when its budget runs
//! out: the check before the engine reads only that.
//!
//! A limited terminal is refused whatever codes it presents: letting right codes through
//! while refusing wrong ones would tell a guesser which guesses are right, at full speed.
//!
//! Lifetime: one limiter per process ([`shared`], a `static` `OnceLock`), registered by the
//! routes as `web::Data` on every worker, so all workers of the server share one budget per
//! terminal for as long as the process runs (a limiter per worker would multiply the budget
//! by the number of workers). Budgets are keyed by account and terminal, so servers started
//! side by side in one process (tests) share the limiter without sharing budgets as long as
//! they use different accounts or terminal ids.

use domain::ids::{AccountId, ApiKeyId};
use governor::clock::{Clock, MonotonicClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Wrong codes a terminal may present in a burst.
pub(super) const WRONG_CODE_BURST: u32 = 10;
/// One more wrong code is allowed per this period once the burst is spent.
pub(super) const WRONG_CODE_REFILL: Duration = Duration::from_secs(6);
/// Longest `X-Terminal-Id` accepted, in bytes.
pub(super) const MAX_TERMINAL_ID: usize = 128;
/// Terminals remembered before idle ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// Who presents codes: a terminal named by `X-Terminal-Id`, or else the API key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Terminal {
    /// The `X-Terminal-Id` header.
    Named(String),
    /// The API key the token was issued for.
    Key(ApiKeyId),
}

/// The key budgets are kept under: the account and the terminal within it.
pub(super) type TerminalKey = (AccountId, Terminal);

type Budgets = RateLimiter<
    TerminalKey,
    HashMapStateStore<TerminalKey>,
    MonotonicClock,
    StateInformationMiddleware,
>;

/// Wrong-code budgets per terminal, with the instants until which spent terminals are refused.
pub(super) struct TerminalLimiter {
    budgets: Budgets,
    blocked: Mutex<HashMap<TerminalKey, Instant>>,
}

/// The one limiter of the process, shared by every worker of the server.
pub(super) fn shared() -> Arc<TerminalLimiter> {
    static LIMITER: OnceLock<Arc<TerminalLimiter>> = OnceLock::new();
    LIMITER
        .get_or_init(|| Arc::new(TerminalLimiter::new()))
        .clone()
}

impl TerminalLimiter {
    fn new() -> Self {
        let burst = NonZeroU32::new(WRONG_CODE_BURST).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(WRONG_CODE_REFILL)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        let budgets: Budgets =
            RateLimiter::new(quota, HashMapStateStore::default(), MonotonicClock);
        Self {
            budgets,
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// How long `key` must still wait, when its budget is spent.
    pub(super) fn refused_for(&self, key: &TerminalKey) -> Option<Duration> {
        let now = Instant::now();
        let mut blocked = self
            .blocked
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match blocked.get(key) {
            Some(until) if *until > now => Some(*until - now),
            Some(_) => {
                blocked.remove(key);
                None
            }
            None => None,
        }
    }

    /// Spends one unit of `key`'s budget for a wrong code; answers how long it must wait when
    /// the budget was already spent (the request is then refused as well).
    pub(super) fn wrong_code(&self, key: &TerminalKey) -> Option<Duration> {
        let refused = match self.budgets.check_key(key) {
            Ok(snapshot) if snapshot.remaining_burst_capacity() > 0 => None,
            Ok(_) => {
                self.block_until_refill(key);
                None
            }
            Err(not_until) => {
                Some(self.block(key, not_until.wait_time_from(self.budgets.clock().now())))
            }
        };
        self.prune();
        refused
    }

    fn block_until_refill(&self, key: &TerminalKey) {
        if let Err(not_until) = self.budgets.check_key(key) {
            self.block(key, not_until.wait_time_from(self.budgets.clock().now()));
        }
    }

    fn block(&self, key: &TerminalKey, wait: Duration) -> Duration {
        let mut blocked = self
            .blocked
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        blocked.insert(key.clone(), Instant::now() + wait);
        wait
    }

    fn prune(&self) {
        if self.budgets.len() > PRUNE_ABOVE {
            self.budgets.retain_recent();
            self.budgets.shrink_to_fit();
        }
        let mut blocked = self
            .blocked
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if blocked.len() > PRUNE_ABOVE {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> TerminalKey {
        (AccountId(1), Terminal::Named(name.into()))
    }

    #[test]
    fn the_burst_is_spent_by_wrong_codes_then_the_terminal_is_refused() {
        let limiter = TerminalLimiter::new();
        let terminal = key("t-1");
        for _ in 0..WRONG_CODE_BURST {
            assert_eq!(limiter.refused_for(&terminal), None);
            assert_eq!(limiter.wrong_code(&terminal), None);
        }
        let wait = limiter.refused_for(&terminal);
        assert!(wait.is_some_and(|wait| wait > Duration::ZERO && wait <= WRONG_CODE_REFILL));
        assert_eq!(limiter.refused_for(&key("t-2")), None);
        assert_eq!(
            limiter.refused_for(&(AccountId(2), Terminal::Named("t-1".into()))),
            None
        );
    }

    #[test]
    fn a_wrong_code_past_the_budget_is_refused_too() {
        let limiter = TerminalLimiter::new();
        let terminal = (AccountId(1), Terminal::Key(ApiKeyId(3)));
        for _ in 0..WRONG_CODE_BURST {
            limiter.wrong_code(&terminal);
        }
        assert!(limiter.wrong_code(&terminal).is_some());
    }
}
