//! Schedules: an offer action (approve it, stop it, change its window, start a bulk issuance
//! job of it) to be taken once at a set time. A schedule is pending until its time, then fired (its action's events recorded
//! with it, in one decision) or failed (the action was refused then: the reason is kept), or
//! cancelled before. Firing is part of the account's time-driven work (`Command::ExpireDue`),
//! so a schedule fires exactly once whatever restarts or takeovers happen around its time:
//! the state rebuilt from the log says whether it fired. `queries` answers what the API asks.

pub mod queries;

use crate::bulk::BulkJobFields;
use crate::ids::{OfferId, ScheduleId};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Most schedules an account may have pending at once.
pub const MAX_PENDING_SCHEDULES: usize = 1_000;

/// Furthest ahead a schedule may be set, in days.
pub const MAX_DAYS_AHEAD: i64 = 5 * 366;

/// A scheduled action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Schedule {
    /// Its id.
    pub id: ScheduleId,
    /// What it does.
    pub action: ScheduledAction,
    /// When it is due.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub fires_at: DateTime<Utc>,
    /// Where it stands.
    pub status: ScheduleStatus,
    /// When it fired, failed or was cancelled.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub settled_at: Option<DateTime<Utc>>,
    /// Why its action was refused when it fell due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// When it was set.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
}

impl Schedule {
    /// The offer its action is about.
    pub fn offer_id(&self) -> OfferId {
        self.action.offer_id()
    }
}

/// What a schedule does when it falls due.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ScheduledAction {
    /// Approve an offer (nothing to do if it is approved already).
    ApproveOffer {
        /// The offer.
        offer_id: OfferId,
    },
    /// Stop an offer (nothing to do if it is stopped already).
    StopOffer {
        /// The offer.
        offer_id: OfferId,
    },
    /// Change an offer's window: the times given replace the offer's, the others stay.
    ChangeOfferWindow {
        /// The offer.
        offer_id: OfferId,
        /// The new times.
        window: OfferWindow,
    },
    /// Start a bulk issuance job.
    StartBulkJob {
        /// The job.
        job: BulkJobFields,
    },
}

impl ScheduledAction {
    /// The offer the action is about.
    pub fn offer_id(&self) -> OfferId {
        match self {
            Self::ApproveOffer { offer_id }
            | Self::StopOffer { offer_id }
            | Self::ChangeOfferWindow { offer_id, .. } => *offer_id,
            Self::StartBulkJob { job } => job.offer_id,
        }
    }

    /// Its name in the API: `approve_offer`, `stop_offer`, `change_offer_window` or
    /// `start_bulk_job`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ApproveOffer { .. } => "approve_offer",
            Self::StopOffer { .. } => "stop_offer",
            Self::ChangeOfferWindow { .. } => "change_offer_window",
            Self::StartBulkJob { .. } => "start_bulk_job",
        }
    }
}

/// An offer's window times, each replacing the offer's when given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct OfferWindow {
    /// Start of redemption.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub activates_at: Option<DateTime<Utc>>,
    /// End of redemption.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub expires_at: Option<DateTime<Utc>>,
    /// End of issuing.
    #[serde(
        default,
        with = "crate::time::rfc3339_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub stop_offering_at: Option<DateTime<Utc>>,
}

impl OfferWindow {
    /// Whether no time is given.
    pub fn is_empty(&self) -> bool {
        self.activates_at.is_none() && self.expires_at.is_none() && self.stop_offering_at.is_none()
    }
}

/// Where a schedule stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleStatus {
    /// Waiting for its time.
    Pending,
    /// Its action was taken.
    Fired,
    /// Its action was refused when it fell due.
    Failed,
    /// Cancelled before its time.
    Cancelled,
}

impl ScheduleStatus {
    /// Its name in the API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Fired => "fired",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

/// A schedule as a client asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScheduleFields {
    /// What to do.
    pub action: ScheduledAction,
    /// When.
    pub fires_at: DateTime<Utc>,
}
