//! Membership: how instances of a service share the log's partitions. Every
//! [`ClusterSettings::tick`] an instance takes part in a round of the `cluster` crate's
//! leases in Postgres (heartbeat, renewals, the balanced plan): it starts serving each
//! partition it acquired, stops serving each partition the plan gives to another member
//! before releasing its lease, and tells its [`Share`] who serves the others. A partition is
//! served by at most one instance at any instant, and by none only between its release (or
//! its owner's lease running out, after a crash) and its new owner's start.
//!
//! An instance that cannot renew its leases for [`ClusterSettings::lease_ttl`] (less a
//! fifth) stops serving on its own, before another instance may take them, and is not ready
//! until a round succeeds again.
//!
//! - `writers`: the command service's share: a partition actor per partition (its claim
//!   fences any older writer at the broker, the fence of record), and the table the API
//!   forwards by.
//! - `projectors`: the projector service's share: a supervised projector per partition.

mod projectors;
mod writers;

pub use projectors::Projectors;
pub use writers::Writers;

use cluster::{ClusterConfig, ClusterError, Coordinator, Owner, Tick};
use futures_util::future::BoxFuture;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

/// The service name command services hold their leases under.
pub const COMMAND_SERVICE: &str = "command-service";
/// The service name projector services hold their leases under.
pub const PROJECTOR_SERVICE: &str = "projector";

/// How an instance takes part in sharing the partitions.
#[derive(Clone, Debug)]
pub struct ClusterSettings {
    /// The Postgres database holding memberships and leases.
    pub database: String,
    /// Where the other instances reach this one (`http://host:port`).
    pub address: String,
    /// This instance's id among the members (unique per start).
    pub instance: String,
    /// How long a lease lasts unless renewed; a crashed instance's partitions move after it.
    pub lease_ttl: Duration,
    /// How often the instance takes part in a round.
    pub tick: Duration,
}

impl ClusterSettings {
    /// The settings of instance `instance`, reached at `address`, with leases in `database`,
    /// on the default lease length and round interval.
    pub fn new(database: &str, address: &str, instance: &str) -> Self {
        Self {
            database: database.to_owned(),
            address: address.to_owned(),
            instance: instance.to_owned(),
            lease_ttl: cluster::DEFAULT_LEASE_TTL,
            tick: cluster::DEFAULT_TICK,
        }
    }
}

/// What an instance serves per partition it owns, and what it does with the others.
pub trait Share: Send + Sync + 'static {
    /// What serving one partition holds (its actor, its projector task).
    type Served: Send + Sync + 'static;

    /// Starts serving `partition` (run beside the rounds; an error gives the lease back).
    fn start(&self, partition: u32) -> BoxFuture<'static, Result<Self::Served, String>>;

    /// `partition` started: from now on this instance serves it.
    fn serving(&mut self, partition: u32, served: &Self::Served);

    /// Stops serving `partition` once its work in flight is done.
    fn stop(&mut self, partition: u32, served: Self::Served) -> BoxFuture<'static, ()>;

    /// Whether `served` still serves (a writer fenced by a newer one does not).
    fn alive(&self, served: &Self::Served) -> bool;

    /// `partition` is not served here: `owner` serves it, or nobody while it moves.
    fn elsewhere(&mut self, partition: u32, owner: Option<&Owner>);

    /// Whether this instance's leases are current.
    fn ready(&mut self, ready: bool);
}

/// The running membership loop. Stop it with [`Membership::stop`].
pub struct Membership {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// What a start answers.
type Started<S> = (u32, Result<<S as Share>::Served, String>, Instant);

/// The loop's state.
struct Member<S: Share> {
    coordinator: Coordinator,
    share: S,
    instance: String,
    served: BTreeMap<u32, S::Served>,
    starting: BTreeSet<u32>,
    /// Partitions still starting that the plan took away: stopped as soon as they start.
    abandoned: BTreeSet<u32>,
    starts: JoinSet<Started<S>>,
    renewed: Instant,
    lease_ttl: Duration,
}

impl Membership {
    /// Joins the members of `service` in `settings`' database for a log of `partitions`,
    /// serves through `share` the partitions the first round gives this instance (started
    /// before this answers), and keeps taking part in rounds until stopped.
    pub async fn start<S: Share>(
        service: &str,
        settings: &ClusterSettings,
        partitions: u32,
        share: S,
    ) -> Result<Self, ClusterError> {
        let config = ClusterConfig {
            service: service.to_owned(),
            instance: settings.instance.clone(),
            address: settings.address.clone(),
            partitions,
            lease_ttl: settings.lease_ttl,
            member_ttl: settings.lease_ttl,
        };
        let coordinator = Coordinator::open(&settings.database, config).await?;
        let mut member = Member {
            coordinator,
            share,
            instance: settings.instance.clone(),
            served: BTreeMap::new(),
            starting: BTreeSet::new(),
            abandoned: BTreeSet::new(),
            starts: JoinSet::new(),
            renewed: Instant::now(),
            lease_ttl: settings.lease_ttl,
        };
        member.round().await;
        while let Some(started) = member.starts.join_next().await {
            member.started(started).await;
        }
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(member.run(settings.tick, stopped));
        Ok(Self { stop, task })
    }

    /// Stops taking part: stops serving every partition once its work in flight is done,
    /// then gives up the leases and the membership at once (the others take the partitions
    /// at their next round instead of after the leases run out).
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the membership loop failed");
        }
    }
}

impl<S: Share> Member<S> {
    async fn run(mut self, tick: Duration, mut stopped: oneshot::Receiver<()>) {
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                Some(started) = self.starts.join_next(), if !self.starts.is_empty() => {
                    self.started(started).await;
                }
                _ = interval.tick() => self.round().await,
            }
        }
        self.leave().await;
    }

    /// The partitions this instance serves or is starting to; one no longer alive is stopped.
    async fn holding(&mut self) -> BTreeSet<u32> {
        let dead: Vec<u32> = self
            .served
            .iter()
            .filter(|(_, served)| !self.share.alive(served))
            .map(|(partition, _)| *partition)
            .collect();
        for partition in dead {
            tracing::warn!(partition, "serving the partition stopped (fenced?)");
            if let Some(served) = self.served.remove(&partition) {
                self.share.stop(partition, served).await;
            }
            self.share.elsewhere(partition, None);
        }
        self.served.keys().chain(&self.starting).copied().collect()
    }

    async fn round(&mut self) {
        let holding = self.holding().await;
        match self.coordinator.tick(&holding).await {
            Ok(tick) => {
                self.renewed = Instant::now();
                self.share.ready(true);
                self.apply(tick).await;
            }
            Err(error) => {
                tracing::warn!(%error, "a membership round failed");
                if self.renewed.elapsed() + self.lease_ttl / 5 >= self.lease_ttl {
                    self.step_down().await;
                }
            }
        }
    }

    async fn apply(&mut self, tick: Tick) {
        for partition in tick.to_release {
            if self.starting.contains(&partition) {
                self.abandoned.insert(partition);
                continue;
            }
            if let Some(served) = self.served.remove(&partition) {
                self.share.elsewhere(partition, None);
                self.share.stop(partition, served).await;
            }
            self.release(partition).await;
            tracing::info!(partition, "released the partition");
        }
        for (partition, token) in tick.acquired {
            tracing::info!(partition, token, "acquired the partition; starting it");
            self.starting.insert(partition);
            let start = self.share.start(partition);
            let began = Instant::now();
            self.starts
                .spawn(async move { (partition, start.await, began) });
        }
        let partitions = self.coordinator.config().partitions;
        for partition in 0..partitions {
            if self.starting.contains(&partition) || self.served.contains_key(&partition) {
                continue;
            }
            let owner = tick
                .owners
                .get(&partition)
                .filter(|owner| owner.instance != self.instance);
            self.share.elsewhere(partition, owner);
        }
    }

    async fn started(&mut self, started: Result<Started<S>, tokio::task::JoinError>) {
        let (partition, served, began) = match started {
            Ok(started) => started,
            Err(error) => {
                tracing::error!(%error, "starting a partition panicked");
                return;
            }
        };
        self.starting.remove(&partition);
        match served {
            Ok(served) if self.abandoned.remove(&partition) => {
                self.share.stop(partition, served).await;
                self.release(partition).await;
            }
            Ok(served) => {
                self.share.serving(partition, &served);
                self.served.insert(partition, served);
                let took_ms = began.elapsed().as_millis();
                tracing::info!(partition, took_ms, "serving the partition");
            }
            Err(error) => {
                self.abandoned.remove(&partition);
                tracing::error!(partition, %error, "the partition did not start");
                self.release(partition).await;
            }
        }
    }

    async fn release(&self, partition: u32) {
        if let Err(error) = self.coordinator.release(partition).await {
            tracing::warn!(partition, %error, "releasing a lease failed; it runs out instead");
        }
    }

    /// Stops serving every partition (the leases are about to run out, or the instance
    /// leaves).
    async fn step_down(&mut self) {
        self.share.ready(false);
        self.starts.abort_all();
        self.starting.clear();
        self.abandoned.clear();
        let mut stopping = Vec::new();
        for (partition, served) in std::mem::take(&mut self.served) {
            self.share.elsewhere(partition, None);
            stopping.push(self.share.stop(partition, served));
        }
        futures_util::future::join_all(stopping).await;
        tracing::info!("stopped serving every partition");
    }

    async fn leave(mut self) {
        self.step_down().await;
        if let Err(error) = self.coordinator.leave().await {
            tracing::warn!(%error, "leaving the members failed; the leases run out instead");
        }
        self.coordinator.close().await;
    }
}
