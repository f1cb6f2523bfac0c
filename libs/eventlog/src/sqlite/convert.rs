//! Conversions at the SQLite edge: integers (SQLite stores signed 64-bit) and errors.

use crate::LogError;

const SQLITE_CORRUPT: i64 = 11;
const SQLITE_NOTADB: i64 = 26;

/// A log position as an SQLite integer; positions past `i64::MAX` cannot be stored.
pub(super) fn to_sql(value: u64) -> Result<i64, LogError> {
    i64::try_from(value)
        .map_err(|_| LogError::Storage(format!("position {value} exceeds SQLite's range").into()))
}

/// A stored SQLite integer as a log position; a negative one means the file is corrupt.
pub(super) fn from_sql(value: i64, what: &str) -> Result<u64, LogError> {
    u64::try_from(value).map_err(|_| LogError::Corrupt(format!("negative {what}: {value}")))
}

/// A stored partition number or count.
pub(super) fn partition_from_sql(value: i64, what: &str) -> Result<u32, LogError> {
    u32::try_from(value).map_err(|_| LogError::Corrupt(format!("{what} out of range: {value}")))
}

/// Sorts an sqlx error into the crate's: unreadable data and damaged files are
/// [`LogError::Corrupt`], everything else [`LogError::Storage`].
pub(super) fn db_error(error: sqlx::Error) -> LogError {
    match &error {
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            LogError::Corrupt(error.to_string())
        }
        sqlx::Error::Database(database) if is_damaged(database.code().as_deref()) => {
            LogError::Corrupt(error.to_string())
        }
        _ => LogError::Storage(Box::new(error)),
    }
}

fn is_damaged(code: Option<&str>) -> bool {
    let primary = code
        .and_then(|code| code.parse::<i64>().ok())
        .map(|code| code & 0xff);
    matches!(primary, Some(SQLITE_CORRUPT | SQLITE_NOTADB))
}
