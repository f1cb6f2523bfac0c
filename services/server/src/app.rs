//! [`Application`]: the stack opened on its backends plus the HTTP server, built, then run
//! until a signal stops it (the all-in-one server, or the command service that leaves
//! projecting to the projector service); and [`create_account`], the offline subcommand.

use crate::credentials::Credentials;
use crate::secret;
use crate::settings::Settings;
use anyhow::{bail, Context as _};
use api::{Stack, TokenSecret};
use domain::ids::AccountId;
use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;

/// The file locked by the process working on an embedded data folder.
const LOCK_FILE: &str = "lock";

/// What an [`Application`] runs besides the API and the partition actors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The all-in-one server: the projectors too.
    AllInOne,
    /// The command service: no projectors (the projector service fills the read store).
    Commands,
}

/// A built server, not yet serving until [`Application::run_until_stopped`].
pub struct Application {
    stack: Stack,
    _lock: Option<File>,
    server: actix_web::dev::Server,
    port: u16,
}

impl Application {
    /// Opens the backends, starts the actors (and the projectors for [`Role::AllInOne`]),
    /// creates account 1 with its first key when the log holds no account 1 (printing the
    /// credentials once), and binds the listener.
    pub async fn build(settings: Settings, role: Role) -> anyhow::Result<Self> {
        let (stack, lock) = open_stack(&settings, role == Role::AllInOne).await?;
        if !stack.account_exists(AccountId(1)).await? {
            let credentials = Credentials::create(stack.state(), AccountId(1), "Account 1").await?;
            tracing::info!(account = 1, identity = %credentials.identity, "created the first account");
            print_once(&credentials)?;
        }
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let server = api::serve(listener, stack.state().clone(), settings.workers)?;
        tracing::info!(bind = %settings.bind, port, partitions = settings.partitions, ?role, "serving");
        Ok(Self {
            stack,
            _lock: lock,
            server,
            port,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully: HTTP first (requests in flight
    /// finish), then the actors (after their current batch), then the projectors.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        let signal = crate::signals::shutdown_signal().await;
        tracing::info!(signal, "stopping");
        handle.stop(true).await;
        let served = server.await;
        self.stack.shutdown().await;
        tracing::info!("stopped");
        served.context("the HTTP server task failed")??;
        Ok(())
    }
}

/// Creates an account named `name` with an admin key (the services must be stopped: this
/// claims every partition) and answers its credentials.
pub async fn create_account(settings: Settings, name: &str) -> anyhow::Result<Credentials> {
    let (stack, _lock) = open_stack(&settings, true).await?;
    let created = async {
        let account = stack.next_free_account().await?;
        Credentials::create(stack.state(), account, name).await
    }
    .await;
    stack.shutdown().await;
    created
}

/// Opens the stack the settings name. On the embedded default it holds the data folder's
/// lock file (`<data>/lock`) so a second process (a second server, or `create-account` while
/// the server runs) is refused instead of fencing the first one's actors; the lock lasts as
/// long as the returned file.
async fn open_stack(
    settings: &Settings,
    projectors: bool,
) -> anyhow::Result<(Stack, Option<File>)> {
    let dir = &settings.data_dir;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the data folder {}", dir.display()))?;
    let lock = if settings.embedded() {
        Some(lock_data_folder(dir)?)
    } else {
        None
    };
    let secret: TokenSecret = match &settings.token_secret {
        Some(secret) => secret.clone(),
        None => {
            if !settings.embedded() {
                tracing::warn!("PROMO_TOKEN_SECRET is not set: tokens work only on this instance");
            }
            secret::load_or_create(dir)?
        }
    };
    let stack = Stack::open(&settings.stack(projectors), secret)
        .await
        .context("opening the event log and the read store")?;
    Ok((stack, lock))
}

fn lock_data_folder(dir: &Path) -> anyhow::Result<File> {
    let lock = File::create(dir.join(LOCK_FILE)).context("opening the lock file")?;
    if let Err(error) = lock.try_lock() {
        bail!(
            "the data folder {} is in use by another process (is the server running?): {error}",
            dir.display()
        );
    }
    Ok(lock)
}

fn print_once(credentials: &Credentials) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{credentials}")?;
    out.flush()?;
    Ok(())
}
