//! [`Permits`]: the bounds on attempts in flight. An attempt takes, in this order:
//! - its account's permit (`per_account`): one tenant's slow or dead partners (a tarpit)
//!   hold at most that many attempts, so they can neither take every global permit nor,
//!   while they wait, a permit of a destination another tenant shares;
//! - its destination's permit (`per_destination`), keyed by the resolved address and port:
//!   however many names point at one address, it gets that many attempts at once;
//! - a global permit (`concurrency`).
//!
//! Waiting counts against the attempt's deadline. Semaphores of destinations and accounts
//! that nobody holds or waits for are forgotten once there are many of them.

use domain::ids::AccountId;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Entries kept per map before idle ones are dropped.
const PRUNE_ABOVE: usize = 4_096;

/// The three permits one attempt holds until it ends.
pub struct Held {
    _permits: [OwnedSemaphorePermit; 3],
}

/// The semaphores.
pub struct Permits {
    per_account: usize,
    per_destination: usize,
    accounts: Mutex<HashMap<AccountId, Arc<Semaphore>>>,
    destinations: Mutex<HashMap<SocketAddr, Arc<Semaphore>>>,
    global: Arc<Semaphore>,
}

impl Permits {
    /// At most `per_account`, `per_destination` and `concurrency` attempts in flight per
    /// account, per destination address and in all (each at least one).
    pub fn new(per_account: usize, per_destination: usize, concurrency: usize) -> Self {
        Self {
            per_account: per_account.max(1),
            per_destination: per_destination.max(1),
            accounts: Mutex::new(HashMap::new()),
            destinations: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// The permits of an attempt of `account` to `destination`, or `None` when `deadline`
    /// passes first.
    pub async fn acquire(
        &self,
        account: AccountId,
        destination: SocketAddr,
        deadline: Instant,
    ) -> Option<Held> {
        let account = semaphore(&self.accounts, account, self.per_account);
        let destination = semaphore(&self.destinations, destination, self.per_destination);
        let acquire = async {
            let account = account.acquire_owned().await.ok()?;
            let destination = destination.acquire_owned().await.ok()?;
            let global = self.global.clone().acquire_owned().await.ok()?;
            Some(Held {
                _permits: [account, destination, global],
            })
        };
        tokio::time::timeout_at(deadline, acquire)
            .await
            .ok()
            .flatten()
    }
}

/// The semaphore of `key` in `map` (a new one of `size` permits when missing).
fn semaphore<K: Eq + Hash>(
    map: &Mutex<HashMap<K, Arc<Semaphore>>>,
    key: K,
    size: usize,
) -> Arc<Semaphore> {
    let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
    if map.len() > PRUNE_ABOVE {
        map.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
    }
    map.entry(key)
        .or_insert_with(|| Arc::new(Semaphore::new(size)))
        .clone()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use std::time::Duration;

    /// A deadline on the paused clock: a refused acquire waits no real time.
    fn soon() -> Instant {
        Instant::now() + Duration::from_millis(50)
    }

    fn at(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn an_account_at_its_cap_waits_while_another_goes_on() {
        let permits = Permits::new(2, 8, 4);
        let (a, b) = (AccountId(1), AccountId(2));
        let _one = permits.acquire(a, at("10.0.0.1:80"), soon()).await.unwrap();
        let _two = permits.acquire(a, at("10.0.0.2:80"), soon()).await.unwrap();
        assert!(permits
            .acquire(a, at("10.0.0.3:80"), soon())
            .await
            .is_none());
        let _other = permits.acquire(b, at("10.0.0.3:80"), soon()).await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_destination_is_its_address_and_port() {
        let permits = Permits::new(8, 1, 8);
        let held = permits
            .acquire(AccountId(1), at("10.0.0.1:80"), soon())
            .await;
        assert!(held.is_some());
        let same = permits
            .acquire(AccountId(2), at("10.0.0.1:80"), soon())
            .await;
        assert!(same.is_none());
        let other_port = permits
            .acquire(AccountId(2), at("10.0.0.1:81"), soon())
            .await;
        assert!(other_port.is_some());
        drop(held);
        let freed = permits
            .acquire(AccountId(2), at("10.0.0.1:80"), soon())
            .await;
        assert!(freed.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn idle_semaphores_are_forgotten() {
        let permits = Permits::new(1, 1, 1);
        for port in 0..=u16::try_from(PRUNE_ABOVE).unwrap() + 1 {
            let address = SocketAddr::new("10.0.0.1".parse().unwrap(), port);
            drop(permits.acquire(AccountId(1), address, soon()).await);
        }
        let kept = permits.destinations.lock().unwrap().len();
        assert!(kept <= 2, "{kept}");
    }
}
