//! [`TestDatabase`]: a fresh Postgres database per test, created through the `postgres`
//! maintenance database of the server at `PROMO_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432`, a server URL without a database) and dropped when the
//! test ends; databases left by test processes that are gone are dropped on the next create.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432";
const PREFIX: &str = "promo_test_";

/// A database that exists until this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    server: String,
}

fn server() -> String {
    std::env::var("PROMO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| DEFAULT_SERVER.to_string())
        .trim_end_matches('/')
        .to_string()
}

async fn maintenance(server: &str) -> PgConnection {
    let connected = match PgConnectOptions::from_str(server) {
        Ok(options) => {
            options
                .database("postgres")
                .disable_statement_logging()
                .connect()
                .await
        }
        Err(error) => Err(error),
    };
    connected.unwrap_or_else(|error| {
        panic!(
            "the Postgres tests need a Postgres server at 127.0.0.1:5432 (user postgres, trust \
             auth), or one named by PROMO_TEST_POSTGRES_URL; connecting to {server} failed: \
             {error}"
        )
    })
}

impl TestDatabase {
    /// Creates a database with a name no other test uses, after dropping those left behind
    /// by test processes that are gone.
    pub async fn create() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let server = server();
        let mut admin = maintenance(&server).await;
        drop_abandoned(&mut admin).await;
        let name = format!(
            "{PREFIX}{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.subsec_nanos())
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|error| panic!("creating the test database {name}: {error}"));
        let _ = admin.close().await;
        Self {
            url: format!("{server}/{name}"),
            name,
            server,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        let dropping = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if let Ok(options) = PgConnectOptions::from_str(&server) {
                        if let Ok(mut admin) = options.database("postgres").connect().await {
                            drop_database(&mut admin, &name).await;
                        }
                    }
                });
            }
        });
        let _ = dropping.join();
    }
}

async fn drop_database(admin: &mut PgConnection, name: &str) {
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(admin).await;
}

/// Drops the test databases of processes that no longer run (left by a test that panicked).
async fn drop_abandoned(admin: &mut PgConnection) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'promo_test_%'")
            .fetch_all(&mut *admin)
            .await
            .unwrap_or_default();
    for name in names {
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()) {
            drop_database(admin, &name).await;
        }
    }
}
