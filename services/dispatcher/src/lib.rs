//! The conversion-callback dispatcher as its own service, on the embedded default: it follows
//! the event log of a data folder (`events.db`, read only), keeps its own log beside it
//! (`callbacks.db`) and serves `GET /health` and `GET /metrics`. Run the server with
//! `PROMO_CALLBACKS=off` beside it; a lock file (`<data>/callbacks.lock`) keeps two
//! dispatchers (or a server with its embedded one) off one data folder. When Kafka arrives,
//! the same dispatcher runs on the Kafka log instead.
//!
//! Configuration, from environment variables:
//! - `PROMO_DATA_DIR`: the data folder, default `./data` (the server's).
//! - `PROMO_PARTITIONS`: the event log's partitions, default 4 (the server's count).
//! - `PROMO_BIND`: where `/health` and `/metrics` listen, default `127.0.0.1:8081`.
//! - `PROMO_SERVER_BIND`: the API server's listen address, never called back; default
//!   `127.0.0.1:8080`.
//! - `PROMO_CALLBACK_DEADLINE_MS`, `PROMO_CALLBACK_TIMEOUT_MS`, `PROMO_CALLBACK_PER_HOST`,
//!   `PROMO_CALLBACK_CONCURRENCY`: see [`callbacks::config`].
//! - `RUST_LOG`: log filter (default `info`).
//!
//! SIGINT or SIGTERM stops it gracefully; after a SIGKILL the next start resumes from its log
//! (pending deliveries go on, a redemption whose callbacks were not yet recorded is scheduled
//! again with the same delivery ids).

use anyhow::{bail, Context as _};
use callbacks::{CallbackMetrics, Dispatcher, DispatcherConfig};
use eventlog::SqliteLog;
use std::fs::File;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;

/// The settings of the service.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The data folder.
    pub data_dir: PathBuf,
    /// The event log's partitions.
    pub partitions: u32,
    /// Where `/health` and `/metrics` listen.
    pub bind: String,
    /// The API server's address, never called back.
    pub server: Option<SocketAddr>,
    /// The dispatcher's settings.
    pub dispatcher: DispatcherConfig,
}

impl Settings {
    /// Reads the settings from the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let partitions = match var("PROMO_PARTITIONS") {
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|count| *count > 0)
                .context("PROMO_PARTITIONS must be a positive integer")?,
            None => 4,
        };
        let server_bind = var("PROMO_SERVER_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let server = server_bind
            .to_socket_addrs()
            .with_context(|| format!("PROMO_SERVER_BIND {server_bind}"))?
            .next();
        Ok(Self {
            data_dir: PathBuf::from(var("PROMO_DATA_DIR").unwrap_or_else(|| "data".into())),
            partitions,
            bind: var("PROMO_BIND").unwrap_or_else(|| "127.0.0.1:8081".into()),
            server,
            dispatcher: DispatcherConfig::from_vars(var)?,
        })
    }
}

/// The running service.
pub struct Service {
    dispatcher: Dispatcher,
    server: actix_web::dev::Server,
    _lock: File,
}

impl Service {
    /// Takes the data folder's callbacks lock, opens both logs, starts the dispatcher and
    /// binds `/health` and `/metrics`.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let dir = &settings.data_dir;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the data folder {}", dir.display()))?;
        let lock = File::create(dir.join("callbacks.lock")).context("opening the lock file")?;
        if let Err(error) = lock.try_lock() {
            bail!(
                "the callbacks of {} are dispatched by another process: {error}",
                dir.display()
            );
        }
        let events = SqliteLog::open(dir.join("events.db"), settings.partitions).await?;
        let own = SqliteLog::open(dir.join("callbacks.db"), settings.partitions).await?;
        let registry = prometheus::Registry::new();
        let metrics = CallbackMetrics::register(&registry)?;
        let config = DispatcherConfig {
            own_address: settings.server,
            ..settings.dispatcher
        };
        let dispatcher = Dispatcher::start(events, own, config, metrics).await?;
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let server = http::serve(listener, registry)?;
        tracing::info!(bind = %settings.bind, "dispatcher serving /health and /metrics");
        Ok(Self {
            dispatcher,
            server,
            _lock: lock,
        })
    }

    /// Runs until SIGINT or SIGTERM, then stops the HTTP side and the dispatcher.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        let signal = shutdown_signal().await;
        tracing::info!(signal, "stopping");
        handle.stop(true).await;
        self.dispatcher.shutdown().await;
        server.await.context("the HTTP task failed")??;
        Ok(())
    }
}

mod http {
    //! `/health` and `/metrics`.

    use actix_web::{web, App, HttpResponse, HttpServer};
    use prometheus::{Encoder, Registry, TextEncoder};
    use std::net::TcpListener;

    async fn health() -> HttpResponse {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
    }

    async fn metrics(registry: web::Data<Registry>) -> HttpResponse {
        let mut out = Vec::new();
        match TextEncoder::new().encode(&registry.gather(), &mut out) {
            Ok(()) => HttpResponse::Ok()
                .content_type("text/plain; version=0.0.4")
                .body(out),
            Err(error) => {
                tracing::error!(%error, "metrics failed");
                HttpResponse::InternalServerError().finish()
            }
        }
    }

    pub(super) fn serve(
        listener: TcpListener,
        registry: Registry,
    ) -> std::io::Result<actix_web::dev::Server> {
        let registry = web::Data::new(registry);
        Ok(HttpServer::new(move || {
            App::new()
                .app_data(registry.clone())
                .route("/health", web::get().to(health))
                .route("/metrics", web::get().to(metrics))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run())
    }
}

/// Waits for SIGINT or SIGTERM; answers which.
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        () = terminate => "SIGTERM",
    }
}
