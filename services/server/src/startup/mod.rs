//! Start-up: the composition root, the one place that wires the libraries together. The
//! `serve` and `command-service` binaries ([`crate::Application`]) and the API's integration
//! tests start through [`open_and_serve`]; the offline commands open a [`Stack`] alone.
//!
//! - [`StackConfig`] (`config`): the backends by URL and what this process runs. The
//!   embedded default is SQLite files (the snapshots beside the log: `events.snapshots.db`
//!   next to `events.db`); production runs the log on Kafka (with the `kafka` feature) and
//!   the read store and snapshots on Postgres.
//! - [`Stack`] (`stack`): the event log, the snapshot store, one partition actor per
//!   partition, the read store, one projector per partition when this process projects, the
//!   callback dispatcher when it dispatches, and the [`api::AppState`] over them.
//! - [`pair_stores`] (`pairing`): at start the read store and the snapshot store must belong
//!   to the event log opened; a store filled from another log is refused.
//! - [`StackError`] (`error`): why a start failed.
//! - With [`StackConfig::cluster`] the actors are those of the partitions this instance's
//!   leases give it ([`crate::membership`]), and the API forwards the rest to their owner.
//!
//! Background work (the projectors, the callback dispatcher, snapshot writes, and the
//! connections of the read store and the dispatcher's log) runs on
//! [`StackConfig::background`] when given: the service binaries pass a runtime whose threads
//! have a lower CPU priority, so that on a busy machine a point-of-sale request never waits
//! for a projection. Without one it shares the caller's runtime.
//!
//! With [`StackConfig::callbacks`] the stack also runs the conversion-callback dispatcher
//! over the same log, recording its deliveries in a log of its own beside the event log
//! ([`callbacks_log`]: `callbacks.db` next to a SQLite log, the topic `<topic>-callbacks` next
//! to a Kafka one, same partition count), and serves the API's delivery routes from it.

mod config;
mod error;
mod pairing;
mod stack;

pub use crate::membership::ClusterSettings;
pub use config::{callbacks_log, default_key_store, open_key_store, StackConfig};
pub use error::StackError;
pub use pairing::pair_stores;
pub use stack::Stack;

use actix_web::dev::Server;
use api::TokenSecret;
use std::net::TcpListener;

/// A started service: the stack, and the HTTP server over it, which answers once awaited or
/// spawned. Stop the server through its handle first, then [`Stack::shutdown`].
pub struct Serving {
    /// The stack the API serves from.
    pub stack: Stack,
    /// The API's HTTP server on the listener.
    pub server: Server,
}

/// Opens the [`Stack`] `config` names (tokens signed with `secret`) and builds the API's
/// HTTP server over it on `listener` with `workers` worker threads. When the server cannot
/// be built, the stack is shut down before the error is answered.
pub async fn open_and_serve(
    config: &StackConfig,
    secret: TokenSecret,
    listener: TcpListener,
    workers: usize,
) -> Result<Serving, StackError> {
    let stack = Stack::open(config, secret).await?;
    match api::serve(listener, stack.state().clone(), workers) {
        Ok(server) => Ok(Serving { stack, server }),
        Err(error) => {
            stack.shutdown().await;
            Err(StackError::Http(error))
        }
    }
}
