//! The token secret kept in the data folder when none is configured.

use anyhow::Context as _;
use api::TokenSecret;
use rand_core::{OsRng, TryRngCore};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The name of the secret's file in the data folder.
const FILE: &str = "token_secret";

/// The secret in `<data_dir>/token_secret`, created (32 random bytes in hex, mode 0600) when
/// the file does not exist yet.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<TokenSecret> {
    let path = data_dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let bytes = hex::decode(text.trim()).context("the token secret file is not hex")?;
            anyhow::ensure!(!bytes.is_empty(), "the token secret file is empty");
            return Ok(TokenSecret::new(bytes));
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).context("reading the token secret file"),
    }
    let bytes = random_bytes()?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .context("creating the token secret file")?;
    file.write_all(hex::encode(bytes).as_bytes())?;
    file.sync_all()?;
    tracing::info!(path = %path.display(), "created a token secret");
    Ok(TokenSecret::new(bytes.to_vec()))
}

/// 32 bytes from the operating system's random source.
pub fn random_bytes() -> anyhow::Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|error| anyhow::anyhow!("no OS randomness: {error}"))?;
    Ok(bytes)
}
