//! The offer list: filtered by a text in the name, sorted by name, start or status (Sparkfly's
//! `name`, `sort_by`, `order`), each offer with its channel links.

use crate::error::{int, uint, ProjectionError};
use crate::page::{Page, PageRequest};
use crate::query::{contains_pattern, parse};
use crate::rows::OfferRow;
use crate::store::ReadStore;
use domain::ids::AccountId;
use domain::offer::Offer;
use sqlx::AssertSqlSafe;

/// What an offer list is sorted by; ties (and [`OfferSort::Id`]) by id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OfferSort {
    /// By id, the order offers were created in.
    #[default]
    Id,
    /// By name, without regard to the case of ASCII letters.
    Name,
    /// By when it starts running: its `activates_at`, else when it was approved, else when
    /// it was created.
    StartRunningAt,
    /// By stored status (`approved`, `pending`, `stopped`).
    Status,
}

impl OfferSort {
    fn column(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Name => "LOWER(name)",
            Self::StartRunningAt => "starts_at",
            Self::Status => "status",
        }
    }
}

/// Which offers a list holds, and in what order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfferListing {
    /// Only offers whose name holds this text (ASCII letters in either case).
    pub name: Option<String>,
    /// The sort key.
    pub sort: OfferSort,
    /// Largest first.
    pub descending: bool,
}

impl ReadStore {
    /// A page of an account's offers as `listing` says, each with its channel links.
    pub async fn offers(
        &self,
        account: AccountId,
        listing: &OfferListing,
        page: PageRequest,
    ) -> Result<Page<OfferRow>, ProjectionError> {
        let account_id = int(account.0)?;
        let pattern = listing.name.as_deref().map(contains_pattern);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM offers WHERE account_id = $1 \
             AND ($2 IS NULL OR LOWER(name) LIKE $2 ESCAPE '\\')",
        )
        .bind(account_id)
        .bind(pattern.as_deref())
        .fetch_one(&self.pool)
        .await?;
        let direction = if listing.descending { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT body FROM offers WHERE account_id = $1 \
             AND ($2 IS NULL OR LOWER(name) LIKE $2 ESCAPE '\\') \
             ORDER BY {column} {direction}, id {direction} LIMIT $3 OFFSET $4",
            column = listing.sort.column(),
        );
        let bodies: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(account_id)
            .bind(pattern.as_deref())
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await?;
        let mut items = Vec::with_capacity(bodies.len());
        for body in &bodies {
            let offer: Offer = parse(body, "offers")?;
            let channels = self.offer_channels(account, offer.id).await?;
            items.push(OfferRow { offer, channels });
        }
        Ok(Page::new(page, uint(total), items))
    }
}
