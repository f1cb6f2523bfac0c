//! The real `server` binary over real HTTP: first-start credentials, members, a graceful
//! SIGTERM stop and a restart on the same data folder, and `create-account`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use benches::load::{Api, Printed, ServerProcess};
use reqwest::Method;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_promo");
const ENV: &[(&str, &str)] = &[("PROMO_PARTITIONS", "2"), ("PROMO_WORKERS", "1")];

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The binary on `data` with a subcommand to come.
fn command(data: &Path, port: u16) -> Command {
    let mut command = Command::new(BIN);
    command
        .env("PROMO_DATA_DIR", data)
        .env("PROMO_BIND", format!("127.0.0.1:{port}"))
        .envs(ENV.iter().copied())
        .env_remove("PROMO_TOKEN_SECRET")
        .env("RUST_LOG", "warn");
    command
}

async fn start(data: &Path) -> ServerProcess {
    ServerProcess::start(Path::new(BIN), &["serve"], data, ENV)
        .await
        .unwrap()
}

/// Stops `server` with SIGTERM, insists on a clean exit and answers everything it printed,
/// read to the end of its output.
fn stop(mut server: ServerProcess) -> Vec<String> {
    let exit = server.terminate().unwrap();
    assert!(exit.success(), "exit status {exit}");
    server.lines_until_exit().unwrap()
}

async fn login(server: &ServerProcess, credentials: &Printed) -> Api {
    Api::login(&server.base, &credentials.identity, &credentials.key)
        .await
        .unwrap()
}

async fn member_identifiers(api: &Api) -> Vec<String> {
    let body = api
        .expect(Method::GET, "/v1.0/members.json", None, 200)
        .await
        .unwrap();
    body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["member"]["identifier"].as_str().unwrap().to_owned())
        .collect()
}

/// A first start prints account 1's credentials once; they (and a token issued with them)
/// still work after a restart, and the restart prints none, judged on its whole output up to
/// its exit. Fails if a restart prints credentials at any point before it exits (e.g. as it
/// stops, after the 500 ms `ServerProcess::start` reads).
#[tokio::test]
async fn first_start_prints_credentials_that_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let server = start(&data).await;
    let first = server.printed.clone().unwrap();
    assert_eq!(first.account, "1");
    let api = login(&server, &first).await;
    let member: Value = json!({"member": {"identifier": "m-1001"}});
    api.expect(Method::POST, "/v1.0/members.json", Some(&member), 201)
        .await
        .unwrap();
    assert_eq!(member_identifiers(&api).await, ["m-1001"]);
    let printed = stop(server);
    assert_eq!(Printed::parse(&printed), Some(first.clone()));
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

    let server = start(&data).await;
    let old_token = Api::new(&server.base, api.token()).unwrap();
    assert_eq!(
        member_identifiers(&old_token).await,
        ["m-1001"],
        "a token from before the restart still works"
    );
    assert_eq!(
        member_identifiers(&login(&server, &first).await).await,
        ["m-1001"]
    );
    let printed = stop(server);
    assert_eq!(
        Printed::parse(&printed),
        None,
        "no new credentials on a restart"
    );
}

/// `create-account` (refused while the server holds the data folder) prints the next
/// account's credentials, which work on the next start; that start prints none, judged on its
/// whole output up to its exit. Fails if a start on an existing log prints credentials.
#[tokio::test]
async fn create_account_adds_the_next_account_with_an_admin_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start(&data).await;
    let first = server.printed.clone().unwrap();
    let refused = command(&data, free_port())
        .args(["create-account", "--name", "While running"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "the data folder is locked while the server runs"
    );
    stop(server);

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
    let second = Printed::parse(&lines).expect("credentials printed");
    assert_eq!(second.account, "2");
    assert_ne!(second.identity, first.identity);

    let server = start(&data).await;
    let api = login(&server, &second).await;
    let body = api
        .expect(Method::GET, "/v1.0/members.json", None, 200)
        .await
        .unwrap();
    assert_eq!(body["total_entries"], 0);
    let first_api = login(&server, &first).await;
    assert_ne!(api.token(), first_api.token());
    let printed = stop(server);
    assert_eq!(Printed::parse(&printed), None);
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
