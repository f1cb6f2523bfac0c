//! The dispatcher's own events, stored in its own event log (it is their single writer):
//! every change of a delivery's state and the source position reached. JSON:
//! `{"type": "...", "version": 1, ...fields}`.
//!
//! - `delivery_scheduled`: a callback to send, with everything needed to send it (rendered
//!   url, body, whether to sign) and its stable id; written in the same batch as the source
//!   position past the redemption that made it, so a crash never loses nor doubles one.
//! - `delivery_attempt_failed`: one attempt that got no 2xx (status, or the class of the
//!   failure: `connection refused`, `timed out`, ...), with its time.
//! - `delivery_delivered`: the attempt that got a 2xx. Final.
//! - `delivery_timed_out`: the deadline passed without a 2xx. Final (`TIMEOUT_EXCEEDED`).
//! - `delivery_refused`: the guards refuse its url (not http(s), no allowed address, the
//!   server's own listener). Final, never sent. Its reason is the class users see
//!   (`destination not allowed`, `not an http or https url`); the details go to the logs.
//! - `delivery_replay_requested`: a final delivery is to be sent again, with a new deadline.
//! - `source_reached`: the dispatcher has scheduled everything of a main-log partition before
//!   `next_offset`, with the newest writer epoch seen there.
//!
//! There is no separate "attempted" event: writing one before each send would cost a durable
//! write per attempt; each attempt is recorded by its outcome instead. A crash between a send
//! and its record means the attempt is made again after the restart (at-least-once).

use crate::conversion::TargetKind;
use chrono::{DateTime, Utc};
use domain::ids::{AccountId, CredentialId, MemberId, OfferId, RedemptionId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The version every record is written with.
pub const RECORD_VERSION: u16 = 1;

/// A delivery was scheduled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Scheduled {
    /// Its stable id.
    pub delivery_id: String,
    /// The account.
    pub account_id: AccountId,
    /// Where it goes.
    pub target: TargetKind,
    /// The redemption that made it.
    pub redemption_id: RedemptionId,
    /// The credential redeemed.
    pub credential_id: CredentialId,
    /// The offer redeemed.
    pub offer_id: OfferId,
    /// The rendered url.
    pub url: String,
    /// The JSON body.
    pub body: String,
    /// Whether attempts are signed with the channel's secret.
    pub sign: bool,
    /// When the redemption happened.
    pub redeemed_at: DateTime<Utc>,
    /// When it was scheduled (its deadline counts from here).
    pub at: DateTime<Utc>,
    /// The main-log event it came from: partition, offset, event id.
    pub source: SourceRef,
    /// The member whose identifier the url and body carry (as `sf_uid`): in the log both are
    /// sealed under a key of the member's, so its erasure leaves them unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
}

/// Where in the main log a delivery came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourceRef {
    /// The partition.
    pub partition: u32,
    /// The record's offset.
    pub offset: u64,
    /// The event's id.
    pub event_id: String,
}

/// One attempt failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AttemptFailed {
    /// The delivery.
    pub delivery_id: String,
    /// The attempt, from 1.
    pub attempt: u32,
    /// The HTTP status, when the partner answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// What went wrong.
    pub error: String,
    /// When it ended.
    pub at: DateTime<Utc>,
}

/// The delivery got a 2xx.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Delivered {
    /// The delivery.
    pub delivery_id: String,
    /// The attempt that got it, from 1.
    pub attempt: u32,
    /// The HTTP status.
    pub status: u16,
    /// When.
    pub at: DateTime<Utc>,
}

/// The delivery ended without a 2xx.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Ended {
    /// The delivery.
    pub delivery_id: String,
    /// Why (for a refusal: which guard).
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A final delivery is to be sent again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReplayRequested {
    /// The delivery.
    pub delivery_id: String,
    /// When (the new deadline counts from here).
    pub at: DateTime<Utc>,
}

/// Everything of a main-log partition before `next_offset` is scheduled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SourcePosition {
    /// The main-log partition.
    pub partition: u32,
    /// The next offset to read there.
    pub next_offset: u64,
    /// The newest writer epoch seen before it (the reader's [`eventlog::EpochFence`]).
    pub epoch: u64,
}

/// One record of the dispatcher's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeliveryEvent {
    /// See [`Scheduled`].
    DeliveryScheduled(Box<Scheduled>),
    /// See [`AttemptFailed`].
    DeliveryAttemptFailed(AttemptFailed),
    /// See [`Delivered`].
    DeliveryDelivered(Delivered),
    /// The deadline passed (see [`Ended`]).
    DeliveryTimedOut(Ended),
    /// The guards refused the url (see [`Ended`]).
    DeliveryRefused(Ended),
    /// See [`ReplayRequested`].
    DeliveryReplayRequested(ReplayRequested),
    /// See [`SourcePosition`].
    SourceReached(SourcePosition),
}

/// A stored record: the event with the version it was written with.
#[derive(Serialize, Deserialize, JsonSchema)]
struct Stored<E> {
    /// [`RECORD_VERSION`].
    version: u16,
    #[serde(flatten)]
    event: E,
}

impl DeliveryEvent {
    /// The JSON Schema of a stored record (checked in as
    /// `schemas/callbacks/delivery_events.v1.json`).
    pub fn schema() -> serde_json::Value {
        let schema = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<Stored<DeliveryEvent>>();
        serde_json::to_value(schema).unwrap_or_default()
    }

    /// The stored bytes.
    pub fn encode(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(&Stored {
            version: RECORD_VERSION,
            event: self,
        })
    }

    /// Reads stored bytes back.
    pub fn decode(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        let stored: Stored<Self> = serde_json::from_slice(bytes)?;
        Ok(stored.event)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn records_round_trip_with_type_and_version() {
        let event = DeliveryEvent::DeliveryAttemptFailed(AttemptFailed {
            delivery_id: "d".into(),
            attempt: 2,
            status: Some(503),
            error: "503 Service Unavailable".into(),
            at: DateTime::from_timestamp(1_772_463_600, 0).unwrap(),
        });
        let bytes = event.encode().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["type"], "delivery_attempt_failed");
        assert_eq!(json["version"], 1);
        assert_eq!(json["status"], 503);
        assert_eq!(DeliveryEvent::decode(&bytes).unwrap(), event);
        let position = DeliveryEvent::SourceReached(SourcePosition {
            partition: 1,
            next_offset: 7,
            epoch: 2,
        });
        assert_eq!(
            DeliveryEvent::decode(&position.encode().unwrap()).unwrap(),
            position
        );
    }
}
