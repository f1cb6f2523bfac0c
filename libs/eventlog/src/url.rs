//! [`LogUrl`]: which backend holds the log, named by URL scheme: `sqlite://<path>` (the
//! embedded default) or `kafka://<host:port>[,<host:port>...]/<topic>`. `sqlite://` paths
//! are taken as written: `sqlite://data/events.db` is relative to the working directory,
//! `sqlite:///var/lib/promo/events.db` absolute. [`DbUrl`] names a database the same way
//! (`sqlite://<path>` or `postgres://...`), for snapshots and read models. Also [`redact`], for
//! URLs in messages.

use std::path::PathBuf;

/// Why a URL names no backend.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    /// The scheme is not one this setting accepts.
    #[error("{what} `{url}`: expected {expected}")]
    Scheme {
        /// Which setting (the event log, a database).
        what: &'static str,
        /// The URL given (credentials removed).
        url: String,
        /// The schemes accepted.
        expected: &'static str,
    },
    /// A `kafka://` URL without brokers or topic.
    #[error("event log `{0}`: expected kafka://<host:port>[,<host:port>...]/<topic>")]
    Kafka(String),
}

/// The event log's backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogUrl {
    /// One SQLite file.
    Sqlite(PathBuf),
    /// A Kafka topic.
    Kafka {
        /// Bootstrap brokers, comma-separated.
        brokers: String,
        /// The event topic.
        topic: String,
    },
}

impl LogUrl {
    /// Reads an event-log URL.
    pub fn parse(url: &str) -> Result<Self, UrlError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if let Some(rest) = url.strip_prefix("kafka://") {
            let (brokers, topic) = rest
                .split_once('/')
                .ok_or_else(|| UrlError::Kafka(url.to_owned()))?;
            if brokers.is_empty() || topic.is_empty() || topic.contains('/') {
                return Err(UrlError::Kafka(url.to_owned()));
            }
            return Ok(Self::Kafka {
                brokers: brokers.to_owned(),
                topic: topic.to_owned(),
            });
        }
        Err(UrlError::Scheme {
            what: "event log",
            url: redact(url),
            expected: "sqlite:// or kafka://",
        })
    }
}

/// A database backend: the read store's or the snapshots'.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A Postgres database, by its connection URL.
    Postgres(String),
}

impl DbUrl {
    /// Reads a database URL for `what` (the setting's name, for errors).
    pub fn parse(what: &'static str, url: &str) -> Result<Self, UrlError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        Err(UrlError::Scheme {
            what,
            url: redact(url),
            expected: "sqlite:// or postgres://",
        })
    }
}

/// `url` without what may be a password (anything between `://` and `@`).
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn event_logs_by_scheme() {
        assert_eq!(
            LogUrl::parse("sqlite://data/events.db").unwrap(),
            LogUrl::Sqlite("data/events.db".into())
        );
        assert_eq!(
            LogUrl::parse("sqlite:///var/promo/events.db").unwrap(),
            LogUrl::Sqlite("/var/promo/events.db".into())
        );
        assert_eq!(
            LogUrl::parse("kafka://k1:9092,k2:9092/promo-events").unwrap(),
            LogUrl::Kafka {
                brokers: "k1:9092,k2:9092".into(),
                topic: "promo-events".into()
            }
        );
        for bad in [
            "kafka://k1:9092",
            "kafka:///t",
            "kafka://k/a/b",
            "http://x",
            "",
        ] {
            assert!(LogUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn databases_by_scheme_with_passwords_kept_out_of_errors() {
        assert_eq!(
            DbUrl::parse("read", "postgres://u:p@h/db").unwrap(),
            DbUrl::Postgres("postgres://u:p@h/db".into())
        );
        assert_eq!(
            DbUrl::parse("read", "sqlite://read.db").unwrap(),
            DbUrl::Sqlite("read.db".into())
        );
        let error = DbUrl::parse("read", "mysql://u:secret@h/db").unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
