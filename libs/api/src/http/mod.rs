//! Cross-cutting HTTP behaviour shared by every route.
//!
//! - `error`: [`ApiError`], the one place errors become responses.
//! - `observe`: request ids, `X-Runtime`, request logs and metrics.
//! - `suffix`: every path also answers with a `.json` suffix.
//! - `body`: [`Body`], a JSON or form-urlencoded request body; `query`: [`Query`], the query
//!   string; `form`: bracketed form keys, shared by both; `limits`: the one rule every input
//!   passes (size, nesting, control characters); `checked`: JSON decoded once under it.
//! - `metrics`: [`Metrics`], the Prometheus registry.
//! - `health`: [`Health`], the answer of `GET /health` (here and on the other services'
//!   operations port).
//! - `idempotency`: [`IdempotencyKey`], the `Idempotency-Key` header of a write.
//! - `answer`: [`One`], [`Reported`] and [`Paged`], the Sparkfly envelopes of answers.

pub mod answer;
mod body;
mod checked;
mod error;
pub mod form;
mod health;
mod idempotency;
pub mod limits;
pub(crate) mod metrics;
mod observe;
mod query;
mod suffix;

pub use answer::{Named, NoErrors, One, Paged, Reported};
pub use body::Body;
pub use error::ApiError;
pub use health::{Health, MEMBERSHIP, PROJECTORS, WRITERS};
pub use idempotency::{IdempotencyKey, IDEMPOTENCY_KEY, MAX_KEY_LEN};
pub use metrics::Metrics;
pub use query::{parse_query, Query};

pub use observe::{observe, RequestId, REQUEST_ID};
pub use suffix::strip_json_suffix;
