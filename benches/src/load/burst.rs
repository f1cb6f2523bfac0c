//! [`burst`]: a burst of requests released at once, over connections opened (and rendered
//! requests prepared) before it, so neither the TCP handshakes nor the rendering spread the
//! burst out. With as many connections as attempts every attempt has its own connection and
//! all are written at the same instant; with fewer, each connection sends its next attempt as
//! soon as its previous one is answered (a closed loop over the pool). Each latency counts
//! from when its request was written; the report's time runs from the release to the last
//! answer. A failed exchange counts as status 0 and is not sent again.

use super::requests::Requests;
use super::run::micros;
use super::wire::Connection;
use super::{LoadError, Report, Sample};
use futures_util::{stream, StreamExt, TryStreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

/// Connections opened at a time before a burst.
const OPENING_CONCURRENCY: usize = 64;

/// Sends `attempts` requests of `requests` to `address` (`host:port`) at once over
/// `connections` kept connections (at most one per attempt) and reports them.
pub async fn burst<R: Requests>(
    address: &str,
    requests: &R,
    attempts: usize,
    connections: usize,
) -> Result<Report, LoadError> {
    let count = connections.clamp(1, attempts.max(1));
    let rendered: Vec<Vec<u8>> = (0..attempts)
        .map_while(|index| requests.render(index, index % count))
        .collect();
    let rendered = Arc::new(rendered);
    let opened: Vec<Connection> = stream::iter(0..count)
        .map(|_| Connection::open(address))
        .buffer_unordered(OPENING_CONCURRENCY)
        .try_collect()
        .await?;
    let next = Arc::new(AtomicUsize::new(0));
    let (ready, mut readies) = mpsc::unbounded_channel();
    let (go, released) = watch::channel(None::<Instant>);
    let mut tasks = JoinSet::new();
    for mut connection in opened {
        let (rendered, next, ready, mut released) = (
            rendered.clone(),
            next.clone(),
            ready.clone(),
            released.clone(),
        );
        tasks.spawn(async move {
            let mut samples = Vec::new();
            let _ready = ready.send(());
            let Ok(start) = released.wait_for(Option::is_some).await.map(|start| *start) else {
                return samples;
            };
            let start = start.unwrap_or_else(Instant::now);
            while let Some(request) = rendered.get(next.fetch_add(1, Ordering::Relaxed)) {
                let sent = Instant::now();
                let answer = connection.exchange(request).await;
                samples.push(Sample {
                    status: answer.as_ref().map_or(0, |answer| answer.status),
                    due_us: micros(sent.duration_since(start)),
                    latency_us: micros(sent.elapsed()),
                    server_us: answer.ok().and_then(|answer| answer.server_us),
                });
                if samples.last().is_some_and(|sample| sample.status == 0) {
                    break;
                }
            }
            samples
        });
    }
    drop(ready);
    for _ in 0..count {
        if readies.recv().await.is_none() {
            break;
        }
    }
    let started = Instant::now();
    let _released = go.send(Some(started));
    let mut samples = Vec::with_capacity(rendered.len());
    while let Some(done) = tasks.join_next().await {
        samples.extend(done.unwrap_or_default());
    }
    Ok(Report::from_samples(started.elapsed(), samples))
}
