//! The follower of one main-log partition: folds every event into its accounts' callback
//! states ([`CallbackState`]) and,
//! from the stored position on, schedules each redemption's callbacks (rendered url and body
//! fixed at scheduling), recording them with the position past them in one append, then
//! starting their deliveries. Keeps the channels' HMAC secrets where deliveries read them.

use super::delivery::{self, Job};
use super::{Part, Shared};
use crate::conversion::{delivery_id, targets, CallbackBody};
use crate::error::CallbackError;
use crate::fold::CallbackState;
use crate::record::{DeliveryEvent, Scheduled, SourcePosition, SourceRef};
use crate::render::render_url;
use chrono::{DateTime, Utc};
use domain::event::{ChannelEventRef, FamilyRef};
use domain::ids::{AccountId, ChannelId};
use domain::privacy::shredded_member;
use domain::{Event, EventKind};
use eventlog::Envelope;
use eventlog::{EpochFence, EventLog, LogRecord, RecordKind};
use std::collections::HashMap;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

/// How long one wait on the log's tail lasts before the stop signal is checked again.
const TAIL_WAIT: Duration = Duration::from_secs(1);
/// The wait before reading again after the log failed.
const RETRY: Duration = Duration::from_millis(500);
/// How often the position is recorded while batches schedule nothing (it is always recorded
/// with scheduled deliveries).
const POSITION_EVERY: Duration = Duration::from_secs(1);

/// What one batch of the main log made.
#[derive(Default)]
struct Batch {
    events: Vec<DeliveryEvent>,
    jobs: Vec<Job>,
}

/// Follows `part`'s partition of `source` until the dispatcher stops, scheduling from `from`.
pub(super) async fn run<S: EventLog>(
    source: Arc<S>,
    shared: Arc<Shared>,
    part: Arc<Part>,
    from: SourcePosition,
) -> Result<(), CallbackError> {
    let partition = part.partition;
    let mut states: HashMap<AccountId, CallbackState> = HashMap::new();
    let mut fence = EpochFence::default();
    let mut next = 0;
    let mut resumed = false;
    let mut recorded = tokio::time::Instant::now();
    loop {
        if shared.stopped() {
            return Ok(());
        }
        if !resumed && next >= from.next_offset {
            resume(&shared, &part);
            resumed = true;
        }
        let records = match source.read(partition, next, shared.config.read_batch).await {
            Ok(records) => records,
            Err(error) => {
                tracing::warn!(partition, %error, "reading the event log failed; retrying");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if records.is_empty() {
            tokio::select! {
                waited = source.wait_for(partition, next, TAIL_WAIT) => {
                    if let Err(error) = waited {
                        tracing::warn!(partition, %error, "waiting on the event log failed; retrying");
                        tokio::time::sleep(RETRY).await;
                    }
                }
                () = super::stopped(shared.stop.clone()) => {}
            }
            continue;
        }
        let caught_up = records.len() < shared.config.read_batch;
        let mut batch = Batch::default();
        let now = shared.config.clock.now();
        let mut envelopes = decode(&records, partition);
        open_identifiers(&shared, &mut envelopes).await;
        for (record, envelope) in records.iter().zip(envelopes) {
            next = record.offset + 1;
            if !fence.admit(record) {
                continue;
            }
            let Some(envelope) = envelope else {
                continue;
            };
            let schedule = record.offset >= from.next_offset;
            // Pending deliveries resume before the first new one is scheduled: once this
            // batch's are recorded, the ledger would list them as pending too.
            if schedule && !resumed {
                resume(&shared, &part);
                resumed = true;
            }
            let batch = schedule.then_some(&mut batch);
            apply(envelope, record.offset, &mut states, &part, batch, now);
        }
        if next > from.next_offset
            && (!batch.jobs.is_empty() || recorded.elapsed() >= POSITION_EVERY)
        {
            recorded = tokio::time::Instant::now();
            record(&shared, &part, batch, next, fence.newest()).await?;
        }
        if caught_up && !shared.config.pace.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(shared.config.pace) => {}
                () = super::stopped(shared.stop.clone()) => {}
            }
        }
    }
}

/// Records what one batch scheduled with the position past it, then starts its deliveries.
async fn record(
    shared: &Arc<Shared>,
    part: &Arc<Part>,
    mut batch: Batch,
    next: u64,
    epoch: u64,
) -> Result<(), CallbackError> {
    let partition = part.partition;
    {
        shared.metrics.scheduled.inc_by(batch.jobs.len() as u64);
        batch
            .events
            .push(DeliveryEvent::SourceReached(SourcePosition {
                partition,
                next_offset: next,
                epoch,
            }));
        if part.record(batch.events, false).await.is_err() {
            return Err(CallbackError::Stopped);
        }
        for job in batch.jobs {
            delivery::spawn(shared.clone(), part.clone(), job);
        }
    }
    Ok(())
}

/// Starts every pending delivery of the ledger (after a restart).
fn resume(shared: &Arc<Shared>, part: &Arc<Part>) {
    let pending = part.ledger().pending();
    if !pending.is_empty() {
        tracing::info!(
            partition = part.partition,
            count = pending.len(),
            "resuming pending callbacks"
        );
    }
    for delivery in pending {
        delivery::spawn(shared.clone(), part.clone(), Job::from_delivery(&delivery));
    }
}

/// The event envelopes of `records` (`None` for a claim marker or a record that does not
/// decode, which is logged and skipped).
fn decode(records: &[LogRecord], partition: u32) -> Vec<Option<Envelope<Event>>> {
    records
        .iter()
        .map(|record| {
            if record.kind != RecordKind::Event {
                return None;
            }
            match Envelope::<Event>::decode(&record.payload) {
                Ok(envelope) => Some(envelope),
                Err(error) => {
                    tracing::error!(partition, offset = record.offset, %error,
                        "an event does not decode; its callbacks are skipped");
                    None
                }
            }
        })
        .collect()
}

/// Opens the members' identifiers sealed in `envelopes` (for `sf_uid`); without keys, or
/// when the key store fails (logged), they stay sealed and render empty.
async fn open_identifiers(shared: &Shared, envelopes: &mut [Option<Envelope<Event>>]) {
    let Some(keys) = &shared.config.keys else {
        return;
    };
    let events = envelopes
        .iter_mut()
        .flatten()
        .map(|envelope| (envelope.account_id, &mut envelope.event));
    if let Err(error) = privacy::open_events(keys.as_ref(), events).await {
        tracing::warn!(%error, "members' identifiers could not be opened; sf_uid renders empty");
    }
}

/// Folds one event (at `offset`) into its account's state; with a batch, schedules its callbacks as of
/// `now`.
fn apply(
    envelope: Envelope<Event>,
    offset: u64,
    states: &mut HashMap<AccountId, CallbackState>,
    part: &Part,
    batch: Option<&mut Batch>,
    now: DateTime<Utc>,
) {
    let account = envelope.account_id;
    let at = envelope.event.occurred_at;
    if let Some(member) = shredded_member(&envelope.event.kind) {
        part.ledger
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .forget_member(account, member);
    }
    let channel = changed_channel(&envelope.event.kind);
    let state = states.entry(account).or_default();
    let redeemed = state.apply(envelope.event);
    if let Some(channel) = channel {
        keep_secret(part, state, account, channel);
    }
    let (Some(batch), Some(redeemed)) = (batch, redeemed) else {
        return;
    };
    let scheduled_at = now;
    for conversion in redeemed.conversions(state, account, at) {
        for target in targets(state, &conversion) {
            let id = delivery_id(envelope.event_id, &conversion, target.kind);
            let url = render_url(&target.template, &conversion);
            let carries_identifier = conversion.sf_uid.is_some()
                && conversion.sf_uid.as_deref() == state.member_identifier(conversion.member_id);
            let body = CallbackBody::new(&id, &conversion, target.kind).to_json();
            let scheduled = Scheduled {
                delivery_id: id,
                account_id: account,
                target: target.kind,
                redemption_id: conversion.redemption_id,
                credential_id: conversion.credential_id,
                offer_id: conversion.offer_id,
                url,
                body,
                sign: target.sign,
                redeemed_at: at,
                at: scheduled_at,
                source: SourceRef {
                    partition: part.partition,
                    offset,
                    event_id: envelope.event_id.to_string(),
                },
                member_id: carries_identifier.then_some(conversion.member_id),
            };
            batch.jobs.push(Job {
                delivery_id: scheduled.delivery_id.clone(),
                account,
                channel: target.kind.channel(),
                url: scheduled.url.clone(),
                body: scheduled.body.clone(),
                sign: scheduled.sign,
                attempts: 0,
                window_start: scheduled_at,
                redeemed_at: at,
            });
            batch
                .events
                .push(DeliveryEvent::DeliveryScheduled(Box::new(scheduled)));
        }
    }
}

/// The channel `kind` creates, changes or deletes, whose secret must follow the state.
fn changed_channel(kind: &EventKind) -> Option<ChannelId> {
    match kind.family() {
        FamilyRef::Channel(
            ChannelEventRef::Created(channel) | ChannelEventRef::Updated(channel),
        ) => Some(channel.id),
        FamilyRef::Channel(ChannelEventRef::Deleted(deleted)) => Some(deleted.channel_id),
        FamilyRef::Account(_)
        | FamilyRef::ApiKey(_)
        | FamilyRef::Member(_)
        | FamilyRef::Merchant(_)
        | FamilyRef::Manufacturer(_)
        | FamilyRef::Counter(_)
        | FamilyRef::Occasion(_)
        | FamilyRef::PosOfferCode(_)
        | FamilyRef::Store(_)
        | FamilyRef::StoreList(_)
        | FamilyRef::MemberList(_)
        | FamilyRef::Item(_)
        | FamilyRef::ItemSet(_)
        | FamilyRef::Offer(_)
        | FamilyRef::OfferChannel(_)
        | FamilyRef::Credential(_)
        | FamilyRef::OfferState(_)
        | FamilyRef::Points(_)
        | FamilyRef::CheckIn(_)
        | FamilyRef::Impression(_)
        | FamilyRef::Campaign(_)
        | FamilyRef::Schedule(_)
        | FamilyRef::BulkJob(_)
        | FamilyRef::Zidentifier(_)
        | FamilyRef::Redemption(_) => None,
    }
}

/// Keeps `channel`'s secret as the state now has it (none once deleted).
fn keep_secret(part: &Part, state: &CallbackState, account: AccountId, channel: ChannelId) {
    let secret = state
        .channel_callbacks(channel)
        .and_then(|channel| channel.secret.clone());
    let mut secrets = part.secrets.write().unwrap_or_else(PoisonError::into_inner);
    match secret {
        Some(secret) => secrets.insert((account, channel), secret),
        None => secrets.remove(&(account, channel)),
    };
}
