//! Data at rest: the data folder is the process owner's alone (mode 0700), and so is every
//! file the services keep in it or elsewhere (0600): the SQLite files with their `-wal` and
//! `-shm` companions, the lock files, the token secret, the first-start credentials.
//!
//! The folder is created 0700 (and an existing one set to 0700); the files are set to 0600
//! once the stores are open, every start, which also tightens a folder written by an older
//! version. SQLite creates a `-wal` or `-shm` file with its database's mode, so those made
//! later are 0600 too.

use anyhow::Context as _;
use eventlog::{DbUrl, LogUrl};
use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The data folder's mode.
pub const FOLDER_MODE: u32 = 0o700;
/// The mode of every file the services keep.
pub const FILE_MODE: u32 = 0o600;

/// Creates the data folder `dir` when missing, and makes it the owner's alone.
pub fn prepare_folder(dir: &Path) -> anyhow::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(FOLDER_MODE)
        .create(dir)
        .with_context(|| format!("creating the data folder {}", dir.display()))?;
    std::fs::set_permissions(dir, Permissions::from_mode(FOLDER_MODE))
        .with_context(|| format!("restricting the data folder {}", dir.display()))
}

/// Makes every file directly in `dir`, and every SQLite file of `stores` (with its `-wal` and
/// `-shm` companions), the owner's alone.
pub fn restrict(dir: &Path, stores: &[PathBuf]) -> anyhow::Result<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    for store in stores {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = store.clone().into_os_string();
            name.push(suffix);
            files.push(PathBuf::from(name));
        }
    }
    for file in files {
        match std::fs::set_permissions(&file, Permissions::from_mode(FILE_MODE)) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error).with_context(|| format!("restricting {}", file.display()))
            }
        }
    }
    Ok(())
}

/// The SQLite files among the stores: the event log, the read database, the snapshot store,
/// the callback dispatcher's log.
pub fn sqlite_stores<'a>(
    logs: impl IntoIterator<Item = &'a LogUrl>,
    databases: impl IntoIterator<Item = &'a DbUrl>,
) -> Vec<PathBuf> {
    let logs = logs.into_iter().filter_map(|log| match log {
        LogUrl::Sqlite(path) => Some(path.clone()),
        LogUrl::Kafka { .. } => None,
    });
    let databases = databases.into_iter().filter_map(|db| match db {
        DbUrl::Sqlite(path) => Some(path.clone()),
        DbUrl::Postgres(_) => None,
    });
    logs.chain(databases).collect()
}

/// Writes `contents` to `path` (replacing it) readable by the owner only: a new file of
/// mode 0600 beside it, synced, then renamed over it.
pub fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut partial = path.to_path_buf().into_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _stale = std::fs::remove_file(&partial);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
}

/// Opens (creating with mode 0600 when missing) the file at `path` for locking.
pub fn lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(FILE_MODE)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .map(|meta| meta.permissions().mode() & 0o777)
            .unwrap_or_default()
    }

    #[test]
    fn the_folder_and_its_files_become_the_owner_s() -> anyhow::Result<()> {
        let root = tempfile::tempdir()?;
        let dir = root.path().join("data");
        prepare_folder(&dir)?;
        assert_eq!(mode(&dir), FOLDER_MODE);
        std::fs::write(dir.join("read.db"), "x")?;
        std::fs::set_permissions(dir.join("read.db"), Permissions::from_mode(0o644))?;
        let elsewhere = root.path().join("events.db");
        std::fs::write(&elsewhere, "x")?;
        std::fs::write(root.path().join("events.db-wal"), "x")?;
        restrict(&dir, std::slice::from_ref(&elsewhere))?;
        assert_eq!(mode(&dir.join("read.db")), FILE_MODE);
        assert_eq!(mode(&elsewhere), FILE_MODE);
        assert_eq!(mode(&root.path().join("events.db-wal")), FILE_MODE);
        std::fs::set_permissions(&dir, Permissions::from_mode(0o755))?;
        prepare_folder(&dir)?;
        assert_eq!(mode(&dir), FOLDER_MODE, "an existing folder is tightened");

        let secret = dir.join("admin_credentials");
        write_private(&secret, "one")?;
        write_private(&secret, "two")?;
        assert_eq!(std::fs::read_to_string(&secret)?, "two");
        assert_eq!(mode(&secret), FILE_MODE);
        Ok(())
    }
}
