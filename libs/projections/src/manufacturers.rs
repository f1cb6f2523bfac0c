//! Reads of manufacturers: pages of them, each with every merchant it names, ordered by id.

use crate::error::ProjectionError;
use crate::page::{Page, PageRequest};
use crate::store::ReadStore;
use domain::catalog::Manufacturer;
use domain::ids::AccountId;

impl ReadStore {
    /// A page of an account's manufacturers, each with its merchants.
    pub async fn manufacturers(
        &self,
        account: AccountId,
        page: PageRequest,
    ) -> Result<Page<Manufacturer>, ProjectionError> {
        self.page_with_ids(account, page).await
    }
}
