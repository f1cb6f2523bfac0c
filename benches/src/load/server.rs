//! [`ServerProcess`]: the real `server` binary as a child process on a data folder, on a
//! free loopback port, with the credentials it prints on a first start; stopped gracefully
//! (SIGTERM) or hard (SIGKILL).

use super::LoadError;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long a start may take before it counts as failed.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long after its exit a process's stdout may take to reach its end.
const OUTPUT_END_TIMEOUT: Duration = Duration::from_secs(10);

/// The credentials a first start prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    /// The account id.
    pub account: String,
    /// The API key's identity.
    pub identity: String,
    /// The API key.
    pub key: String,
}

/// A running server process.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The credentials printed at start, when this was the first start on its event log:
    /// read for at most 500 ms after `/health` answers, so `None` does not prove nothing was
    /// printed; for that, read [`ServerProcess::lines_until_exit`].
    pub printed: Option<Printed>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl ServerProcess {
    /// Starts `binary` with `args` (the service: `["serve"]`, `["dispatcher"]`...) on `data`
    /// with `env` added (on top of this process's environment, so
    /// `PROMO_EVENT_LOG` and `PROMO_READ_DB` set by the caller reach it), waits until
    /// `/health` answers 200, and reads the credentials a first start prints before it
    /// listens.
    pub async fn start(
        binary: &Path,
        args: &[&str],
        data: &Path,
        env: &[(&str, &str)],
    ) -> Result<Self, LoadError> {
        Self::launch(binary, args, data, env, false).await
    }

    /// [`ServerProcess::start`] of a command service that shares the partitions with other
    /// instances: it advertises its own address (`PROMO_ADVERTISE_URL`).
    pub async fn start_member(
        binary: &Path,
        args: &[&str],
        data: &Path,
        env: &[(&str, &str)],
    ) -> Result<Self, LoadError> {
        Self::launch(binary, args, data, env, true).await
    }

    async fn launch(
        binary: &Path,
        args: &[&str],
        data: &Path,
        env: &[(&str, &str)],
        advertise: bool,
    ) -> Result<Self, LoadError> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let base = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(binary);
        command
            .args(args)
            .env("PROMO_DATA_DIR", data)
            .env("PROMO_BIND", format!("127.0.0.1:{port}"))
            .env_remove("PROMO_TOKEN_SECRET")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied());
        if advertise {
            command.env("PROMO_ADVERTISE_URL", &base);
        }
        command.stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = command.spawn()?;
        let out = child
            .stdout
            .take()
            .ok_or_else(|| LoadError::Server("no stdout".into()))?;
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Self {
            child,
            base,
            printed: None,
            lines,
            seen: Vec::new(),
        };
        server.wait_healthy().await?;
        server.printed = server.read_credentials();
        Ok(server)
    }

    async fn wait_healthy(&mut self) -> Result<(), LoadError> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(response) = client.get(format!("{}/health", self.base)).send().await {
                if response.status().is_success() {
                    return Ok(());
                }
            }
            if let Some(status) = self.child.try_wait()? {
                return Err(LoadError::Server(format!("exited at start: {status}")));
            }
            if Instant::now() > deadline {
                return Err(LoadError::Server("did not become healthy".into()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The credentials among the lines printed so far: a first start prints them before it
    /// listens, so once `/health` answers they are on the pipe or were never printed.
    fn read_credentials(&mut self) -> Option<Printed> {
        let deadline = Instant::now() + Duration::from_millis(500);
        loop {
            if let Some(printed) = Printed::parse(&self.seen) {
                return Some(printed);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => return None,
            }
        }
    }

    /// Every line it printed on stdout since the start, read to the end of its output: call
    /// once it has exited ([`ServerProcess::terminate`], [`ServerProcess::kill`]). Fails while
    /// it runs, or when its stdout has not ended [`OUTPUT_END_TIMEOUT`] after the exit (a
    /// process it started still holding it).
    pub fn lines_until_exit(&mut self) -> Result<Vec<String>, LoadError> {
        if self.child.try_wait()?.is_none() {
            return Err(LoadError::Server(
                "still running: its output has no end yet".into(),
            ));
        }
        let deadline = Instant::now() + OUTPUT_END_TIMEOUT;
        let mut lines = std::mem::take(&mut self.seen);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => lines.push(line),
                // The reader hit the end of stdout and dropped its sender.
                Err(RecvTimeoutError::Disconnected) => return Ok(lines),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(LoadError::Server(format!(
                        "stdout still open {OUTPUT_END_TIMEOUT:?} after the exit"
                    )))
                }
            }
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it hard (SIGKILL) and reaps it.
    pub fn kill(&mut self) -> Result<ExitStatus, LoadError> {
        self.child.kill()?;
        Ok(self.child.wait()?)
    }

    /// Asks it to stop (SIGTERM) and waits for its exit.
    pub fn terminate(&mut self) -> Result<ExitStatus, LoadError> {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status()?;
        Ok(self.child.wait()?)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _killed = self.child.kill();
            let _reaped = self.child.wait();
        }
    }
}

impl Printed {
    /// The credentials in printed `lines` (`account:`, `identity:`, `key:`), if all are there.
    pub fn parse(lines: &[String]) -> Option<Self> {
        let field = |name: &str| {
            lines
                .iter()
                .find_map(|line| line.strip_prefix(name).map(|rest| rest.trim().to_owned()))
        };
        Some(Self {
            account: field("account:")?,
            identity: field("identity:")?,
            key: field("key:")?,
        })
    }
}
