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
//! - `PROMO_CALLBACKS`: `embedded` (default) runs the conversion-callback dispatcher in this
//!   process (its log is `<data>/callbacks.db`; it never calls the server's own listener);
//!   `off` leaves it to the `dispatcher` service, and the delivery routes answer 503.
//! - `PROMO_CALLBACK_DEADLINE_MS` (default 60000), `PROMO_CALLBACK_TIMEOUT_MS` (10000),
//!   `PROMO_CALLBACK_PER_HOST` (8), `PROMO_CALLBACK_CONCURRENCY` (256): the dispatcher's retry
//!   deadline, per-attempt timeout and attempts in flight per partner host and in all.
//! - `RUST_LOG`: log filter (default `info`); logs go to stderr as text.
//!
//! API keys are 32 random bytes in hex; only their SHA-256 hash ([`api::hash_key`]) reaches
//! the engine. Identities are `account-<id>-admin`.

mod app;
mod credentials;
mod secret;
mod settings;

pub use app::{create_account, Application, CALLBACKS_LOCK_FILE};
pub use credentials::Credentials;
pub use settings::Settings;
