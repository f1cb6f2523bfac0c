//! [`PartitionHandle`]: how the rest of the program sends commands to a partition's actor and
//! gets durable answers back.

use super::{ActorStats, Message, Request, Shared};
use crate::error::EngineError;
use crate::guessing::Presenter;
use domain::account::ApiKey;
use domain::ids::{AccountId, ApiKeyId};
use domain::{AccountState, Command, Decision};
use eventlog::partition_of;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// A cloneable way to reach one partition's actor.
#[derive(Clone)]
pub struct PartitionHandle {
    sender: mpsc::Sender<Message>,
    shared: Arc<Shared>,
}

impl PartitionHandle {
    pub(super) fn new(sender: mpsc::Sender<Message>, shared: Arc<Shared>) -> Self {
        Self { sender, shared }
    }

    /// The partition the actor writes.
    pub fn partition(&self) -> u32 {
        self.shared.partition
    }

    /// The epoch of the actor's claim.
    pub fn epoch(&self) -> u64 {
        self.shared.epoch
    }

    /// One past the offset of the last record this actor has read from the log (rebuilding
    /// its state) or appended to it: a reader that has projected every record below it has
    /// seen every write this actor answered.
    pub fn log_end(&self) -> u64 {
        self.shared.known_end.load(Ordering::Acquire)
    }

    /// Whether the actor still takes commands: not fenced by a newer writer, not stopped.
    pub fn is_serving(&self) -> bool {
        !self.shared.fenced.load(Ordering::Acquire) && !self.sender.is_closed()
    }

    /// API key `key_id` of `account_id` as of the last durable batch (`None` when the account
    /// or the key is unknown), read without a trip to the actor: for checking tokens. While
    /// the actor is not serving (fenced or stopped) the answer may be stale.
    pub fn api_key(&self, account_id: AccountId, key_id: ApiKeyId) -> Option<Arc<ApiKey>> {
        self.shared
            .views
            .get(account_id)
            .shared_api_key(key_id)
            .cloned()
    }

    /// The state of `account_id` as of the last durable batch (the empty state when the
    /// partition holds no such account), read on the caller's thread without a trip to the
    /// actor: it holds every write the actor has acknowledged. Refused while the actor does not
    /// serve (fenced by a newer writer, whose changes it cannot see, or stopped).
    pub fn view(&self, account_id: AccountId) -> Result<Arc<AccountState>, EngineError> {
        if !self.is_serving() {
            return Err(self.shared.gone());
        }
        Ok(self.shared.views.get(account_id))
    }

    /// What the actor has done so far.
    pub fn stats(&self) -> ActorStats {
        self.shared.counters.snapshot()
    }

    /// Decides `command` for `account_id` and answers once its events are durably in the log
    /// (or, for a refusal or a repeat, once the batch it was decided in is). A refusal comes
    /// back as [`EngineError::Rejected`] and records nothing.
    pub async fn execute(
        &self,
        account_id: AccountId,
        command: Command,
        idempotency_key: Option<String>,
        correlation_id: Option<String>,
    ) -> Result<Decision, EngineError> {
        self.submit(account_id, command, idempotency_key, correlation_id, None)
            .await
    }

    /// [`PartitionHandle::execute`] for a command presenting codes on behalf of `presenter`:
    /// decided under its wrong-code allowances (see [`crate::guessing`]), refused with
    /// [`EngineError::Throttled`] while one of them is spent.
    pub async fn present(
        &self,
        account_id: AccountId,
        command: Command,
        idempotency_key: Option<String>,
        correlation_id: Option<String>,
        presenter: Presenter,
    ) -> Result<Decision, EngineError> {
        self.submit(
            account_id,
            command,
            idempotency_key,
            correlation_id,
            Some(presenter),
        )
        .await
    }

    async fn submit(
        &self,
        account_id: AccountId,
        command: Command,
        idempotency_key: Option<String>,
        correlation_id: Option<String>,
        presenter: Option<Presenter>,
    ) -> Result<Decision, EngineError> {
        self.check_account(account_id, &command)?;
        let (reply, answer) = oneshot::channel();
        let request = Request {
            account_id,
            command,
            idempotency_key,
            correlation_id,
            presenter,
            reply,
            sent_at: Instant::now(),
        };
        self.send(Message::Execute(Box::new(request))).await?;
        answer.await.map_err(|_| self.shared.gone())?
    }

    /// A copy of an account's current (durable) state, `None` when the partition holds no
    /// such account. Ordered after every command sent before it. Copies the whole state: for
    /// tests and diagnostics, not for serving reads.
    pub async fn account_state(
        &self,
        account_id: AccountId,
    ) -> Result<Option<AccountState>, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.send(Message::State { account_id, reply }).await?;
        answer.await.map_err(|_| self.shared.gone())
    }

    /// Stops the actor once every command sent before is answered, and waits until it has
    /// stopped (its claim is released with it). Later requests get [`EngineError::Stopped`].
    pub async fn shutdown(&self) {
        let (ack, stopped) = oneshot::channel();
        if self.sender.send(Message::Stop(ack)).await.is_ok() {
            let _stopped = stopped.await;
        } else {
            self.sender.closed().await;
        }
    }

    async fn send(&self, message: Message) -> Result<(), EngineError> {
        self.sender
            .send(message)
            .await
            .map_err(|_| self.shared.gone())
    }

    fn check_account(&self, account_id: AccountId, command: &Command) -> Result<(), EngineError> {
        let expected = partition_of(account_id, self.shared.partitions);
        if expected != self.shared.partition {
            return Err(EngineError::WrongPartition {
                account_id,
                partition: self.shared.partition,
                expected,
            });
        }
        if let Command::CreateAccount {
            account_id: in_command,
            ..
        } = command
        {
            if *in_command != account_id {
                return Err(EngineError::AccountMismatch {
                    account_id,
                    in_command: *in_command,
                });
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for PartitionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartitionHandle")
            .field("partition", &self.shared.partition)
            .field("epoch", &self.shared.epoch)
            .finish_non_exhaustive()
    }
}
