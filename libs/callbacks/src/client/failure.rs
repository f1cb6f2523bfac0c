//! What users are told about a failed attempt: a class of failure ("connection refused",
//! "timed out", "name did not resolve", ...), never the error chain, which names internal
//! details and, read across attempts, would make the deliveries list a port scanner. The
//! chain goes to the logs.

use crate::destination::Unusable;
use crate::guard::Refusal;
use std::error::Error as StdError;
use std::io;

/// The name did not resolve.
pub const UNRESOLVED: &str = "name did not resolve";
/// The attempt ran out of time (connecting, or waiting for the answer).
pub const TIMED_OUT: &str = "timed out";
/// Nothing listens at the destination.
pub const CONNECTION_REFUSED: &str = "connection refused";
/// The connection ended before a whole answer came.
pub const CONNECTION_CLOSED: &str = "connection closed before an answer";
/// The TLS handshake failed (certificate, protocol).
pub const TLS_FAILED: &str = "tls handshake failed";
/// The destination could not be reached (unreachable network or host, other connect errors).
pub const CONNECTION_FAILED: &str = "connection failed";
/// The answer was not valid HTTP.
pub const INVALID_ANSWER: &str = "invalid answer";
/// Anything else.
pub const REQUEST_FAILED: &str = "request failed";

/// What a failed request comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Refused for good: every address the name resolved to at connect time is refused.
    Refused(Refusal),
    /// A failed attempt of this class.
    Failed(&'static str),
}

/// The class of `error` (a request that got no answer).
pub fn classify(error: &reqwest::Error) -> Failure {
    let causes = || causes(error);
    for cause in causes() {
        match cause.downcast_ref::<Unusable>() {
            Some(Unusable::NotAllowed(refused)) => {
                return Failure::Refused(Refusal::Destination(refused.clone()))
            }
            Some(Unusable::Unresolved { .. }) => return Failure::Failed(UNRESOLVED),
            None => {}
        }
    }
    if error.is_timeout() {
        return Failure::Failed(TIMED_OUT);
    }
    for cause in causes() {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            if let Some(class) = io_class(io.kind()) {
                return Failure::Failed(class);
            }
        }
        if let Some(hyper) = cause.downcast_ref::<hyper::Error>() {
            if hyper.is_timeout() {
                return Failure::Failed(TIMED_OUT);
            }
            if hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled() {
                return Failure::Failed(CONNECTION_CLOSED);
            }
            if hyper.is_parse() {
                return Failure::Failed(INVALID_ANSWER);
            }
        }
    }
    Failure::Failed(if error.is_connect() {
        CONNECTION_FAILED
    } else {
        REQUEST_FAILED
    })
}

/// The causes of `error`, nearest first.
fn causes<'a>(error: &'a reqwest::Error) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(StdError::source(error), |cause| (*cause).source())
}

/// The whole chain of `error`, for the logs.
pub fn chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    for cause in causes(error) {
        text.push_str(": ");
        text.push_str(&cause.to_string());
    }
    text
}

fn io_class(kind: io::ErrorKind) -> Option<&'static str> {
    use io::ErrorKind::*;
    Some(match kind {
        ConnectionRefused => CONNECTION_REFUSED,
        TimedOut => TIMED_OUT,
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof => CONNECTION_CLOSED,
        InvalidData => TLS_FAILED,
        NetworkUnreachable | HostUnreachable | AddrNotAvailable => CONNECTION_FAILED,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[tokio::test]
    async fn a_closed_port_is_connection_refused_without_the_chain() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let error = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(classify(&error), Failure::Failed(CONNECTION_REFUSED));
        assert!(chain(&error).contains("127.0.0.1"), "{}", chain(&error));
    }

    #[tokio::test]
    async fn a_connection_closed_before_the_answer_is_named_so() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let mut buffer = [0u8; 1024];
            let _read = socket.readable().await;
            let _ = socket.try_read(&mut buffer);
            drop(socket);
        });
        let error = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("http://127.0.0.1:{port}/"))
            .body("{}")
            .send()
            .await
            .unwrap_err();
        server.await.unwrap();
        assert_eq!(classify(&error), Failure::Failed(CONNECTION_CLOSED));
    }
}
