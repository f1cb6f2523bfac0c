//! The `promo` binary's services and commands, and the wiring they share: settings, start-up
//! ([`startup`], the composition root the API's tests start through too), graceful stop. One
//! binary, one subcommand per service ([`Cli`]):
//!
//! - `promo serve` (or `promo` alone): the all-in-one server: the Sparkfly-compatible API, the
//!   partition actors, the projectors and the callback dispatcher in one process. On its
//!   embedded default all data lives in one folder (SQLite files: the event log `events.db`,
//!   the read models `read.db`, the dispatcher's log `callbacks.db`); no Kafka, no Postgres.
//! - `promo command-service`: the API and the partition actors without projectors
//!   (production: the log on Kafka, the read models and snapshots on Postgres).
//! - `promo projector`: the projectors, with `/health` and `/metrics`; `promo projector
//!   rebuild` (or `promo rebuild`) empties the read models and projects the whole log again.
//! - `promo dispatcher`: the callback dispatcher, with `/health` and `/metrics`.
//!
//! Instances of `command-service` (and of `projector`) share the log's partitions when
//! `PROMO_ADVERTISE_URL` is set ([`membership`]: leases in Postgres, a balanced share each;
//! command services forward requests for the others' partitions to their owner).
//!
//! The projectors of `serve` and `projector` run supervised ([`projections::ProjectorGroup`]):
//! one that fails is logged, counted (`projector_failures_total` on `/metrics`) and restarted
//! from its stored position after a backoff ([`startup::StackConfig::projector_restart`]);
//! `/health` answers 503 naming its partition until it has caught up again.
//!
//! Serving and the offline commands:
//! - `promo serve`: serves until SIGINT or SIGTERM. On a start where the log holds no account
//!   1 (an empty log), it first creates account 1 with an admin API key and prints the
//!   identity and key once on stdout (so does `command-service`).
//! - `promo create-account --name <name>`: with the services stopped (on the embedded
//!   default a lock file, `<data>/lock`, keeps two processes off one data folder; the
//!   partition claims would otherwise fence the running server), creates an account with an
//!   admin API key and prints its identity and key. The new account gets the next free id:
//!   the smallest id from 1 up the event log holds no account for (accounts are never
//!   deleted, so one past the highest). On an empty log that is account 1, and the server then
//!   prints no first-start credentials.
//! - `promo keys issue --account N --role pos [--role ...] [--identity X]`, `promo keys list
//!   --account N`, `promo keys rotate --account N --id K [--grace-seconds S]` (default 3600,
//!   at most 604800), `promo keys revoke --account N --id K`: an account's API keys, with the
//!   services stopped, through the operations the `/v1.0/api_keys` routes use. Issue and
//!   rotate print the new secret once, in the first start's shape.
//!
//! Data at rest: the data folder is made mode 0700 and every file the services keep (the
//! SQLite files and their `-wal`/`-shm`, wherever they are; the lock files; `token_secret`;
//! `admin_credentials`) 0600, at every start. The first start also keeps the credentials it
//! prints in `<data>/admin_credentials` (0600). A read database or snapshot store filled
//! from another event log (another SQLite file, another Kafka topic) is refused at start.
//!
//! Configuration, from environment variables (or `KEY=value` lines of the file `PROMO_CONFIG`
//! names; variables already set win):
//! - `PROMO_EVENT_LOG`: `sqlite://<path>` (default `<data>/events.db`) or
//!   `kafka://<host:port>[,...]/<topic>`.
//! - `PROMO_READ_DB`: `sqlite://<path>` (default `<data>/read.db`) or `postgres://...`.
//! - `PROMO_SNAPSHOTS`: where snapshots of partition state go; by default beside a SQLite log,
//!   else in a Postgres read database, else `<data>/snapshots.db`.
//! - `PROMO_BIND`: the address to listen on, default `127.0.0.1:8080`.
//! - `PROMO_DATA_DIR`: the data folder, default `./data` (created when missing).
//! - `PROMO_PARTITIONS`: event-log partitions (one actor each), default 4; keep it once the
//!   log holds data.
//! - `PROMO_WORKERS`: HTTP worker threads, default the number of CPUs.
//! - `PROMO_BACKGROUND_NICE`: the nice value (0 to 19, default 10) of the threads that run
//!   the projectors, the callback dispatcher and snapshot writes in `serve` and
//!   `command-service`, so that requests get the CPU first on a busy machine.
//! - `PROMO_TOKEN_SECRET`: the token signing secret, at least 32 bytes (`openssl rand -hex
//!   32`); a shorter one, or the `change-me` placeholder of `k8s/config.yaml`, refuses to
//!   start. When not given, a random one is created once in `<data>/token_secret` (hex, mode
//!   0600) and read on every later start, so tokens survive a restart. Set it, the same on
//!   every instance, when several serve one log. The secret is never logged.
//! - `PROMO_CALLBACKS`: `embedded` (default) runs the conversion-callback dispatcher in the
//!   server (it never calls the server's own listener); `off` leaves it to the `dispatcher`
//!   service, and the delivery routes answer 503.
//! - `PROMO_SERVER_BIND`: for the `dispatcher` service, the API's address it never calls.
//! - `PROMO_CALLBACK_DEADLINE_MS` (default 60000), `PROMO_CALLBACK_TIMEOUT_MS` (10000),
//!   `PROMO_CALLBACK_PER_HOST` (8), `PROMO_CALLBACK_CONCURRENCY` (256),
//!   `PROMO_CALLBACK_PER_ACCOUNT` (a quarter of the concurrency): the dispatcher's retry
//!   deadline, per-attempt timeout and attempts in flight per destination address, in all
//!   and per account.
//! - `PROMO_CALLBACK_ALLOW`: CIDR ranges (comma-separated, e.g. `10.1.0.0/16`) callbacks may
//!   reach although they are not public; by default only public addresses are called. Read
//!   by the dispatcher and by the API (which refuses other internal urls when they are set),
//!   so give the command service and the dispatcher the same value.
//! - `RUST_LOG`: log filter (default `info`); logs go to stderr as text.
//!
//! API keys are 32 random bytes in hex; only their SHA-256 hash ([`api::hash_key`]) reaches
//! the engine. The first key of an account is `account-<id>-admin`.

/// Every binary allocates with mimalloc: the request path allocates small short-lived
/// objects on several threads, where glibc's allocator spent about a tenth of the CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod app;
mod background;
mod cli;
mod credentials;
mod dispatcher;
mod files;
mod keys;
pub mod membership;
mod ops;
mod projector;
mod secret;
mod settings;
mod signals;
pub mod startup;

pub use app::{create_account, Application, Role, CALLBACKS_LOCK_FILE};
pub use cli::{Cli, Command, KeysCommand, ProjectorCommand};
pub use credentials::{Credentials, CREDENTIALS_FILE};
pub use dispatcher::DispatcherService;
pub use keys::{manage as manage_keys, KeyAction};
pub use projector::{rebuild, ProjectorService};
pub use settings::Settings;
pub use signals::shutdown_signal;

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
