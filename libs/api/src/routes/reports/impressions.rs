//! `GET /v1.0/merchants/{id}/reports/impressions?from=&to=` (Unix seconds, both required and
//! inclusive): the views of the merchant's offers through channel links, as
//! `{"data": [impressions_report]}` with one report:
//! `{"report": {"impressions": {"series": [...], "data_items": [...]}}}`.
//!
//! `series` names two totals, `unique` (distinct visitors: impressions are kept with a digest
//! of the cookie, never the cookie, so a visitor is a digest) and `total`, their values as
//! text; `data_items` holds, in the same order, one list per series of `[business date,
//! count]` pairs as text, by day in the account's time zone (unique visitors counted per
//! day). The reference shows the shape, not its meaning; this is the choice. Offers with no
//! merchant belong to no merchant's report. Impressions are read 1,000 at a time; only the
//! digests' counts per day are held.

use super::merchants::{period, PeriodQuery};
use super::redemptions::Frame;
use super::PAGE;
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::READ;
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use domain::ids::{MerchantId, OfferId};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};

pub(super) fn routes(routes: &mut Routes) {
    routes.add(
        Op::get(
            "/merchants/{id}/reports/impressions",
            "get_merchant_impressions",
            "Unique and total views of a merchant's offers in a time frame",
        )
        .roles(READ)
        .query::<PeriodQuery>()
        .answers::<Value>(200, "The impressions report"),
        impressions_report,
    );
}

/// Visitors and views, overall and by business date.
#[derive(Default)]
struct Counts {
    visitors: HashSet<u64>,
    views: u64,
    by_day: BTreeMap<String, (HashSet<u64>, u64)>,
}

impl Counts {
    fn add(&mut self, day: String, visitor: u64) {
        self.visitors.insert(visitor);
        self.views += 1;
        let at = self.by_day.entry(day).or_default();
        at.0.insert(visitor);
        at.1 += 1;
    }

    fn report(&self) -> Value {
        let unique: Vec<[String; 2]> = self
            .by_day
            .iter()
            .map(|(day, (visitors, _))| [day.clone(), visitors.len().to_string()])
            .collect();
        let total: Vec<[String; 2]> = self
            .by_day
            .iter()
            .map(|(day, (_, views))| [day.clone(), views.to_string()])
            .collect();
        json!({"data": [{"report": {"impressions": {
            "series": [
                {"name": "unique", "value": self.visitors.len().to_string()},
                {"name": "total", "value": self.views.to_string()},
            ],
            "data_items": [unique, total],
        }}}]})
    }
}

/// A visitor's digest (hex) as a number: its first 16 hex digits.
fn visitor(digest: &str) -> u64 {
    digest
        .get(..16)
        .and_then(|head| u64::from_str_radix(head, 16).ok())
        .unwrap_or_default()
}

async fn impressions_report(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    query: Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let account = principal.account_id;
    let Frame::Times(from, to) = period(&query.into_inner())? else {
        return Err(ApiError::BadRequest("from and to are required".into()));
    };
    let merchant = MerchantId(crate::routes::common::path_id(id.into_inner())?);
    let found = state.read(account, move |live, _| {
        live.merchant(merchant)?;
        let offers: BTreeSet<OfferId> = live
            .offers()
            .filter(|offer| offer.merchant_id == Some(merchant))
            .map(|offer| offer.id)
            .collect();
        Some((offers, live.settings()))
    })?;
    let (offers, settings) = found.ok_or(ApiError::NotFound)?;
    state.read_barrier(account).await?;
    let mut counts = Counts::default();
    let mut after = 0;
    loop {
        let page = state
            .store()
            .impressions_after(account, after, PAGE)
            .await?;
        for impression in &page {
            let at = impression.created_at;
            if offers.contains(&impression.offer_id) && from <= at && at < to {
                let day = at.with_timezone(&settings.time_zone).date_naive();
                counts.add(day.to_string(), visitor(&impression.cookie_digest));
            }
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = last.id.0,
            _ => break,
        }
    }
    Ok(HttpResponse::Ok().json(counts.report()))
}
