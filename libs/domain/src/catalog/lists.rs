//! Store lists and member lists: named sets used for offer eligibility. Their memberships
//! change by additions and removals, so events stay small for large lists.

use crate::ids::{MemberId, MemberListId, MerchantId, StoreId, StoreListId};
use crate::persistent::OrdSet;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A named set of stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StoreList {
    /// Its id.
    pub id: StoreListId,
    /// Its name.
    pub name: String,
    /// The merchant it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<MerchantId>,
    /// Its stores.
    #[schemars(with = "std::collections::BTreeSet<StoreId>")]
    pub store_ids: OrdSet<StoreId>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// A named set of members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MemberList {
    /// Its id.
    pub id: MemberListId,
    /// Its name.
    pub name: String,
    /// Its members.
    #[schemars(with = "std::collections::BTreeSet<MemberId>")]
    pub member_ids: OrdSet<MemberId>,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Fields of a store list or member list given on create or rename.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListFields {
    /// Its name.
    pub name: Option<String>,
}
