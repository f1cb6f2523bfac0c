//! [`Deliverer`]: one attempt of one callback over HTTP(S): a shared reqwest client (keep-alive
//! connections reused per host, no redirects followed, rustls verifying against the
//! platform's roots), a
//! per-attempt timeout, a bound on attempts in flight per partner host and in all, and the
//! signature headers.
//!
//! An attempt first takes its host's permit, then a global one, so a slow or dead partner
//! holds at most `per_host` of the global permits and never stalls the others.

use crate::guard::{Blocked, Guard};
use crate::sign::{sign, ATTEMPT_HEADER, DELIVERY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use reqwest::header::CONTENT_TYPE;
use reqwest::Url;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The longest time to open a connection (within the attempt's timeout).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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
        /// What went wrong.
        error: String,
    },
    /// The guards refuse the url for good.
    Refused(String),
    /// The deadline passed while waiting for a permit.
    NoPermit,
}

/// One attempt to make.
#[derive(Clone, Copy, Debug)]
pub struct Attempt<'a> {
    /// The stable delivery id.
    pub delivery_id: &'a str,
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
    timeout: Duration,
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    global: Arc<Semaphore>,
}

impl Deliverer {
    /// A deliverer with `timeout` per attempt, `per_host` and `concurrency` attempts in flight
    /// per host and in all, checking urls with `guard`.
    pub fn new(
        guard: Guard,
        timeout: Duration,
        per_host: usize,
        concurrency: usize,
    ) -> Result<Self, ClientError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .pool_max_idle_per_host(per_host.max(1))
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .user_agent(concat!("promotions-callbacks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            guard,
            timeout,
            per_host: per_host.max(1),
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(concurrency.max(1))),
        })
    }

    fn host_permits(&self, url: &Url) -> Arc<Semaphore> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    async fn permits(&self, url: &Url, deadline: Instant) -> Option<[OwnedSemaphorePermit; 2]> {
        let host = self.host_permits(url);
        let acquire = async {
            let host = host.acquire_owned().await.ok()?;
            let global = self.global.clone().acquire_owned().await.ok()?;
            Some([host, global])
        };
        tokio::time::timeout_at(deadline, acquire)
            .await
            .ok()
            .flatten()
    }

    /// Makes `attempt`: checks the url, waits for the permits, sends `POST` with the body and
    /// headers, and waits for the answer at most the timeout (cut at the deadline).
    pub async fn send(&self, attempt: Attempt<'_>) -> Outcome {
        let url = match self.guard.check(attempt.url).await {
            Ok(url) => url,
            Err(Blocked::Refused(reason)) => return Outcome::Refused(reason),
            Err(unresolved @ Blocked::Unresolved(_)) => {
                return Outcome::Failed {
                    status: None,
                    error: unresolved.to_string(),
                }
            }
        };
        let Some(_permits) = self.permits(&url, attempt.deadline).await else {
            return Outcome::NoPermit;
        };
        let left = attempt.deadline.saturating_duration_since(Instant::now());
        let timeout = self.timeout.min(left).max(Duration::from_millis(1));
        let mut request = self
            .client
            .post(url)
            .timeout(timeout)
            .header(CONTENT_TYPE, "application/json")
            .header(DELIVERY_ID_HEADER, attempt.delivery_id)
            .header(ATTEMPT_HEADER, attempt.number.to_string());
        if let Some(secret) = attempt.secret {
            let timestamp = chrono::Utc::now().timestamp();
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
                // Read (and drop) the answer so the connection goes back to the pool.
                let _drained = tokio::time::timeout_at(attempt.deadline, response.bytes()).await;
                if status.is_success() {
                    Outcome::Delivered {
                        status: status.as_u16(),
                    }
                } else {
                    Outcome::Failed {
                        status: Some(status.as_u16()),
                        error: format!("answered {status}"),
                    }
                }
            }
            Err(error) => Outcome::Failed {
                status: None,
                error: describe(&error),
            },
        }
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "connection failed".into()
    } else {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}
