//! [`Deliverer`]: one attempt of one callback over HTTP(S): a shared reqwest client
//! (keep-alive connections reused per host, no redirects followed, no proxy, rustls verifying
//! against the platform's roots, connecting only to addresses the guard checked), a
//! per-attempt timeout, bounds on attempts in flight per account, per destination address
//! and in all ([`permits`]), the signature headers, and an answer read up to
//! [`MAX_ANSWER_BYTES`] (past that the connection is dropped, not read further).
//!
//! What an attempt came to is told as a class of failure ([`failure`]); the error chain goes
//! to the logs only.

mod connect;
pub mod failure;
mod permits;

use self::connect::{CheckedResolve, Pins};
use self::failure::Failure;
use self::permits::Permits;
use crate::config::DispatcherConfig;
use crate::guard::{Blocked, Guard, Refusal};
use crate::sign::{sign, ATTEMPT_HEADER, DELIVERY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use clock::Clock;
use domain::ids::AccountId;
use reqwest::header::CONTENT_TYPE;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The longest time to open a connection (within the attempt's timeout).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most of an answer's body that is read; a longer one is cut and its connection
/// dropped. Partners answer callbacks with a status; the body is only drained so that the
/// connection can be reused.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx.
    Delivered {
        /// The status.
        status: u16,
    },
    /// Anything else: another status, a timeout, a connection error, a name that does not
    /// resolve.
    Failed {
        /// The status, when the partner answered.
        status: Option<u16>,
        /// What went wrong, as users are told it (a class of failure, see [`failure`]).
        error: String,
    },
    /// The guards refuse the url for good; nothing was sent.
    Refused(Refusal),
    /// The deadline passed while waiting for a permit.
    NoPermit,
}

/// One attempt to make.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// The stable delivery id.
    pub delivery_id: &'a str,
    /// The account the delivery belongs to (its attempts share the account's permits).
    pub account: AccountId,
    /// The attempt number, from 1.
    pub number: u32,
    /// The rendered url.
    pub url: &'a str,
    /// The JSON body.
    pub body: &'a str,
    /// The channel's secret, when attempts are signed.
    pub secret: Option<&'a str>,
    /// The latest time the attempt may end.
    pub deadline: Instant,
}

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("HTTP client: {0}")]
pub struct ClientError(#[from] reqwest::Error);

/// Makes attempts.
pub struct Deliverer {
    client: reqwest::Client,
    guard: Guard,
    pins: Arc<Pins>,
    permits: Permits,
    timeout: Duration,
    clock: Arc<dyn Clock>,
}

impl Deliverer {
    /// A deliverer with `config`'s destination policy, own listener, timeout and bounds.
    pub fn new(config: &DispatcherConfig) -> Result<Self, ClientError> {
        let pins = Arc::new(Pins::default());
        let resolve = CheckedResolve::new(pins.clone(), config.destinations.clone());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(resolve)
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_max_idle_per_host(config.per_host.max(1))
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .user_agent(concat!("promotions-callbacks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            guard: Guard::new(config.destinations.clone(), config.own_address),
            pins,
            permits: Permits::new(config.per_account, config.per_host, config.concurrency),
            timeout: config.request_timeout,
            clock: Arc::clone(&config.clock),
        })
    }

    /// Makes `attempt`: checks the url and resolves its host, waits for the permits, sends
    /// `POST` with the body and headers to a checked address, and waits for the answer at
    /// most the timeout (cut at the deadline).
    pub async fn send(&self, attempt: Attempt<'_>) -> Outcome {
        let checked = match self.guard.check(attempt.url).await {
            Ok(checked) => checked,
            Err(Blocked::Refused(refusal)) => return Outcome::Refused(refusal),
            Err(Blocked::Unresolved(detail)) => {
                tracing::debug!(delivery = attempt.delivery_id, %detail, "callback host did not resolve");
                return failed(None, failure::UNRESOLVED.into());
            }
        };
        let Some(destination) = checked.addresses.first().copied() else {
            return failed(None, failure::UNRESOLVED.into());
        };
        let Some(_permits) = self
            .permits
            .acquire(attempt.account, destination, attempt.deadline)
            .await
        else {
            return Outcome::NoPermit;
        };
        let _pinned = checked
            .name()
            .map(|name| self.pins.pin(name, &checked.addresses));
        let left = attempt.deadline.saturating_duration_since(Instant::now());
        let timeout = self.timeout.min(left).max(Duration::from_millis(1));
        let ends = Instant::now() + timeout;
        let mut request = self
            .client
            .post(checked.url.clone())
            .timeout(timeout)
            .header(CONTENT_TYPE, "application/json")
            .header(DELIVERY_ID_HEADER, attempt.delivery_id)
            .header(ATTEMPT_HEADER, attempt.number.to_string());
        if let Some(secret) = attempt.secret {
            let timestamp = self.clock.now().timestamp();
            request = request
                .header(TIMESTAMP_HEADER, timestamp.to_string())
                .header(
                    SIGNATURE_HEADER,
                    sign(secret.as_bytes(), timestamp, attempt.body.as_bytes()),
                );
        }
        match request.body(attempt.body.to_owned()).send().await {
            Ok(response) => {
                let status = response.status();
                drain(response, ends).await;
                if status.is_success() {
                    Outcome::Delivered {
                        status: status.as_u16(),
                    }
                } else {
                    failed(
                        Some(status.as_u16()),
                        format!("answered {}", status.as_u16()),
                    )
                }
            }
            Err(error) => {
                let chain = failure::chain(&error);
                match failure::classify(&error) {
                    Failure::Refused(refusal) => Outcome::Refused(refusal),
                    Failure::Failed(class) => {
                        tracing::debug!(delivery = attempt.delivery_id, %destination, class, error = %chain, "callback attempt failed");
                        failed(None, class.into())
                    }
                }
            }
        }
    }
}

fn failed(status: Option<u16>, error: String) -> Outcome {
    Outcome::Failed { status, error }
}

/// Reads (and drops) at most [`MAX_ANSWER_BYTES`] of `response`'s body, until `ends`: a short
/// answer read to its end lets the connection be reused; a longer one is dropped with its
/// connection once the cap is passed.
async fn drain(mut response: reqwest::Response, ends: Instant) {
    let read = async {
        let mut total = 0usize;
        while let Ok(Some(chunk)) = response.chunk().await {
            total = total.saturating_add(chunk.len());
            if total > MAX_ANSWER_BYTES {
                break;
            }
        }
    };
    let _within = tokio::time::timeout_at(ends, read).await;
}
