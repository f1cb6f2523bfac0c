//! The `server` binary: the all-in-one server (API, partition actors and projectors in one
//! process). Reads the settings and the command line, starts logging, and runs
//! [`server::Application`] or the `create-account` subcommand. See the crate documentation.

use anyhow::bail;
use server::{create_account, init_logging, Application, Role, Settings};

const USAGE: &str = "usage: server [create-account --name <name>]";

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
            Application::build(settings, Role::AllInOne)
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
