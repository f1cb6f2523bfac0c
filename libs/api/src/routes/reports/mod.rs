//! Reports: `GET /v1.0/reports/offer_activity` (here), `GET /v1.0/reports/redemptions`
//! (`redemptions`), the merchant reports (`merchants`) and a merchant's impressions
//! (`impressions`).
//!
//! `GET /v1.0/reports/offer_activity`: the account's offer activities that pass the
//! filters, as a JSON array of the reference's `offer_activity_report`, or as CSV with
//! `Accept: text/csv` (or a `.csv` suffix). `type` is one of the reference's: `issue`,
//! `redeem`, `void` (a credential voided, and also a redemption voided or reversed: `activity`,
//! an addition, tells which); wallet saves (beside the issue they make) and check-ins are not
//! listed.
//!
//! Filters, all optional and all applied: `from_reported_datetime` / `to_reported_datetime`
//! (and the `processed` pair, the same times here: an activity is processed when it is
//! recorded; RFC 3339, from inclusive, to exclusive), `from_business_date` / `to_business_date`
//! (`YYYY-MM-DD` in the account's time zone, both inclusive), `offer_id`, `channel_id`,
//! `type` (any of the reference's six),
//! `credential_identifier`, `campaign_xid` (the offer and channel of a link).
//!
//! The answer is streamed: the read model is read 1,000 activities at a time, so a year of
//! data never sits in memory. As the reference says, an error while streaming cuts the answer
//! off (it is logged); the status stays 200. CSV cells that a spreadsheet would read as a
//! formula (starting with `=`, `+`, `-`, `@`) are prefixed with `'`. Issuers and reporting
//! keys read.

use super::common::{wants_csv, READ};
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use domain::credential::code;
use domain::ids::{AccountId, ChannelId, OfferId};
use domain::state::Settings;
use domain::time::{format_timestamp, parse_timestamp};
use futures_util::{stream, StreamExt};
use projections::{ActivityKind, ActivityReportRow};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod impressions;
mod merchants;
mod redemptions;

/// Activities read from the read model at a time.
const PAGE: u32 = 1_000;

pub(super) fn routes(routes: &mut Routes) {
    redemptions::routes(routes);
    merchants::routes(routes);
    impressions::routes(routes);
    routes.add(
        Op::get(
            "/reports/offer_activity",
            "reportOfferActivity",
            "The account's offer activities, filtered",
        )
        .roles(READ)
        .query::<ReportQuery>()
        .answers::<Vec<ReportItem>>(200, "The activities (JSON, or CSV on Accept: text/csv)"),
        offer_activity,
    );
}

/// The filters of the report.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
struct ReportQuery {
    from_reported_datetime: Option<String>,
    to_reported_datetime: Option<String>,
    from_processed_datetime: Option<String>,
    to_processed_datetime: Option<String>,
    from_business_date: Option<String>,
    to_business_date: Option<String>,
    channel_id: Option<u64>,
    offer_id: Option<u64>,
    #[serde(rename = "type")]
    kind: Option<String>,
    credential_identifier: Option<String>,
    campaign_xid: Option<String>,
}

/// The filters, checked.
#[derive(Clone, Debug)]
struct Filter {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    from_day: Option<NaiveDate>,
    to_day: Option<NaiveDate>,
    channel: Option<ChannelId>,
    offer: Option<OfferId>,
    kind: Option<&'static str>,
    code: Option<String>,
    settings: Settings,
}

/// A member as a report names it.
#[derive(Debug, Serialize, JsonSchema)]
struct ReportMember {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<String>,
}

/// One activity in the reference's `offer_activity_report` field names.
#[derive(Debug, Serialize, JsonSchema)]
struct ReportItem {
    id: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    /// What happened, finer than `type` (an addition): `issued`, `redeemed`, `voided`,
    /// `redemption_voided` or `reversed`.
    activity: &'static str,
    business_date: String,
    reported_at: String,
    processed_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential_identifier: Option<String>,
    member: ReportMember,
    /// Where a redemption or check-in happened (an addition).
    #[serde(skip_serializing_if = "Option::is_none")]
    store_id: Option<u64>,
    /// The redemption (an addition).
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_id: Option<u64>,
}

/// The reference's report type of an activity kind; `None` for the kinds the reference's
/// report does not list (a wallet save beside the issue it makes, a check-in).
fn kind_name(kind: ActivityKind) -> Option<&'static str> {
    match kind {
        ActivityKind::Issued => Some("issue"),
        ActivityKind::Redeemed => Some("redeem"),
        ActivityKind::Voided | ActivityKind::RedemptionVoided | ActivityKind::Reversed => {
            Some("void")
        }
        ActivityKind::Saved | ActivityKind::CheckedIn => None,
    }
}

/// Every report type of the reference (`expire`, `suspend` and `unsuspend` list nothing here:
/// expiries are not activities yet, and nothing is suspended).
const REPORT_TYPES: [&str; 6] = ["redeem", "expire", "issue", "void", "suspend", "unsuspend"];

fn time(value: Option<&str>, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .map(|text| {
            parse_timestamp(text.trim())
                .ok_or_else(|| ApiError::BadRequest(format!("{name} must be an RFC 3339 time")))
        })
        .transpose()
}

fn day(value: Option<&str>, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    value
        .map(|text| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| ApiError::BadRequest(format!("{name} must be a date (YYYY-MM-DD)")))
        })
        .transpose()
}

/// The later of two lower bounds, the earlier of two upper ones.
fn tighter(
    a: Option<DateTime<Utc>>,
    b: Option<DateTime<Utc>>,
    later: bool,
) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if later { a.max(b) } else { a.min(b) }),
        (a, b) => a.or(b),
    }
}

impl Filter {
    fn new(state: &AppState, account: AccountId, query: ReportQuery) -> Result<Self, ApiError> {
        let kind = query
            .kind
            .as_deref()
            .map(|name| {
                REPORT_TYPES
                    .into_iter()
                    .find(|known| *known == name.trim())
                    .ok_or_else(|| {
                        ApiError::BadRequest(format!("type {name:?} is not a report type"))
                    })
            })
            .transpose()?;
        let xid = query.campaign_xid.clone();
        let (settings, link) = state.read(account, move |live, _| {
            let link = xid.as_deref().map(|xid| live.link_by_xid(xid.trim()));
            (live.settings(), link)
        })?;
        let (mut offer, mut channel) =
            (query.offer_id.map(OfferId), query.channel_id.map(ChannelId));
        if let Some(link) = link {
            let (linked_offer, linked_channel) =
                link.ok_or_else(|| ApiError::BadRequest("campaign_xid names no link".into()))?;
            if offer.is_some_and(|offer| offer != linked_offer)
                || channel.is_some_and(|channel| channel != linked_channel)
            {
                return Err(ApiError::BadRequest(
                    "campaign_xid names another offer or channel".into(),
                ));
            }
            (offer, channel) = (Some(linked_offer), Some(linked_channel));
        }
        Ok(Self {
            from: tighter(
                time(
                    query.from_reported_datetime.as_deref(),
                    "from_reported_datetime",
                )?,
                time(
                    query.from_processed_datetime.as_deref(),
                    "from_processed_datetime",
                )?,
                true,
            ),
            to: tighter(
                time(
                    query.to_reported_datetime.as_deref(),
                    "to_reported_datetime",
                )?,
                time(
                    query.to_processed_datetime.as_deref(),
                    "to_processed_datetime",
                )?,
                false,
            ),
            from_day: day(query.from_business_date.as_deref(), "from_business_date")?,
            to_day: day(query.to_business_date.as_deref(), "to_business_date")?,
            channel,
            offer,
            kind,
            code: query
                .credential_identifier
                .map(|text| code::normalize(&text)),
            settings,
        })
    }

    /// The report's item for `row`, when it passes.
    fn item(&self, row: ActivityReportRow) -> Option<ReportItem> {
        let activity = row.activity;
        let at = activity.created_at;
        let business_day = at.with_timezone(&self.settings.time_zone).date_naive();
        let found = ActivityKind::of_code(activity.activity_type)?;
        let kind = kind_name(found)?;
        let passes = self.from.is_none_or(|from| from <= at)
            && self.to.is_none_or(|to| at < to)
            && self.from_day.is_none_or(|from| from <= business_day)
            && self.to_day.is_none_or(|to| business_day <= to)
            && self.kind.is_none_or(|wanted| wanted == kind)
            && self
                .offer
                .is_none_or(|offer| activity.offer_id == Some(offer))
            && self
                .channel
                .is_none_or(|channel| row.channel_id == Some(channel.0))
            && self
                .code
                .as_ref()
                .is_none_or(|code| row.credential_identifier.as_ref() == Some(code));
        passes.then(|| {
            let stamp = format_timestamp(&at);
            ReportItem {
                id: activity.id,
                kind,
                activity: found.name(),
                business_date: business_day.to_string(),
                reported_at: stamp.clone(),
                processed_at: stamp,
                offer_id: activity.offer_id.map(|offer| offer.0),
                channel_id: row.channel_id,
                credential_identifier: row.credential_identifier,
                member: ReportMember {
                    id: activity.member_id.to_string(),
                    identifier: row.member_identifier,
                },
                store_id: activity.store_id.map(|store| store.0),
                transaction_id: activity.transaction_id.map(|redemption| redemption.0),
            }
        })
    }
}

/// The answer's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

const CSV_HEADER: [&str; 12] = [
    "id",
    "type",
    "activity",
    "business_date",
    "reported_at",
    "offer_id",
    "channel_id",
    "credential_identifier",
    "member_id",
    "member_identifier",
    "store_id",
    "transaction_id",
];

/// `cell`, made harmless for a spreadsheet: a leading `=`, `+`, `-` or `@` gets a `'`.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn optional(value: Option<u64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// `items` as one chunk of the answer; `written`: whether an item was written before.
fn chunk(format: Format, items: &[ReportItem], written: &mut bool) -> Result<Vec<u8>, ApiError> {
    match format {
        Format::Json => json_elements(items, written),
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            for item in items {
                writer
                    .write_record([
                        item.id.to_string(),
                        item.kind.to_owned(),
                        item.activity.to_owned(),
                        item.business_date.clone(),
                        item.reported_at.clone(),
                        optional(item.offer_id),
                        optional(item.channel_id),
                        cell(item.credential_identifier.as_deref().unwrap_or_default()),
                        item.member.id.clone(),
                        cell(item.member.identifier.as_deref().unwrap_or_default()),
                        optional(item.store_id),
                        optional(item.transaction_id),
                    ])
                    .map_err(ApiError::internal)?;
            }
            writer.into_inner().map_err(ApiError::internal)
        }
    }
}

/// A report read from the account's activities a page at a time: what it keeps between pages
/// and how a page becomes the bytes sent.
pub(super) trait ActivityPages: 'static {
    /// The bytes of one page of `rows`; `last`: whether no page follows.
    fn page(
        &mut self,
        state: &AppState,
        account: AccountId,
        rows: Vec<ActivityReportRow>,
        last: bool,
    ) -> impl std::future::Future<Output = Result<Vec<u8>, ApiError>>;
}

/// `report`'s pages, streamed: the account's activities read [`PAGE`] at a time. An error
/// mid-stream cuts the answer off (logged as `what`), as the reference says.
pub(super) fn activity_stream<R: ActivityPages>(
    state: web::Data<AppState>,
    account: AccountId,
    report: R,
    what: &'static str,
) -> impl futures_util::Stream<Item = Result<Bytes, actix_web::Error>> {
    stream::unfold((0_u64, false, report), move |(after, done, mut report)| {
        let state = state.clone();
        async move {
            if done {
                return None;
            }
            let rows = state
                .store()
                .activity_report_page(account, after, PAGE)
                .await;
            let rows = match rows {
                Ok(rows) => rows,
                Err(error) => {
                    tracing::error!(%error, report = what, "a report was cut off");
                    return None;
                }
            };
            let next = rows.last().map_or(after, |row| row.activity.id);
            let last = rows.len() < PAGE as usize;
            match report.page(&state, account, rows, last).await {
                Ok(bytes) => Some((Ok(Bytes::from(bytes)), (next, last, report))),
                Err(error) => {
                    tracing::error!(%error, report = what, "a report was cut off");
                    None
                }
            }
        }
    })
}

/// `items` as JSON array elements, a comma before each unless nothing was `written` yet.
pub(super) fn json_elements<T: Serialize>(
    items: &[T],
    written: &mut bool,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    for item in items {
        if *written {
            out.push(b',');
        }
        *written = true;
        serde_json::to_writer(&mut out, item).map_err(ApiError::internal)?;
    }
    Ok(out)
}

/// The offer activity report's pages.
struct OfferActivityPages {
    filter: Filter,
    format: Format,
    written: bool,
}

impl ActivityPages for OfferActivityPages {
    async fn page(
        &mut self,
        _: &AppState,
        _: AccountId,
        rows: Vec<ActivityReportRow>,
        last: bool,
    ) -> Result<Vec<u8>, ApiError> {
        let items: Vec<ReportItem> = rows
            .into_iter()
            .filter_map(|row| self.filter.item(row))
            .collect();
        let mut bytes = chunk(self.format, &items, &mut self.written)?;
        if last && self.format == Format::Json {
            bytes.push(b']');
        }
        Ok(bytes)
    }
}

async fn offer_activity(
    state: web::Data<AppState>,
    principal: Principal,
    request: HttpRequest,
    query: Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let account = principal.account_id;
    let filter = Filter::new(&state, account, query.into_inner())?;
    state.read_barrier(account).await?;
    let format = if wants_csv(&request) {
        Format::Csv
    } else {
        Format::Json
    };
    let opening = match format {
        Format::Json => b"[".to_vec(),
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer
                .write_record(CSV_HEADER)
                .map_err(ApiError::internal)?;
            writer.into_inner().map_err(ApiError::internal)?
        }
    };
    let pages = OfferActivityPages {
        filter,
        format,
        written: false,
    };
    let pages = activity_stream(state, account, pages, "offer activity");
    let content_type = match format {
        Format::Json => "application/json",
        Format::Csv => "text/csv; charset=utf-8",
    };
    let body = stream::once(async move { Ok::<Bytes, actix_web::Error>(Bytes::from(opening)) })
        .chain(pages);
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .streaming(body))
}
