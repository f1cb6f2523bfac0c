//! Conversion callbacks: when a credential is redeemed, the partner systems behind its channel
//! (and the account, when it enables callbacks) are told, over HTTP(S), at least once.
//!
//! What it owns:
//! - [`render`]: the facts of a conversion and the `%{...}` placeholder rendering of callback
//!   urls, every value percent-encoded.
//! - [`conversion`]: which events are conversions, what they made (read from the dispatcher's fold), where each goes, the stable delivery id and the JSON body.
//! - [`fold`]: [`fold::CallbackState`], what the dispatcher keeps of an account to make its
//!   callbacks (not the domain's whole state).
//! - [`sign`]: the HMAC-SHA256 signature of a body under the channel's secret, with a
//!   timestamp, and the partner's verification recipe.
//! - [`backoff`]: the retry schedule (exponential, capped, jittered).
//! - [`destination`]: where callbacks may go (public addresses and the ranges an operator
//!   allows), checked when a url is set and again before every attempt.
//! - [`guard`]: the url checks made before every attempt.
//! - [`client`]: one attempt over HTTP(S) to a checked address, bounded per account, per
//!   destination address and in all, its answer read up to a cap, its failure told as a
//!   class.
//! - [`record`] and [`ledger`]: delivery state as events in the dispatcher's own event log,
//!   and their fold.
//! - [`Dispatcher`]: follows the main log, schedules, delivers, records, resumes after a
//!   restart; reached by the API through [`Deliveries`].
//! - [`config`] and [`metrics`]: its settings (from `PROMO_CALLBACK_*`) and counters.
//!
//! The dispatcher is generic over [`eventlog::EventLog`] for both logs; it reads the main log
//! only, so redemptions never wait for callbacks.

pub mod backoff;
pub mod client;
pub mod config;
pub mod conversion;
pub mod deliveries;
pub mod destination;
mod dispatcher;
pub mod error;
pub mod fold;
pub mod guard;
pub mod ledger;
pub mod metrics;
pub mod record;
pub mod render;
pub mod sign;

pub use backoff::Backoff;
pub use config::{ConfigError, DispatcherConfig};
pub use deliveries::{Deliveries, DeliveryPage, ReplayError};
pub use destination::{AllowList, Destinations};
pub use dispatcher::Dispatcher;
pub use error::CallbackError;
pub use ledger::{DeliveryStatus, DeliveryView};
pub use metrics::CallbackMetrics;
pub use render::{render_url, Conversion};
