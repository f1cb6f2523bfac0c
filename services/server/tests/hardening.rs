//! The real `server` binary's hardening: its data folder is 0700 and every file in it 0600
//! (with the first start's credentials kept in `admin_credentials`), operators manage API keys
//! offline with `server keys ...`, and a read database of another event log refuses to start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use benches::load::{Api, Printed, ServerProcess};
use reqwest::Method;
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_promo");
const ENV: &[(&str, &str)] = &[("PROMO_PARTITIONS", "2"), ("PROMO_WORKERS", "1")];

async fn start(data: &Path) -> ServerProcess {
    ServerProcess::start(Path::new(BIN), &["serve"], data, ENV)
        .await
        .unwrap()
}

fn stop(mut server: ServerProcess) {
    let exit = server.terminate().unwrap();
    assert!(exit.success(), "exit status {exit}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every regular file directly in `dir`.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_file())
        .map(|entry| entry.path())
        .collect()
}

fn assert_private(data: &Path) {
    assert_eq!(mode(data), 0o700, "the data folder");
    let files = files_in(data);
    for name in [
        "events.db",
        "read.db",
        "token_secret",
        "admin_credentials",
        "lock",
    ] {
        assert!(files.contains(&data.join(name)), "{name} in {files:?}");
    }
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

/// Runs `server <args>` offline on `data`; answers its stdout, or its stderr when it fails.
fn offline(data: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(BIN)
        .args(args)
        .env("PROMO_DATA_DIR", data)
        .envs(ENV.iter().copied())
        .env_remove("PROMO_TOKEN_SECRET")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    if output.status.success() {
        Ok(String::from_utf8(output.stdout).unwrap())
    } else {
        Err(String::from_utf8(output.stderr).unwrap())
    }
}

/// The credentials and the key id a `keys issue` or `keys rotate` printed.
fn printed_key(output: &str) -> (Printed, u64) {
    let lines: Vec<String> = output.lines().map(str::to_owned).collect();
    let printed = Printed::parse(&lines).expect("credentials printed");
    let id = lines
        .iter()
        .find_map(|line| line.strip_prefix("id="))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|id| id.parse().ok())
        .expect("the key's line printed");
    (printed, id)
}

#[tokio::test]
async fn the_data_folder_and_its_files_are_the_owner_s() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start(&data).await;
    let first = server.printed.clone().unwrap();
    let api = Api::login(&server.base, &first.identity, &first.key)
        .await
        .unwrap();
    let member = json!({"member": {"identifier": "m-1"}});
    api.expect(Method::POST, "/v1.0/members", Some(&member), 201)
        .await
        .unwrap();
    assert_private(&data);
    let kept = std::fs::read_to_string(data.join("admin_credentials")).unwrap();
    let kept: Vec<String> = kept.lines().map(str::to_owned).collect();
    assert_eq!(Printed::parse(&kept), Some(first));
    stop(server);
    assert_private(&data);

    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(data.join("read.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let server = start(&data).await;
    assert_private(&data);
    stop(server);
}

#[tokio::test]
async fn operators_issue_list_rotate_and_revoke_keys_offline() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    stop(start(&data).await);

    let issued = offline(
        &data,
        &[
            "keys",
            "issue",
            "--account",
            "1",
            "--role",
            "pos",
            "--identity",
            "till-1",
        ],
    )
    .unwrap();
    let (till, id) = printed_key(&issued);
    assert_eq!(
        (till.account.as_str(), till.identity.as_str()),
        ("1", "till-1")
    );
    let listed = offline(&data, &["keys", "list", "--account", "1"]).unwrap();
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.contains("identity=till-1 roles=pos status=active"),
        "{listed}"
    );
    assert!(!listed.contains(&till.key), "no secret in the list");
    let refused = offline(&data, &["keys", "issue", "--account", "9", "--role", "pos"]);
    assert!(refused.unwrap_err().contains("no account 9"));
    assert!(offline(
        &data,
        &["keys", "issue", "--account", "1", "--role", "root"]
    )
    .is_err());

    let server = start(&data).await;
    let pos = Api::login(&server.base, "till-1", &till.key).await.unwrap();
    pos.expect(Method::GET, "/v1.0/pos/redemptions", None, 200)
        .await
        .unwrap();
    pos.expect(Method::GET, "/v1.0/api_keys", None, 403)
        .await
        .unwrap();
    stop(server);

    let id = id.to_string();
    let rotated = offline(
        &data,
        &[
            "keys",
            "rotate",
            "--account",
            "1",
            "--id",
            &id,
            "--grace-seconds",
            "0",
        ],
    )
    .unwrap();
    let (rotated, _) = printed_key(&rotated);
    assert_ne!(rotated.key, till.key);
    let server = start(&data).await;
    assert!(Api::login(&server.base, "till-1", &till.key).await.is_err());
    Api::login(&server.base, "till-1", &rotated.key)
        .await
        .unwrap();
    stop(server);

    let revoked = offline(&data, &["keys", "revoke", "--account", "1", "--id", &id]).unwrap();
    assert!(revoked.contains("status=revoked"), "{revoked}");
    let server = start(&data).await;
    assert!(Api::login(&server.base, "till-1", &rotated.key)
        .await
        .is_err());
    stop(server);
    assert!(offline(&data, &["create-account", "--name", "Second shop"]).is_ok());
}

#[test]
fn a_read_database_of_another_log_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(offline(&data, &["create-account", "--name", "First"]).is_ok());
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let mut child = Command::new(BIN)
        .env("PROMO_DATA_DIR", &data)
        .env(
            "PROMO_EVENT_LOG",
            format!("sqlite://{}", other.join("events.db").display()),
        )
        .env("PROMO_BIND", "127.0.0.1:0")
        .envs(ENV.iter().copied())
        .env_remove("PROMO_TOKEN_SECRET")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the server started beside another log's read database");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(stderr.contains("read database"), "{stderr}");
    assert!(stderr.contains("another event log"), "{stderr}");
}
