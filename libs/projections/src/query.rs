//! Lookups and paginated lists over the read tables, ordered by id.

use crate::error::{int, uint, ProjectionError};
use crate::page::{Page, PageRequest};
use crate::rows::{OfferChannelRow, OfferRow, RedemptionRow};
use crate::store::ReadStore;
use domain::catalog::{Counter, Member, Merchant, Occasion, PosOfferCode, Store};
use domain::channel::Channel;
use domain::credential::{Credential, CredentialStatus};
use domain::ids::{
    AccountId, ChannelId, CounterId, CredentialId, ImpressionId, MemberId, MerchantId, OccasionId,
    OfferId, PosOfferCodeId, RedemptionId, StoreId,
};
use domain::impression::Impression;
use domain::offer::Offer;
use serde::de::DeserializeOwned;
use sqlx::AssertSqlSafe;

/// Which credentials a credential list holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CredentialFilter {
    /// Only this member's.
    pub member_id: Option<MemberId>,
    /// Only those in this status.
    pub status: Option<CredentialStatus>,
    /// Only those carrying this offer.
    pub offer_id: Option<OfferId>,
    /// Only those issued for this store.
    pub store_id: Option<StoreId>,
}

/// The conditions of a credential list, `$1` to `$5`: account, member, status, the `LIKE`
/// pattern of an offer (`%,id,%`) and store, each but the account ignored when NULL. The
/// offer is found in the row's `offer_ids` (JSON, `[1,2]`) with its brackets turned into
/// commas, a text test both databases run alike; it reads the account's rows, not an index.
const CREDENTIAL_FILTER: &str = "account_id = $1
    AND ($2 IS NULL OR member_id = $2) AND ($3 IS NULL OR status = $3)
    AND ($4 IS NULL OR REPLACE(REPLACE(offer_ids, '[', ','), ']', ',') LIKE $4)
    AND ($5 IS NULL OR store_id = $5)";

/// A row's `body` JSON as a `T`.
pub(crate) fn parse<T: DeserializeOwned>(
    body: &str,
    what: &'static str,
) -> Result<T, ProjectionError> {
    serde_json::from_str(body).map_err(ProjectionError::decode(what))
}

/// Generates a lookup by id and a paginated list for a table whose rows are `body` JSON.
macro_rules! get_and_list {
    ($($(#[$get_doc:meta])* $get:ident, $(#[$list_doc:meta])* $list:ident:
        $id:ty => $row:ty, $table:literal;)*) => {
        impl ReadStore {$(
            $(#[$get_doc])*
            pub async fn $get(
                &self,
                account: AccountId,
                id: $id,
            ) -> Result<Option<$row>, ProjectionError> {
                let body: Option<String> = sqlx::query_scalar(concat!(
                    "SELECT body FROM ", $table, " WHERE account_id = $1 AND id = $2"
                ))
                .bind(int(account.0)?)
                .bind(int(id.0)?)
                .fetch_optional(&self.pool)
                .await?;
                body.map(|body| parse(&body, $table)).transpose()
            }

            $(#[$list_doc])*
            pub async fn $list(
                &self,
                account: AccountId,
                page: PageRequest,
            ) -> Result<Page<$row>, ProjectionError> {
                let account = int(account.0)?;
                let total: i64 = sqlx::query_scalar(concat!(
                    "SELECT COUNT(*) FROM ", $table, " WHERE account_id = $1"
                ))
                .bind(account)
                .fetch_one(&self.pool)
                .await?;
                let bodies: Vec<String> = sqlx::query_scalar(concat!(
                    "SELECT body FROM ", $table,
                    " WHERE account_id = $1 ORDER BY id LIMIT $2 OFFSET $3"
                ))
                .bind(account)
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(&self.pool)
                .await?;
                let items = bodies
                    .iter()
                    .map(|body| parse(body, $table))
                    .collect::<Result<_, _>>()?;
                Ok(Page::new(page, uint(total), items))
            }
        )*}
    };
}

get_and_list! {
    /// A member by id.
    member,
    /// A page of an account's members.
    members: MemberId => Member, "members";
    /// A merchant by id.
    merchant,
    /// A page of an account's merchants.
    merchants: MerchantId => Merchant, "merchants";
    /// A store by id.
    store,
    /// A page of an account's stores.
    stores: StoreId => Store, "stores";
    /// A channel by id.
    channel,
    /// A page of an account's channels.
    channels: ChannelId => Channel, "channels";
    /// An offer by id, without its channel links (see [`ReadStore::offer`]).
    offer_only,
    /// A page of an account's offers by id, without their channel links (see
    /// [`ReadStore::offers`]).
    offers_only: OfferId => Offer, "offers";
    /// A credential by id.
    credential,
    /// A page of an account's credentials, unfiltered.
    all_credentials: CredentialId => Credential, "credentials";
    /// A counter by id.
    counter,
    /// A page of an account's counters.
    counters: CounterId => Counter, "counters";
    /// An occasion (a Sparkfly event) by id.
    occasion,
    /// A page of an account's occasions (Sparkfly's events).
    occasions: OccasionId => Occasion, "occasions";
    /// An impression by id.
    impression,
    /// A page of an account's impressions.
    impressions: ImpressionId => Impression, "impressions";
    /// A POS offer code by id.
    pos_offer_code,
    /// A page of an account's POS offer codes.
    pos_offer_codes: PosOfferCodeId => PosOfferCode, "pos_offer_codes";
}

impl ReadStore {
    /// A member by identifier.
    pub async fn member_by_identifier(
        &self,
        account: AccountId,
        identifier: &str,
    ) -> Result<Option<Member>, ProjectionError> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT body FROM members WHERE account_id = $1 AND identifier = $2",
        )
        .bind(int(account.0)?)
        .bind(identifier)
        .fetch_optional(&self.pool)
        .await?;
        body.map(|body| parse(&body, "members")).transpose()
    }

    /// A page of one merchant's stores; with `name`, only those whose name holds it (ASCII
    /// letters in either case: SQLite's `LOWER` folds no others).
    pub async fn merchant_stores(
        &self,
        account: AccountId,
        merchant: MerchantId,
        name: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Store>, ProjectionError> {
        let account = int(account.0)?;
        let merchant = int(merchant.0)?;
        let pattern = name.map(contains_pattern);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM stores WHERE account_id = $1 AND merchant_id = $2 \
             AND ($3 IS NULL OR LOWER(name) LIKE $3 ESCAPE '\\')",
        )
        .bind(account)
        .bind(merchant)
        .bind(pattern.as_deref())
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM stores WHERE account_id = $1 AND merchant_id = $2 \
             AND ($3 IS NULL OR LOWER(name) LIKE $3 ESCAPE '\\') \
             ORDER BY id LIMIT $4 OFFSET $5",
        )
        .bind(account)
        .bind(merchant)
        .bind(pattern.as_deref())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = bodies
            .iter()
            .map(|body| parse(body, "stores"))
            .collect::<Result<_, _>>()?;
        Ok(Page::new(page, uint(total), items))
    }

    /// An offer by id, with its channel links.
    pub async fn offer(
        &self,
        account: AccountId,
        id: OfferId,
    ) -> Result<Option<OfferRow>, ProjectionError> {
        let Some(offer) = self.offer_only(account, id).await? else {
            return Ok(None);
        };
        let channels = self.offer_channels(account, id).await?;
        Ok(Some(OfferRow { offer, channels }))
    }

    /// The accounts with a channel link of xid `xid`, at most two (xids are unique within an
    /// account, not across accounts), by account id.
    pub async fn accounts_linking(&self, xid: &str) -> Result<Vec<AccountId>, ProjectionError> {
        let accounts: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT account_id FROM offer_channels WHERE xid = $1
             ORDER BY account_id LIMIT 2",
        )
        .bind(xid)
        .fetch_all(&self.pool)
        .await?;
        Ok(accounts.into_iter().map(|id| AccountId(uint(id))).collect())
    }

    /// The channel links of an offer, by channel id.
    pub async fn offer_channels(
        &self,
        account: AccountId,
        offer: OfferId,
    ) -> Result<Vec<OfferChannelRow>, ProjectionError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM offer_channels WHERE account_id = $1 AND offer_id = $2
             ORDER BY channel_id",
        )
        .bind(int(account.0)?)
        .bind(int(offer.0)?)
        .fetch_all(&self.pool)
        .await?;
        bodies
            .iter()
            .map(|body| parse(body, "offer_channels"))
            .collect()
    }

    /// A page of an account's credentials that pass `filter` (every condition it sets).
    pub async fn credentials(
        &self,
        account: AccountId,
        filter: CredentialFilter,
        page: PageRequest,
    ) -> Result<Page<Credential>, ProjectionError> {
        let account = int(account.0)?;
        let member = filter.member_id.map(|id| int(id.0)).transpose()?;
        let status = filter.status.map(|status| status.to_string());
        let offer = filter.offer_id.map(|id| format!("%,{id},%"));
        let store = filter.store_id.map(|id| int(id.0)).transpose()?;
        let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM credentials WHERE {CREDENTIAL_FILTER}"
        )))
        .bind(account)
        .bind(member)
        .bind(status.as_deref())
        .bind(offer.as_deref())
        .bind(store)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT body FROM credentials WHERE {CREDENTIAL_FILTER} ORDER BY id LIMIT $6 OFFSET $7"
        )))
        .bind(account)
        .bind(member)
        .bind(status.as_deref())
        .bind(offer.as_deref())
        .bind(store)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = bodies
            .iter()
            .map(|body| parse(body, "credentials"))
            .collect::<Result<_, _>>()?;
        Ok(Page::new(page, uint(total), items))
    }

    /// A redemption by id, with its evaluation.
    pub async fn redemption(
        &self,
        account: AccountId,
        id: RedemptionId,
    ) -> Result<Option<RedemptionRow>, ProjectionError> {
        let stored: Option<(String, String)> = sqlx::query_as(
            "SELECT body, evaluation FROM redemptions WHERE account_id = $1 AND id = $2",
        )
        .bind(int(account.0)?)
        .bind(int(id.0)?)
        .fetch_optional(&self.pool)
        .await?;
        stored
            .map(|(body, evaluation)| redemption_row(&body, &evaluation))
            .transpose()
    }

    /// A page of an account's redemptions, with their evaluations.
    pub async fn redemptions(
        &self,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<RedemptionRow>, ProjectionError> {
        let account = int(account.0)?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM redemptions WHERE account_id = $1")
                .bind(account)
                .fetch_one(&self.pool)
                .await?;
        let stored: Vec<(String, String)> = sqlx::query_as(
            "SELECT body, evaluation FROM redemptions WHERE account_id = $1
             ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(account)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = stored
            .iter()
            .map(|(body, evaluation)| redemption_row(body, evaluation))
            .collect::<Result<_, _>>()?;
        Ok(Page::new(page, uint(total), items))
    }
}

fn redemption_row(body: &str, evaluation: &str) -> Result<RedemptionRow, ProjectionError> {
    let mut row: RedemptionRow = parse(body, "redemptions")?;
    row.evaluation = parse(evaluation, "redemption evaluation")?;
    Ok(row)
}

/// A `LIKE` pattern (backslash escapes) matching text that holds `text`, ASCII letters in
/// either case.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c.to_ascii_lowercase());
    }
    pattern.push('%');
    pattern
}

impl ReadStore {
    /// Up to `limit` of the account's impressions after impression `after`, by id: one page
    /// of a report, read in pages so a long report never sits in memory whole.
    pub async fn impressions_after(
        &self,
        account: AccountId,
        after: u64,
        limit: u32,
    ) -> Result<Vec<Impression>, ProjectionError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM impressions WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(int(account.0)?)
        .bind(int(after)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        bodies
            .iter()
            .map(|body| parse(body, "impressions"))
            .collect()
    }
}
