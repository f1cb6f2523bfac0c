//! [`ProjectorService`]: the projector as its own process (the production layout): one
//! supervised projector per partition of the event log into the read store (a failed one is
//! restarted from its stored position after a backoff, as in the all-in-one server), with
//! `/health` (503 while a projector is failing, naming its partitions) and `/metrics` (each
//! partition's projected offset, failed runs) on its own port; and [`rebuild`], which empties
//! the read store and projects the whole log again.
//! With `PROMO_ADVERTISE_URL` set, projector services share the partitions as command
//! services do ([`crate::membership`]): each projects its leases' share, and `/health` names
//! the instance and the partitions it projects.
//! A read store filled from another event log is refused at start (`rebuild` takes it over).

use crate::membership::{Membership, Projectors, PROJECTOR_SERVICE};
use crate::settings::Settings;
use crate::startup::{open_key_store, pair_stores};
use crate::{files, ops};
use anyhow::Context as _;
use api::http::{MEMBERSHIP, PROJECTORS};
use api::Health;
use eventlog::{AnyLog, EventLog};
use futures_util::future::BoxFuture;
use projections::{ProjectorConfig, ProjectorGroup, ProjectorMetrics, ReadStore, Supervision};
use prometheus::{IntGauge, IntGaugeVec, Opts, Registry};
use std::future::Future;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What the health and metrics routes look at.
struct Status {
    projectors: Arc<ProjectorGroup>,
    /// When projector services share the partitions: this instance's id, and whether its
    /// leases are current.
    member: Option<(String, Arc<AtomicBool>)>,
    store: ReadStore,
    partitions: u32,
    registry: Registry,
    /// Each partition's projected offset, set when the metrics are rendered.
    next_offset: IntGaugeVec,
    /// Whether every projector runs without failing, set when the metrics are rendered.
    running: IntGauge,
}

/// A built projector service, not yet serving until [`ProjectorService::run_until`].
pub struct ProjectorService {
    status: Arc<Status>,
    membership: Option<Membership>,
    server: actix_web::dev::Server,
    port: u16,
}

impl ProjectorService {
    /// Opens the log and the read store, starts the projectors, and binds the listener for
    /// `/health` and `/metrics`.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let (log, store) = open(settings).await?;
        let registry = Registry::new();
        let next_offset = IntGaugeVec::new(
            Opts::new(
                "projector_next_offset",
                "The next event-log offset each partition's projector reads",
            ),
            &["partition"],
        )?;
        let running = IntGauge::new(
            "projector_running",
            "1 while every projector runs and none is failing",
        )?;
        registry.register(Box::new(next_offset.clone()))?;
        registry.register(Box::new(running.clone()))?;
        let supervision = Supervision {
            metrics: Some(ProjectorMetrics::register(&registry)?),
            ..Supervision::default()
        };
        let config = ProjectorConfig::default();
        let (projectors, membership, member) = match &settings.cluster {
            None => {
                let group = ProjectorGroup::start(&log, &store, config, &supervision);
                (Arc::new(group), None, None)
            }
            Some(cluster) => {
                let group = Arc::new(ProjectorGroup::idle(&log, &store, config, &supervision));
                let ready = Arc::new(AtomicBool::new(false));
                let share = Projectors::new(Arc::clone(&group), Arc::clone(&ready));
                let partitions = log.partitions();
                let membership =
                    Membership::start(PROJECTOR_SERVICE, cluster, partitions, share).await?;
                (
                    group,
                    Some(membership),
                    Some((cluster.instance.clone(), ready)),
                )
            }
        };
        let status = Arc::new(Status {
            projectors,
            member,
            store,
            partitions: log.partitions(),
            registry,
            next_offset,
            running,
        });
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let server = ops::serve(listener, Arc::clone(&status) as Arc<dyn ops::Status>)?;
        tracing::info!(bind = %settings.bind, port, partitions = status.partitions, "projecting");
        Ok(Self {
            status,
            membership,
            server,
            port,
        })
    }

    /// The port `/health` and `/metrics` answer on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Projects until `shutdown` resolves (naming why), then stops the HTTP server and the
    /// projectors (each after its current batch) and closes the read store.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = &'static str>,
    ) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        let signal = shutdown.await;
        tracing::info!(signal, "stopping");
        handle.stop(true).await;
        let served = server.await;
        if let Some(membership) = self.membership {
            membership.stop().await;
        }
        let status = Arc::into_inner(self.status).context("the HTTP server still holds state")?;
        let projectors =
            Arc::into_inner(status.projectors).context("the membership still holds projectors")?;
        projectors.shutdown().await;
        status.store.close().await;
        tracing::info!("stopped");
        served.context("the HTTP server task failed")??;
        Ok(())
    }
}

/// Empties the read store and projects every partition of the log from offset 0 to its end,
/// then stops. Run it with the projector service stopped. The read store is paired with this
/// log afresh: a rebuild is how a read database of another log is taken over.
pub async fn rebuild(settings: &Settings) -> anyhow::Result<()> {
    let (log, store) = open_unpaired(settings).await?;
    store.rebuild().await.context("emptying the read store")?;
    pair_stores(&log, &store, None).await?;
    for partition in 0..log.partitions() {
        let projector = projections::Projector::new(
            log.clone(),
            store.clone(),
            partition,
            ProjectorConfig::default(),
        );
        let next = projector
            .catch_up()
            .await
            .with_context(|| format!("projecting partition {partition}"))?;
        tracing::info!(partition, next, "partition projected");
    }
    store.close().await;
    Ok(())
}

/// The log and the read store, the store checked to belong to the log ([`pair_stores`]).
async fn open(settings: &Settings) -> anyhow::Result<(AnyLog, ReadStore)> {
    let (log, store) = open_unpaired(settings).await?;
    pair_stores(&log, &store, None).await?;
    Ok((log, store))
}

/// The log and the read store, in a private data folder ([`files`]).
async fn open_unpaired(settings: &Settings) -> anyhow::Result<(AnyLog, ReadStore)> {
    files::prepare_folder(&settings.data_dir)?;
    let log = AnyLog::open(&settings.event_log, settings.partitions)
        .await
        .context("opening the event log")?;
    let keys = settings.key_store();
    let store = ReadStore::open_url(&settings.read_store)
        .await
        .context("opening the read store")?
        .with_keys(
            open_key_store(&keys)
                .await
                .context("opening the key store")?,
        );
    let stores = files::sqlite_stores([&settings.event_log], [&settings.read_store, &keys]);
    files::restrict(&settings.data_dir, &stores)?;
    Ok((log, store))
}

impl ops::Status for Status {
    fn health(&self) -> Health {
        let mut health = Health::default().failing_projectors(self.projectors.failing());
        if !self.projectors.healthy() {
            health = health.unhealthy(PROJECTORS);
        }
        if let Some((instance, ready)) = &self.member {
            health = health.owning(instance, self.projectors.running());
            if !ready.load(Ordering::Acquire) {
                health = health.unhealthy(MEMBERSHIP);
            }
        }
        health
    }

    fn metrics(&self) -> BoxFuture<'_, anyhow::Result<String>> {
        Box::pin(render_metrics(self))
    }
}

/// Each partition's projected offset, whether the projectors run without failing, and their
/// failed runs, in Prometheus text.
async fn render_metrics(status: &Status) -> anyhow::Result<String> {
    for partition in 0..status.partitions {
        let offset = status.store.next_offset(partition).await?;
        status
            .next_offset
            .with_label_values(&[partition.to_string()])
            .set(i64::try_from(offset).unwrap_or(i64::MAX));
    }
    status.running.set(i64::from(status.projectors.healthy()));
    ops::render(&status.registry)
}
