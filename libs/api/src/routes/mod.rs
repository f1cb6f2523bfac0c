//! The routes, one module per resource family, mounted by [`configure`].
//!
//! - `health`: `GET /health`, `GET /metrics` and `GET /openapi.json` (no auth).
//! - `auth`: `GET /auth`.
//! - `members`: `/v1.0/members` and `/v1.0/members/{id}`, `/v1.0/members/search`.
//! - `wallet`: members' offer wallets, `/v1.0/members/.../offer_states` (before `members`, so
//!   `/members/offer_states` is not read as a member id).
//! - `activities`: the offer engine: check-ins, a member's store, offer activities and
//!   redemptions, offers' check-in rules.
//! - `privacy`: `/v1.0/privacy/member/export`, everything held about a member.
//! - `zidentifiers`: a member's unguessable id for an offer on a channel.
//! - `points`: `/v1.0/points/card_status` and `/v1.0/points/transfer`.
//! - `merchants`: `/v1.0/merchants` and `/v1.0/merchants/{id}`.
//! - `manufacturers`: `/v1.0/manufacturers[/{id}]` and the merchants a manufacturer names.
//! - `counters`, `events`: `/v1.0/counters[/{id}]` and `/v1.0/events[/{id}]` (Sparkfly's
//!   events, the domain's occasions), plain families.
//! - `campaigns`: `/v1.0/campaigns` (by external id, create, search), `/v1.0/campaigns/{id}`.
//! - `bulk_jobs`: `/v1.0/bulk_jobs[/{id}[/results]]`, bulk issuance with its progress.
//! - `schedules`: `/v1.0/schedules[/{id}]`, offer actions set for a time (list, cancel).
//! - `reports`: `/v1.0/reports/offer_activity`, streamed as JSON or CSV.
//! - `impressions`: `/v1.0/impressions[/{id}]`, views of offers through channel links.
//! - `pos_offer_codes`: `/v1.0/pos_offer_codes[/{id}]`, a plain family.
//! - `stores`: `/v1.0/merchants/{merchant_id}/stores` and `.../stores/{store_id}`.
//! - `redeemable`: where offers can be redeemed (stores with offers, a store by id, a store's
//!   offers, an offer's stores).
//! - `account`: `/v1.0/account` and `/v1.0/account/callbacks/enable|disable`.
//! - `api_keys`: `/v1.0/api_keys`, the account's API keys (issue, list, rotate, revoke).
//! - `channels`: `/v1.0/channels` and `/v1.0/channels/{id}`.
//! - `deliveries`: a channel's callback deliveries and their replay.
//! - `offers`: `/v1.0/offers`, approval, channel links (xid) and eligibility.
//! - `credentials`: `/v1.0/credentials`, offer updates, redeem, void, `credentials/eligible`.
//! - `pos`: `/v1.0/pos/...`, the point-of-sale API (evaluate, redeem, reserve, confirm,
//!   cancel, void, reverse).
//! - `lists`: store lists and member lists, with their stores and members.
//! - `items`: items and item sets, account-wide and under a merchant or a manufacturer.
//! - `common`: what the catalog routes share (roles, writes, the read guard, list queries).
//! - `resource`: the five operations of a plain family (merchants, manufacturers, counters,
//!   events, POS offer codes), once.
//! - `callback_urls`: the destination check of a callback url when it is set.

mod account;
mod activities;
mod api_keys;
mod auth;
mod bulk_jobs;
mod callback_urls;
mod campaigns;
mod channels;
mod common;
mod counters;
mod credentials;
mod deliveries;
mod events;
mod health;
mod impressions;
mod items;
mod lists;
mod manufacturers;
mod members;
mod merchants;
mod offers;
mod points;
mod pos;
mod pos_offer_codes;
mod privacy;
mod redeemable;
mod reports;
mod resource;
mod schedules;
mod stores;
mod wallet;
mod zidentifiers;

use crate::http::ApiError;
use crate::openapi::Routes;
use actix_web::web;

/// Every declared route, in the order requests are matched against them (the point of sale
/// first: the terminals' requests must not wait behind every catalog pattern).
///
/// Landing pages come last, at `landing_base` followed by the xid.
pub fn routes(landing_base: &str) -> Routes {
    let mut routes = Routes::default();
    health::routes(&mut routes);
    auth::routes(&mut routes);
    routes.with_prefix("/v1.0", |routes| {
        pos::routes(routes);
        api_keys::routes(routes);
        wallet::routes(routes);
        zidentifiers::routes(routes);
        activities::routes(routes);
        points::routes(routes);
        privacy::routes(routes);
        members::routes(routes);
        account::routes(routes);
        redeemable::routes(routes);
        merchants::routes(routes);
        manufacturers::routes(routes);
        stores::routes(routes);
        channels::routes(routes);
        deliveries::routes(routes);
        offers::routes(routes);
        credentials::routes(routes);
        lists::routes(routes);
        items::routes(routes);
        counters::routes(routes);
        events::routes(routes);
        pos_offer_codes::routes(routes);
        impressions::routes(routes);
        campaigns::routes(routes);
        schedules::routes(routes);
        bulk_jobs::routes(routes);
        reports::routes(routes);
    });
    crate::landing::routes(&mut routes, landing_base);
    routes
}

/// Mounts every declared route (landing pages at `landing_base`), and makes path errors (a
/// segment that is not an id) answer 404.
pub fn configure(cfg: &mut web::ServiceConfig, landing_base: &str) {
    cfg.app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()));
    routes(landing_base).mount(cfg, method_not_allowed);
    cfg.default_service(web::to(not_found));
}

async fn method_not_allowed() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed)
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::HashSet;

    #[test]
    fn every_operation_has_a_unique_id_method_and_path() {
        let routes = routes("/");
        let mut seen = HashSet::new();
        for (method, path) in routes.operations() {
            assert!(
                seen.insert((method.clone(), path.to_owned())),
                "{method} {path}"
            );
        }
        let document = routes.document();
        let mut ids = HashSet::new();
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        for (path, item) in &paths {
            for (method, operation) in item.as_object().cloned().unwrap_or_default() {
                let id = operation["operationId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                assert!(!id.is_empty(), "{method} {path} has no operationId");
                assert!(ids.insert(id.clone()), "{id} is used twice");
                assert!(
                    operation["description"]
                        .as_str()
                        .is_some_and(|roles| roles.starts_with("Roles: admin"))
                        || operation["security"] == Value::Array(Vec::new()),
                    "{id} names no roles"
                );
            }
        }
        assert_eq!(ids.len(), seen.len());
    }

    #[test]
    fn every_catalog_family_is_declared() {
        let routes = routes("/");
        let paths: HashSet<&str> = routes.operations().map(|(_, path)| path).collect();
        for path in [
            "/v1.0/account",
            "/v1.0/merchants/{id}",
            "/v1.0/merchants/{merchant_id}/stores/{store_id}",
            "/v1.0/channels/{id}/deliveries/{delivery_id}/replay",
            "/v1.0/offers/{id}/eligible_item_sets/{item_set_id}",
            "/v1.0/credentials/{id}/redeem",
            "/v1.0/merchants/store_lists/{id}/stores",
            "/v1.0/member_lists/{id}/members",
            "/v1.0/merchants/{merchant_id}/item_sets/{item_set_id}/items",
            "/v1.0/manufacturers/{id}",
            "/v1.0/manufacturers/{manufacturer_id}/merchants",
            "/v1.0/manufacturers/{manufacturer_id}/item_sets/{item_set_id}/items",
        ] {
            assert!(paths.contains(path), "{path} is not declared");
        }
    }

    /// Every file of the API crate outside `openapi/`, with its text.
    fn sources(dir: &std::path::Path, found: &mut Vec<(std::path::PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("openapi") {
                sources(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push((
                    path.clone(),
                    std::fs::read_to_string(&path).unwrap_or_default(),
                ));
            }
        }
    }

    /// Routes reach actix only through `Routes::mount`, so none is served undocumented: a
    /// `web::resource`, `web::scope`, `.route(` or `.service(` anywhere else fails this.
    #[test]
    fn no_route_is_mounted_outside_the_declarations() {
        let mut found = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.len() > 20, "the sources were not found");
        let patterns = ["web::resource", "web::scope", ".route(", ".service("];
        for (path, text) in &found {
            let this_file = path.ends_with("routes/mod.rs");
            for pattern in patterns {
                assert!(
                    this_file || !text.contains(pattern),
                    "{} mounts a route outside the declarations ({pattern})",
                    path.display()
                );
            }
        }
    }
}
