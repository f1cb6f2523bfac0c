//! [`DispatcherService`]: the conversion-callback dispatcher as its own process. It follows
//! the event log (read only), keeps its delivery records in its own log beside it
//! ([`callbacks_log`]: `callbacks.db` next to a SQLite log, the topic
//! `<topic>-callbacks` next to a Kafka one), never calls the API server's listener
//! (`PROMO_SERVER_BIND`), and serves `/health` and `/metrics` on `PROMO_BIND`. Run the server
//! or command service with `PROMO_CALLBACKS=off` beside it. On the embedded default a lock file
//! (`<data>/callbacks.lock`) keeps two dispatchers (or a server with its embedded one) off one
//! data folder; on Kafka a second dispatcher's claims fence the first one's.
//!
//! After a SIGKILL the next start resumes from its own log: pending deliveries go on, and a
//! redemption whose callbacks were not yet recorded is scheduled again with the same delivery
//! ids.

use crate::app::{lock_file, CALLBACKS_LOCK_FILE};
use crate::settings::Settings;
use crate::startup::{callbacks_log, open_key_store};
use crate::{files, ops};
use anyhow::Context as _;
use api::Health;
use callbacks::{CallbackMetrics, Dispatcher, DispatcherConfig};
use eventlog::AnyLog;
use futures_util::future::BoxFuture;
use std::fs::File;
use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;

/// The metrics the endpoints render.
struct Status {
    registry: prometheus::Registry,
}

impl ops::Status for Status {
    fn health(&self) -> Health {
        Health::default()
    }

    fn metrics(&self) -> BoxFuture<'_, anyhow::Result<String>> {
        Box::pin(async { ops::render(&self.registry) })
    }
}

/// The running service.
pub struct DispatcherService {
    dispatcher: Dispatcher,
    server: actix_web::dev::Server,
    _lock: Option<File>,
}

impl DispatcherService {
    /// Takes the embedded data folder's callbacks lock, opens both logs, starts the dispatcher
    /// and binds `/health` and `/metrics`.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let dir = &settings.data_dir;
        files::prepare_folder(dir)?;
        let lock = match settings.embedded() {
            true => Some(lock_file(
                &dir.join(CALLBACKS_LOCK_FILE),
                "has its callbacks dispatched by another process",
            )?),
            false => None,
        };
        let events = AnyLog::open(&settings.event_log, settings.partitions)
            .await
            .context("opening the event log")?;
        let own_log = callbacks_log(&settings.event_log);
        let own = AnyLog::open(&own_log, settings.partitions)
            .await
            .context("opening the dispatcher's log")?;
        let logs = [settings.event_log.clone(), own_log];
        let key_url = settings.key_store();
        let keys = open_key_store(&key_url)
            .await
            .context("opening the key store")?;
        files::restrict(dir, &files::sqlite_stores(&logs, [&key_url]))?;
        let registry = prometheus::Registry::new();
        let metrics = CallbackMetrics::register(&registry)?;
        let config = DispatcherConfig {
            own_address: settings.server_address,
            keys: Some(keys),
            ..settings.dispatcher.clone()
        };
        let dispatcher = Dispatcher::start(events, own, config, metrics).await?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let server = ops::serve(listener, Arc::new(Status { registry }))?;
        tracing::info!(bind = %settings.bind, "dispatching callbacks");
        Ok(Self {
            dispatcher,
            server,
            _lock: lock,
        })
    }

    /// Runs until `shutdown` resolves (naming why), then stops the HTTP side and the
    /// dispatcher (pending deliveries resume at the next start).
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = &'static str>,
    ) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        let signal = shutdown.await;
        tracing::info!(signal, "stopping");
        handle.stop(true).await;
        self.dispatcher.shutdown().await;
        server.await.context("the HTTP task failed")??;
        Ok(())
    }
}
