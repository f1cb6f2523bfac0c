//! The `server` binary: reads the settings and the command line, starts logging, and runs
//! [`server::Application`] or the `create-account` subcommand. See the crate documentation.

use anyhow::bail;
use server::{create_account, Application, Settings};
use tracing_subscriber::EnvFilter;

const USAGE: &str = "usage: server [create-account --name <name>]";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let settings = Settings::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        ["create-account", "--name", name] => {
            let credentials = create_account(settings, name).await?;
            println!("{credentials}");
            Ok(())
        }
        _ => bail!("{USAGE}"),
    }
}
