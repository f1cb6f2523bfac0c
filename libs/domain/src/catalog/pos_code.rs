//! POS offer codes: the codes an account's point-of-sale systems key offers by (Sparkfly's
//! `pos_offer_code`), each unique in its account, with an optional description.

use crate::ids::PosOfferCodeId;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A POS offer code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PosOfferCode {
    /// Its id.
    pub id: PosOfferCodeId,
    /// The code itself, unique in the account.
    pub code: String,
    /// What it stands for, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// POS offer code fields given on create or update; absent ones stay as they are, an empty
/// description clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PosOfferCodeFields {
    /// The code (required on create).
    pub code: Option<String>,
    /// What it stands for.
    pub description: Option<String>,
}
