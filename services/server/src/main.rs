//! The `server` binary: the all-in-one server (API, partition actors and projectors in one
//! process). Parses the command line ([`server::Cli`]), reads the settings, starts logging,
//! and runs [`server::Application`] or an offline command. See the crate documentation.

use clap::Parser as _;
use server::{
    create_account, init_logging, manage_keys, Application, Cli, Command, Role, Settings,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging();
    let settings = Settings::from_env()?;
    match cli.command {
        None => {
            Application::build(settings, Role::AllInOne)
                .await?
                .run_until_stopped()
                .await
        }
        Some(Command::CreateAccount { name }) => {
            let credentials = create_account(settings, &name).await?;
            println!("{credentials}");
            Ok(())
        }
        Some(Command::Keys { command }) => {
            let (account, action) = command.action();
            println!("{}", manage_keys(settings, account, action).await?);
            Ok(())
        }
    }
}
