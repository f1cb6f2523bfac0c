//! [`Ledger`]: the state of the deliveries of one partition, folded from the dispatcher's own
//! events: the pending deliveries (resumed after a restart), the newest deliveries of each
//! target (for the list API; older final ones are forgotten, at most `keep` per target) and
//! the source position reached.

use crate::conversion::TargetKind;
use crate::record::{DeliveryEvent, Scheduled, SourcePosition};
use chrono::{DateTime, SecondsFormat, Utc};
use domain::ids::{AccountId, ChannelId, MemberId};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Being attempted (or waiting for its next attempt).
    Pending,
    /// A 2xx was received.
    Delivered,
    /// The deadline passed without a 2xx (`TIMEOUT_EXCEEDED`).
    TimedOut,
    /// The guards refused its url; never sent.
    Refused,
}

/// One delivery as the ledger knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// What was scheduled.
    pub scheduled: Scheduled,
    /// Where it is.
    pub status: DeliveryStatus,
    /// Attempts made so far (over every replay).
    pub attempts: u32,
    /// The status of the last answer, if any.
    pub last_status: Option<u16>,
    /// The last error or reason, if any.
    pub last_error: Option<String>,
    /// When it was scheduled or last replayed: its deadline counts from here.
    pub window_start: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// How often it was replayed.
    pub replays: u32,
    /// Whether it is still among the newest of its target.
    listed: bool,
}

/// The deliveries of one partition.
#[derive(Debug)]
pub struct Ledger {
    deliveries: HashMap<String, Delivery>,
    recent: HashMap<(AccountId, Option<ChannelId>), VecDeque<String>>,
    position: Option<SourcePosition>,
    keep: usize,
}

impl Ledger {
    /// An empty ledger keeping the newest `keep` deliveries of each target.
    pub fn new(keep: usize) -> Self {
        Self {
            deliveries: HashMap::new(),
            recent: HashMap::new(),
            position: None,
            keep: keep.max(1),
        }
    }

    /// The source position reached, if one was recorded.
    pub fn position(&self) -> Option<SourcePosition> {
        self.position
    }

    /// The delivery `id`, if known.
    pub fn get(&self, id: &str) -> Option<&Delivery> {
        self.deliveries.get(id)
    }

    /// Every pending delivery.
    pub fn pending(&self) -> Vec<Delivery> {
        let mut pending: Vec<Delivery> = self
            .deliveries
            .values()
            .filter(|delivery| delivery.status == DeliveryStatus::Pending)
            .cloned()
            .collect();
        pending.sort_by(|a, b| a.scheduled.delivery_id.cmp(&b.scheduled.delivery_id));
        pending
    }

    /// Page `page` (from 1) of `per_page` of the newest deliveries of `account`'s `channel`
    /// (the account-level callback for `None`), newest first, and how many there are.
    pub fn page(
        &self,
        account: AccountId,
        channel: Option<ChannelId>,
        page: usize,
        per_page: usize,
    ) -> (usize, Vec<&Delivery>) {
        let Some(ids) = self.recent.get(&(account, channel)) else {
            return (0, Vec::new());
        };
        let skip = page.saturating_sub(1).saturating_mul(per_page);
        let rows = ids
            .iter()
            .rev()
            .skip(skip)
            .take(per_page)
            .filter_map(|id| self.deliveries.get(id))
            .collect();
        (ids.len(), rows)
    }

    /// Applies one of the dispatcher's events.
    pub fn apply(&mut self, event: DeliveryEvent) {
        match event {
            DeliveryEvent::DeliveryScheduled(scheduled) => self.schedule(*scheduled),
            DeliveryEvent::DeliveryAttemptFailed(failed) => {
                self.update(&failed.delivery_id, failed.at, |delivery| {
                    delivery.attempts = delivery.attempts.max(failed.attempt);
                    delivery.last_status = failed.status;
                    delivery.last_error = Some(failed.error);
                });
            }
            DeliveryEvent::DeliveryDelivered(delivered) => {
                self.update(&delivered.delivery_id, delivered.at, |delivery| {
                    delivery.attempts = delivery.attempts.max(delivered.attempt);
                    delivery.status = DeliveryStatus::Delivered;
                    delivery.last_status = Some(delivered.status);
                    delivery.last_error = None;
                    delivery.delivered_at = Some(delivered.at);
                });
            }
            DeliveryEvent::DeliveryTimedOut(ended) => {
                self.update(&ended.delivery_id, ended.at, |delivery| {
                    delivery.status = DeliveryStatus::TimedOut;
                    delivery.last_error = Some(ended.reason);
                });
            }
            DeliveryEvent::DeliveryRefused(ended) => {
                self.update(&ended.delivery_id, ended.at, |delivery| {
                    delivery.status = DeliveryStatus::Refused;
                    delivery.last_error = Some(ended.reason);
                });
            }
            DeliveryEvent::DeliveryReplayRequested(replay) => {
                self.update(&replay.delivery_id, replay.at, |delivery| {
                    delivery.status = DeliveryStatus::Pending;
                    delivery.window_start = replay.at;
                    delivery.replays += 1;
                });
            }
            DeliveryEvent::SourceReached(position) => self.position = Some(position),
        }
    }

    /// Blanks the url and body of every delivery carrying member `member`'s identifier (it
    /// was erased or deleted): they are listed without them, and a pending one is refused.
    pub fn forget_member(&mut self, account: AccountId, member: MemberId) {
        for delivery in self.deliveries.values_mut() {
            let scheduled = &mut delivery.scheduled;
            if scheduled.account_id == account && scheduled.member_id == Some(member) {
                scheduled.url.clear();
                scheduled.body.clear();
            }
        }
    }

    fn schedule(&mut self, scheduled: Scheduled) {
        let id = scheduled.delivery_id.clone();
        if self.deliveries.contains_key(&id) {
            return;
        }
        let key = (scheduled.account_id, scheduled.target.channel());
        let at = scheduled.at;
        self.deliveries.insert(
            id.clone(),
            Delivery {
                scheduled,
                status: DeliveryStatus::Pending,
                attempts: 0,
                last_status: None,
                last_error: None,
                window_start: at,
                updated_at: at,
                delivered_at: None,
                replays: 0,
                listed: true,
            },
        );
        let ids = self.recent.entry(key).or_default();
        ids.push_back(id);
        while ids.len() > self.keep {
            let Some(old) = ids.pop_front() else { break };
            if let Some(delivery) = self.deliveries.get_mut(&old) {
                delivery.listed = false;
                if delivery.status != DeliveryStatus::Pending {
                    self.deliveries.remove(&old);
                }
            }
        }
    }

    fn update(&mut self, id: &str, at: DateTime<Utc>, change: impl FnOnce(&mut Delivery)) {
        let Some(delivery) = self.deliveries.get_mut(id) else {
            return;
        };
        change(delivery);
        delivery.updated_at = at;
        if !delivery.listed && delivery.status != DeliveryStatus::Pending {
            self.deliveries.remove(id);
        }
    }
}

/// A delivery as the API shows it (`{"delivery": {...}}` in Sparkfly's wrapping).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct DeliveryView {
    /// The stable delivery id.
    pub id: String,
    /// `pending`, `delivered`, `timed_out` or `refused`.
    pub status: DeliveryStatus,
    /// `TIMEOUT_EXCEEDED` once timed out, `REFUSED` once refused.
    #[schemars(with = "Option<ErrorCode>")]
    pub error_code: Option<&'static str>,
    /// `channel` or `account`.
    #[schemars(with = "TargetName")]
    pub target: &'static str,
    /// The channel, for a channel callback.
    pub channel_id: Option<u64>,
    /// The redemption.
    pub redemption_id: u64,
    /// The credential.
    pub credential_id: u64,
    /// The offer.
    pub offer_id: u64,
    /// The rendered url.
    pub url: String,
    /// Whether attempts are signed.
    pub signed: bool,
    /// Attempts made.
    pub attempts: u32,
    /// The last answer's status.
    pub last_status: Option<u16>,
    /// The last error.
    pub last_error: Option<String>,
    /// How often it was replayed.
    pub replays: u32,
    /// When the redemption happened.
    #[schemars(with = "DateTime<Utc>")]
    pub redeemed_at: String,
    /// When it was scheduled.
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: String,
    /// When it last changed.
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: String,
    /// When it was delivered.
    #[schemars(with = "Option<DateTime<Utc>>")]
    pub delivered_at: Option<String>,
}

/// The schema of [`DeliveryView::error_code`].
#[derive(JsonSchema)]
#[allow(dead_code)]
enum ErrorCode {
    #[serde(rename = "TIMEOUT_EXCEEDED")]
    TimeoutExceeded,
    #[serde(rename = "REFUSED")]
    Refused,
}

/// The schema of [`DeliveryView::target`].
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum TargetName {
    Channel,
    Account,
}

fn text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl From<&Delivery> for DeliveryView {
    fn from(delivery: &Delivery) -> Self {
        let scheduled = &delivery.scheduled;
        Self {
            id: scheduled.delivery_id.clone(),
            status: delivery.status,
            error_code: match delivery.status {
                DeliveryStatus::TimedOut => Some("TIMEOUT_EXCEEDED"),
                DeliveryStatus::Refused => Some("REFUSED"),
                _ => None,
            },
            target: scheduled.target.name(),
            channel_id: match scheduled.target {
                TargetKind::Channel { channel_id } => Some(channel_id.0),
                TargetKind::Account => None,
            },
            redemption_id: scheduled.redemption_id.0,
            credential_id: scheduled.credential_id.0,
            offer_id: scheduled.offer_id.0,
            url: scheduled.url.clone(),
            signed: scheduled.sign,
            attempts: delivery.attempts,
            last_status: delivery.last_status,
            last_error: delivery.last_error.clone(),
            replays: delivery.replays,
            redeemed_at: text(scheduled.redeemed_at),
            created_at: text(scheduled.at),
            updated_at: text(delivery.updated_at),
            delivered_at: delivery.delivered_at.map(text),
        }
    }
}
