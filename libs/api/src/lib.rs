//! The Sparkfly-compatible HTTP API on actix-web.
//!
//! What it owns:
//! - [`AppState`]: what every handler reaches: the partition actors (writes), the read store
//!   (reads), the token secret and the metrics.
//! - [`serve`] and [`configure`]: the server with its middleware, and the routes. What the
//!   state is built over (the event log, the partition actors, the read store) is wired by
//!   the `server` package's `startup` module, for the binaries and the tests alike.
//! - `http`: cross-cutting behaviour: request ids and timing, metrics, the `.json` suffix,
//!   request bodies, and the one mapping of errors to responses ([`ApiError`]).
//! - `auth`: `GET /auth`, signed tokens and the [`Principal`] every guarded handler receives.
//! - `openapi`: the route declarations ([`openapi::Routes`]) that both mount the routes and
//!   render the OpenAPI document served at `GET /openapi.json`.
//! - `cluster`: serving as one of several instances that share the log's partitions: a
//!   request whose partition another instance owns is forwarded to it.
//! - `routes`: one module per resource family, among them the account's callback settings and
//!   a channel's callback deliveries (served when the dispatcher runs in this process, 503
//!   otherwise).
//!
//! Choices where Sparkfly is silent:
//! - A duplicate (`... has already been taken`) answers 400, as Sparkfly's validation errors
//!   do; other domain refusals answer by kind: invalid 400, not found 404, conflict 409.
//! - A body without a Content-Type, or labelled form-urlencoded but holding JSON text (what
//!   `curl -d` sends), is read as JSON; `member[identifier]=x` forms are read as nested
//!   objects.
//! - `DELETE` answers 200 with an empty body.
//! - Read-your-writes: a read first waits (bounded) until the read model holds every record
//!   its account's partition had when the read started, so it holds the caller's writes.
//! - Tokens are `account.key_id.expires_at.binding.hmac`, not Sparkfly's 64 hex characters;
//!   they stop working when their key is revoked, or when the secret that obtained them is
//!   rotated away and the rotation's grace period ends; none lasts more than 24 hours.
//! - `GET /auth` attempts are limited per identity and per client address (429 with
//!   `Retry-After` past the allowance).
//! - API keys are managed by the account's admins under `/v1.0/api_keys`.

pub mod auth;
pub mod cluster;
pub mod http;
pub mod landing;
pub mod openapi;
pub mod routes;
mod server;
mod state;

pub use auth::{hash_key, Principal, TokenSecret};
pub use http::{ApiError, Health, Metrics};
pub use routes::configure;
pub use server::serve;
pub use state::AppState;
