//! `GET /v1.0/reports/redemptions`: every redemption of an offer in a time frame, as
//! `{"redemptions": [...]}` of the reference's `redemption`, one item per offer a redemption
//! applied (the same `id` for the offers of one basket).
//!
//! Exactly one pair of bounds is required: `from_business_date` / `to_business_date`
//! (`YYYY-MM-DD` in the account's time zone, both inclusive) or `from_redemption_datetime` /
//! `to_redemption_datetime` (RFC 3339, from inclusive, to exclusive); `bi_storelist` keeps the
//! redemptions at the stores of a store list (404 when the account has no such list).
//! Amounts are whole minor units of the account's currency (cents for USD): `purchase_amount`
//! the basket's subtotal, `value` the offer's discount. `customer_identifier` is the member's
//! identifier while the member exists (never after an erasure); `status` (an addition) says
//! whether the redemption stands (`committed`) or was voided or reversed since. The reference's
//! `pos_transaction_id`, `operator_id`, `store_number` and `transaction_items` are not kept
//! by the read model and are left out. Streamed from the read model like the activity report.

use super::{activity_stream, day, json_elements, time, ActivityPages};
use crate::auth::Principal;
use crate::http::{ApiError, Query};
use crate::openapi::{Op, Routes};
use crate::routes::common::READ;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{AccountId, ChannelId, OfferId, RedemptionId, StoreId, StoreListId};
use domain::state::Settings;
use domain::time::format_timestamp;
use futures_util::{stream, StreamExt};
use projections::{ActivityKind, ActivityReportRow, RedemptionRow};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

pub(super) fn routes(routes: &mut Routes) {
    routes.add(
        Op::get(
            "/reports/redemptions",
            "get_offer_redemptions",
            "The account's offer redemptions in a time frame",
        )
        .roles(READ)
        .query::<RedemptionsQuery>()
        .answers::<RedemptionList>(200, "The redemptions"),
        redemptions,
    );
}

/// The time frame and store list asked for.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
struct RedemptionsQuery {
    from_business_date: Option<String>,
    to_business_date: Option<String>,
    from_redemption_datetime: Option<String>,
    to_redemption_datetime: Option<String>,
    bi_storelist: Option<u64>,
}

/// The answer's shape (for the OpenAPI document; the answer itself is streamed).
#[derive(Debug, Serialize, JsonSchema)]
struct RedemptionList {
    redemptions: Vec<RedemptionItem>,
}

/// One offer of one redemption, in the reference's `redemption` field names.
#[derive(Debug, Serialize, JsonSchema)]
pub(super) struct RedemptionItem {
    pub(super) id: RedemptionId,
    pub(super) member_id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) credential_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) store_id: Option<StoreId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) store_name: Option<String>,
    pub(super) offer_id: OfferId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) offer_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) pos_offer_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) channel_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) channel_name: Option<String>,
    pub(super) purchase_amount: i64,
    pub(super) value: i64,
    pub(super) business_date: String,
    pub(super) redemption_datetime: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) customer_identifier: Option<String>,
    /// `committed`, `voided` or `reversed` (an addition).
    pub(super) status: String,
}

/// The time frame, checked.
#[derive(Clone, Copy, Debug)]
pub(super) enum Frame {
    Days(NaiveDate, NaiveDate),
    Times(DateTime<Utc>, DateTime<Utc>),
}

/// Both ends of a pair, one end (refused) or none.
fn pair<T>(from: Option<T>, to: Option<T>, names: &str) -> Result<Option<(T, T)>, ApiError> {
    match (from, to) {
        (Some(from), Some(to)) => Ok(Some((from, to))),
        (None, None) => Ok(None),
        _ => Err(ApiError::BadRequest(format!(
            "{names} must be given together"
        ))),
    }
}

impl Frame {
    fn of(query: &RedemptionsQuery) -> Result<Self, ApiError> {
        let days = pair(
            day(query.from_business_date.as_deref(), "from_business_date")?,
            day(query.to_business_date.as_deref(), "to_business_date")?,
            "from_business_date and to_business_date",
        )?;
        let times = pair(
            time(
                query.from_redemption_datetime.as_deref(),
                "from_redemption_datetime",
            )?,
            time(
                query.to_redemption_datetime.as_deref(),
                "to_redemption_datetime",
            )?,
            "from_redemption_datetime and to_redemption_datetime",
        )?;
        match (days, times) {
            (Some((from, to)), None) => Ok(Self::Days(from, to)),
            (None, Some((from, to))) => Ok(Self::Times(from, to)),
            (Some(_), Some(_)) => Err(ApiError::BadRequest(
                "give business dates or redemption datetimes, not both".into(),
            )),
            (None, None) => Err(ApiError::BadRequest(
                "a pair of business dates or of redemption datetimes is required".into(),
            )),
        }
    }

    fn holds(self, at: DateTime<Utc>, settings: &Settings) -> bool {
        match self {
            Self::Days(from, to) => {
                let day = at.with_timezone(&settings.time_zone).date_naive();
                from <= day && day <= to
            }
            Self::Times(from, to) => from <= at && at < to,
        }
    }
}

/// What the live state names: stores, offers (with their POS codes), channels.
#[derive(Clone, Default)]
struct Names {
    stores: HashMap<StoreId, String>,
    offers: HashMap<OfferId, (String, Option<String>)>,
    channels: HashMap<u64, String>,
}

/// The report's settings: the frame, the stores kept, the account's settings.
#[derive(Clone)]
pub(super) struct Report {
    pub(super) frame: Frame,
    pub(super) stores: Option<BTreeSet<StoreId>>,
    pub(super) settings: Settings,
}

impl Report {
    fn new(
        state: &AppState,
        account: AccountId,
        query: &RedemptionsQuery,
    ) -> Result<Self, ApiError> {
        let frame = Frame::of(query)?;
        let list = query.bi_storelist.map(StoreListId);
        let (settings, stores) = state.read(account, move |live, _| {
            let stores = list.map(|list| {
                live.store_list(list)
                    .map(|found| found.store_ids.iter().copied().collect::<BTreeSet<_>>())
            });
            (live.settings(), stores)
        })?;
        let stores = match stores {
            Some(Some(stores)) => Some(stores),
            Some(None) => return Err(ApiError::NotFound),
            None => None,
        };
        Ok(Self {
            frame,
            stores,
            settings,
        })
    }

    /// Whether `row` is a redemption this report lists.
    fn keeps(&self, row: &ActivityReportRow) -> bool {
        let activity = &row.activity;
        ActivityKind::of_code(activity.activity_type) == Some(ActivityKind::Redeemed)
            && activity.transaction_id.is_some()
            && self.frame.holds(activity.created_at, &self.settings)
            && self.stores.as_ref().is_none_or(|stores| {
                activity
                    .store_id
                    .is_some_and(|store| stores.contains(&store))
            })
    }
}

/// `amount` (decimal text) in whole minor units of a currency of `minor_units` places.
fn minor(amount: Option<&str>, minor_units: u32) -> i64 {
    amount
        .and_then(|text| Decimal::from_str(text).ok())
        .and_then(|amount| amount.checked_mul(Decimal::from(10_i64.pow(minor_units))))
        .and_then(|units| units.round().to_i64())
        .unwrap_or_default()
}

/// The item for a kept activity of `redemption`.
fn item(
    row: ActivityReportRow,
    redemption: Option<&RedemptionRow>,
    names: &Names,
    settings: &Settings,
) -> Option<RedemptionItem> {
    let activity = row.activity;
    let offer = activity.offer_id?;
    let id = activity.transaction_id?;
    let minor_units = settings.currency.minor_units;
    let evaluation = redemption.map(|found| &found.evaluation);
    let subtotal = evaluation.and_then(|value| value["subtotal"].as_str());
    let discount = evaluation
        .and_then(|value| value["offers"].as_array())
        .and_then(|offers| {
            offers
                .iter()
                .find(|result| result["offer_id"].as_u64() == Some(offer.0))
        })
        .and_then(|result| result["discount"].as_str());
    let (offer_name, pos_offer_code) = names.offers.get(&offer).cloned().unzip();
    Some(RedemptionItem {
        id,
        member_id: activity.member_id.0,
        credential_identifier: row.credential_identifier,
        store_id: activity.store_id,
        store_name: activity
            .store_id
            .and_then(|store| names.stores.get(&store).cloned()),
        offer_id: offer,
        offer_name,
        pos_offer_code: pos_offer_code.flatten(),
        channel_id: row.channel_id,
        channel_name: row
            .channel_id
            .and_then(|channel| names.channels.get(&channel).cloned()),
        purchase_amount: minor(subtotal, minor_units),
        value: minor(discount, minor_units),
        business_date: activity
            .created_at
            .with_timezone(&settings.time_zone)
            .date_naive()
            .to_string(),
        redemption_datetime: format_timestamp(&activity.created_at),
        customer_identifier: row.member_identifier,
        status: redemption.map_or_else(String::new, |found| found.status.to_string()),
    })
}

/// The kept rows of one page, their redemptions and the names they need, as items.
pub(super) async fn page_items(
    state: &AppState,
    account: AccountId,
    report: &Report,
    rows: Vec<ActivityReportRow>,
) -> Result<Vec<RedemptionItem>, ApiError> {
    let kept: Vec<ActivityReportRow> = rows.into_iter().filter(|row| report.keeps(row)).collect();
    let mut redemptions: HashMap<RedemptionId, Option<RedemptionRow>> = HashMap::new();
    for id in kept.iter().filter_map(|row| row.activity.transaction_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = redemptions.entry(id) {
            slot.insert(state.store().redemption(account, id).await?);
        }
    }
    let wanted: Vec<(Option<StoreId>, Option<OfferId>, Option<u64>)> = kept
        .iter()
        .map(|row| (row.activity.store_id, row.activity.offer_id, row.channel_id))
        .collect();
    let names = state.read(account, move |live, _| {
        let mut names = Names::default();
        for (store, offer, channel) in wanted {
            if let Some(found) = store.and_then(|store| live.store(store)) {
                names.stores.insert(found.id, found.name.clone());
            }
            if let Some(found) = offer.and_then(|offer| live.offer(offer)) {
                names
                    .offers
                    .insert(found.id, (found.name.clone(), found.pos_offer_code.clone()));
            }
            if let Some(found) = channel.and_then(|channel| live.channel(ChannelId(channel))) {
                names.channels.insert(found.id.0, found.name.clone());
            }
        }
        names
    })?;
    Ok(kept
        .into_iter()
        .filter_map(|row| {
            let redemption = row
                .activity
                .transaction_id
                .and_then(|id| redemptions.get(&id))
                .and_then(Option::as_ref);
            item(row, redemption, &names, &report.settings)
        })
        .collect())
}

/// The redemptions report's pages.
struct RedemptionPages {
    report: Report,
    written: bool,
}

impl ActivityPages for RedemptionPages {
    async fn page(
        &mut self,
        state: &AppState,
        account: AccountId,
        rows: Vec<ActivityReportRow>,
        last: bool,
    ) -> Result<Vec<u8>, ApiError> {
        let items = page_items(state, account, &self.report, rows).await?;
        let mut bytes = json_elements(&items, &mut self.written)?;
        if last {
            bytes.extend_from_slice(b"]}");
        }
        Ok(bytes)
    }
}

async fn redemptions(
    state: web::Data<AppState>,
    principal: Principal,
    query: Query<RedemptionsQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(READ)?;
    let account = principal.account_id;
    let report = Report::new(&state, account, &query.into_inner())?;
    state.read_barrier(account).await?;
    let pages = RedemptionPages {
        report,
        written: false,
    };
    let pages = activity_stream(state, account, pages, "redemptions");
    let opening = stream::once(async {
        Ok::<Bytes, actix_web::Error>(Bytes::from_static(b"{\"redemptions\":["))
    });
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .streaming(opening.chain(pages)))
}
