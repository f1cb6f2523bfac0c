//! The `projector` binary: follows every partition of the event log into the read store,
//! with `/health` and `/metrics` on `PROMO_BIND`; `projector rebuild` empties the read store
//! and projects the whole log again, then exits. See the crate documentation.

use anyhow::bail;
use server::{init_logging, rebuild, ProjectorService, Settings};

const USAGE: &str = "usage: projector [rebuild]";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logging();
    let settings = Settings::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {
            ProjectorService::build(&settings)
                .await?
                .run_until_stopped()
                .await
        }
        ["rebuild"] => rebuild(&settings).await,
        _ => bail!("{USAGE}"),
    }
}
