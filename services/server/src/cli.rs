//! The command line of the `promo` binary (clap): every service of the product and the
//! offline commands, one subcommand each. Without a subcommand it serves the all-in-one
//! server, as `promo serve` does. `create-account`, `keys ...` and `rebuild` work offline,
//! with the services stopped.

use crate::keys::KeyAction;
use api::auth::keys::{parse_role, DEFAULT_GRACE_SECONDS};
use clap::{Parser, Subcommand};
use domain::account::Role;
use domain::ids::{AccountId, ApiKeyId};

/// The promotions engine. Configured by `PROMO_*` environment variables (see the crate
/// documentation); the services run until SIGINT or SIGTERM.
#[derive(Debug, Parser)]
#[command(name = "promo")]
pub struct Cli {
    /// What to run; `serve` when absent.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The services and the offline commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serves everything in one process: the API, the partition actors and the projectors
    /// (the embedded default: SQLite files in `PROMO_DATA_DIR`).
    Serve,
    /// Serves the API and the partition actors, without projectors (production layout: the
    /// event log on Kafka, the read store and snapshots on Postgres).
    CommandService,
    /// Follows every partition of the event log into the read store, with `/health` and
    /// `/metrics` on `PROMO_BIND`.
    Projector {
        /// `rebuild`: empty the read store, project the whole log again, then exit.
        #[command(subcommand)]
        command: Option<ProjectorCommand>,
    },
    /// Runs the conversion-callback dispatcher, with `/health` and `/metrics` on `PROMO_BIND`.
    Dispatcher,
    /// Empties the read store and projects the whole event log again, then exits (the same
    /// as `projector rebuild`).
    Rebuild,
    /// Creates an account (the next free id) with an admin API key and prints them.
    CreateAccount {
        /// The account's name.
        #[arg(long)]
        name: String,
    },
    /// Manages an account's API keys.
    Keys {
        /// What to do.
        #[command(subcommand)]
        command: KeysCommand,
    },
}

/// `promo projector ...`.
#[derive(Debug, Subcommand)]
pub enum ProjectorCommand {
    /// Empties the read store and projects the whole event log again, then exits.
    Rebuild,
}

/// `promo keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Issues a key and prints its secret (shown once).
    Issue {
        /// The account.
        #[arg(long)]
        account: u64,
        /// A role of the key: admin, issuer, pos or reporting (repeat for several).
        #[arg(long = "role", required = true, value_parser = role)]
        roles: Vec<Role>,
        /// Its identity (`X-Auth-Identity`); generated when absent.
        #[arg(long)]
        identity: Option<String>,
    },
    /// Lists the account's keys (never their secrets).
    List {
        /// The account.
        #[arg(long)]
        account: u64,
    },
    /// Draws a new secret and prints it; the previous one keeps working for the grace period.
    Rotate {
        /// The account.
        #[arg(long)]
        account: u64,
        /// The key's id.
        #[arg(long)]
        id: u64,
        /// Seconds the previous secret (and its tokens) stays accepted, at most 604800.
        #[arg(long, default_value_t = DEFAULT_GRACE_SECONDS)]
        grace_seconds: u32,
    },
    /// Revokes a key at once, with every token it obtained.
    Revoke {
        /// The account.
        #[arg(long)]
        account: u64,
        /// The key's id.
        #[arg(long)]
        id: u64,
    },
}

fn role(name: &str) -> Result<Role, String> {
    parse_role(name).map_err(|error| error.to_string())
}

impl KeysCommand {
    /// The account and what to do to its keys.
    pub fn action(self) -> (AccountId, KeyAction) {
        match self {
            Self::Issue {
                account,
                roles,
                identity,
            } => (AccountId(account), KeyAction::Issue { roles, identity }),
            Self::List { account } => (AccountId(account), KeyAction::List),
            Self::Rotate {
                account,
                id,
                grace_seconds,
            } => (
                AccountId(account),
                KeyAction::Rotate {
                    id: ApiKeyId(id),
                    grace_seconds,
                },
            ),
            Self::Revoke { account, id } => {
                (AccountId(account), KeyAction::Revoke { id: ApiKeyId(id) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("promo").chain(args.iter().copied()))
    }

    #[test]
    fn every_service_is_a_subcommand() {
        let command = |args: &[&str]| parse(args).map(|cli| cli.command).ok();
        assert!(matches!(command(&["serve"]), Some(Some(Command::Serve))));
        assert!(matches!(
            command(&["command-service"]),
            Some(Some(Command::CommandService))
        ));
        assert!(matches!(
            command(&["projector"]),
            Some(Some(Command::Projector { command: None }))
        ));
        assert!(matches!(
            command(&["projector", "rebuild"]),
            Some(Some(Command::Projector {
                command: Some(ProjectorCommand::Rebuild)
            }))
        ));
        assert!(matches!(
            command(&["rebuild"]),
            Some(Some(Command::Rebuild))
        ));
        assert!(matches!(
            command(&["dispatcher"]),
            Some(Some(Command::Dispatcher))
        ));
        assert!(command(&["dispatcher", "now"]).is_none());
        assert!(command(&["projector", "rebuild", "twice"]).is_none());
    }

    #[test]
    fn serving_and_create_account_parse_as_before() {
        assert!(parse(&[]).is_ok_and(|cli| cli.command.is_none()));
        let created = parse(&["create-account", "--name", "Second shop"]);
        assert!(matches!(
            created.map(|cli| cli.command),
            Ok(Some(Command::CreateAccount { name })) if name == "Second shop"
        ));
        assert!(parse(&["frobnicate"]).is_err());
        assert!(parse(&["create-account"]).is_err());
    }

    #[test]
    fn keys_commands_parse_to_their_actions() {
        let actions = |args: &[&str]| match parse(args).map(|cli| cli.command) {
            Ok(Some(Command::Keys { command })) => Some(command.action()),
            _ => None,
        };
        assert_eq!(
            actions(&[
                "keys",
                "issue",
                "--account",
                "2",
                "--role",
                "pos",
                "--role",
                "reporting"
            ]),
            Some((
                AccountId(2),
                KeyAction::Issue {
                    roles: vec![Role::Pos, Role::Reporting],
                    identity: None
                }
            ))
        );
        assert_eq!(
            actions(&["keys", "rotate", "--account", "1", "--id", "5"]),
            Some((
                AccountId(1),
                KeyAction::Rotate {
                    id: ApiKeyId(5),
                    grace_seconds: DEFAULT_GRACE_SECONDS
                }
            ))
        );
        assert_eq!(
            actions(&["keys", "revoke", "--account", "1", "--id", "5"]),
            Some((AccountId(1), KeyAction::Revoke { id: ApiKeyId(5) }))
        );
        assert_eq!(
            actions(&["keys", "list", "--account", "3"]),
            Some((AccountId(3), KeyAction::List))
        );
        assert_eq!(
            actions(&["keys", "issue", "--account", "1"]),
            None,
            "a role is required"
        );
        assert_eq!(
            actions(&["keys", "issue", "--account", "1", "--role", "root"]),
            None
        );
    }
}
