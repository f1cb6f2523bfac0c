//! The client's address across a forward: the forwarding instance names the address it saw
//! in [`FORWARDED`], tagged under the token secret every instance shares and bound to the
//! request's method, path and id; the owner believes a header whose tag holds and ignores
//! any other (a client cannot choose the address it is budgeted by).

use crate::auth::TokenSecret;
use actix_web::dev::ServiceRequest;
use actix_web::{HttpMessage, HttpRequest};
use std::net::IpAddr;

/// The header a forwarded request carries: `<client address or -> <tag>`.
pub const FORWARDED: &str = "x-promo-forwarded";

/// Marks a request another instance forwarded (its tag held), with the client address it
/// saw.
#[derive(Clone, Copy, Debug)]
pub(super) struct Forwarded {
    client: Option<IpAddr>,
}

fn message(method: &str, path: &str, request_id: &str, client: &str) -> String {
    format!("forwarded\n{method}\n{path}\n{request_id}\n{client}")
}

fn address_text(client: Option<IpAddr>) -> String {
    client.map_or_else(|| "-".to_owned(), |address| address.to_string())
}

/// The [`FORWARDED`] value for a request with `method`, `path` and `request_id` from
/// `client`.
pub(super) fn vouch(
    secret: &TokenSecret,
    method: &str,
    path: &str,
    request_id: &str,
    client: Option<IpAddr>,
) -> String {
    let client = address_text(client);
    let tag = secret.tag(&message(method, path, request_id, &client));
    format!("{client} {tag}")
}

/// What `request`'s [`FORWARDED`] header vouches for, when it has one whose tag holds.
pub(super) fn vouched(
    secret: &TokenSecret,
    request: &ServiceRequest,
    request_id: &str,
) -> Option<Forwarded> {
    let value = request.headers().get(FORWARDED)?.to_str().ok()?;
    let (client, tag) = value.split_once(' ')?;
    let text = message(
        request.method().as_str(),
        request.path(),
        request_id,
        client,
    );
    if !secret.has_tag(&text, tag) {
        return None;
    }
    let client = match client {
        "-" => None,
        address => Some(address.parse().ok()?),
    };
    Some(Forwarded { client })
}

/// The address of the client that sent `request`: the one the forwarding instance saw, for
/// a forwarded request, else the TCP peer's.
pub fn client_address(request: &HttpRequest) -> Option<IpAddr> {
    if let Some(forwarded) = request.extensions().get::<Forwarded>() {
        return forwarded.client;
    }
    request.peer_addr().map(|peer| peer.ip())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use actix_web::test::TestRequest;

    fn secret() -> TokenSecret {
        TokenSecret::new(b"a secret shared by the instances".to_vec())
    }

    fn request(value: &str) -> ServiceRequest {
        TestRequest::post()
            .uri("/v1.0/pos/redeem")
            .insert_header((FORWARDED, value))
            .to_srv_request()
    }

    #[test]
    fn a_tagged_address_is_believed() {
        let client = Some("203.0.113.9".parse().unwrap());
        let value = vouch(&secret(), "POST", "/v1.0/pos/redeem", "req-1", client);
        let forwarded = vouched(&secret(), &request(&value), "req-1").unwrap();
        assert_eq!(forwarded.client, client);
    }

    #[test]
    fn a_changed_address_path_id_or_secret_is_not() {
        let client = Some("203.0.113.9".parse().unwrap());
        let value = vouch(&secret(), "POST", "/v1.0/pos/redeem", "req-1", client);
        let forged = value.replace("203.0.113.9", "198.51.100.1");
        assert!(vouched(&secret(), &request(&forged), "req-1").is_none());
        assert!(vouched(&secret(), &request(&value), "req-2").is_none());
        let other = TokenSecret::new(b"another secret".to_vec());
        assert!(vouched(&other, &request(&value), "req-1").is_none());
        let elsewhere = vouch(&secret(), "POST", "/v1.0/pos/void", "req-1", client);
        assert!(vouched(&secret(), &request(&elsewhere), "req-1").is_none());
        assert!(vouched(&secret(), &request("203.0.113.9 00"), "req-1").is_none());
    }
}
