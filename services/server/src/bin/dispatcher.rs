//! The `dispatcher` binary: the conversion-callback dispatcher as its own service, with
//! `/health` and `/metrics` on `PROMO_BIND`. See the crate documentation.

use anyhow::bail;
use server::{init_logging, DispatcherService, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let settings = Settings::from_env()?;
    if std::env::args().len() > 1 {
        bail!("usage: dispatcher (configured by PROMO_* environment variables)");
    }
    DispatcherService::build(&settings)
        .await?
        .run_until_stopped()
        .await
}
