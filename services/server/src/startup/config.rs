//! [`StackConfig`]: where the stack keeps its data (backends named by URL) and what this
//! process runs; and where the stores it does not name explicitly go: snapshots beside a
//! SQLite log, the callback dispatcher's own log beside the event log ([`callbacks_log`]).

use api::landing::LandingSettings;
use callbacks::{Destinations, DispatcherConfig};
use clock::{Clock, SystemClock};
use engine::GuessLimits;
use eventlog::{DbUrl, LogUrl};
use privacy::{KeyStore, KeyStoreError, PostgresKeys, SqliteKeys};
use projections::RestartPolicy;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::runtime::Handle;

/// Where the stack keeps its data, and what this process runs.
#[derive(Clone, Debug)]
pub struct StackConfig {
    /// The event log.
    pub event_log: LogUrl,
    /// The read models.
    pub read_store: DbUrl,
    /// Snapshots of partition state; `None`: beside a SQLite log, else none.
    pub snapshots: Option<DbUrl>,
    /// Members' keys (see the `privacy` crate); `None`: where [`default_key_store`] puts them.
    pub keys: Option<DbUrl>,
    /// Event-log partitions (fixed once the log holds data).
    pub partitions: u32,
    /// Whether this process runs the projectors (the all-in-one server does; the command
    /// service leaves them to the projector service).
    pub projectors: bool,
    /// When a projector of this process that failed is started again.
    pub projector_restart: RestartPolicy,
    /// The callback dispatcher's settings when this process runs it.
    pub callbacks: Option<DispatcherConfig>,
    /// Where callback urls may point, checked by the API when one is set (the same policy
    /// as the dispatcher's: `PROMO_CALLBACK_ALLOW`); public addresses only by default.
    pub callback_destinations: Destinations,
    /// The runtime background work runs on (see the module docs); `None`: the caller's.
    pub background: Option<Handle>,
    /// The wrong-code allowances of the point of sale.
    pub guesses: GuessLimits,
    /// Where the partition actors and the API read the time (decisions, expiries, token
    /// lifetimes, key grace periods): the system clock, or one a test drives.
    pub clock: Arc<dyn Clock>,
    /// Where landing pages are served and how many codes an address may draw.
    pub landing: LandingSettings,
    /// Members a step of a bulk job issues to (see `engine::ActorConfig::bulk_step`).
    pub bulk_step: u32,
    /// When this process shares the partitions with other instances: how (see
    /// [`super::ClusterSettings`]); `None`: it serves every partition itself.
    pub cluster: Option<super::ClusterSettings>,
}

impl StackConfig {
    /// The embedded default: the log at `events`, the read models at `read`, snapshots beside
    /// the log, projectors in this process.
    pub fn embedded(events: &Path, read: &Path, partitions: u32) -> Self {
        Self {
            event_log: LogUrl::Sqlite(events.to_path_buf()),
            read_store: DbUrl::Sqlite(read.to_path_buf()),
            snapshots: None,
            keys: None,
            partitions,
            projectors: true,
            projector_restart: RestartPolicy::default(),
            callbacks: None,
            callback_destinations: Destinations::default(),
            background: None,
            guesses: GuessLimits::default(),
            clock: Arc::new(SystemClock),
            landing: LandingSettings::default(),
            bulk_step: engine::DEFAULT_BULK_STEP,
            cluster: None,
        }
    }

    /// Where snapshots go: the configured store, else beside a SQLite log, else nowhere.
    pub fn snapshot_store(&self) -> Option<DbUrl> {
        match (&self.snapshots, &self.event_log) {
            (Some(url), _) => Some(url.clone()),
            (None, LogUrl::Sqlite(events)) => Some(DbUrl::Sqlite(snapshot_path(events))),
            (None, LogUrl::Kafka { .. }) => None,
        }
    }
}

impl StackConfig {
    /// Where members' keys are kept: the configured store, else [`default_key_store`].
    pub fn key_store(&self) -> DbUrl {
        self.keys
            .clone()
            .unwrap_or_else(|| default_key_store(&self.event_log, &self.read_store))
    }
}

/// Where members' keys go when no store is named: `keys.db` beside a SQLite log, else the
/// read database when it is Postgres (a table of its own), else `keys.db` beside the SQLite
/// read database.
pub fn default_key_store(log: &LogUrl, read: &DbUrl) -> DbUrl {
    match (log, read) {
        (LogUrl::Sqlite(events), _) => DbUrl::Sqlite(events.with_file_name("keys.db")),
        (LogUrl::Kafka { .. }, DbUrl::Postgres(url)) => DbUrl::Postgres(url.clone()),
        (LogUrl::Kafka { .. }, DbUrl::Sqlite(read)) => {
            DbUrl::Sqlite(read.with_file_name("keys.db"))
        }
    }
}

/// Opens the key store `url` names.
pub async fn open_key_store(url: &DbUrl) -> Result<Arc<dyn KeyStore>, KeyStoreError> {
    Ok(match url {
        DbUrl::Sqlite(path) => Arc::new(SqliteKeys::open(path).await?),
        DbUrl::Postgres(url) => Arc::new(PostgresKeys::connect(url).await?),
    })
}

/// The callback dispatcher's own log beside the event log `url`: `callbacks.db` in the same
/// folder as a SQLite log, the topic `<topic>-callbacks` on the same brokers as a Kafka one.
pub fn callbacks_log(url: &LogUrl) -> LogUrl {
    match url {
        LogUrl::Sqlite(events) => LogUrl::Sqlite(events.with_file_name("callbacks.db")),
        LogUrl::Kafka { brokers, topic } => LogUrl::Kafka {
            brokers: brokers.clone(),
            topic: format!("{topic}-callbacks"),
        },
    }
}

/// The snapshot file beside the event log: `events.db` -> `events.snapshots.db`.
fn snapshot_path(events: &Path) -> PathBuf {
    events.with_extension("snapshots.db")
}
