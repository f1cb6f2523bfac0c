//! [`Background`]: the runtime on which the all-in-one server and the command service run
//! what answers no request: the projectors, the callback dispatcher, snapshot writes, and the
//! connections of the read store and of the dispatcher's log. Its threads run at a lower CPU
//! priority (a higher nice value, `PROMO_BACKGROUND_NICE`), so that on a busy machine a woken
//! request thread (HTTP worker, partition actor, the event log's writer) gets a core first:
//! measured on two cores at 1,000 redemptions/s, an fsync's completion otherwise waits behind
//! the projector's work, and the POS path's p99 triples.

use std::sync::Once;
use thread_priority::{set_current_thread_priority, ThreadPriority, ThreadPriorityValue};
use tokio::runtime::{Handle, Runtime};

/// The nice value background threads get unless `PROMO_BACKGROUND_NICE` says otherwise.
pub const DEFAULT_NICE: u8 = 10;

/// The background runtime. Stop it with [`Background::shutdown`]; dropped (a start that
/// failed half way), it stops the same way, since a runtime dropped inside the main runtime
/// would panic and hide the failure.
pub struct Background {
    runtime: Option<Runtime>,
    handle: Handle,
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Background {
    /// A multi-threaded runtime (one worker per CPU) whose threads, blocking ones included,
    /// run at nice `nice` (0 to 19; 0 leaves them as they are).
    pub fn start(nice: u8) -> std::io::Result<Self> {
        let workers = std::thread::available_parallelism().map_or(1, usize::from);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("promo-background")
            .enable_all()
            .on_thread_start(move || lower_priority(nice))
            .build()?;
        Ok(Self {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
        })
    }

    /// Where to spawn background work.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Stops the runtime without waiting for its tasks (stop them first).
    pub fn shutdown(self) {
        drop(self);
    }
}

/// Gives the calling thread nice value `nice`; a failure (a platform without nice values) is
/// logged once and leaves the thread as it is.
fn lower_priority(nice: u8) {
    if nice == 0 {
        return;
    }
    let set = ThreadPriorityValue::try_from(crossplatform_value(nice))
        .map_err(|error| error.to_string())
        .and_then(|value| {
            set_current_thread_priority(ThreadPriority::Crossplatform(value))
                .map_err(|error| error.to_string())
        });
    if let Err(error) = set {
        static WARNED: Once = Once::new();
        WARNED.call_once(|| {
            tracing::warn!(%error, nice, "background threads keep the normal priority");
        });
    }
}

/// The `thread_priority` value (0 to 99) that the crate maps to nice `nice` under the normal
/// scheduling policy: nice = floor(39 * (1 - value / 99)) - 20.
fn crossplatform_value(nice: u8) -> u8 {
    let nice = f32::from(nice.min(19));
    (99.0 * (1.0 - (nice + 20.0) / 39.0)).floor() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nice value of the calling thread, read from `/proc`.
    fn own_nice() -> Option<i32> {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
        let after_name = stat.rsplit_once(')')?.1;
        after_name.split_whitespace().nth(16)?.parse().ok()
    }

    #[test]
    fn background_threads_run_at_the_nice_value_asked_for() {
        for nice in [5, 10, 19] {
            let background = Background::start(nice).unwrap_or_else(|error| panic!("{error}"));
            let seen = background
                .handle()
                .block_on(async { tokio::spawn(async { own_nice() }).await.ok().flatten() });
            background.shutdown();
            assert_eq!(seen, Some(i32::from(nice)));
        }
    }

    #[test]
    fn threads_outside_it_keep_their_priority() {
        let before = own_nice();
        let background = Background::start(10).unwrap_or_else(|error| panic!("{error}"));
        background.shutdown();
        assert_eq!(own_nice(), before);
    }
}
