//! [`Deliveries`]: what the API asks of a running dispatcher (list a target's newest
//! deliveries, replay one), as a trait object so the API holds it without knowing the logs it
//! runs on.

use crate::ledger::DeliveryView;
use domain::ids::{AccountId, ChannelId};
use std::future::Future;
use std::pin::Pin;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A page of deliveries, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryPage {
    /// The page, from 1.
    pub page: usize,
    /// Rows per page.
    pub per_page: usize,
    /// Deliveries kept for the target.
    pub total_entries: usize,
    /// Pages.
    pub total_pages: usize,
    /// The rows.
    pub deliveries: Vec<DeliveryView>,
}

/// Why a replay was not done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// No such delivery of this target among those kept.
    #[error("Not found")]
    NotFound,
    /// The delivery is still being attempted.
    #[error("Delivery is still pending")]
    Pending,
    /// The dispatcher is stopping.
    #[error("the dispatcher is stopped")]
    Stopped,
}

/// The dispatcher as the API reaches it.
pub trait Deliveries: Send + Sync + 'static {
    /// Page `page` of `per_page` of the newest deliveries of `account`'s `channel` (the
    /// account-level callback for `None`).
    fn list(
        &self,
        account: AccountId,
        channel: Option<ChannelId>,
        page: usize,
        per_page: usize,
    ) -> DeliveryPage;

    /// Sends delivery `id` of `account`'s `channel` again (with the same delivery id and a new
    /// deadline) once it is final; answers it as it is right after the replay is recorded.
    fn replay<'a>(
        &'a self,
        account: AccountId,
        channel: Option<ChannelId>,
        id: &'a str,
    ) -> BoxFuture<'a, Result<DeliveryView, ReplayError>>;
}
