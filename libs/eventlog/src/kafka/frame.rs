//! How the Kafka backend packs an appended batch into messages and numbers the records.
//!
//! One message per account (key) and batch: the account's records of the batch, each framed
//! as a 4-byte big-endian length and the payload bytes. A message is atomic on every broker,
//! so an account's records of one batch are all visible or none are, even on a broker that
//! shows aborted transactions. A message grows to at most [`MAX_MESSAGE_BYTES`] (an account
//! with more in one batch gets several messages).
//!
//! A record's offset in the [`crate::EventLog`] contract is `kafka_offset << INDEX_BITS |
//! index`, its position inside its message: increasing in log order, with gaps between
//! messages (and where Kafka spends offsets on transaction markers).

use crate::{AppendRecord, LogError};

/// Bits of a record's offset that hold its index inside its message.
pub(super) const INDEX_BITS: u32 = 20;
/// Most records in one message.
pub(super) const MAX_RECORDS: usize = (1 << INDEX_BITS) - 1;
/// Most payload bytes in one message (brokers refuse messages past 1 MB by default).
pub(super) const MAX_MESSAGE_BYTES: usize = 768 * 1024;
const LENGTH_BYTES: usize = 4;

/// One message to produce: its key and framed value, and which of the batch's records it
/// holds (their indices in the batch, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Packed {
    pub(super) key: String,
    pub(super) value: Vec<u8>,
    pub(super) members: Vec<usize>,
}

impl Packed {
    /// A message for `key` holding no record yet.
    pub(super) fn empty(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            value: Vec::new(),
            members: Vec::new(),
        }
    }

    /// How many records it holds (a claim marker, which holds none, counts as one).
    pub(super) fn records(&self) -> usize {
        self.members.len().max(1)
    }
}

/// The record offset of the record at `index` in the message at `kafka_offset`.
pub(super) fn record_offset(kafka_offset: i64, index: usize) -> u64 {
    let kafka = u64::try_from(kafka_offset).unwrap_or_default();
    (kafka << INDEX_BITS) | index as u64
}

/// The message offset and index a record offset names; `None` past what Kafka can hold.
pub(super) fn split(offset: u64) -> Option<(i64, usize)> {
    let kafka = i64::try_from(offset >> INDEX_BITS).ok()?;
    let index = usize::try_from(offset & ((1 << INDEX_BITS) - 1)).ok()?;
    Some((kafka, index))
}

/// The messages a batch becomes: one per key in the order keys first appear (records of one
/// key keep their order), split where a message would pass the size or count bounds.
pub(super) fn pack(records: &[AppendRecord]) -> Result<Vec<Packed>, LogError> {
    let mut keys: Vec<&str> = Vec::new();
    for record in records {
        if !keys.contains(&record.key.as_str()) {
            keys.push(&record.key);
        }
    }
    let mut messages = Vec::new();
    for key in keys {
        let mut current = Packed::empty(key);
        for (index, record) in records
            .iter()
            .enumerate()
            .filter(|(_, record)| record.key == key)
        {
            let length = u32::try_from(record.payload.len()).map_err(|_| too_large(record))?;
            if LENGTH_BYTES + record.payload.len() > MAX_MESSAGE_BYTES {
                return Err(too_large(record));
            }
            let full = current.members.len() == MAX_RECORDS
                || current.value.len() + LENGTH_BYTES + record.payload.len() > MAX_MESSAGE_BYTES;
            if full && !current.members.is_empty() {
                messages.push(std::mem::replace(&mut current, Packed::empty(key)));
            }
            current.value.extend_from_slice(&length.to_be_bytes());
            current.value.extend_from_slice(&record.payload);
            current.members.push(index);
        }
        messages.push(current);
    }
    Ok(messages)
}

/// The payloads framed in a message's value, in order.
pub(super) fn unpack(value: &[u8]) -> Result<Vec<&[u8]>, LogError> {
    let mut payloads = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let (length, tail) = rest
            .split_first_chunk::<LENGTH_BYTES>()
            .ok_or_else(|| LogError::Corrupt("truncated record length in a message".into()))?;
        let length = usize::try_from(u32::from_be_bytes(*length))
            .map_err(|_| LogError::Corrupt("record length out of range".into()))?;
        if tail.len() < length {
            return Err(LogError::Corrupt("truncated record in a message".into()));
        }
        let (payload, tail) = tail.split_at(length);
        payloads.push(payload);
        rest = tail;
    }
    Ok(payloads)
}

fn too_large(record: &AppendRecord) -> LogError {
    LogError::Storage(
        format!(
            "a record of {} bytes exceeds the {MAX_MESSAGE_BYTES}-byte message limit",
            record.payload.len()
        )
        .into(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn record(key: &str, payload: &[u8]) -> AppendRecord {
        AppendRecord::new(key, payload.to_vec())
    }

    #[test]
    fn one_message_per_key_in_first_appearance_order() {
        let records = [
            record("7", b"a"),
            record("8", b"b"),
            record("7", b""),
            record("9", &[0, 255]),
        ];
        let messages = pack(&records).unwrap();
        let keys: Vec<&str> = messages.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["7", "8", "9"]);
        assert_eq!(unpack(&messages[0].value).unwrap(), [&b"a"[..], &b""[..]]);
        assert_eq!(messages[0].members, [0, 2]);
        assert_eq!(messages[1].members, [1]);
        assert_eq!(unpack(&messages[2].value).unwrap(), [&[0u8, 255][..]]);
    }

    #[test]
    fn large_batches_split_by_size() {
        let payload = vec![1u8; 300 * 1024];
        let records: Vec<_> = (0..5).map(|_| record("1", &payload)).collect();
        let messages = pack(&records).unwrap();
        assert_eq!(
            messages
                .iter()
                .map(|m| m.members.clone())
                .collect::<Vec<_>>(),
            [vec![0, 1], vec![2, 3], vec![4]]
        );
        assert!(messages.iter().all(|m| m.value.len() <= MAX_MESSAGE_BYTES));
        let total: usize = messages
            .iter()
            .map(|m| unpack(&m.value).unwrap().len())
            .sum();
        assert_eq!(total, 5);
    }

    #[test]
    fn a_record_past_the_message_limit_is_refused() {
        let huge = vec![0u8; MAX_MESSAGE_BYTES];
        assert!(matches!(
            pack(&[record("1", &huge)]),
            Err(LogError::Storage(_))
        ));
    }

    #[test]
    fn truncated_values_are_corrupt() {
        let messages = pack(&[record("1", b"hello")]).unwrap();
        let value = &messages[0].value;
        assert!(matches!(
            unpack(&value[..value.len() - 1]),
            Err(LogError::Corrupt(_))
        ));
        assert!(matches!(unpack(&value[..2]), Err(LogError::Corrupt(_))));
    }

    #[test]
    fn offsets_round_trip_and_increase() {
        assert_eq!(record_offset(0, 0), 0);
        assert_eq!(record_offset(3, 2), (3 << INDEX_BITS) | 2);
        assert_eq!(split(record_offset(41, 7)), Some((41, 7)));
        assert!(record_offset(1, 0) > record_offset(0, MAX_RECORDS));
        assert_eq!(
            split(u64::MAX),
            Some((i64::try_from(u64::MAX >> INDEX_BITS).unwrap(), MAX_RECORDS))
        );
    }
}
