//! The HTML answers of landing pages: a shown page, the closed ones (unknown, not yet, ended,
//! refused, busy, unavailable), the visitor's cookie, and the headers every page carries.
//!
//! Every page is `no-store` (it carries a visitor's code), sends no referrer (its url may
//! carry a security key), may load images only (no script at all, styles inline) and may not
//! be framed.

use super::page::{qr_svg, ClosedPage, LandingPage, PageCache, DEFAULT_COLOR};
use super::visit::Shown;
use actix_web::cookie::{time::Duration as CookieAge, Cookie, SameSite};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The visitor cookie's name.
const VISITOR_COOKIE: &str = "sf_visitor";
/// The longest visitor cookie kept (a ULID is 26 characters).
const MAX_COOKIE_LEN: usize = 64;
const POLICY: &str = "default-src 'none'; img-src http: https:; style-src 'unsafe-inline'; \
                      base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Why a page shows no offer.
#[derive(Debug)]
pub(super) enum Closed {
    /// The query cannot be read (400).
    BadRequest(String),
    /// No such link, or an offer not approved (404).
    Unknown,
    /// The offer's window has not started (404 until then).
    NotYet,
    /// The offer ended, stopped or stopped issuing (410).
    Ended,
    /// The link's security was not met (403).
    Forbidden(&'static str),
    /// The client address spent its budget of codes (429).
    Busy(Duration),
    /// Issuing the code was refused (the domain's message, its status).
    Refused(String, StatusCode),
    /// The server could not answer (503).
    Unavailable,
    /// Another instance owns the account's partition: the request is forwarded there
    /// ([`crate::ApiError::Misrouted`]).
    Elsewhere(crate::ApiError),
}

/// The visitor, by the cookie the page keeps (a new one when there is none, or it is odd).
pub(super) struct Visitor {
    cookie: String,
    fresh: bool,
}

impl Visitor {
    /// The visitor of `request`.
    pub(super) fn of(request: &HttpRequest) -> Self {
        let kept = request
            .cookie(VISITOR_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .filter(|value| {
                !value.is_empty()
                    && value.len() <= MAX_COOKIE_LEN
                    && value.bytes().all(|byte| byte.is_ascii_alphanumeric())
            });
        match kept {
            Some(cookie) => Self {
                cookie,
                fresh: false,
            },
            None => Self {
                cookie: ulid::Ulid::generate().to_string(),
                fresh: true,
            },
        }
    }

    /// The hex SHA-256 of the cookie: what an impression keeps of it.
    pub(super) fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.cookie.as_bytes()))
    }
}

/// The page of `shown`.
pub(super) fn shown(cache: &PageCache, shown: &Shown, visitor: &Visitor) -> HttpResponse {
    let offer_html = match cache.offer_part(shown.key, &shown.inputs) {
        Ok(html) => html,
        Err(error) => return render_failed(&error),
    };
    let page = LandingPage {
        title: &shown.inputs.name,
        header: &shown.header,
        color: shown.color.as_deref().unwrap_or(DEFAULT_COLOR),
        offer_html: &offer_html,
        code: &shown.code,
        qr: shown.barcode.then(|| qr_svg(&shown.code)).flatten(),
        printable: shown.printable,
    };
    match page.render() {
        Ok(html) => {
            let mut builder = HttpResponse::Ok();
            if visitor.fresh {
                builder.cookie(
                    Cookie::build(VISITOR_COOKIE, visitor.cookie.clone())
                        .path("/")
                        .http_only(true)
                        .same_site(SameSite::Lax)
                        .max_age(CookieAge::days(365))
                        .finish(),
                );
            }
            html_answer(builder, html)
        }
        Err(error) => render_failed(&error),
    }
}

/// The page of `closed`.
pub(super) fn closed(closed: &Closed) -> HttpResponse {
    let (status, title, message) = match closed {
        Closed::BadRequest(reason) => (
            StatusCode::BAD_REQUEST,
            "This link is not right",
            reason.as_str(),
        ),
        Closed::Unknown => (
            StatusCode::NOT_FOUND,
            "Offer not found",
            "There is no offer at this address.",
        ),
        Closed::NotYet => (
            StatusCode::NOT_FOUND,
            "Not yet",
            "This offer has not started yet. Come back soon.",
        ),
        Closed::Ended => (
            StatusCode::GONE,
            "This offer has ended",
            "This offer is no longer available.",
        ),
        Closed::Forbidden(why) => (StatusCode::FORBIDDEN, "Not available", *why),
        Closed::Busy(_) => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            "Too many codes were asked for from here. Try again in a moment.",
        ),
        Closed::Refused(message, status) => (*status, "Not available", message.as_str()),
        Closed::Unavailable | Closed::Elsewhere(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Try again",
            "The offer could not be shown just now. Try again in a moment.",
        ),
    };
    let mut builder = HttpResponse::build(status);
    if let Closed::Busy(wait) = closed {
        builder.insert_header((header::RETRY_AFTER, wait.as_secs().max(1).to_string()));
    }
    match (ClosedPage { title, message }).render() {
        Ok(html) => html_answer(builder, html),
        Err(error) => render_failed(&error),
    }
}

fn html_answer(mut builder: HttpResponseBuilder, html: String) -> HttpResponse {
    builder
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header((
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(POLICY),
        ))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .insert_header((header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .body(html)
}

fn render_failed(error: &askama::Error) -> HttpResponse {
    tracing::error!(%error, "a landing page did not render");
    HttpResponse::InternalServerError()
        .content_type("text/plain; charset=utf-8")
        .body("The page could not be shown.")
}
