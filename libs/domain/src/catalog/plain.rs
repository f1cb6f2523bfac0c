//! The account's plain named records: counters and Sparkfly events (called occasions here, so
//! they are not mistaken for the log's events). Each is an id and a name with its times; the
//! reference types a counter's name as an integer and an event's as text.

use crate::ids::{CounterId, OccasionId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A counter: a number the account names by another number (Sparkfly's `counter`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Counter {
    /// Its id.
    pub id: CounterId,
    /// Its name, an integer as the reference types it.
    pub name: i64,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Counter fields given on create or update; an absent name stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CounterFields {
    /// Its name (required on create).
    pub name: Option<i64>,
}

/// A Sparkfly event (the `/events` resource): a named occasion of the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Occasion {
    /// Its id.
    pub id: OccasionId,
    /// Its name.
    pub name: String,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Occasion fields given on create or update; an absent name stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OccasionFields {
    /// Its name (required on create).
    pub name: Option<String>,
}
