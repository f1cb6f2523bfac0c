//! [`SizedCeiling`]: the `http_ceiling` binary beside the product, answering every request
//! with a dry run's answer, so a dry run can be compared with the cost of carrying its own
//! bytes over HTTP (the box's ceiling for a request of that size), not only with `/health`.

use anyhow::Context as _;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the bare server may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// The running bare server; stopped when dropped.
pub struct SizedCeiling {
    child: Child,
    /// Where it listens.
    pub address: SocketAddr,
    _answer: tempfile::NamedTempFile,
}

impl SizedCeiling {
    /// Starts `http_ceiling` (beside this binary) answering `answer` on as many workers as
    /// the product's default (one per core).
    pub async fn start(answer: &[u8]) -> anyhow::Result<Self> {
        let mut file = tempfile::NamedTempFile::new()?;
        file.write_all(answer)?;
        file.flush()?;
        let address = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let workers = std::thread::available_parallelism().map_or(1, usize::from);
        let binary = std::env::current_exe()?.with_file_name("http_ceiling");
        let child = Command::new(&binary)
            .arg(address.to_string())
            .arg(file.path())
            .arg(workers.to_string())
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let ceiling = Self {
            child,
            address,
            _answer: file,
        };
        let deadline = Instant::now() + START_TIMEOUT;
        while tokio::net::TcpStream::connect(address).await.is_err() {
            anyhow::ensure!(Instant::now() < deadline, "http_ceiling did not listen");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(ceiling)
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SizedCeiling {
    fn drop(&mut self) {
        let _killed = self.child.kill();
        let _reaped = self.child.wait();
    }
}
