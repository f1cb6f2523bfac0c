//! [`Application`]: the stack opened on its backends plus the HTTP server (through
//! [`startup::open_and_serve`]), built, then run until a signal stops it (the all-in-one
//! server, or the command service that leaves projecting to the projector service); and
//! [`create_account`], the offline subcommand. Both keep the data folder private and locked
//! around the stack.

use crate::background::Background;
use crate::credentials::Credentials;
use crate::settings::Settings;
use crate::startup::{self, callbacks_log, Serving, Stack, StackConfig};
use crate::{files, secret};
use anyhow::{bail, Context as _};
use api::TokenSecret;
use callbacks::DispatcherConfig;
use domain::ids::AccountId;
use futures_util::future::BoxFuture;
use std::fs::File;
use std::future::Future;
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;

/// The file locked by the process working on an embedded data folder.
const LOCK_FILE: &str = "lock";
/// The file locked by the process running the callback dispatcher on an embedded data folder.
pub const CALLBACKS_LOCK_FILE: &str = "callbacks.lock";

/// What an [`Application`] runs besides the API and the partition actors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The all-in-one server: the projectors too.
    AllInOne,
    /// The command service: no projectors (the projector service fills the read store).
    Commands,
}

/// A built server, not yet serving until [`Application::run_until`].
pub struct Application {
    stack: Stack,
    background: Background,
    _locks: Vec<File>,
    server: actix_web::dev::Server,
    port: u16,
}

impl Application {
    /// Binds the listener, opens the backends, starts the actors (and the projectors for
    /// [`Role::AllInOne`], and the callback dispatcher unless `PROMO_CALLBACKS=off`, told never
    /// to call this listener), and creates account 1 with its first key when the log holds no
    /// account 1 (printing the credentials once, and keeping them in
    /// `<data>/admin_credentials`, mode 0600).
    pub async fn build(settings: Settings, role: Role) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("binding {}", settings.bind))?;
        let own = listener.local_addr()?;
        let port = own.port();
        let callbacks = settings.callbacks.then(|| DispatcherConfig {
            own_address: Some(own),
            ..settings.dispatcher.clone()
        });
        let background = Background::start(settings.background_nice)
            .context("starting the background runtime")?;
        let prepared = prepare(&settings, callbacks.is_some())?;
        let mut config =
            settings.stack(role == Role::AllInOne, callbacks, Some(background.handle()));
        if settings.cluster.is_some() {
            anyhow::ensure!(
                role == Role::Commands,
                "PROMO_ADVERTISE_URL is for command-service: the all-in-one server serves \
                 every partition"
            );
            config.cluster = settings.cluster.clone();
        }
        let Serving { stack, server } =
            startup::open_and_serve(&config, prepared.secret, listener, settings.workers)
                .await
                .context("opening the event log and the read store")?;
        restrict_stores(&settings, &config)?;
        if stack.serves(AccountId(1)) && !stack.account_exists(AccountId(1)).await? {
            let credentials = Credentials::create(stack.state(), AccountId(1), "Account 1").await?;
            tracing::info!(account = 1, identity = %credentials.identity, "created the first account");
            print_once(&credentials)?;
            credentials.save(&settings.data_dir)?;
        }
        tracing::info!(bind = %settings.bind, port, partitions = settings.partitions, ?role, "serving");
        Ok(Self {
            stack,
            background,
            _locks: prepared.locks,
            server,
            port,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves (the binary passes SIGINT or SIGTERM; its answer
    /// names why, for the log), then stops gracefully: when instances share the partitions,
    /// it gives its own up first (their writers stopped after their current batch, so the
    /// others take them over at once); then HTTP (requests in flight finish), then the actors
    /// (after their current batch), then the projectors and the background runtime they ran
    /// on.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = &'static str>,
    ) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        let signal = shutdown.await;
        tracing::info!(signal, "stopping");
        let mut stack = self.stack;
        stack.leave().await;
        handle.stop(true).await;
        let served = server.await;
        stack.shutdown().await;
        self.background.shutdown();
        tracing::info!("stopped");
        served.context("the HTTP server task failed")??;
        Ok(())
    }
}

/// Creates an account named `name` with an admin key (the services must be stopped: this
/// claims every partition) and answers its credentials.
pub async fn create_account(settings: Settings, name: &str) -> anyhow::Result<Credentials> {
    let name = name.to_owned();
    with_stack(&settings, |stack| {
        Box::pin(async move {
            let account = stack.next_free_account().await?;
            Credentials::create(stack.state(), account, &name).await
        })
    })
    .await
}

/// Runs `work` on the stack the settings name (projecting in this process, no callbacks),
/// for the offline subcommands: the services must be stopped, since this claims every
/// partition. The stack is shut down after, whatever `work` answered.
pub(crate) async fn with_stack<T>(
    settings: &Settings,
    work: impl for<'a> FnOnce(&'a Stack) -> BoxFuture<'a, anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let (stack, _locks) = open_stack(settings).await?;
    let answer = work(&stack).await;
    stack.shutdown().await;
    answer
}

/// Opens the stack the settings name (projecting in this process, no callbacks, background
/// work on the caller's runtime), in a data folder prepared as for a service ([`prepare`]).
async fn open_stack(settings: &Settings) -> anyhow::Result<(Stack, Vec<File>)> {
    let prepared = prepare(settings, false)?;
    let config = settings.stack(true, None, None);
    let stack = Stack::open(&config, prepared.secret)
        .await
        .context("opening the event log and the read store")?;
    restrict_stores(settings, &config)?;
    Ok((stack, prepared.locks))
}

/// What a process holds before it opens the stack: the data folder's locks and the token
/// secret.
struct Prepared {
    /// Held as long as the process works on the data folder.
    locks: Vec<File>,
    secret: TokenSecret,
}

/// Makes the data folder private (mode 0700, see [`files`]), and on the embedded default takes
/// its lock file (`<data>/lock`) so a second process (a second server, or `create-account`
/// while the server runs) is refused instead of fencing the first one's actors; when this
/// process `dispatches` callbacks, a second lock (`<data>/callbacks.lock`, the one the
/// `dispatcher` service takes) too. (On Kafka, a second process fences the first instead.)
/// Reads the token secret, or creates it in the data folder.
fn prepare(settings: &Settings, dispatches: bool) -> anyhow::Result<Prepared> {
    let dir = &settings.data_dir;
    files::prepare_folder(dir)?;
    let mut locks = Vec::new();
    if settings.embedded() {
        locks.push(lock_file(
            &dir.join(LOCK_FILE),
            "is in use by another process (is the server running?)",
        )?);
        if dispatches {
            locks.push(lock_file(
                &dir.join(CALLBACKS_LOCK_FILE),
                "has its callbacks dispatched by another process (set PROMO_CALLBACKS=off while \
                 the dispatcher service runs)",
            )?);
        }
    }
    let secret = match &settings.token_secret {
        Some(secret) => secret.clone(),
        None => {
            if !settings.embedded() {
                tracing::warn!("PROMO_TOKEN_SECRET is not set: tokens work only on this instance");
            }
            secret::load_or_create(dir)?
        }
    };
    Ok(Prepared { locks, secret })
}

/// Makes the SQLite stores `config` names (wherever they are, with their `-wal` and `-shm`)
/// and the data folder's files mode 0600, once they exist.
fn restrict_stores(settings: &Settings, config: &StackConfig) -> anyhow::Result<()> {
    let logs = [config.event_log.clone(), callbacks_log(&config.event_log)];
    let databases = [
        Some(config.read_store.clone()),
        config.snapshot_store(),
        Some(config.key_store()),
    ];
    files::restrict(
        &settings.data_dir,
        &files::sqlite_stores(&logs, databases.iter().flatten()),
    )?;
    Ok(())
}

/// Takes the lock of `path` for this process, or says why not (`taken`: what a held lock
/// means for the data folder).
pub(crate) fn lock_file(path: &Path, taken: &str) -> anyhow::Result<File> {
    let lock = files::lock_file(path).with_context(|| format!("opening {}", path.display()))?;
    if let Err(error) = lock.try_lock() {
        let folder = path.parent().unwrap_or(path);
        bail!("the data folder {} {taken}: {error}", folder.display());
    }
    Ok(lock)
}

fn print_once(credentials: &Credentials) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{credentials}")?;
    out.flush()?;
    Ok(())
}
