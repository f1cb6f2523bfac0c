//! The errors of the read side.

/// What can go wrong while projecting or reading.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// The read database failed.
    #[error("read database: {0}")]
    Database(#[from] sqlx::Error),
    /// The event log failed.
    #[error("key store: {0}")]
    Keys(#[from] privacy::KeyStoreError),
    /// The event log failed.
    #[error("event log: {0}")]
    Log(#[from] eventlog::LogError),
    /// A stored record or row is not the JSON it should be.
    #[error("undecodable {what}: {source}")]
    Decode {
        /// What was being decoded.
        what: &'static str,
        /// Why it failed.
        source: serde_json::Error,
    },
    /// The read database's URL names a database this crate does not know.
    #[error("unsupported read database URL scheme {scheme:?} (use sqlite:// or postgres://)")]
    UnsupportedUrl {
        /// The URL's scheme (the rest of the URL is left out: it may hold a password).
        scheme: String,
    },
    /// A number does not fit the database's signed 64-bit integers.
    #[error("{0} does not fit a database integer")]
    OutOfRange(u64),
}

impl ProjectionError {
    pub(crate) fn decode(what: &'static str) -> impl FnOnce(serde_json::Error) -> Self {
        move |source| Self::Decode { what, source }
    }
}

/// A number as a database integer.
pub(crate) fn int(value: u64) -> Result<i64, ProjectionError> {
    i64::try_from(value).map_err(|_| ProjectionError::OutOfRange(value))
}

/// A database integer read back as a number (negative never occurs: it is read as 0).
pub(crate) fn uint(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}
