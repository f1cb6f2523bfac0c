//! The writer of one partition of the dispatcher's log: appends what is queued, in order,
//! in group-committed batches (everything waiting when the previous append ends), applies each
//! batch to the ledger once it is durable, then acknowledges it. A storage failure is retried
//! (nothing queued is dropped); a fenced writer (another dispatcher took the partition) stops.

use super::Part;
use crate::record::DeliveryEvent;
use eventlog::{AppendRecord, LogError, PartitionWriter};
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

/// Appends until told to stop (then what is queued is appended before it returns) or fenced.
pub(super) async fn run<W: PartitionWriter>(
    mut writer: W,
    mut queue: mpsc::Receiver<Write>,
    part: Arc<Part>,
    stop: watch::Receiver<bool>,
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
        if !append(&mut writer, &key, &batch, &part).await {
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

/// Appends `batch` durably; false when the writer is fenced (or a record does not encode).
async fn append<W: PartitionWriter>(
    writer: &mut W,
    key: &str,
    batch: &[Write],
    part: &Part,
) -> bool {
    let mut records = Vec::new();
    for event in batch.iter().flat_map(|write| &write.events) {
        match event.encode() {
            Ok(payload) => records.push(AppendRecord::new(key, payload)),
            Err(error) => {
                tracing::error!(partition = part.partition, %error, "a callbacks record does not encode");
                return false;
            }
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
