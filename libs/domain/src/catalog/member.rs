//! Members: the shoppers an account knows, each with an identifier unique in the account.

use crate::ids::MemberId;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

/// A member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Member {
    /// Its id.
    pub id: MemberId,
    /// The account's own id for the member; unique in the account.
    pub identifier: String,
    /// How the member is notified ("app" by default).
    pub notification_mode: SmolStr,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Member fields given on create or update; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MemberFields {
    /// The account's own id for the member.
    pub identifier: Option<String>,
    /// How the member is notified.
    pub notification_mode: Option<String>,
}
