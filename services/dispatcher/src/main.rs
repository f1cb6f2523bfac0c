//! The `dispatcher` binary: reads the settings, starts logging, runs [`dispatcher::Service`].
//! See the crate documentation.

use dispatcher::{Service, Settings};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    Service::build(Settings::from_env()?)
        .await?
        .run_until_stopped()
        .await
}
