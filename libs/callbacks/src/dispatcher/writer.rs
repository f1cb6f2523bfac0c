//! The writer of one partition of the dispatcher's log: appends what is queued, in order,
//! in group-committed batches (everything waiting when the previous append ends), applies each
//! batch to the ledger once it is durable, then acknowledges it. A storage failure is retried
//! (nothing queued is dropped); a fenced writer (another dispatcher took the partition) stops.
//!
//! A scheduled delivery whose url and body carry a member's identifier is written with both
//! sealed under a new key of the member's (see the `privacy` crate), stored in the key store
//! before the append; the ledger keeps them in the clear.

use super::Part;
use crate::record::DeliveryEvent;
use eventlog::{AppendRecord, LogError, PartitionWriter};
use privacy::{KeyRow, KeyStore, SealError};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use std::sync::{Arc, PoisonError};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};

/// Writes per append at most.
const MAX_BATCH: usize = 1_024;
/// The wait before retrying a failed append.
const RETRY: Duration = Duration::from_millis(200);

/// Events to record, and who waits for them to be durable.
pub(super) struct Write {
    pub(super) events: Vec<DeliveryEvent>,
    pub(super) ack: Option<oneshot::Sender<bool>>,
}

/// How deliveries carrying an identifier are sealed: the key store and a random source.
pub(super) struct Sealing {
    keys: Option<Arc<dyn KeyStore>>,
    rng: ChaCha20Rng,
}

impl Sealing {
    /// Sealing under keys kept in `keys` (`None`: nothing is sealed).
    pub(super) fn new(keys: Option<Arc<dyn KeyStore>>) -> Self {
        Self {
            keys,
            rng: ChaCha20Rng::from_os_rng(),
        }
    }

    /// The copy of `event` to write and the key to store first, when it must be sealed.
    fn seal(
        &mut self,
        event: &DeliveryEvent,
    ) -> Result<Option<(DeliveryEvent, KeyRow)>, SealError> {
        let (Some(_), DeliveryEvent::DeliveryScheduled(scheduled)) = (&self.keys, event) else {
            return Ok(None);
        };
        let Some(member) = scheduled.member_id else {
            return Ok(None);
        };
        let mut sealed = scheduled.clone();
        let texts: &mut [&mut String] = &mut [&mut sealed.url, &mut sealed.body];
        let key = privacy::seal_texts(scheduled.account_id, member, texts, &mut self.rng)?;
        Ok(Some((DeliveryEvent::DeliveryScheduled(sealed), key)))
    }
}

/// Appends until told to stop (then what is queued is appended before it returns) or fenced.
pub(super) async fn run<W: PartitionWriter>(
    mut writer: W,
    mut queue: mpsc::Receiver<Write>,
    part: Arc<Part>,
    stop: watch::Receiver<bool>,
    mut sealing: Sealing,
) {
    let stop = super::stopped(stop);
    tokio::pin!(stop);
    let key = format!("callbacks-{}", part.partition);
    loop {
        let first = tokio::select! {
            write = queue.recv() => write,
            () = &mut stop => {
                queue.close();
                queue.recv().await
            }
        };
        let Some(first) = first else { return };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(write) => batch.push(write),
                Err(_) => break,
            }
        }
        if !append(&mut writer, &key, &batch, &part, &mut sealing).await {
            for write in batch {
                if let Some(ack) = write.ack {
                    let _sent = ack.send(false);
                }
            }
            return;
        }
        let mut ledger = part.ledger.write().unwrap_or_else(PoisonError::into_inner);
        let mut acks = Vec::new();
        for write in batch {
            for event in write.events {
                ledger.apply(event);
            }
            acks.extend(write.ack);
        }
        drop(ledger);
        for ack in acks {
            let _sent = ack.send(true);
        }
    }
}

/// Appends `batch` durably (the keys it is sealed under stored first); false when the writer
/// is fenced (or a record does not encode or seal).
async fn append<W: PartitionWriter>(
    writer: &mut W,
    key: &str,
    batch: &[Write],
    part: &Part,
    sealing: &mut Sealing,
) -> bool {
    let mut records = Vec::new();
    let mut keys = Vec::new();
    for event in batch.iter().flat_map(|write| &write.events) {
        let encoded = match sealing.seal(event) {
            Ok(Some((sealed, sealed_under))) => {
                keys.push(sealed_under);
                sealed.encode()
            }
            Ok(None) => event.encode(),
            Err(error) => {
                tracing::error!(partition = part.partition, %error, "a callbacks record does not seal");
                return false;
            }
        };
        match encoded {
            Ok(payload) => records.push(AppendRecord::new(key, payload)),
            Err(error) => {
                tracing::error!(partition = part.partition, %error, "a callbacks record does not encode");
                return false;
            }
        }
    }
    if let (Some(store), false) = (&sealing.keys, keys.is_empty()) {
        while let Err(error) = store.put(&keys).await {
            tracing::warn!(partition = part.partition, %error, "storing the callbacks' keys failed; retrying");
            tokio::time::sleep(RETRY).await;
        }
    }
    loop {
        match writer.append(&records).await {
            Ok(_) => return true,
            Err(error @ LogError::Fenced { .. }) => {
                tracing::error!(partition = part.partition, %error, "another dispatcher took the partition; stopping its writer");
                return false;
            }
            Err(error) => {
                tracing::warn!(partition = part.partition, %error, "appending to the callbacks log failed; retrying");
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}
