//! The all-in-one server on its embedded default: the Sparkfly-compatible API, the partition
//! actors and the projectors in one process, with all their data in one folder (a SQLite file
//! for the event log, `events.db`, and one for the read models, `read.db`). No Kafka, no
//! Postgres.
//!
//! Commands:
//! - `server`: serves until SIGINT or SIGTERM. On a start where the log holds no account 1
//!   (an empty data folder), it first creates account 1 with an admin API key and prints the
//!   identity and key once on stdout.
//! - `server create-account --name <name>`: with the server stopped (a lock file, `<data>/lock`,
//!   keeps two processes off one data folder; the server's partition claims would otherwise be
//!   fenced), creates an account with an admin API key on the data folder and prints its
//!   identity and key. The new account gets the next free id: the smallest id from 1 up the
//!   event log holds no account for (accounts are never deleted, so one past the highest). On
//!   an empty folder that is account 1, and the server then prints no first-start
//!   credentials.
//!
//! Configuration, from environment variables:
//! - `PROMO_BIND`: the address to listen on, default `127.0.0.1:8080`.
//! - `PROMO_DATA_DIR`: the data folder, default `./data` (created when missing).
//! - `PROMO_PARTITIONS`: event-log partitions (one actor each), default 4; keep it once the
//!   folder holds data.
//! - `PROMO_WORKERS`: HTTP worker threads, default the number of CPUs.
//! - `PROMO_TOKEN_SECRET`: the token signing secret. When not given, a random one is created
//!   once in `<data>/token_secret` (hex, mode 0600) and read on every later start, so tokens
//!   survive a restart. The secret is never logged.
//! - `RUST_LOG`: log filter (default `info`); logs go to stderr as text.
//!
//! API keys are 32 random bytes in hex; only their SHA-256 hash ([`api::hash_key`]) reaches
//! the engine. Identities are `account-<id>-admin`.

mod app;
mod credentials;
mod projector;
mod secret;
mod settings;
mod signals;

pub use app::{create_account, Application, Role};
pub use credentials::Credentials;
pub use projector::{rebuild, ProjectorService};
pub use settings::Settings;

/// Logs to stderr as text, filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
}
