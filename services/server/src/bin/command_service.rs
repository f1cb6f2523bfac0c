//! The `command-service` binary: the API and the partition actors, without projectors (the
//! `projector` service fills the read store). For the production layout: the event log on
//! Kafka, the read store and snapshots on Postgres. See the crate documentation.

use anyhow::bail;
use server::{init_logging, Application, Role, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let settings = Settings::from_env()?;
    if std::env::args().len() > 1 {
        bail!("usage: command-service (configured by PROMO_* environment variables)");
    }
    Application::build(settings, Role::Commands)
        .await?
        .run_until_stopped()
        .await
}
