//! The load phase's HTTP/1.1 client, lean so the generator leaves the shared cores to the
//! server: [`Connection`] is one keep-alive connection that writes a request prepared as bytes
//! and reads its answer only as far as the status, `X-Runtime` and the body's length
//! (`httparse`); [`Connections`] keeps the idle ones for reuse. The setup and every other
//! call go through [`super::Api`] (reqwest); only the redeem loop comes here.
//!
//! The server closes a connection idle for its keep-alive (actix: 5 s), and at a fixed rate
//! the pool holds connections that long idle after a burst: [`Connections`] drops those idle
//! for [`IDLE_LIMIT`], and sends a request once more on a new connection when a reused one
//! fails (closed under it). Sending twice is safe for the redeem loop, whose every request
//! carries its own `Idempotency-Key`: the server answers a repeat with the first answer.
//!
//! Measured on 2026-12-03: the reqwest client spent about 80 µs of CPU per redemption, a
//! quarter of the two cores at saturation (see benches/README.md).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Most response headers read; actix sends about ten.
const MAX_HEADERS: usize = 32;

/// How long a connection may stay idle and still be reused: under actix's default keep-alive
/// (5 s), after which the server closes it.
pub const IDLE_LIMIT: Duration = Duration::from_secs(3);

/// What the generator keeps of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The server's own time for the request (`X-Runtime`), in microseconds.
    pub server_us: Option<u64>,
}

/// One keep-alive HTTP/1.1 connection, one request at a time.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    received: Vec<u8>,
    /// When its last exchange ended (or it was opened).
    idle_since: Instant,
}

impl Connection {
    /// Connects to `address` (`host:port`).
    pub async fn open(address: &str) -> io::Result<Self> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            received: Vec::with_capacity(4096),
            idle_since: Instant::now(),
        })
    }

    /// Writes `request` (a whole HTTP/1.1 request) and reads its answer whole. After an error
    /// the connection is in an unknown state: drop it.
    pub async fn exchange(&mut self, request: &[u8]) -> io::Result<Answer> {
        self.stream.write_all(request).await?;
        self.received.clear();
        loop {
            self.read_more().await?;
            if let Some((head, body, answer)) = parse_head(&self.received)? {
                while self.received.len() < head + body {
                    self.read_more().await?;
                }
                self.idle_since = Instant::now();
                return Ok(answer);
            }
        }
    }

    /// Appends what the stream has to `received`; a closed stream is an error.
    async fn read_more(&mut self) -> io::Result<()> {
        if self.stream.read_buf(&mut self.received).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }
}

/// The head's length, the body's length and the answer, once the whole head is in `received`.
fn parse_head(received: &[u8]) -> io::Result<Option<(usize, usize, Answer)>> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    let head = match response.parse(received) {
        Ok(httparse::Status::Complete(head)) => head,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(error) => return Err(io::Error::new(io::ErrorKind::InvalidData, error)),
    };
    let status = response.code.unwrap_or_default();
    let mut body = None;
    let mut server_us = None;
    for header in response.headers.iter() {
        let value = std::str::from_utf8(header.value).ok();
        if header.name.eq_ignore_ascii_case("content-length") {
            body = value.and_then(|length| length.trim().parse::<usize>().ok());
        } else if header.name.eq_ignore_ascii_case("x-runtime") {
            server_us = value
                .and_then(|seconds| seconds.trim().parse::<f64>().ok())
                .map(|seconds| (seconds * 1e6) as u64);
        }
    }
    let body = body.ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidData, "answer without Content-Length")
    })?;
    Ok(Some((head, body, Answer { status, server_us })))
}

/// Idle connections to one address, taken for a request and given back after it.
#[derive(Debug)]
pub struct Connections {
    address: String,
    idle: Mutex<Vec<Connection>>,
    /// Requests sent once more after failing on a reused connection.
    resent: AtomicU64,
}

impl Connections {
    /// No connections yet to `address` (`host:port`).
    pub fn new(address: &str) -> Self {
        Self {
            address: address.to_owned(),
            idle: Mutex::new(Vec::new()),
            resent: AtomicU64::new(0),
        }
    }

    /// Sends `request` on an idle connection, or a new one when none is idle; keeps the
    /// connection for the next request unless the exchange failed. A request that fails on a
    /// reused connection is sent once more on a new one, so `request` must be safe to repeat.
    pub async fn exchange(&self, request: &[u8]) -> io::Result<Answer> {
        let answer = match self.take_idle() {
            Some(mut reused) => match reused.exchange(request).await {
                Ok(answer) => Ok((reused, answer)),
                Err(_) => {
                    self.resent.fetch_add(1, Ordering::Relaxed);
                    self.exchange_on_new(request).await
                }
            },
            None => self.exchange_on_new(request).await,
        };
        let (connection, answer) = answer?;
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(connection);
        Ok(answer)
    }

    /// How many requests were sent once more after failing on a reused connection.
    pub fn resent(&self) -> u64 {
        self.resent.load(Ordering::Relaxed)
    }

    /// The most recently used idle connection unless it has been idle for [`IDLE_LIMIT`];
    /// then every idle one is dropped, since the pool is a stack and those under it have been
    /// idle longer. One look per request, not a scan of the pool.
    fn take_idle(&self) -> Option<Connection> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let newest = idle.pop()?;
        if newest.idle_since.elapsed() < IDLE_LIMIT {
            return Some(newest);
        }
        idle.clear();
        None
    }

    async fn exchange_on_new(&self, request: &[u8]) -> io::Result<(Connection, Answer)> {
        let mut connection = Connection::open(&self.address).await?;
        let answer = connection.exchange(request).await?;
        Ok((connection, answer))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_status_runtime_and_body_length_from_a_whole_head() {
        let text =
            b"HTTP/1.1 201 Created\r\ncontent-length: 12\r\nx-runtime: 0.001250\r\n\r\n{\"a\":1}";
        let (head, body, answer) = parse_head(text).unwrap().unwrap();
        assert_eq!(head, text.len() - 7);
        assert_eq!(body, 12);
        assert_eq!(
            answer,
            Answer {
                status: 201,
                server_us: Some(1250)
            }
        );
    }

    #[test]
    fn waits_for_the_rest_of_a_head() {
        assert!(parse_head(b"HTTP/1.1 201 Created\r\ncontent-le")
            .unwrap()
            .is_none());
    }

    #[test]
    fn refuses_an_answer_it_cannot_delimit() {
        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        assert!(parse_head(chunked).is_err());
        assert!(parse_head(b"NOT HTTP\r\n\r\n").is_err());
    }

    /// An actix server answering `POST /echo` with 201 and the body, closing connections idle
    /// for `keep_alive`; its address and handle.
    fn echo_server(keep_alive: Duration) -> (String, actix_web::dev::ServerHandle) {
        let app = || {
            actix_web::App::new().route(
                "/echo",
                actix_web::web::post().to(|body: String| async move {
                    actix_web::HttpResponse::Created()
                        .insert_header(("X-Runtime", "0.000500"))
                        .body(body)
                }),
            )
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let server = actix_web::HttpServer::new(app)
            .workers(1)
            .keep_alive(keep_alive)
            .listen(listener)
            .unwrap()
            .run();
        let handle = server.handle();
        tokio::spawn(server);
        (address, handle)
    }

    fn echo_request(address: &str) -> String {
        format!("POST /echo HTTP/1.1\r\nHost: {address}\r\nContent-Length: 5\r\n\r\nhello")
    }

    #[tokio::test]
    async fn exchanges_requests_over_one_kept_connection() {
        let (address, handle) = echo_server(Duration::from_secs(5));
        let connections = Connections::new(&address);
        let request = echo_request(&address);
        for _ in 0..3 {
            let answer = connections.exchange(request.as_bytes()).await.unwrap();
            assert_eq!(answer.status, 201);
            assert_eq!(answer.server_us, Some(500));
        }
        assert_eq!(connections.idle.lock().unwrap().len(), 1);
        assert_eq!(connections.resent(), 0);
        let missing = format!("GET /nowhere HTTP/1.1\r\nHost: {address}\r\n\r\n");
        let answer = connections.exchange(missing.as_bytes()).await.unwrap();
        assert_eq!(answer.status, 404);
        handle.stop(true).await;
    }

    #[tokio::test]
    async fn sends_again_on_a_new_connection_when_the_server_closed_the_idle_one() {
        let (address, handle) = echo_server(Duration::from_millis(100));
        let connections = Connections::new(&address);
        let request = echo_request(&address);
        let mut probe = Connection::open(&address).await.unwrap();
        assert_eq!(
            probe.exchange(request.as_bytes()).await.unwrap().status,
            201
        );
        assert_eq!(
            connections
                .exchange(request.as_bytes())
                .await
                .unwrap()
                .status,
            201
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(
            probe.exchange(request.as_bytes()).await.is_err(),
            "the server was to close connections idle for 100 ms"
        );
        let answer = connections.exchange(request.as_bytes()).await.unwrap();
        assert_eq!(answer.status, 201);
        assert_eq!(connections.idle.lock().unwrap().len(), 1);
        assert_eq!(connections.resent(), 1);
        handle.stop(true).await;
    }

    #[tokio::test]
    async fn drops_connections_idle_past_the_limit() {
        let (address, handle) = echo_server(Duration::from_secs(30));
        let connections = Connections::new(&address);
        let request = echo_request(&address);
        connections.exchange(request.as_bytes()).await.unwrap();
        connections.idle.lock().unwrap()[0].idle_since -= IDLE_LIMIT;
        assert!(connections.take_idle().is_none());
        assert!(connections.idle.lock().unwrap().is_empty());
        handle.stop(true).await;
    }
}
