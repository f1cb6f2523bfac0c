//! Idempotency: a command may carry a client key. The events it emits are stamped with the key
//! and a fingerprint of the request; the account remembers them (rebuilt from events, kept for
//! [`RETENTION`] and at most [`CAPACITY`] keys), so a repeat with the same key gets the first
//! outcome and emits nothing, and the same key with another request is refused. A rejected
//! command emits nothing, so it is not remembered: its retry is decided afresh.

use crate::event::Event;
use crate::ids::MemberId;
use crate::persistent::{SharedMap, Vector};
use crate::privacy::{personal_text, personal_text_mut};
use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher13;
use std::hash::{Hash, Hasher};

/// How long a key is remembered after its first event.
pub const RETENTION: Duration = Duration::hours(24);
/// Most keys remembered per account; the oldest are forgotten first.
pub const CAPACITY: usize = 100_000;

/// The key and request fingerprint stamped on each event of a keyed command.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct IdempotencyStamp {
    /// The client's key.
    pub key: String,
    /// Fingerprint of the request the key was first used with.
    pub fingerprint: u64,
}

/// Hashes `position` and the value of a field added after a type's first fingerprints, only
/// when it is given.
pub fn hash_given<H: Hasher, T: Hash>(state: &mut H, position: u8, value: &Option<T>) {
    if let Some(value) = value {
        position.hash(state);
        value.hash(state);
    }
}

/// A stable 64-bit fingerprint of a request (SipHash-1-3 with fixed keys).
pub fn fingerprint<T: Hash>(request: &T) -> u64 {
    let mut hasher = SipHasher13::new_with_keys(0, 0);
    request.hash(&mut hasher);
    hasher.finish()
}

/// What is remembered of one key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    /// Fingerprint of the first request.
    pub fingerprint: u64,
    /// The events the first request emitted (serialised as their stored JSON texts, so any
    /// format carries them exactly as the log does).
    #[serde(with = "events_as_json")]
    pub events: Vec<Event>,
    /// When the first of them occurred.
    pub recorded_at: DateTime<Utc>,
}

/// The keys an account remembers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyMemory {
    entries: SharedMap<String, Remembered, std::hash::RandomState>,
    order: Vector<(DateTime<Utc>, String)>,
}

/// Events as a sequence of their JSON texts: events are written for JSON (payload parts kept
/// as raw JSON), so other formats carry them as text.
mod events_as_json {
    use crate::event::Event;
    use serde::ser::{Error as _, SerializeSeq};
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        events: &[Event],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(events.len()))?;
        for event in events {
            let text = serde_json::to_string(event).map_err(S::Error::custom)?;
            seq.serialize_element(&text)?;
        }
        seq.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Event>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| serde_json::from_str(text).map_err(de::Error::custom))
            .collect()
    }
}

impl IdempotencyMemory {
    /// What is remembered of `key`, if anything.
    pub fn recall(&self, key: &str) -> Option<&Remembered> {
        self.entries.get(key)
    }

    /// Number of keys remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Remembers a stamped event; any event moves time on, forgetting keys past retention
    /// or capacity.
    pub fn record(&mut self, event: &Event) {
        if !self.order.is_empty() {
            self.forget_before(event.occurred_at - RETENTION);
        }
        let Some(stamp) = &event.idempotency else {
            return;
        };
        match self.entries.get_mut(&stamp.key) {
            Some(entry) if entry.fingerprint == stamp.fingerprint => {
                entry.events.push(event.clone());
            }
            _ => {
                self.entries.insert(
                    stamp.key.clone(),
                    Remembered {
                        fingerprint: stamp.fingerprint,
                        events: vec![event.clone()],
                        recorded_at: event.occurred_at,
                    },
                );
                self.order.push_back((event.occurred_at, stamp.key.clone()));
                self.forget_before(event.occurred_at - RETENTION);
            }
        }
    }

    /// Blanks member `member`'s personal text in every remembered event (its keys are being
    /// destroyed, so it must be nowhere in the clear); a keyed repeat then answers without it.
    pub fn forget_member(&mut self, member: MemberId) {
        let holds = |event: &Event| {
            personal_text(&event.kind)
                .is_some_and(|(owner, text)| owner == member && !text.is_empty())
        };
        self.entries.change_where(
            |entry| entry.events.iter().any(holds),
            |entry| {
                for event in &mut entry.events {
                    if let Some((owner, text)) = personal_text_mut(&mut event.kind) {
                        if owner == member {
                            text.clear();
                        }
                    }
                }
            },
        );
    }

    fn forget_before(&mut self, horizon: DateTime<Utc>) {
        while let Some((recorded_at, _)) = self.order.front() {
            if *recorded_at > horizon && self.order.len() <= CAPACITY {
                break;
            }
            if let Some((recorded_at, key)) = self.order.pop_front() {
                if self
                    .entries
                    .get(&key)
                    .is_some_and(|entry| entry.recorded_at == recorded_at)
                {
                    self.entries.remove(&key);
                }
            }
        }
    }
}
