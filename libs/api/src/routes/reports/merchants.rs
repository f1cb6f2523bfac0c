//! Merchant reports: `GET /v1.0/merchants/{id}/reports/full?from=&to=` (one merchant) and
//! `GET /v1.0/reports/account_level?from=&to=` (every merchant of the account, in id order),
//! each `{"data": [merchant_report]}`. `from` and `to` are Unix seconds, both required and
//! both inclusive.
//!
//! A merchant's report lists the offer redemptions at its stores (`data`, the reference's
//! `report_data`: the redemptions report's items with `merchant_id` and `account_id`) and then
//! its totals over the redemptions that stand (voided and reversed ones are listed, not
//! counted): redemptions (a basket counts once, however many offers it applied), purchase
//! amounts (in currency units) and their averages, by business date, by store, by merchant
//! and by offer and date. What the read model does not hold (items, customers' ages and
//! genders, periods) is left out. Streamed: the totals follow the rows, so no report sits in
//! memory; the account-level report reads the activities once per merchant.

use super::redemptions::{page_items, Frame, RedemptionItem, Report};
use super::{activity_stream, json_elements, ActivityPages};
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::READ;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, TimeDelta};
use domain::ids::{AccountId, MerchantId, RedemptionId};
use domain::redemption::RedemptionStatus;
use futures_util::stream::{self, BoxStream};
use futures_util::StreamExt;
use projections::ActivityReportRow;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn routes(routes: &mut Routes) {
    routes
        .add(
            Op::get(
                "/merchants/{id}/reports/full",
                "get_merchant_data",
                "A merchant's redemptions and totals in a time frame",
            )
            .roles(READ)
            .query::<PeriodQuery>()
            .answers::<Value>(200, "The merchant's report"),
            merchant_report,
        )
        .add(
            Op::get(
                "/reports/account_level",
                "get_all_merchant_data",
                "Every merchant's redemptions and totals in a time frame",
            )
            .roles(READ)
            .query::<PeriodQuery>()
            .answers::<Value>(200, "A report per merchant"),
            account_report,
        );
}

/// `?from=&to=`: Unix seconds.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub(super) struct PeriodQuery {
    from: Option<i64>,
    to: Option<i64>,
}

/// The frame `query` names: both ends required, `from` not after `to`, both inclusive.
pub(super) fn period(query: &PeriodQuery) -> Result<Frame, ApiError> {
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(ApiError::BadRequest(
            "from and to (Unix seconds) are required".into(),
        ));
    };
    let at = |seconds: i64, name: &str| {
        DateTime::from_timestamp(seconds, 0)
            .ok_or_else(|| ApiError::BadRequest(format!("{name} is not a time")))
    };
    let (from, to) = (at(from, "from")?, at(to, "to")?);
    if from > to {
        return Err(ApiError::BadRequest("from must not be after to".into()));
    }
    let end = to
        .checked_add_signed(TimeDelta::seconds(1))
        .ok_or_else(|| ApiError::BadRequest("to is not a time".into()))?;
    Ok(Frame::Times(from, end))
}

/// One `report_data` row: a redemptions report item with its merchant and account.
#[derive(Serialize)]
struct ReportData<'a> {
    #[serde(flatten)]
    item: &'a RedemptionItem,
    merchant_id: MerchantId,
    account_id: AccountId,
}

/// A merchant's totals as its rows go by.
#[derive(Default)]
struct Totals {
    redemptions: u64,
    last: Option<RedemptionId>,
    purchases: i64,
    by_date: BTreeMap<String, u64>,
    by_location: BTreeMap<String, (u64, i64)>,
    by_offer: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Totals {
    /// Counts `item` when its redemption stands (a voided or reversed one is listed, not
    /// counted).
    fn add(&mut self, item: &RedemptionItem) {
        if item.status != RedemptionStatus::Committed.to_string() {
            return;
        }
        let offer = item
            .offer_name
            .clone()
            .unwrap_or_else(|| item.offer_id.to_string());
        *self
            .by_offer
            .entry(offer)
            .or_default()
            .entry(item.business_date.clone())
            .or_default() += 1;
        if self.last == Some(item.id) {
            return;
        }
        self.last = Some(item.id);
        self.redemptions += 1;
        self.purchases += item.purchase_amount;
        *self.by_date.entry(item.business_date.clone()).or_default() += 1;
        let location = item.store_name.clone().unwrap_or_default();
        let at = self.by_location.entry(location).or_default();
        at.0 += 1;
        at.1 += item.purchase_amount;
    }

    /// The totals' fields, amounts in currency units of `minor_units` places.
    fn fields(&self, merchant: &str, minor_units: u32) -> Map<String, Value> {
        let scale = 10_f64.powi(i32::try_from(minor_units).unwrap_or(2));
        let amount = |minor: i64| minor as f64 / scale;
        let average = |minor: i64, count: u64| {
            if count == 0 {
                0.0
            } else {
                amount(minor) / count as f64
            }
        };
        let by_location: BTreeMap<&String, u64> = self
            .by_location
            .iter()
            .map(|(name, (count, _))| (name, *count))
            .collect();
        let amount_by_location: BTreeMap<&String, f64> = self
            .by_location
            .iter()
            .map(|(name, (_, minor))| (name, amount(*minor)))
            .collect();
        let average_by_location: BTreeMap<&String, f64> = self
            .by_location
            .iter()
            .map(|(name, (count, minor))| (name, average(*minor, *count)))
            .collect();
        let by_date: BTreeMap<&String, String> = self
            .by_date
            .iter()
            .map(|(day, count)| (day, count.to_string()))
            .collect();
        let fields = json!({
            "total_redemptions": self.redemptions,
            "total_purchase_amount": amount(self.purchases),
            "average_purchase": average(self.purchases, self.redemptions),
            "redemptions_by_date": by_date,
            "redemptions_by_location": by_location,
            "total_purchase_amount_by_location": amount_by_location,
            "average_purchase_by_location": average_by_location,
            "redemptions_by_merchant": {merchant: self.redemptions},
            "total_purchase_amount_by_merchant": {merchant: amount(self.purchases)},
            "redemptions_by_offer": self.by_offer,
        });
        match fields {
            Value::Object(fields) => fields,
            _ => Map::new(),
        }
    }
}

/// What one merchant's report needs.
#[derive(Clone)]
struct Merchant {
    id: MerchantId,
    name: String,
    report: Report,
}

/// The merchants `wanted` names (all of the account's when `None`), each with the report of
/// the redemptions at its stores in `frame`; 404 when a wanted one does not exist.
fn merchants(
    state: &AppState,
    account: AccountId,
    wanted: Option<MerchantId>,
    frame: Frame,
) -> Result<Vec<Merchant>, ApiError> {
    let found = state.read(account, move |live, _| {
        let settings = live.settings();
        live.merchants()
            .filter(|merchant| wanted.is_none_or(|id| merchant.id == id))
            .map(|merchant| {
                let stores: BTreeSet<_> = live
                    .stores()
                    .filter(|store| store.merchant_id == merchant.id)
                    .map(|store| store.id)
                    .collect();
                Merchant {
                    id: merchant.id,
                    name: merchant.name.clone(),
                    report: Report {
                        frame,
                        stores: Some(stores),
                        settings,
                    },
                }
            })
            .collect::<Vec<_>>()
    })?;
    if wanted.is_some() && found.is_empty() {
        return Err(ApiError::NotFound);
    }
    let mut found = found;
    found.sort_by_key(|merchant| merchant.id);
    Ok(found)
}

/// One merchant's report's pages: its rows, then (after the last) its totals.
struct MerchantPages {
    merchant: Merchant,
    written: bool,
    totals: Totals,
}

impl ActivityPages for MerchantPages {
    async fn page(
        &mut self,
        state: &AppState,
        account: AccountId,
        rows: Vec<ActivityReportRow>,
        last: bool,
    ) -> Result<Vec<u8>, ApiError> {
        let items = page_items(state, account, &self.merchant.report, rows).await?;
        for item in &items {
            self.totals.add(item);
        }
        let rows: Vec<ReportData<'_>> = items
            .iter()
            .map(|item| ReportData {
                item,
                merchant_id: self.merchant.id,
                account_id: account,
            })
            .collect();
        let mut bytes = json_elements(&rows, &mut self.written)?;
        if last {
            let minor_units = self.merchant.report.settings.currency.minor_units;
            bytes.push(b']');
            for (name, value) in self.totals.fields(&self.merchant.name, minor_units) {
                bytes.push(b',');
                serde_json::to_writer(&mut bytes, &name).map_err(ApiError::internal)?;
                bytes.push(b':');
                serde_json::to_writer(&mut bytes, &value).map_err(ApiError::internal)?;
            }
            bytes.push(b'}');
        }
        Ok(bytes)
    }
}

/// One merchant's `merchant_report` object, streamed: its rows, then its totals.
fn merchant_stream(
    state: web::Data<AppState>,
    account: AccountId,
    merchant: Merchant,
) -> BoxStream<'static, Result<Bytes, actix_web::Error>> {
    let pages = MerchantPages {
        merchant,
        written: false,
        totals: Totals::default(),
    };
    stream::once(async { Ok(Bytes::from_static(b"{\"data\":[")) })
        .chain(activity_stream(state, account, pages, "merchant"))
        .boxed()
}

/// `{"data": [...]}` around the reports of `merchants`.
fn answer(
    state: web::Data<AppState>,
    account: AccountId,
    merchants: Vec<Merchant>,
) -> HttpResponse {
    let reports =
        stream::iter(merchants.into_iter().enumerate()).flat_map(move |(index, merchant)| {
            let separator = if index == 0 { "" } else { "," };
            stream::once(async move { Ok(Bytes::from_static(separator.as_bytes())) })
                .chain(merchant_stream(state.clone(), account, merchant))
                .boxed()
        });
    let body =
        stream::once(async { Ok::<Bytes, actix_web::Error>(Bytes::from_static(b"{\"data\":[")) })
            .chain(reports)
            .chain(stream::once(async { Ok(Bytes::from_static(b"]}")) }));
    HttpResponse::Ok()
        .content_type("application/json")
        .streaming(body)
}

async fn merchant_report(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<u64>,
    query: Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let account = principal.account_id;
    let frame = period(&query.into_inner())?;
    let merchant = MerchantId(crate::routes::common::path_id(id.into_inner())?);
    let found = merchants(&state, account, Some(merchant), frame)?;
    state.read_barrier(account).await?;
    Ok(answer(state, account, found))
}

async fn account_report(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let account = principal.account_id;
    let frame = period(&query.into_inner())?;
    let found = merchants(&state, account, None, frame)?;
    state.read_barrier(account).await?;
    Ok(answer(state, account, found))
}
