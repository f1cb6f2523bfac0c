//! Reads of manufacturers: pages of them, each with every merchant it names, ordered by id.

use crate::error::{int, uint, ProjectionError};
use crate::lists::{member_ids, parse};
use crate::page::{Page, PageRequest};
use crate::store::ReadStore;
use domain::catalog::Manufacturer;
use domain::ids::{AccountId, MerchantId};

const MERCHANT_IDS: &str = "SELECT merchant_id FROM manufacturer_merchants
     WHERE account_id = $1 AND manufacturer_id = $2 ORDER BY merchant_id";

impl ReadStore {
    /// A page of an account's manufacturers, each with its merchants.
    pub async fn manufacturers(
        &self,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<Manufacturer>, ProjectionError> {
        let account = int(account.0)?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM manufacturers WHERE account_id = $1")
                .bind(account)
                .fetch_one(&self.pool)
                .await?;
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM manufacturers WHERE account_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
        )
        .bind(account)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(bodies.len());
        for body in &bodies {
            let mut manufacturer: Manufacturer = parse(body, "manufacturers")?;
            let ids = member_ids(self, MERCHANT_IDS, account, manufacturer.id.0).await?;
            manufacturer.merchant_ids = ids.into_iter().map(MerchantId).collect();
            items.push(manufacturer);
        }
        Ok(Page::new(page, uint(total), items))
    }
}
