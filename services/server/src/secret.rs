//! The token secret kept in the data folder when none is configured.

use anyhow::Context as _;
use api::auth::keys::random_bytes;
use api::TokenSecret;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The name of the secret's file in the data folder.
const FILE: &str = "token_secret";

/// The secret in `<data_dir>/token_secret`, created (32 random bytes in hex, mode 0600) when
/// the file does not exist yet. A file holding fewer than 32 bytes is refused.
pub fn load_or_create(data_dir: &Path) -> anyhow::Result<TokenSecret> {
    let path = data_dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let bytes = hex::decode(text.trim()).context("the token secret file is not hex")?;
            return TokenSecret::strong(bytes)
                .with_context(|| format!("the token secret file {}", path.display()));
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).context("reading the token secret file"),
    }
    let bytes = random_bytes().context("no OS randomness")?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(crate::files::FILE_MODE)
        .open(&path)
        .context("creating the token secret file")?;
    file.write_all(hex::encode(bytes).as_bytes())?;
    file.sync_all()?;
    tracing::info!(path = %path.display(), "created a token secret");
    Ok(TokenSecret::strong(bytes.to_vec())?)
}
