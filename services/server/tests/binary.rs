//! The real `server` binary over real HTTP: first-start credentials, members, a graceful
//! SIGTERM stop and a restart on the same data folder, and `create-account`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_server");

/// A running server process and the lines it prints on stdout.
struct Server {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    stopped: bool,
    base: String,
    client: reqwest::Client,
}

/// Credentials as printed.
#[derive(Debug, Clone, PartialEq)]
struct Printed {
    account: String,
    identity: String,
    key: String,
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn command(data: &Path, port: u16) -> Command {
    let mut command = Command::new(BIN);
    command
        .env("PROMO_DATA_DIR", data)
        .env("PROMO_BIND", format!("127.0.0.1:{port}"))
        .env("PROMO_PARTITIONS", "2")
        .env("PROMO_WORKERS", "1")
        .env_remove("PROMO_TOKEN_SECRET")
        .env("RUST_LOG", "warn");
    command
}

fn parse(lines: &[String]) -> Option<Printed> {
    let field = |name: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(name).map(|rest| rest.trim().to_owned()))
    };
    Some(Printed {
        account: field("account:")?,
        identity: field("identity:")?,
        key: field("key:")?,
    })
}

impl Server {
    /// Starts the binary on `data` and waits until `GET /health` answers 200.
    async fn start(data: &Path) -> Self {
        let port = free_port();
        let mut child = command(data, port)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Self {
            child,
            lines,
            seen: Vec::new(),
            stopped: false,
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(response) = server.client.get(server.url("/health")).send().await {
                assert_eq!(response.status(), 200);
                break;
            }
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The credentials printed on the first start (printed before the server listens).
    fn credentials(&mut self) -> Printed {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(printed) = parse(&self.seen) {
                return printed;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("no credentials printed: {:?}", self.seen)
                }
            }
        }
    }

    /// Sends SIGTERM, waits for a clean exit and answers everything it printed on stdout.
    fn stop(mut self) -> Vec<String> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(15);
        let exit = loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                break exit;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        self.stopped = true;
        assert!(exit.success(), "exit status {exit}");
        let mut seen = std::mem::take(&mut self.seen);
        seen.extend(self.lines.iter());
        seen
    }

    async fn token(&self, credentials: &Printed) -> String {
        let response = self
            .client
            .get(self.url("/auth"))
            .header("X-Auth-Identity", &credentials.identity)
            .header("X-Auth-Key", &credentials.key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        response.headers()["x-auth-token"]
            .to_str()
            .unwrap()
            .to_owned()
    }

    async fn members(&self, token: &str) -> (u16, Value) {
        let response = self
            .client
            .get(self.url("/v1.0/members.json"))
            .header("X-Auth-Token", token)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn identifiers(body: &Value) -> Vec<String> {
    body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["member"]["identifier"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn first_start_prints_credentials_that_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let mut server = Server::start(&data).await;
    let first = server.credentials();
    assert_eq!(first.account, "1");
    let token = server.token(&first).await;
    let response = server
        .client
        .post(server.url("/v1.0/members.json"))
        .header("X-Auth-Token", &token)
        .json(&json!({"member": {"identifier": "m-1001"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (status, body) = server.members(&token).await;
    assert_eq!(status, 200);
    assert_eq!(identifiers(&body), ["m-1001"]);
    let printed = server.stop();
    let credentials = parse(&printed).expect("credentials printed on the first start");
    assert_eq!(credentials, first);
    assert_eq!(printed.iter().filter(|l| l.starts_with("key:")).count(), 1);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("token_secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let server = Server::start(&data).await;
    let (status, body) = server.members(&token).await;
    assert_eq!(status, 200, "a token from before the restart still works");
    assert_eq!(identifiers(&body), ["m-1001"]);
    let fresh = server.token(&credentials).await;
    let (status, body) = server.members(&fresh).await;
    assert_eq!(status, 200);
    assert_eq!(identifiers(&body), ["m-1001"]);
    let printed = server.stop();
    assert_eq!(
        parse(&printed),
        None,
        "no new credentials on a restart: {printed:?}"
    );
}

#[tokio::test]
async fn create_account_adds_the_next_account_with_an_admin_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start(&data).await;
    let first = server.credentials();
    let refused = command(&data, free_port())
        .args(["create-account", "--name", "While running"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "the data folder is locked while the server runs"
    );
    server.stop();

    let output = command(&data, free_port())
        .args(["create-account", "--name", "Second shop"])
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(output.status.success());
    let lines: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let second = parse(&lines).expect("credentials printed");
    assert_eq!(second.account, "2");
    assert_ne!(second.identity, first.identity);

    let server = Server::start(&data).await;
    let token = server.token(&second).await;
    let (status, body) = server.members(&token).await;
    assert_eq!(status, 200);
    assert_eq!(body["total_entries"], 0);
    let first_token = server.token(&first).await;
    assert_ne!(token, first_token);
    let printed = server.stop();
    assert_eq!(parse(&printed), None);
}

#[test]
fn an_unknown_command_fails() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(dir.path(), free_port())
        .arg("frobnicate")
        .output()
        .unwrap();
    assert!(!output.status.success());
}
