//! The actor's loop: take the first waiting request and every one already queued behind it
//! (up to the batch limit), decide them in order against the in-memory state (each accepted
//! command's events applied before the next is decided), add the expiries the clock has made
//! due (see `expiry`), append all their events in one durable write, and only then answer
//! every request of the batch.
//!
//! While an expiry is pending the wait for requests is bounded by the expiry tick, so lapsed
//! reservations and codes are recorded even when no request comes; while a bulk job runs, by
//! the time its next step is due (see `bulk`), which joins the batch the same way.
//!
//! A failed append answers the whole batch with the failure and rebuilds the state from the
//! log, since it was evolved ahead of the write; a fenced append stops the actor for good.
//!
//! Once a batch is durable the states of the accounts it changed are published (see
//! `views`) before any of its requests is answered, so a read after an acknowledged write sees
//! it; reads never come through the actor.
//!
//! A state copy or a stop request in the queue first commits the commands decided before it,
//! so it never sees (or leaves behind) events that are not yet durable.
//!
//! Personal text (see the `privacy` crate) is written sealed under a new key of its member's;
//! the batch's keys are stored durably before its events are appended. Once a batch that
//! erases or deletes members is durable, their keys are destroyed and a snapshot replacing
//! every older one is due (the older ones hold their identifiers in the clear).
//!
//! Snapshots (see `crate::snapshot`): once a batch is durable and answered and one is due, a
//! background task encodes and writes a copy of the actor's state (persistent collections:
//! the copy shares everything); a clean stop writes one more before it acknowledges.

use super::{bump, load, Message, PartitionActor, Reply, Request};
use crate::error::EngineError;
use crate::guessing::is_wrong_code;
use domain::ids::{AccountId, MemberId};
use domain::privacy::shredded_member;
use domain::{decide, evolve, Context, Decision};
use eventlog::envelope::{record_key, Envelope, MAX_EVENT_BYTES};
use eventlog::{AppendRecord, EventLog, LogError, PartitionWriter};
use privacy::{KeyRow, KeyStore};
use rand_core::RngCore;
use std::borrow::Cow;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};
use ulid::Ulid;

/// The requests (and expiries) decided since the last append, with their records and answers.
#[derive(Default)]
pub(super) struct Batch {
    records: Vec<AppendRecord>,
    answers: Vec<(Reply, Result<Decision, EngineError>)>,
    /// Accounts the batch changes, published once it is durable.
    changed: Vec<AccountId>,
    /// Keys the batch's events are sealed under, stored before they are appended.
    keys: Vec<KeyRow>,
    /// Members the batch erases or deletes: their keys are destroyed once it is durable.
    shredded: Vec<(AccountId, MemberId)>,
    /// `ExpireDue` decisions with events in `records`.
    pub(super) expiries: u64,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.answers.is_empty() && self.records.is_empty()
    }

    /// Records staged so far.
    pub(super) fn record_count(&self) -> usize {
        self.records.len()
    }
}

impl<L: EventLog> PartitionActor<L> {
    pub(super) async fn run(mut self, mut inbox: mpsc::Receiver<Message>) {
        let mut messages = Vec::with_capacity(self.max_batch);
        let mut stop_acks = Vec::new();
        let mut batch = Batch::default();
        while !self.halted {
            let receive = inbox.recv_many(&mut messages, self.max_batch);
            let wait = match (self.expiry.wait(self.clock.now()), self.bulk.wait()) {
                (Some(expiry), Some(bulk)) => Some(expiry.min(bulk)),
                (expiry, bulk) => expiry.or(bulk),
            };
            let closed = match wait {
                None => receive.await == 0,
                Some(wait) => matches!(tokio::time::timeout(wait, receive).await, Ok(0)),
            };
            if closed {
                break;
            }
            for message in messages.drain(..) {
                self.serve(message, &mut batch, &mut stop_acks).await;
            }
            let mut step = None;
            if !self.halted {
                self.expire_due(&mut batch);
                step = self.advance_bulk(&mut batch);
            }
            let records = batch.record_count();
            let committing = Instant::now();
            self.commit(&mut batch).await;
            if let Some(step) = step {
                let share = step.records as f64 / records.max(1) as f64;
                self.bulk
                    .spent(step.decided_in + committing.elapsed().mul_f64(share));
            }
        }
        inbox.close();
        while let Ok(message) = inbox.try_recv() {
            self.refuse(message, &mut stop_acks);
        }
        self.snapshots.finish(&self.accounts).await;
        drop(self);
        for ack in stop_acks {
            let _receiver_gone = ack.send(());
        }
    }

    /// Decides, answers or queues one message.
    async fn serve(
        &mut self,
        message: Message,
        batch: &mut Batch,
        stop_acks: &mut Vec<oneshot::Sender<()>>,
    ) {
        if self.halted {
            self.refuse(message, stop_acks);
            return;
        }
        match message {
            Message::Execute(request) => self.decide(request, batch),
            Message::State { account_id, reply } => {
                self.commit(batch).await;
                if !self.halted {
                    let _receiver_gone = reply.send(self.accounts.get(&account_id).cloned());
                }
            }
            Message::Stop(ack) => {
                self.commit(batch).await;
                self.halted = true;
                stop_acks.push(ack);
            }
        }
    }

    /// Answers a message the halted actor will not serve.
    fn refuse(&self, message: Message, stop_acks: &mut Vec<oneshot::Sender<()>>) {
        match message {
            Message::Execute(request) => {
                let _receiver_gone = request.reply.send(Err(self.shared.gone()));
            }
            Message::State { .. } => {}
            Message::Stop(ack) => stop_acks.push(ack),
        }
    }

    /// Decides one request against its account's state; an accepted command's events are
    /// applied at once and queued for the batch's append.
    fn decide(&mut self, request: Box<Request>, batch: &mut Batch) {
        bump(&self.shared.counters.commands_decided, 1);
        if let Some(metrics) = &self.metrics {
            metrics
                .wait
                .observe(request.sent_at.elapsed().as_secs_f64());
        }
        let now = self.clock.now();
        let state = self
            .accounts
            .get(&request.account_id)
            .unwrap_or(&self.empty);
        let mut context = Context::new(now, &mut self.rng);
        let mut decide_now = || {
            decide(
                state,
                &request.command,
                request.idempotency_key.as_deref(),
                &mut context,
            )
        };
        let decided = match (request.presenter, &self.guesses) {
            (Some(presenter), Some(guesses)) => guesses
                .attempt(
                    request.account_id,
                    presenter,
                    now,
                    decide_now,
                    is_wrong_code,
                )
                .map_err(EngineError::Throttled),
            _ => Ok(decide_now()),
        };
        let answer = match decided {
            Err(throttled) => Err(throttled),
            Ok(Err(error)) => Err(EngineError::Rejected(error)),
            Ok(Ok(decision)) => self.stage(
                request.account_id,
                request.correlation_id.as_deref(),
                decision,
                now.timestamp_millis(),
                batch,
            ),
        };
        batch.answers.push((request.reply, answer));
    }

    /// Encodes an accepted decision's events into the batch, applies them to the state and
    /// reschedules the account's expiries. Nothing is applied when an event cannot be encoded.
    pub(super) fn stage(
        &mut self,
        account_id: AccountId,
        correlation_id: Option<&str>,
        decision: Decision,
        now_ms: i64,
        batch: &mut Batch,
    ) -> Result<Decision, EngineError> {
        let events = decision.new_events();
        if events.is_empty() {
            return Ok(decision);
        }
        let key = record_key(account_id);
        let mut records = Vec::with_capacity(events.len());
        let mut keys = Vec::new();
        for event in events {
            let sealed = match &self.keys {
                Some(_) => privacy::seal_event(event, account_id, &mut self.rng)?,
                None => None,
            };
            let event = match sealed {
                Some((sealed, mut sealed_under)) => {
                    keys.append(&mut sealed_under);
                    Cow::Owned(sealed)
                }
                None => Cow::Borrowed(event),
            };
            let envelope = Envelope {
                event_id: self.event_id(now_ms),
                account_id,
                epoch: self.shared.epoch,
                correlation_id: correlation_id.map(str::to_owned),
                causation_id: None,
                event: &*event,
            };
            let payload = envelope.encode().map_err(EngineError::Encode)?;
            if payload.len() > MAX_EVENT_BYTES {
                return Err(EngineError::EventTooLarge {
                    bytes: payload.len(),
                });
            }
            records.push(AppendRecord::new(key.clone(), payload));
        }
        batch.records.append(&mut records);
        batch.keys.append(&mut keys);
        batch.shredded.extend(
            events
                .iter()
                .filter_map(|event| shredded_member(&event.kind))
                .map(|member| (account_id, member)),
        );
        if !batch.changed.contains(&account_id) {
            batch.changed.push(account_id);
        }
        let state = self.accounts.entry(account_id).or_default();
        for event in events {
            evolve(state, event.clone());
        }
        self.expiry.changed(account_id, state);
        self.bulk.changed(account_id, state);
        Ok(decision)
    }

    fn event_id(&mut self, now_ms: i64) -> Ulid {
        let random = (u128::from(self.rng.next_u64()) << 64) | u128::from(self.rng.next_u64());
        Ulid::from_parts(u64::try_from(now_ms).unwrap_or_default(), random)
    }

    /// Appends the batch's events in one write, then answers its requests: with their
    /// decisions when the write succeeded, with the failure otherwise (after the state is
    /// rebuilt from the log, so a retry is decided against what is durable).
    async fn commit(&mut self, batch: &mut Batch) {
        if batch.is_empty() {
            return;
        }
        if let Some(metrics) = &self.metrics {
            if !batch.answers.is_empty() {
                metrics.batch.observe(batch.answers.len() as f64);
            }
        }
        let outcome = if batch.records.is_empty() {
            Ok(())
        } else {
            match store_keys(self.keys.clone(), &batch.keys).await {
                Ok(()) => self.append(&batch.records).await,
                Err(failure) => Err(failure),
            }
        };
        batch.records.clear();
        batch.keys.clear();
        let expiries = std::mem::take(&mut batch.expiries);
        let changed = std::mem::take(&mut batch.changed);
        let shredded = std::mem::take(&mut batch.shredded);
        match &outcome {
            Ok(()) => {
                bump(&self.shared.counters.expiries_recorded, expiries);
                self.shared.views.publish(&changed, &self.accounts);
                self.shred(&shredded).await;
            }
            Err(Failure::Append(_) | Failure::Keys(_)) => self.recover().await,
            Err(Failure::Fenced { .. }) => {}
        }
        for (reply, answer) in batch.answers.drain(..) {
            let answer = match &outcome {
                Ok(()) => answer,
                Err(failure) => Err(failure.for_request()),
            };
            let _receiver_gone = reply.send(answer);
        }
        if self.snapshots.due() {
            self.snapshots.start(self.accounts.clone());
        }
    }

    /// Destroys the keys of members a durable batch erased or deleted, and asks for a
    /// snapshot replacing every older one. A failure is logged: the next rebuild of the state
    /// destroys them again.
    async fn shred(&mut self, members: &[(AccountId, MemberId)]) {
        let Some(store) = self.keys.clone() else {
            return;
        };
        for (account_id, member) in members {
            if let Err(error) = store.shred(*account_id, *member).await {
                tracing::error!(account = account_id.0, member = member.0, %error,
                    "a member's keys could not be destroyed; retried at the next rebuild");
            }
        }
        if !members.is_empty() {
            self.snapshots.purge();
        }
    }

    async fn append(&mut self, records: &[AppendRecord]) -> Result<(), Failure> {
        let counters = &self.shared.counters;
        let started = Instant::now();
        let appended = self.writer.append(records).await;
        if let Some(metrics) = &self.metrics {
            metrics.append.observe(started.elapsed().as_secs_f64());
            if appended.is_err() {
                metrics.failed.inc();
            }
        }
        match appended {
            Ok(offsets) => {
                self.snapshots
                    .appended(offsets.end, self.shared.epoch, records.len() as u64);
                self.shared
                    .known_end
                    .fetch_max(offsets.end, Ordering::Release);
                bump(&counters.batches_appended, 1);
                bump(&counters.events_appended, records.len() as u64);
                Ok(())
            }
            Err(LogError::Fenced { partition, epoch }) => {
                bump(&counters.failed_appends, 1);
                self.shared.fenced.store(true, Ordering::Release);
                self.halted = true;
                self.snapshots.diverged();
                Err(Failure::Fenced { partition, epoch })
            }
            Err(error) => {
                bump(&counters.failed_appends, 1);
                Err(Failure::Append(Arc::new(error)))
            }
        }
    }

    /// Replaces the optimistically evolved state with the log's; stops the actor if the log
    /// cannot be read.
    async fn recover(&mut self) {
        let partition = self.shared.partition;
        let keys = self.keys.as_deref();
        match load::rebuild(&*self.log, partition, self.snapshots.store(), keys).await {
            Ok(loaded) => {
                self.shared.counters.loaded(&loaded);
                self.snapshots
                    .loaded(loaded.covered, loaded.end, loaded.epoch, loaded.records);
                self.shared
                    .known_end
                    .fetch_max(loaded.end, Ordering::Release);
                self.accounts = loaded.accounts;
                self.shared.views.publish_all(&self.accounts);
                self.expiry.rebuild(&self.accounts);
                self.expiry.pause();
                self.bulk.rebuild(&self.accounts);
                bump(&self.shared.counters.rebuilds, 1);
            }
            Err(_) => {
                self.halted = true;
                self.snapshots.diverged();
            }
        }
    }
}

/// Stores the keys a batch's events are sealed under in `store`, before the events are
/// appended.
async fn store_keys(store: Option<Arc<dyn KeyStore>>, keys: &[KeyRow]) -> Result<(), Failure> {
    match store {
        Some(store) if !keys.is_empty() => store
            .put(keys)
            .await
            .map_err(|error| Failure::Keys(Arc::new(error))),
        _ => Ok(()),
    }
}

/// Why a batch was not appended.
enum Failure {
    Fenced { partition: u32, epoch: u64 },
    Append(Arc<LogError>),
    Keys(Arc<privacy::KeyStoreError>),
}

impl Failure {
    fn for_request(&self) -> EngineError {
        match self {
            Self::Fenced { partition, epoch } => EngineError::Fenced {
                partition: *partition,
                epoch: *epoch,
            },
            Self::Append(error) => EngineError::AppendFailed(Arc::clone(error)),
            Self::Keys(error) => EngineError::KeyStore(Arc::clone(error)),
        }
    }
}
