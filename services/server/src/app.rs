//! [`Application`]: the stack opened on the data folder plus the HTTP server, built, then run
//! until a signal stops it; and [`create_account`], the offline subcommand.

use crate::credentials::Credentials;
use crate::secret;
use crate::settings::Settings;
use anyhow::{bail, Context as _};
use api::{Stack, TokenSecret};
use callbacks::DispatcherConfig;
use domain::ids::AccountId;
use std::fs::File;
use std::io::Write;
use std::net::TcpListener;

/// The event log's file in the data folder.
const EVENTS_FILE: &str = "events.db";
/// The read models' file in the data folder.
const READ_FILE: &str = "read.db";
/// The file locked by the process working on the data folder.
const LOCK_FILE: &str = "lock";
/// The file locked by the process running the callback dispatcher on the data folder.
pub const CALLBACKS_LOCK_FILE: &str = "callbacks.lock";

/// A built server, not yet serving until [`Application::run_until_stopped`].
pub struct Application {
    stack: Stack,
    _locks: Vec<File>,
    server: actix_web::dev::Server,
    port: u16,
}

impl Application {
    /// Opens the data folder, starts the actors and projectors, creates account 1 with its
    /// first key when the log holds no account 1 (printing the credentials once), and binds
    /// the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let own = listener.local_addr()?;
        let port = own.port();
        let callbacks = settings.callbacks.then(|| DispatcherConfig {
            own_address: Some(own),
            ..settings.dispatcher.clone()
        });
        let (stack, locks) = open_stack(&settings, callbacks).await?;
        if !stack.account_exists(AccountId(1)).await? {
            let credentials = Credentials::create(stack.state(), AccountId(1), "Account 1").await?;
            tracing::info!(account = 1, identity = %credentials.identity, "created the first account");
            print_once(&credentials)?;
        }
        let server = api::serve(listener, stack.state().clone(), settings.workers)?;
        tracing::info!(bind = %settings.bind, port, partitions = settings.partitions, "serving");
        Ok(Self {
            stack,
            _locks: locks,
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
        let signal = shutdown_signal().await;
        tracing::info!(signal, "stopping");
        handle.stop(true).await;
        let served = server.await;
        self.stack.shutdown().await;
        tracing::info!("stopped");
        served.context("the HTTP server task failed")??;
        Ok(())
    }
}

/// Creates an account named `name` with an admin key on the data folder (the server must be
/// stopped) and answers its credentials.
pub async fn create_account(settings: Settings, name: &str) -> anyhow::Result<Credentials> {
    let (stack, _locks) = open_stack(&settings, None).await?;
    let created = async {
        let account = stack.next_free_account().await?;
        Credentials::create(stack.state(), account, name).await
    }
    .await;
    stack.shutdown().await;
    created
}

/// Opens the stack on the data folder, holding the folder's lock file (`<data>/lock`) so a
/// second process (a second server, or `create-account` while the server runs) is refused
/// instead of fencing the first one's actors. With `callbacks`, the dispatcher runs too, under
/// a second lock (`<data>/callbacks.lock`, the one the `dispatcher` service takes). The locks
/// last as long as the returned files.
async fn open_stack(
    settings: &Settings,
    callbacks: Option<DispatcherConfig>,
) -> anyhow::Result<(Stack, Vec<File>)> {
    let dir = &settings.data_dir;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the data folder {}", dir.display()))?;
    let lock = File::create(dir.join(LOCK_FILE)).context("opening the lock file")?;
    if let Err(error) = lock.try_lock() {
        bail!(
            "the data folder {} is in use by another process (is the server running?): {error}",
            dir.display()
        );
    }
    let mut locks = vec![lock];
    if callbacks.is_some() {
        let lock = File::create(dir.join(CALLBACKS_LOCK_FILE))
            .context("opening the callbacks lock file")?;
        if let Err(error) = lock.try_lock() {
            bail!(
                "the callbacks of {} are dispatched by another process (set PROMO_CALLBACKS=off \
                 while the dispatcher service runs): {error}",
                dir.display()
            );
        }
        locks.push(lock);
    }
    let secret: TokenSecret = match &settings.token_secret {
        Some(secret) => secret.clone(),
        None => secret::load_or_create(dir)?,
    };
    let stack = Stack::start_with_callbacks(
        &dir.join(EVENTS_FILE),
        &dir.join(READ_FILE),
        settings.partitions,
        secret,
        callbacks,
    )
    .await
    .with_context(|| format!("opening the data folder {}", dir.display()))?;
    Ok((stack, locks))
}

fn print_once(credentials: &Credentials) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{credentials}")?;
    out.flush()?;
    Ok(())
}

/// Waits for SIGINT or SIGTERM; answers which.
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let terminate = async {
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        () = terminate => "SIGTERM",
    }
}
