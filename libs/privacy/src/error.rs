//! The privacy crate's errors.

use thiserror::Error;

/// Why a text could not be sealed or opened.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SealError {
    /// The text is not in the sealed form.
    #[error("not a sealed text")]
    NotSealed,
    /// The key does not open it (another key, another member, or the text was changed).
    #[error("the sealed text does not open with its key")]
    Unauthentic,
    /// The cipher refused the text (larger than it takes).
    #[error("the text could not be sealed")]
    Cipher,
}

/// Why the key store failed.
#[derive(Debug, Error)]
pub enum KeyStoreError {
    /// The database failed (IO, connection, locking).
    #[error("key store: {0}")]
    Database(#[from] sqlx::Error),
    /// An id does not fit the database's integers.
    #[error("key store: {what} {value} does not fit a signed 64-bit integer")]
    OutOfRange {
        /// What the id is.
        what: &'static str,
        /// The id.
        value: u64,
    },
    /// A stored key is not 32 bytes.
    #[error("key store: a stored key has {0} bytes, not 32")]
    BadKey(usize),
}
