//! Reading members' offer activities: a member's activities in pages (or all of them, with all
//! their credentials, for an export), and the credentials a member has redeemed at a store.

use crate::error::{int, uint, ProjectionError};
use crate::page::{Page, PageRequest};
use crate::query::parse;
use crate::rows::OfferActivity;
use crate::store::ReadStore;
use domain::credential::Credential;
use domain::ids::{AccountId, MemberId, StoreId};

/// The credentials of member `$2` now redeemed that were redeemed at store `$3`.
const REDEEMED_AT_STORE: &str = "credentials.account_id = $1 AND credentials.member_id = $2
    AND credentials.status = 'redeemed'
    AND EXISTS (SELECT 1 FROM offer_activities
        WHERE offer_activities.account_id = credentials.account_id
        AND offer_activities.member_id = credentials.member_id
        AND offer_activities.credential_id = credentials.id
        AND offer_activities.store_id = $3 AND offer_activities.activity = 'redeemed')";

impl ReadStore {
    /// A page of member `member`'s activities, oldest first.
    pub async fn offer_activities(
        &self,
        account: AccountId,
        member: MemberId,
        page: PageRequest,
    ) -> Result<Page<OfferActivity>, ProjectionError> {
        let (account, member) = (int(account.0)?, int(member.0)?);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM offer_activities WHERE account_id = $1 AND member_id = $2",
        )
        .bind(account)
        .bind(member)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM offer_activities WHERE account_id = $1 AND member_id = $2
             ORDER BY id LIMIT $3 OFFSET $4",
        )
        .bind(account)
        .bind(member)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let items = bodies
            .iter()
            .map(|body| parse(body, "offer_activities"))
            .collect::<Result<_, _>>()?;
        Ok(Page::new(page, uint(total), items))
    }

    /// A page of the credentials member `member` has redeemed at `store` (still redeemed:
    /// not voided or reversed since), by id.
    pub async fn redeemed_at_store(
        &self,
        account: AccountId,
        member: MemberId,
        store: StoreId,
        page: PageRequest,
    ) -> Result<Page<Credential>, ProjectionError> {
        let (account, member, store) = (int(account.0)?, int(member.0)?, int(store.0)?);
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM credentials WHERE {REDEEMED_AT_STORE}"
        )))
        .bind(account)
        .bind(member)
        .bind(store)
        .fetch_one(&self.pool)
        .await?;
        let bodies: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT body FROM credentials WHERE {REDEEMED_AT_STORE}
             ORDER BY credentials.id LIMIT $4 OFFSET $5"
        )))
        .bind(account)
        .bind(member)
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
}

impl ReadStore {
    /// Every activity of member `member`, oldest first (for an export: not paged).
    pub async fn all_offer_activities(
        &self,
        account: AccountId,
        member: MemberId,
    ) -> Result<Vec<OfferActivity>, ProjectionError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM offer_activities WHERE account_id = $1 AND member_id = $2
             ORDER BY id",
        )
        .bind(int(account.0)?)
        .bind(int(member.0)?)
        .fetch_all(&self.pool)
        .await?;
        bodies
            .iter()
            .map(|body| parse(body, "offer_activities"))
            .collect()
    }

    /// Every credential of member `member`, by id (for an export: not paged).
    pub async fn all_member_credentials(
        &self,
        account: AccountId,
        member: MemberId,
    ) -> Result<Vec<Credential>, ProjectionError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM credentials WHERE account_id = $1 AND member_id = $2 ORDER BY id",
        )
        .bind(int(account.0)?)
        .bind(int(member.0)?)
        .fetch_all(&self.pool)
        .await?;
        bodies
            .iter()
            .map(|body| parse(body, "credentials"))
            .collect()
    }
}

/// One activity as a report lists it: the activity, with its credential's code and channel
/// and its member's identifier as the read model holds them.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityReportRow {
    /// The activity.
    pub activity: OfferActivity,
    /// Its credential's code, while the credential is there.
    pub credential_identifier: Option<String>,
    /// Its credential's channel, while the credential is there.
    pub channel_id: Option<u64>,
    /// Its member's identifier, while the member is there.
    pub member_identifier: Option<String>,
}

/// The columns a report page reads: the activity's body, its credential's code and channel,
/// its member's identifier.
type ReportColumns = (String, Option<String>, Option<i64>, Option<String>);

impl ReadStore {
    /// Up to `limit` of the account's activities after activity `after`, by id: one page of
    /// a report, read in pages so a long report never sits in memory whole.
    pub async fn activity_report_page(
        &self,
        account: AccountId,
        after: u64,
        limit: u32,
    ) -> Result<Vec<ActivityReportRow>, ProjectionError> {
        let rows: Vec<ReportColumns> = sqlx::query_as(
            "SELECT a.body, c.identifier, c.channel_id, m.identifier
             FROM offer_activities a
             LEFT JOIN credentials c ON c.account_id = a.account_id AND c.id = a.credential_id
             LEFT JOIN members m ON m.account_id = a.account_id AND m.id = a.member_id
             WHERE a.account_id = $1 AND a.id > $2
             ORDER BY a.id LIMIT $3",
        )
        .bind(int(account.0)?)
        .bind(int(after)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(body, credential_identifier, channel_id, member_identifier)| {
                    Ok(ActivityReportRow {
                        activity: parse(&body, "offer_activities")?,
                        credential_identifier,
                        channel_id: channel_id.map(uint),
                        member_identifier,
                    })
                },
            )
            .collect()
    }
}
