//! Landing pages: `GET {base}{xid}`, the page of an offer on a channel, server-rendered HTML.
//!
//! A visit finds the link by its xid (the read model's index names the account; an xid two
//! accounts share names neither), checks the offer is showing (approved, in its window, still
//! issuing) and the link's security (`key`: the query's `key` must be the link's security
//! key; `member`: `sf_uid` must name a member), then gives the visitor a code: the member
//! `sf_uid` names (their open code again when the link lets a visitor return later), or a new
//! anonymous member per visit. The credential carries the creative (`sf_ac`) in its
//! annotations for conversion callbacks, and the visit is recorded as an impression (offer,
//! channel, xid, creative, member, a digest of the visitor's cookie). `printable=false` asks
//! for the mobile layout. Codes are drawn per client address under a budget
//! ([`VisitLimits`]), spent before anything is written.
//!
//! - `visit`: resolving a visit to a link and a member, and the writes it makes.
//! - `page`: the templates, and the cache of the offer's part of a page.
//! - `answer`: the HTML answers, closed pages included, and their headers.

mod answer;
mod page;
mod visit;

pub use page::PageCache;
pub use visit::VisitLimits;

use crate::http::ApiError;
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use answer::Closed;

/// Where landing pages are served and how many codes a client address may draw.
#[derive(Clone, Debug)]
pub struct LandingSettings {
    /// The path before the xid: `/` (the default) serves `/{xid}`, `/o/` serves `/o/{xid}`.
    pub base_path: String,
    /// Codes one client address may draw in a burst.
    pub burst: u32,
    /// One more code per address per this many milliseconds once the burst is spent.
    pub refill_millis: u64,
}

impl Default for LandingSettings {
    fn default() -> Self {
        Self {
            base_path: "/".into(),
            burst: 60,
            refill_millis: 1_000,
        }
    }
}

impl LandingSettings {
    /// Whether `base` can be a base path: `/`, or `/` and segments of lower-case letters,
    /// digits, `-` and `_`, each followed by `/`.
    pub fn is_valid_base(base: &str) -> bool {
        base.starts_with('/')
            && base.ends_with('/')
            && base[1..].split_terminator('/').all(|segment| {
                !segment.is_empty()
                    && segment.bytes().all(|byte| {
                        byte.is_ascii_lowercase()
                            || byte.is_ascii_digit()
                            || matches!(byte, b'-' | b'_')
                    })
            })
    }
}

/// What every landing request shares: the budgets and the page cache.
pub struct Landing {
    limits: VisitLimits,
    cache: PageCache,
}

impl Landing {
    /// The landing pages of `settings`.
    pub fn new(settings: &LandingSettings) -> Self {
        Self {
            limits: VisitLimits::new(settings.burst, settings.refill_millis),
            cache: PageCache::default(),
        }
    }
}

/// Declares `GET {base}{xid}` (after every API route, so `/health` and the like stay
/// theirs): HTML answers, the closed pages included.
pub(crate) fn routes(routes: &mut Routes, base: &str) {
    let page = |op: Op, status, description| op.text(status, description, "text/html");
    let op = Op::get(
        &format!("{base}{{xid}}"),
        "getLandingPage",
        "An offer's landing page",
    )
    .public()
    .path_param::<visit::XidParam>("xid")
    .query::<visit::LandingQuery>();
    let op = page(op, 200, "The offer and the visitor's code");
    let op = page(op, 400, "The query cannot be read, or a value is too long");
    let op = page(op, 403, "The link's security was not met");
    let op = page(op, 404, "No such link, or its offer is not showing yet");
    let op = page(op, 410, "The offer ended or stopped");
    let op = page(
        op,
        429,
        "This address drew its budget of codes; see Retry-After",
    );
    let op = page(op, 503, "The page could not be served just now");
    routes.add(op, show);
}

async fn show(
    state: web::Data<AppState>,
    landing: web::Data<Landing>,
    request: HttpRequest,
    xid: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let visitor = answer::Visitor::of(&request);
    match visit::visit(&state, &landing, &request, &xid, &visitor).await {
        Ok(shown) => Ok(answer::shown(&landing.cache, &shown, &visitor)),
        Err(Closed::Elsewhere(misrouted)) => Err(misrouted),
        Err(closed) => {
            if matches!(closed, Closed::Unavailable) {
                tracing::warn!(xid = %xid, "a landing page could not be served");
            }
            Ok(answer::closed(&closed))
        }
    }
}
