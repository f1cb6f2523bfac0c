//! [`GuessLimiter`]: how many wrong codes a caller may present before every code it presents
//! is refused, so that codes cannot be found by guessing.
//!
//! Allowances are kept under what the caller cannot choose: the API key its token names, the
//! store it redeems at (a real store of the account), and the account as a whole (a ceiling
//! over every key and store). A presentation is refused while any of the three is spent; a
//! wrong code spends one unit of each. Each allowance is a burst that refills one unit per
//! period (GCRA: the state is one instant per allowance).
//!
//! The check, the attempt and the spending are one step ([`GuessLimiter::attempt`] holds the
//! account's lock across all three), so parallel guesses cannot pass an allowance between a
//! check and a spend. Refused presentations are refused whatever their codes are: a right
//! code past the allowance is as refused as a wrong one, so a guesser learns nothing.
//!
//! Time comes in as an argument (the actor's clock), so tests drive it.

use chrono::{DateTime, Utc};
use domain::ids::{AccountId, ApiKeyId, StoreId};
use domain::DomainError;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// One allowance: `burst` units at once, one more every `refill`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Units available at once.
    pub burst: u32,
    /// Time to refill one unit.
    pub refill: Duration,
}

impl Allowance {
    fn period_ms(self) -> i64 {
        i64::try_from(self.refill.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }

    /// The tolerance: how far ahead of now the allowance's instant may be and still allow.
    fn tolerance_ms(self) -> i64 {
        self.period_ms()
            .saturating_mul(i64::from(self.burst.saturating_sub(1)))
    }
}

/// The three allowances of wrong codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuessLimits {
    /// Per API key (a terminal, or the terminals sharing a key).
    pub per_key: Allowance,
    /// Per store of the account.
    pub per_store: Allowance,
    /// Per account, over every key and store.
    pub per_account: Allowance,
}

impl Default for GuessLimits {
    /// 10 wrong codes per key, then one per 6 s; 30 per store, then one per 2 s; 100 per
    /// account, then one per second.
    fn default() -> Self {
        Self {
            per_key: Allowance {
                burst: 10,
                refill: Duration::from_secs(6),
            },
            per_store: Allowance {
                burst: 30,
                refill: Duration::from_secs(2),
            },
            per_account: Allowance {
                burst: 100,
                refill: Duration::from_secs(1),
            },
        }
    }
}

/// Who presents codes: the API key behind the request's token and the store it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Presenter {
    /// The API key.
    pub key: ApiKeyId,
    /// The store named by the request.
    pub store: StoreId,
}

/// A presentation refused because an allowance is spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many invalid codes; retry after {retry_after:?}")]
pub struct Throttled {
    /// How long until the spent allowance has a unit again.
    pub retry_after: Duration,
}

/// Whether a decision refused a code because no credential holds it: what spends allowances.
pub fn is_wrong_code<T>(outcome: &Result<T, DomainError>) -> bool {
    matches!(outcome, Err(DomainError::CodeNotValid { .. }))
}

/// An account's allowance instants (the time each allowance is spent up to).
#[derive(Debug, Default)]
struct Spent {
    account: i64,
    keys: HashMap<ApiKeyId, i64>,
    stores: HashMap<StoreId, i64>,
}

/// Accounts kept per shard before allowances back to full are forgotten.
const PRUNE_ABOVE: usize = 4_096;
/// Locks the accounts are spread over.
const SHARDS: usize = 16;

/// The wrong-code allowances of every account, shared by every partition actor and by the
/// dry runs.
#[derive(Debug)]
pub struct GuessLimiter {
    limits: GuessLimits,
    shards: Vec<Mutex<HashMap<AccountId, Spent>>>,
}

impl GuessLimiter {
    /// A limiter with `limits`.
    pub fn new(limits: GuessLimits) -> Self {
        Self {
            limits,
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
        }
    }

    /// Runs `attempt` for `presenter` of `account` at `now` unless one of its allowances is
    /// spent, and spends one unit of each when `wrong` says the outcome was a wrong code. The
    /// account's lock is held throughout, so the check and the spending cannot be interleaved
    /// with another presentation of the account.
    pub fn attempt<R>(
        &self,
        account: AccountId,
        presenter: Presenter,
        now: DateTime<Utc>,
        attempt: impl FnOnce() -> R,
        wrong: impl FnOnce(&R) -> bool,
    ) -> Result<R, Throttled> {
        let now = now.timestamp_millis();
        let mut shard = self.shard(account);
        let spent = shard.entry(account).or_default();
        if let Some(retry_after) = self.refused_for(spent, presenter, now) {
            return Err(Throttled { retry_after });
        }
        let outcome = attempt();
        if wrong(&outcome) {
            self.spend(spent, presenter, now);
            if shard.len() > PRUNE_ABOVE {
                shard.retain(|_, spent| spent.holds_after(now));
            }
        }
        Ok(outcome)
    }

    fn shard(&self, account: AccountId) -> std::sync::MutexGuard<'_, HashMap<AccountId, Spent>> {
        let index = usize::try_from(account.0 % SHARDS as u64).unwrap_or_default();
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn refused_for(&self, spent: &Spent, presenter: Presenter, now: i64) -> Option<Duration> {
        let waits = [
            wait(spent.account, self.limits.per_account, now),
            wait(
                spent.keys.get(&presenter.key).copied().unwrap_or(now),
                self.limits.per_key,
                now,
            ),
            wait(
                spent.stores.get(&presenter.store).copied().unwrap_or(now),
                self.limits.per_store,
                now,
            ),
        ];
        waits.into_iter().flatten().max()
    }

    fn spend(&self, spent: &mut Spent, presenter: Presenter, now: i64) {
        spent.account = advance(spent.account, self.limits.per_account, now);
        let key = spent.keys.entry(presenter.key).or_insert(now);
        *key = advance(*key, self.limits.per_key, now);
        let store = spent.stores.entry(presenter.store).or_insert(now);
        *store = advance(*store, self.limits.per_store, now);
        if spent.keys.len() + spent.stores.len() > PRUNE_ABOVE {
            spent.keys.retain(|_, until| *until > now);
            spent.stores.retain(|_, until| *until > now);
        }
    }
}

impl Spent {
    /// Whether any allowance is still below full at `now`.
    fn holds_after(&self, now: i64) -> bool {
        self.account > now
            || self.keys.values().any(|until| *until > now)
            || self.stores.values().any(|until| *until > now)
    }
}

/// How long until `allowance`, spent up to `until`, has a unit at `now`; `None`: it has one.
fn wait(until: i64, allowance: Allowance, now: i64) -> Option<Duration> {
    let ahead = until.max(now) - now;
    let over = ahead - allowance.tolerance_ms();
    (over > 0).then(|| Duration::from_millis(u64::try_from(over).unwrap_or(u64::MAX)))
}

/// The instant `allowance` is spent up to after one more unit at `now`.
fn advance(until: i64, allowance: Allowance, now: i64) -> i64 {
    until.max(now).saturating_add(allowance.period_ms())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    const ACCOUNT: AccountId = AccountId(1);

    fn at(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_800_000_000_000 + ms).unwrap()
    }

    fn presenter(key: u64, store: u64) -> Presenter {
        Presenter {
            key: ApiKeyId(key),
            store: StoreId(store),
        }
    }

    fn limits(key: u32, store: u32, account: u32) -> GuessLimits {
        let allowance = |burst| Allowance {
            burst,
            refill: Duration::from_secs(6),
        };
        GuessLimits {
            per_key: allowance(key),
            per_store: allowance(store),
            per_account: allowance(account),
        }
    }

    /// Presents a wrong code; whether it was let through.
    fn guess(limiter: &GuessLimiter, who: Presenter, ms: i64) -> bool {
        limiter
            .attempt(ACCOUNT, who, at(ms), || (), |()| true)
            .is_ok()
    }

    #[test]
    fn a_key_gets_its_burst_then_one_per_refill() {
        let limiter = GuessLimiter::new(limits(10, 1_000, 1_000));
        let who = presenter(1, 1);
        assert!((0..10).all(|_| guess(&limiter, who, 0)));
        let refused = limiter.attempt(ACCOUNT, who, at(0), || (), |()| true);
        assert_eq!(
            refused,
            Err(Throttled {
                retry_after: Duration::from_secs(6)
            })
        );
        assert!(!guess(&limiter, who, 5_999));
        assert!(guess(&limiter, who, 6_000));
        assert!(!guess(&limiter, who, 6_000));
    }

    #[test]
    fn right_codes_spend_nothing_and_are_refused_once_the_allowance_is_spent() {
        let limiter = GuessLimiter::new(limits(3, 1_000, 1_000));
        let who = presenter(1, 1);
        for _ in 0..100 {
            assert!(limiter
                .attempt(ACCOUNT, who, at(0), || "right", |_| false)
                .is_ok());
        }
        assert!((0..3).all(|_| guess(&limiter, who, 0)));
        let right = limiter.attempt(ACCOUNT, who, at(1), || "right", |_| false);
        assert!(right.is_err());
    }

    #[test]
    fn stores_and_the_account_cap_what_many_keys_and_stores_share() {
        let limiter = GuessLimiter::new(limits(10, 15, 25));
        let mut passed = 0;
        for key in 0..100 {
            passed += usize::from(guess(&limiter, presenter(key, 7), 0));
        }
        assert_eq!(passed, 15, "one store, many keys");
        for store in 100..200 {
            passed += usize::from(guess(&limiter, presenter(1_000 + store, store), 0));
        }
        assert_eq!(passed, 25, "many stores and keys: the account's ceiling");
        let other = limiter.attempt(AccountId(2), presenter(1, 7), at(0), || (), |()| true);
        assert!(other.is_ok(), "accounts have their own allowances");
    }

    proptest! {
        /// However presentations interleave over keys and stores, the wrong codes let through
        /// by time `t` never exceed any allowance's burst plus what it refilled by then.
        #[test]
        fn no_allowance_is_ever_exceeded(
            steps in prop::collection::vec((0u64..4, 0u64..4, 0i64..2_000, any::<bool>()), 1..300)
        ) {
            let refill = Duration::from_millis(500);
            let allowance = |burst| Allowance { burst, refill };
            let limits = GuessLimits {
                per_key: allowance(3),
                per_store: allowance(5),
                per_account: allowance(8),
            };
            let limiter = GuessLimiter::new(limits);
            let mut now = 0;
            let mut by_key: HashMap<u64, u64> = HashMap::new();
            let mut by_store: HashMap<u64, u64> = HashMap::new();
            let mut total = 0u64;
            for (key, store, step, wrong) in steps {
                now += step;
                let who = presenter(key, store);
                if limiter.attempt(ACCOUNT, who, at(now), || wrong, |wrong| *wrong).is_ok() && wrong {
                    *by_key.entry(key).or_default() += 1;
                    *by_store.entry(store).or_default() += 1;
                    total += 1;
                }
                let refilled = u64::try_from(now).unwrap_or_default() / 500;
                prop_assert!(by_key.values().all(|n| *n <= 3 + refilled));
                prop_assert!(by_store.values().all(|n| *n <= 5 + refilled));
                prop_assert!(total <= 8 + refilled);
            }
        }
    }
}
