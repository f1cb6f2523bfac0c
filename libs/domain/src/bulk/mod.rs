//! Bulk issuance: a job that issues a credential for an offer on a channel to every member of
//! a member list (in id order), or to members named by identifier. The job advances in steps
//! the partition writer takes by itself between clients' commands (`Command::AdvanceBulkJob`),
//! each step issuing to the next few members exactly as a single issuance would (the same
//! validations and limits); a member refused is counted as failed with the refusal's
//! message. Its progress is events, so a job survives restarts and resumes where it was; it
//! can be cancelled while it runs. `queries` answers what the API asks.

pub mod queries;

use crate::ids::{BulkJobId, ChannelId, MemberId, MemberListId, OfferId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Most identifiers one job may name (a bigger group is a member list).
pub const MAX_IDENTIFIERS: usize = 1_000;
/// Most jobs an account may have running at once.
pub const MAX_RUNNING_JOBS: usize = 10;
/// Failures whose reason a job keeps (the rest are counted).
pub const MAX_KEPT_FAILURES: usize = 100;
/// The annotation every credential of a job carries: the job's id.
pub const JOB_ANNOTATION: &str = "bulk_job_id";

/// A bulk issuance job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BulkJob {
    /// Its id.
    pub id: BulkJobId,
    /// The offer issued.
    pub offer_id: OfferId,
    /// The channel issued on.
    pub channel_id: ChannelId,
    /// Who it issues to.
    pub source: BulkSource,
    /// Members to issue to when it was created.
    pub total: u32,
    /// Members reached so far.
    #[serde(default)]
    pub processed: u32,
    /// Credentials issued so far.
    #[serde(default)]
    pub issued: u32,
    /// Members refused so far.
    #[serde(default)]
    pub failed: u32,
    /// The first refusals, with their reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<BulkFailure>,
    /// Where it stands.
    pub status: BulkStatus,
    /// When it was created.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it finished or was cancelled.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub finished_at: Option<DateTime<Utc>>,
}

/// Who a job issues to, and how far it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BulkSource {
    /// The members of a list, in id order.
    MemberList {
        /// The list.
        member_list_id: MemberListId,
        /// The last member reached.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<MemberId>,
    },
    /// Members named by identifier, in the order given (unknown ones fail).
    Members {
        /// The members, `None` where an identifier named none.
        members: Vec<Option<MemberId>>,
    },
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkStatus {
    /// Issuing.
    Running,
    /// Every member was reached.
    Finished,
    /// Cancelled before it finished.
    Cancelled,
}

impl BulkStatus {
    /// Its name in the API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Finished => "finished",
            Self::Cancelled => "cancelled",
        }
    }
}

/// A member a job could not issue to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BulkFailure {
    /// The member, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
    /// Its place among the job's members, from 0.
    pub position: u32,
    /// Why.
    pub reason: String,
}

/// Who a new job issues to, as a client names them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkTargets {
    /// A member list.
    MemberList(MemberListId),
    /// Member identifiers.
    Identifiers(Vec<String>),
}

/// A new job.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct BulkJobFields {
    /// The offer to issue.
    pub offer_id: OfferId,
    /// The channel to issue on.
    pub channel_id: ChannelId,
    /// Who to issue to.
    pub targets: BulkTargets,
}
