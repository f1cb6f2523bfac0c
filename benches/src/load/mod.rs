//! The HTTP load generator's parts, shared with the server's process-level tests:
//!
//! - `server`: the real `server` binary started as a child process on a data folder.
//! - `client`: a small API client (login, JSON requests, answers as status and JSON).
//! - `fixture`: what a POS load needs, created over HTTP: a store, an approved offer on a
//!   channel, members and one credential per redemption.
//! - `evaluate`: what a dry-run load needs on top of that: item sets, three offers of
//!   different kinds, their codes and a 10-line basket.
//! - `requests`: what a load sends, prepared as bytes: redemptions, or one fixed request.
//! - `run`: a load at saturation (closed loop) or at a fixed rate (open loop).
//! - `burst`: attempts released at once over connections opened before.
//! - `wire`: the lean HTTP/1.1 client the redemption load goes out through.
//! - `report`: throughput and latency percentiles.
//! - `engine`: the engine's append, batch and wait histograms from `/metrics`, over a run.
//! - `host`: the machine's CPU time over a run, steal by the hypervisor included, and a
//!   process's resident memory.
//! - `disk`: how fast the data folder's disk makes a small write durable, probed before a run.
//! - `receiver`: a partner's callback endpoint that records what it gets.

mod burst;
mod client;
mod disk;
mod engine;
mod evaluate;
mod fixture;
mod host;
mod receiver;
mod report;
mod requests;
mod run;
mod server;
mod wire;

pub use burst::burst;
pub use client::Api;
pub use disk::SyncProbe;
pub use engine::{Bound, EngineSplit, Totals};
pub use evaluate::EvaluateFixture;
pub use fixture::{basket, create_offer, PosFixture};
pub use host::{process_ticks, resident_bytes, with_cpu, CpuSplit, CpuTimes};
pub use receiver::{Behaviour, Received, Receiver};
pub use report::{Report, Sample};
pub use requests::{Fixed, Redemptions, Requests};
pub use run::{drive, run, Mode, RunConfig};
pub use server::{Printed, ServerProcess};

/// Why a load step failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The HTTP request itself failed.
    #[error("http: {0}")]
    Http(#[from] reqwest::Error),
    /// The server answered something else than the step expects.
    #[error("{what}: unexpected {status}: {body}")]
    Unexpected {
        /// The step.
        what: String,
        /// The status it got.
        status: u16,
        /// The body it got.
        body: String,
    },
    /// The server process could not be started or did not come up.
    #[error("server process: {0}")]
    Server(String),
    /// Starting or signalling the process failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}
