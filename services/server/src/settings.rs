//! [`Settings`]: the typed configuration, read from the environment (and an optional env file)
//! with defaults: the embedded default keeps everything in one data folder; URLs point the
//! event log at Kafka and the read models and snapshots at Postgres.

use crate::startup::{ClusterSettings, StackConfig};
use anyhow::Context as _;
use api::landing::LandingSettings;
use api::TokenSecret;
use callbacks::DispatcherConfig;
use clock::SystemClock;
use engine::GuessLimits;
use eventlog::{DbUrl, LogUrl};
use projections::RestartPolicy;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::runtime::Handle;

/// Everything a service needs to know before it starts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen (`PROMO_BIND`).
    pub bind: String,
    /// The data folder (`PROMO_DATA_DIR`): the embedded files, the lock, the token secret.
    pub data_dir: PathBuf,
    /// Event-log partitions (`PROMO_PARTITIONS`).
    pub partitions: u32,
    /// HTTP worker threads (`PROMO_WORKERS`).
    pub workers: usize,
    /// The nice value of the background threads (`PROMO_BACKGROUND_NICE`, 0 to 19, default
    /// [`crate::background::DEFAULT_NICE`]; 0 runs them at the request path's priority).
    pub background_nice: u8,
    /// The token secret when given (`PROMO_TOKEN_SECRET`, at least 32 bytes, not the
    /// manifests' placeholder); wrapped, never printed.
    pub token_secret: Option<TokenSecret>,
    /// The event log (`PROMO_EVENT_LOG`, default `sqlite://<data>/events.db`).
    pub event_log: LogUrl,
    /// The read models (`PROMO_READ_DB`, default `sqlite://<data>/read.db`).
    pub read_store: DbUrl,
    /// Snapshots of partition state (`PROMO_SNAPSHOTS`); by default beside a SQLite log, or
    /// in the read database when it is Postgres, or `sqlite://<data>/snapshots.db`.
    pub snapshots: Option<DbUrl>,
    /// Members' keys (`PROMO_KEY_STORE`); by default `keys.db` beside a SQLite log, or the
    /// read database when it is Postgres (see [`crate::startup::default_key_store`]).
    pub keys: Option<DbUrl>,
    /// Whether the server runs the callback dispatcher (`PROMO_CALLBACKS`: `embedded`, the
    /// default, or `off` when the `dispatcher` service runs it).
    pub callbacks: bool,
    /// The dispatcher's settings (`PROMO_CALLBACK_*`, see [`callbacks::config`]).
    pub dispatcher: DispatcherConfig,
    /// For the `dispatcher` service: the API server's address, never called back
    /// (`PROMO_SERVER_BIND`, default `127.0.0.1:8080`).
    pub server_address: Option<SocketAddr>,
    /// Landing pages: the path before the xid (`PROMO_LANDING_BASE`, default `/`).
    pub landing: LandingSettings,
    /// Members a step of a bulk job issues to (`PROMO_BULK_STEP`, default
    /// [`engine::DEFAULT_BULK_STEP`]; steps take at most a third of a writer's time).
    pub bulk_step: u32,
    /// For the command and projector services: share the partitions with the other
    /// instances of the service that set `PROMO_ADVERTISE_URL` (see [`cluster_settings`]);
    /// `None`: serve them all.
    pub cluster: Option<ClusterSettings>,
}

impl Settings {
    /// Reads the settings from the environment. When `PROMO_CONFIG` names a file, its
    /// `KEY=value` lines are read first; variables already set win over the file.
    pub fn from_env() -> anyhow::Result<Self> {
        if let Some(file) = std::env::var_os("PROMO_CONFIG") {
            dotenvy::from_path(&file)
                .with_context(|| format!("reading PROMO_CONFIG {}", file.to_string_lossy()))?;
        }
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the settings from `lookup` (a variable's value by name; empty counts as unset).
    /// A token secret shorter than 32 bytes, or the example manifests' placeholder, is
    /// refused.
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let partitions = positive(var("PROMO_PARTITIONS"), "PROMO_PARTITIONS")?.unwrap_or(4);
        let workers = positive(var("PROMO_WORKERS"), "PROMO_WORKERS")?
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let background_nice = match var("PROMO_BACKGROUND_NICE") {
            Some(text) => text
                .parse::<u8>()
                .ok()
                .filter(|nice| *nice <= 19)
                .context("PROMO_BACKGROUND_NICE must be a whole number from 0 to 19")?,
            None => crate::background::DEFAULT_NICE,
        };
        let data_dir = PathBuf::from(var("PROMO_DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let event_log = match var("PROMO_EVENT_LOG") {
            Some(url) => LogUrl::parse(&url)?,
            None => LogUrl::Sqlite(data_dir.join("events.db")),
        };
        let read_store = match var("PROMO_READ_DB") {
            Some(url) => DbUrl::parse("read database", &url)?,
            None => DbUrl::Sqlite(data_dir.join("read.db")),
        };
        let snapshots = match var("PROMO_SNAPSHOTS") {
            Some(url) => Some(DbUrl::parse("snapshots", &url)?),
            None => default_snapshots(&event_log, &read_store, &data_dir),
        };
        let keys = var("PROMO_KEY_STORE")
            .map(|url| DbUrl::parse("key store", &url))
            .transpose()?;
        let callbacks = match var("PROMO_CALLBACKS").as_deref() {
            None | Some("embedded") => true,
            Some("off") => false,
            Some(_) => anyhow::bail!("PROMO_CALLBACKS must be embedded or off"),
        };
        let server_bind = var("PROMO_SERVER_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let server_address = server_bind
            .to_socket_addrs()
            .with_context(|| format!("PROMO_SERVER_BIND {server_bind}"))?
            .next();
        let mut landing = LandingSettings::default();
        if let Some(base) = var("PROMO_LANDING_BASE") {
            anyhow::ensure!(
                LandingSettings::is_valid_base(&base),
                "PROMO_LANDING_BASE must be / or /segments/ of a-z, 0-9, - and _"
            );
            landing.base_path = base;
        }
        let bulk_step = positive(var("PROMO_BULK_STEP"), "PROMO_BULK_STEP")?
            .map(u32::try_from)
            .transpose()
            .context("PROMO_BULK_STEP is too large")?
            .unwrap_or(engine::DEFAULT_BULK_STEP);
        let cluster = cluster_settings(&var, &event_log, &read_store)?;
        Ok(Self {
            landing,
            bulk_step,
            cluster,
            callbacks,
            dispatcher: DispatcherConfig::from_vars(var)?,
            server_address,
            bind: var("PROMO_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            data_dir,
            partitions: u32::try_from(partitions).context("PROMO_PARTITIONS is too large")?,
            workers,
            background_nice,
            token_secret: var("PROMO_TOKEN_SECRET")
                .map(|text| TokenSecret::strong(text.into_bytes()))
                .transpose()
                .context("PROMO_TOKEN_SECRET")?,
            event_log,
            read_store,
            snapshots,
            keys,
        })
    }

    /// Where members' keys are kept.
    pub fn key_store(&self) -> DbUrl {
        self.keys
            .clone()
            .unwrap_or_else(|| crate::startup::default_key_store(&self.event_log, &self.read_store))
    }

    /// Whether the event log is the embedded SQLite file (then one process owns the data
    /// folder, guarded by its lock file).
    pub fn embedded(&self) -> bool {
        matches!(self.event_log, LogUrl::Sqlite(_))
    }

    /// The stack these settings name; `projectors`: whether this process projects;
    /// `callbacks`: the dispatcher's settings when it runs in this process; `background`:
    /// where background work runs (the caller's runtime when `None`).
    pub fn stack(
        &self,
        projectors: bool,
        callbacks: Option<DispatcherConfig>,
        background: Option<Handle>,
    ) -> StackConfig {
        StackConfig {
            event_log: self.event_log.clone(),
            read_store: self.read_store.clone(),
            snapshots: self.snapshots.clone(),
            keys: self.keys.clone(),
            partitions: self.partitions,
            projectors,
            projector_restart: RestartPolicy::default(),
            callbacks,
            callback_destinations: self.dispatcher.destinations.clone(),
            background,
            guesses: GuessLimits::default(),
            clock: Arc::new(SystemClock),
            landing: self.landing.clone(),
            bulk_step: self.bulk_step,
            cluster: None,
        }
    }
}

/// Sharing the partitions, when `PROMO_ADVERTISE_URL` is set: the address the other
/// instances forward requests to (`http://host:port`, this instance's API; a projector's
/// operations port, for the record); leases in
/// `PROMO_CLUSTER_DB` (default: the read database, which must then be Postgres);
/// `PROMO_INSTANCE_ID` (default: a new ULID per start; letters, digits, `-`, `_`, `.`, at
/// most 64); `PROMO_LEASE_SECONDS` (default 5: a crashed instance's partitions move after
/// it). Needs the log on Kafka.
fn cluster_settings(
    var: &impl Fn(&str) -> Option<String>,
    log: &LogUrl,
    read: &DbUrl,
) -> anyhow::Result<Option<ClusterSettings>> {
    let Some(address) = var("PROMO_ADVERTISE_URL") else {
        return Ok(None);
    };
    anyhow::ensure!(
        (address.starts_with("http://") || address.starts_with("https://"))
            && !address.contains(char::is_whitespace),
        "PROMO_ADVERTISE_URL must be an http:// or https:// address, e.g. http://10.0.0.7:8080"
    );
    anyhow::ensure!(
        matches!(log, LogUrl::Kafka { .. }),
        "PROMO_ADVERTISE_URL needs the event log on Kafka (PROMO_EVENT_LOG=kafka://...)"
    );
    let database = match (var("PROMO_CLUSTER_DB"), read) {
        (Some(url), _) => match DbUrl::parse("cluster database", &url)? {
            DbUrl::Postgres(url) => url,
            DbUrl::Sqlite(_) => anyhow::bail!("PROMO_CLUSTER_DB must be a postgres:// URL"),
        },
        (None, DbUrl::Postgres(url)) => url.clone(),
        (None, DbUrl::Sqlite(_)) => anyhow::bail!(
            "PROMO_ADVERTISE_URL needs PROMO_CLUSTER_DB or a Postgres PROMO_READ_DB for the leases"
        ),
    };
    let instance = var("PROMO_INSTANCE_ID").unwrap_or_else(|| ulid::Ulid::generate().to_string());
    anyhow::ensure!(
        !instance.is_empty()
            && instance.len() <= 64
            && instance
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.')),
        "PROMO_INSTANCE_ID must be 1 to 64 letters, digits, -, _ or ."
    );
    let mut settings = ClusterSettings::new(&database, address.trim_end_matches('/'), &instance);
    if let Some(seconds) = positive(var("PROMO_LEASE_SECONDS"), "PROMO_LEASE_SECONDS")? {
        settings.lease_ttl = Duration::from_secs(u64::try_from(seconds).unwrap_or(u64::MAX));
    }
    Ok(Some(settings))
}

/// Snapshots beside a SQLite log (`None` lets the stack put them there), in a Postgres read
/// database, or in a SQLite file of the data folder.
fn default_snapshots(log: &LogUrl, read: &DbUrl, data_dir: &std::path::Path) -> Option<DbUrl> {
    match (log, read) {
        (LogUrl::Sqlite(_), _) => None,
        (LogUrl::Kafka { .. }, DbUrl::Postgres(url)) => Some(DbUrl::Postgres(url.clone())),
        (LogUrl::Kafka { .. }, DbUrl::Sqlite(_)) => {
            Some(DbUrl::Sqlite(data_dir.join("snapshots.db")))
        }
    }
}

fn positive(text: Option<String>, name: &str) -> anyhow::Result<Option<usize>> {
    text.map(|text| {
        text.parse::<usize>()
            .ok()
            .filter(|count| *count > 0)
            .with_context(|| format!("{name} must be a positive integer"))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        Settings::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn a_short_token_secret_refuses_to_start() {
        let Err(error) = settings(&[("PROMO_TOKEN_SECRET", "shared test secret")]) else {
            panic!("an 18-byte secret was accepted");
        };
        let message = format!("{error:#}");
        assert!(message.contains("PROMO_TOKEN_SECRET"), "{message}");
        assert!(message.contains("at least 32"), "{message}");
    }

    #[test]
    fn a_long_random_token_secret_is_taken_and_none_is_fine() {
        let hex = "9f".repeat(32);
        let taken = settings(&[("PROMO_TOKEN_SECRET", &hex)]);
        assert!(taken.is_ok_and(|settings| settings.token_secret.is_some()));
        let unset = settings(&[("PROMO_TOKEN_SECRET", "")]);
        assert!(unset.is_ok_and(|settings| settings.token_secret.is_none()));
    }

    const KAFKA: (&str, &str) = ("PROMO_EVENT_LOG", "kafka://127.0.0.1:9092/events");
    const POSTGRES: (&str, &str) = ("PROMO_READ_DB", "postgres://postgres@db:5432/promo");
    const ADVERTISE: (&str, &str) = ("PROMO_ADVERTISE_URL", "http://10.0.0.7:8080/");

    #[test]
    fn sharing_the_partitions_takes_its_leases_from_the_read_database_by_default() {
        let shared = settings(&[KAFKA, POSTGRES, ADVERTISE, ("PROMO_LEASE_SECONDS", "3")])
            .unwrap_or_else(|error| panic!("{error:#}"));
        let cluster = shared.cluster.unwrap_or_else(|| panic!("not shared"));
        assert_eq!(cluster.database, POSTGRES.1);
        assert_eq!(cluster.address, "http://10.0.0.7:8080");
        assert_eq!(cluster.lease_ttl, Duration::from_secs(3));
        assert_eq!(cluster.instance.len(), 26, "a ULID");
        let alone = settings(&[KAFKA, POSTGRES]).unwrap_or_else(|error| panic!("{error:#}"));
        assert!(alone.cluster.is_none());
    }

    #[test]
    fn sharing_the_partitions_refuses_what_cannot_work() {
        let refusals = [
            (vec![ADVERTISE, POSTGRES], "on Kafka"),
            (vec![ADVERTISE, KAFKA], "PROMO_CLUSTER_DB"),
            (
                vec![("PROMO_ADVERTISE_URL", "10.0.0.7:8080"), KAFKA, POSTGRES],
                "http://",
            ),
            (
                vec![ADVERTISE, KAFKA, POSTGRES, ("PROMO_INSTANCE_ID", "a b")],
                "PROMO_INSTANCE_ID",
            ),
            (
                vec![ADVERTISE, KAFKA, ("PROMO_CLUSTER_DB", "sqlite:///tmp/x.db")],
                "postgres",
            ),
        ];
        for (vars, expected) in refusals {
            let Err(error) = settings(&vars) else {
                panic!("{vars:?} was accepted");
            };
            let message = format!("{error:#}");
            assert!(message.contains(expected), "{vars:?}: {message}");
        }
    }
}
