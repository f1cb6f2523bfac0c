//! [`AppState`]: the handles every request works through, and how writes and reads reach
//! the right partition.

use crate::auth::{AuthLimits, Token, TokenSecret};
use crate::cluster::Cluster;
use crate::http::{ApiError, Metrics};
use crate::landing::LandingSettings;
use callbacks::{Deliveries, Destinations};
use chrono::{DateTime, Utc};
use clock::{Clock, SystemClock};
use domain::account::Role;
use domain::ids::AccountId;
use domain::redemption::{Plan, PosRequest};
use domain::{Command, Event};
use engine::guessing::is_wrong_code;
use engine::{
    EngineError, GuessLimiter, GuessLimits, PartitionHandle, PartitionTable, Presenter, Serving,
    Throttled,
};
use eventlog::partition_of;
use projections::ReadStore;
use std::sync::Arc;
use std::time::Duration;

/// How long a read waits for the read model to catch up with the writes before it.
pub const READ_WAIT: Duration = Duration::from_secs(2);

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    partitions: Arc<PartitionTable>,
    store: ReadStore,
    secret: TokenSecret,
    metrics: Metrics,
    clock: Arc<dyn Clock>,
    deliveries: Option<Arc<dyn Deliveries>>,
    guesses: Arc<GuessLimiter>,
    callback_destinations: Destinations,
    auth_limits: Arc<AuthLimits>,
    landing: LandingSettings,
    cluster: Option<Cluster>,
}

impl AppState {
    /// State over `partitions` (who serves each partition of the log), the read store fed
    /// from the log, the token signing secret and the metrics `/metrics` serves, on the system
    /// clock.
    pub fn new(
        partitions: Arc<PartitionTable>,
        store: ReadStore,
        secret: TokenSecret,
        metrics: Metrics,
    ) -> Self {
        Self {
            partitions,
            store,
            secret,
            metrics,
            clock: Arc::new(SystemClock),
            deliveries: None,
            guesses: Arc::new(GuessLimiter::new(GuessLimits::default())),
            callback_destinations: Destinations::default(),
            auth_limits: Arc::default(),
            landing: LandingSettings::default(),
            cluster: None,
        }
    }

    /// The same state checking presented codes against `guesses` (the limiter the partition
    /// actors decide redemptions under, so dry runs and redemptions share allowances).
    pub fn with_guesses(self, guesses: Arc<GuessLimiter>) -> Self {
        Self { guesses, ..self }
    }

    /// The same state listing and replaying callback deliveries through `deliveries` (the
    /// dispatcher running in this process).
    pub fn with_deliveries(self, deliveries: Arc<dyn Deliveries>) -> Self {
        Self {
            deliveries: Some(deliveries),
            ..self
        }
    }

    /// The same state checking callback urls against `destinations` (the dispatcher's
    /// policy, so the API refuses a url the dispatcher would never call).
    pub fn with_callback_destinations(self, destinations: Destinations) -> Self {
        Self {
            callback_destinations: destinations,
            ..self
        }
    }

    /// The same state serving landing pages as `landing` says.
    pub fn with_landing(self, landing: LandingSettings) -> Self {
        Self { landing, ..self }
    }

    /// The same state serving as one of several instances that share the partitions, as
    /// `cluster` says (requests for partitions owned elsewhere are forwarded there).
    pub fn with_cluster(self, cluster: Cluster) -> Self {
        Self {
            cluster: Some(cluster),
            ..self
        }
    }

    /// This instance's part in a cluster, when instances share the partitions.
    pub fn cluster(&self) -> Option<&Cluster> {
        self.cluster.as_ref()
    }

    /// Where landing pages are served and their budgets.
    pub fn landing(&self) -> &LandingSettings {
        &self.landing
    }

    /// The callback dispatcher, when it runs in this process.
    pub fn deliveries(&self) -> Option<&Arc<dyn Deliveries>> {
        self.deliveries.as_ref()
    }

    /// Where callback urls may point: checked when a channel's or the account's url is set.
    pub fn callback_destinations(&self) -> &Destinations {
        &self.callback_destinations
    }

    /// The same state reading time (token expiry) from `clock`.
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    /// The time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Whether every actor of this process still takes commands (none has been fenced by a
    /// newer writer or stopped).
    pub fn writers_serving(&self) -> bool {
        self.partitions.locals().all(|handle| handle.is_serving())
    }

    /// Who serves each partition of the log, as this process knows it.
    pub fn partitions(&self) -> &PartitionTable {
        &self.partitions
    }

    /// The read store.
    pub fn store(&self) -> &ReadStore {
        &self.store
    }

    /// The token signing secret.
    pub fn secret(&self) -> &TokenSecret {
        &self.secret
    }

    /// The request metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The `GET /auth` attempt budgets of this server.
    pub fn auth_limits(&self) -> &AuthLimits {
        &self.auth_limits
    }

    /// The actor of `account`'s partition, or [`ApiError::Misrouted`] when another instance
    /// serves it (or none does while it moves).
    fn handle(&self, account: AccountId) -> Result<PartitionHandle, ApiError> {
        let partition = partition_of(account, self.partitions.count());
        match &**self.partitions.get(partition) {
            Serving::Local(handle) => Ok(handle.clone()),
            Serving::Remote(owner) => Err(ApiError::Misrouted {
                partition,
                owner: Some(Arc::clone(owner)),
            }),
            Serving::Moving => Err(ApiError::Misrouted {
                partition,
                owner: None,
            }),
        }
    }

    /// The roles of the API key `token` names when it still accepts the secret that obtained
    /// the token at `now` ([`Token::accepted_by`]). Read from the keys its partition's actor
    /// published after its last durable batch (a map lookup); from the read model while that
    /// actor does not serve (fenced by a newer writer, whose changes only the read model
    /// shows).
    pub async fn api_key_roles(
        &self,
        token: &Token,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<Role>>, ApiError> {
        let (account, key_id) = (token.account_id, token.key_id);
        let handle = self.handle(account)?;
        if handle.is_serving() {
            return Ok(handle
                .api_key(account, key_id)
                .filter(|key| token.accepted_by(key.as_ref(), now))
                .map(|key| key.roles.clone()));
        }
        Ok(self
            .store
            .api_key(account, key_id)
            .await?
            .filter(|key| token.accepted_by(key, now))
            .map(|key| key.roles))
    }

    /// Executes `command` for `account` and answers with the events it recorded (or, for a
    /// repeat, those the first one did).
    pub async fn execute(
        &self,
        account: AccountId,
        command: Command,
        idempotency_key: Option<String>,
        correlation_id: Option<String>,
    ) -> Result<Vec<Event>, ApiError> {
        let handle = self.handle(account)?;
        match handle
            .execute(account, command, idempotency_key, correlation_id)
            .await
        {
            Ok(decision) => Ok(decision.outcome().to_vec()),
            Err(EngineError::Rejected(error)) => Err(ApiError::Domain(error)),
            Err(error) => Err(engine_failure(error)),
        }
    }

    /// Executes `command`, which presents codes on behalf of `presenter`, under the
    /// presenter's wrong-code allowances (429 while one is spent, whatever the codes).
    pub async fn present(
        &self,
        account: AccountId,
        command: Command,
        idempotency_key: Option<String>,
        correlation_id: Option<String>,
        presenter: Presenter,
    ) -> Result<Vec<Event>, ApiError> {
        let handle = self.handle(account)?;
        match handle
            .present(account, command, idempotency_key, correlation_id, presenter)
            .await
        {
            Ok(decision) => Ok(decision.outcome().to_vec()),
            Err(EngineError::Rejected(error)) => Err(ApiError::Domain(error)),
            Err(error) => Err(engine_failure(error)),
        }
    }

    /// A dry run of `request` on `account`'s live state for `presenter`, under the same
    /// allowances as a redemption (checked and spent in one step with the evaluation).
    pub fn evaluate(
        &self,
        account: AccountId,
        request: &PosRequest,
        presenter: Presenter,
    ) -> Result<Plan, ApiError> {
        let planned = self.read(account, |state, now| {
            self.guesses.attempt(
                account,
                presenter,
                now,
                || domain::evaluate(state, request, now),
                is_wrong_code,
            )
        })?;
        planned.map_err(throttled)?.map_err(ApiError::Domain)
    }

    /// Runs `query` on the request's thread against `account`'s live state as its
    /// partition's actor last published it (see [`PartitionHandle::view`]): it holds every
    /// acknowledged write, and never waits for the actor's queue.
    pub fn read<R>(
        &self,
        account: AccountId,
        query: impl FnOnce(&domain::AccountState, DateTime<Utc>) -> R,
    ) -> Result<R, ApiError> {
        let handle = self.handle(account)?;
        let view = handle.view(account).map_err(engine_failure)?;
        Ok(query(&view, self.now()))
    }

    /// Waits (at most [`READ_WAIT`]) until the read model of `account`'s partition holds
    /// every record its writer had read or appended when the call started (every answered
    /// write), so a client reads its own writes. A read model still behind after that is read
    /// as it is, with a warning.
    pub async fn read_barrier(&self, account: AccountId) -> Result<(), ApiError> {
        let handle = self.handle(account)?;
        self.wait_for_partition(&handle).await
    }

    /// [`AppState::read_barrier`] for every partition this process serves, for reads not
    /// confined to an account (finding an API key by identity).
    pub async fn read_barrier_all(&self) -> Result<(), ApiError> {
        for handle in self.partitions.locals() {
            self.wait_for_partition(&handle).await?;
        }
        Ok(())
    }

    async fn wait_for_partition(&self, handle: &PartitionHandle) -> Result<(), ApiError> {
        let partition = handle.partition();
        let Some(last) = handle.log_end().checked_sub(1) else {
            return Ok(());
        };
        let caught_up = self.store.wait_until(partition, last, READ_WAIT).await?;
        if !caught_up {
            tracing::warn!(
                partition,
                offset = last,
                "read model behind the log; reading stale"
            );
        }
        Ok(())
    }
}

/// A presentation refused while an allowance is spent.
fn throttled(refused: Throttled) -> ApiError {
    ApiError::TooManyRequests {
        message: "Too many invalid codes; retry later",
        retry_after: refused.retry_after,
    }
}

/// An engine failure as the API answers it: the log unavailable to this process (fenced,
/// stopped, an append or key store that failed) is a 503 the client may retry; anything else is internal.
fn engine_failure(error: EngineError) -> ApiError {
    match error {
        EngineError::Throttled(refused) => throttled(refused),
        EngineError::EventTooLarge { .. } => ApiError::BadRequest(
            "The request would record more than the log takes in one event; send fewer codes, \
             offers or basket lines"
                .into(),
        ),
        EngineError::Fenced { .. }
        | EngineError::Stopped { .. }
        | EngineError::AppendFailed(_)
        | EngineError::KeyStore(_) => ApiError::log_unavailable(error),
        other => ApiError::internal(other),
    }
}
