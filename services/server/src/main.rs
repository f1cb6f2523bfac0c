//! The `promo` binary: every service of the product and the offline commands. Parses the
//! command line ([`server::Cli`]), reads the settings, starts logging, and runs the service
//! or command asked for. See the crate documentation.

use clap::Parser as _;
use server::{
    create_account, init_logging, manage_keys, rebuild, shutdown_signal, Application, Cli, Command,
    DispatcherService, ProjectorCommand, ProjectorService, Role, Settings,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings, Role::AllInOne).await,
        Command::CommandService => serve(settings, Role::Commands).await,
        Command::Projector { command: None } => {
            ProjectorService::build(&settings)
                .await?
                .run_until(shutdown_signal())
                .await
        }
        Command::Projector {
            command: Some(ProjectorCommand::Rebuild),
        }
        | Command::Rebuild => rebuild(&settings).await,
        Command::Dispatcher => {
            DispatcherService::build(&settings)
                .await?
                .run_until(shutdown_signal())
                .await
        }
        Command::CreateAccount { name } => {
            let credentials = create_account(settings, &name).await?;
            println!("{credentials}");
            Ok(())
        }
        Command::Keys { command } => {
            let (account, action) = command.action();
            println!("{}", manage_keys(settings, account, action).await?);
            Ok(())
        }
    }
}

async fn serve(settings: Settings, role: Role) -> anyhow::Result<()> {
    Application::build(settings, role)
        .await?
        .run_until(shutdown_signal())
        .await
}
