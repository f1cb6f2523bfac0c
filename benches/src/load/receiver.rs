//! [`Receiver`]: a partner's callback endpoint on 127.0.0.1:0 for tests and the callback
//! latency bench: records every request (path and query, headers, body, when it arrived) and
//! answers as told: 200, a status, fail the first N then 200, never, or 200 with an endless
//! body (counting the bytes it hands to the connection, and whether the client hung up).

use actix_web::web::Bytes;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Notify;

/// How the receiver answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// 200.
    Accept,
    /// 500 for the first `n` requests, then 200.
    FailFirst(usize),
    /// Always this status.
    Status(u16),
    /// Never answers (the connection stays open).
    Hang,
    /// 200 with a body that does not end (10 GiB, made lazily as the connection takes it).
    Endless,
}

/// The chunk an endless body is made of.
const ENDLESS_CHUNK: usize = 64 * 1024;
/// How long an endless body is.
const ENDLESS_BYTES: u64 = 10 << 30;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    /// The path with its query, as sent.
    pub target: String,
    /// The headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: Instant,
    /// When it arrived, by the wall clock.
    pub wall: SystemTime,
    /// The status it was answered (0 when never).
    pub answered: u16,
}

impl Received {
    /// The body as JSON (null when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// Header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

struct Inner {
    behaviour: Mutex<Behaviour>,
    received: Mutex<Vec<Received>>,
    arrived: Notify,
    /// Bytes of endless bodies handed to connections.
    sent: AtomicU64,
    /// Endless bodies dropped (their connection closed) so far.
    hung_up: AtomicU64,
}

/// Counts an endless body as hung up when the server drops it.
struct HangUp(Arc<Inner>, AtomicBool);

impl Drop for HangUp {
    fn drop(&mut self) {
        if !self.1.swap(true, Ordering::AcqRel) {
            self.0.hung_up.fetch_add(1, Ordering::AcqRel);
            self.0.arrived.notify_waiters();
        }
    }
}

/// A 10 GiB body, one chunk at a time, counted as it is taken.
fn endless(inner: Arc<Inner>) -> HttpResponse {
    let chunk = Bytes::from(vec![b'x'; ENDLESS_CHUNK]);
    let hang_up = HangUp(inner, AtomicBool::new(false));
    let chunks = ENDLESS_BYTES / ENDLESS_CHUNK as u64;
    let body = futures_util::stream::iter(0..chunks).map(move |_| {
        hang_up
            .0
            .sent
            .fetch_add(ENDLESS_CHUNK as u64, Ordering::AcqRel);
        Ok::<_, std::convert::Infallible>(chunk.clone())
    });
    HttpResponse::Ok().streaming(body)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running receiver; stops when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Its port.
    pub port: u16,
    inner: Arc<Inner>,
    handle: actix_web::dev::ServerHandle,
}

async fn receive(
    request: HttpRequest,
    body: web::Bytes,
    inner: web::Data<Arc<Inner>>,
) -> HttpResponse {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let behaviour = *lock(&inner.behaviour);
    let count = lock(&inner.received).len();
    let status = match behaviour {
        Behaviour::Accept => 200,
        Behaviour::FailFirst(n) if count < n => 500,
        Behaviour::FailFirst(_) => 200,
        Behaviour::Status(status) => status,
        Behaviour::Hang => 0,
        Behaviour::Endless => 200,
    };
    lock(&inner.received).push(Received {
        target: request.uri().to_string(),
        headers,
        body: body.to_vec(),
        at: Instant::now(),
        wall: SystemTime::now(),
        answered: status,
    });
    inner.arrived.notify_waiters();
    if status == 0 {
        std::future::pending::<()>().await;
    }
    if behaviour == Behaviour::Endless {
        return endless(inner.get_ref().clone());
    }
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).finish()
}

impl Receiver {
    /// Starts a receiver answering with `behaviour`.
    pub fn start(behaviour: Behaviour) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let inner = Arc::new(Inner {
            behaviour: Mutex::new(behaviour),
            received: Mutex::new(Vec::new()),
            arrived: Notify::new(),
            sent: AtomicU64::new(0),
            hung_up: AtomicU64::new(0),
        });
        let data = web::Data::new(inner.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .listen(listener)?
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(Self {
            base: format!("http://127.0.0.1:{port}"),
            port,
            inner,
            handle,
        })
    }

    /// Answers from now on with `behaviour`.
    pub fn set_behaviour(&self, behaviour: Behaviour) {
        *lock(&self.inner.behaviour) = behaviour;
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.inner.received).clone()
    }

    /// Waits until at least `count` requests arrived or `timeout` passed; answers them all.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.inner.arrived.notified();
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.received();
            }
        }
    }

    /// Bytes of endless bodies handed to connections so far (what the client could have
    /// read, give or take the sockets' buffers).
    pub fn sent_bytes(&self) -> u64 {
        self.inner.sent.load(Ordering::Acquire)
    }

    /// Waits until at least `count` endless bodies were dropped (their client hung up) or
    /// `timeout` passed; answers how many were.
    pub async fn wait_for_hang_ups(&self, count: u64, timeout: Duration) -> u64 {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.inner.arrived.notified();
            let hung_up = self.inner.hung_up.load(Ordering::Acquire);
            if hung_up >= count {
                return hung_up;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.inner.hung_up.load(Ordering::Acquire);
            }
        }
    }

    /// Stops it.
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { handle.stop(false).await });
        }
    }
}
