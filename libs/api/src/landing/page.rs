//! The templates of a landing page (askama: compiled, HTML-escaped by default), and the cache
//! of the offer's part of a page.
//!
//! The offer's part (banner, name, description, instructions, window, terms) is the same for
//! every visitor, so it is rendered once and kept with the inputs it was rendered from. Every
//! visit reads those inputs from the writer's live view, which reflects every event as soon as
//! it is recorded, and renders again when they differ: a change to the offer or its merchant
//! shows on the very next view, where the seed's pages could be an hour stale. The code, its QR
//! and the layout are the visitor's own and rendered each time.

use askama::Template;
use domain::ids::{AccountId, ChannelId, OfferId};
use qrcode::render::svg;
use qrcode::QrCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Entries the cache holds before it starts afresh.
const MAX_ENTRIES: usize = 10_000;

/// The header colour when the offer sets none.
pub(super) const DEFAULT_COLOR: &str = "#1f4e79";

/// What the offer's part of a page shows, read from the live state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PageInputs {
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) instructions: Option<String>,
    pub(super) terms: Option<String>,
    /// The banner image's url (http or https, checked when it was set).
    pub(super) banner: Option<String>,
    /// When the offer stops being redeemable, as a date.
    pub(super) expires: Option<String>,
}

/// The offer's part of a page.
#[derive(Template)]
#[template(path = "landing_offer.html")]
struct OfferPart<'a> {
    inputs: &'a PageInputs,
}

/// A whole page, around the offer's part.
#[derive(Template)]
#[template(path = "landing.html")]
pub(super) struct LandingPage<'a> {
    pub(super) title: &'a str,
    pub(super) header: &'a str,
    /// `#` and 3 or 6 hex digits (checked when it was set), or [`DEFAULT_COLOR`].
    pub(super) color: &'a str,
    pub(super) offer_html: &'a str,
    pub(super) code: &'a str,
    /// The code as an SVG QR code, drawn here from the code alone.
    pub(super) qr: Option<String>,
    pub(super) printable: bool,
}

/// A page that shows no offer: why.
#[derive(Template)]
#[template(path = "landing_closed.html")]
pub(super) struct ClosedPage<'a> {
    pub(super) title: &'a str,
    pub(super) message: &'a str,
}

/// The offer's part of a page, by (account, offer, channel), with what it was rendered from.
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<(AccountId, OfferId, ChannelId), Rendered>>,
}

struct Rendered {
    inputs: PageInputs,
    html: Arc<str>,
}

impl PageCache {
    /// The offer's part for `key` as `inputs` say it: the cached one when it was rendered from
    /// equal inputs, else rendered now (and kept).
    pub(super) fn offer_part(
        &self,
        key: (AccountId, OfferId, ChannelId),
        inputs: &PageInputs,
    ) -> Result<Arc<str>, askama::Error> {
        let cached = self
            .lock()
            .get(&key)
            .filter(|rendered| rendered.inputs == *inputs)
            .map(|rendered| Arc::clone(&rendered.html));
        if let Some(html) = cached {
            return Ok(html);
        }
        let html: Arc<str> = OfferPart { inputs }.render()?.into();
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            key,
            Rendered {
                inputs: inputs.clone(),
                html: Arc::clone(&html),
            },
        );
        Ok(html)
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(AccountId, OfferId, ChannelId), Rendered>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `code` as an SVG QR code, `None` when it cannot be one.
pub(super) fn qr_svg(code: &str) -> Option<String> {
    let qr = QrCode::new(code.as_bytes()).ok()?;
    let document = qr
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(160, 160)
        .build();
    let start = document.find("<svg")?;
    Some(document[start..].to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn inputs(name: &str) -> PageInputs {
        PageInputs {
            name: name.into(),
            description: None,
            instructions: None,
            terms: None,
            banner: None,
            expires: None,
        }
    }

    #[test]
    fn the_offer_part_is_rendered_again_only_when_its_inputs_change() {
        let cache = PageCache::default();
        let key = (AccountId(1), OfferId(2), ChannelId(3));
        let first = cache.offer_part(key, &inputs("A")).unwrap();
        let again = cache.offer_part(key, &inputs("A")).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let changed = cache.offer_part(key, &inputs("B")).unwrap();
        assert!(changed.contains(">B</h1>"), "{changed}");
        assert!(!Arc::ptr_eq(&first, &changed));
    }

    #[test]
    fn text_is_escaped() {
        let cache = PageCache::default();
        let key = (AccountId(1), OfferId(2), ChannelId(3));
        let html = cache
            .offer_part(key, &inputs("<script>alert(1)</script>"))
            .unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&#60;script&#62;"), "{html}");
    }

    #[test]
    fn a_code_draws_as_an_svg_qr_code() {
        let svg = qr_svg("ABCD-1234").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
    }
}
