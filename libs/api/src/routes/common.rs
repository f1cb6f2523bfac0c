//! What the catalog routes share: a write through the engine under a role check (with the
//! optional `Idempotency-Key`), the read guard, the list query, and paging a list computed
//! in memory.

use crate::auth::Principal;
use crate::http::{ApiError, IdempotencyKey, RequestId};
use crate::state::AppState;
use actix_web::HttpRequest;
use domain::account::Role;
use domain::{Command, Event};
use projections::{Page, PageRequest};
use schemars::JsonSchema;
use serde::Deserialize;

/// Who may read the catalog: issuers and reporting (admins always may).
pub(super) const READ: &[Role] = &[Role::Issuer, Role::Reporting];
/// Who may change the catalog: issuers (admins always may).
pub(super) const WRITE: &[Role] = &[Role::Issuer];

/// `?page=&per_page=` of a list.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct ListQuery {
    /// The page, from 1.
    pub(super) page: Option<u32>,
    /// Rows per page.
    pub(super) per_page: Option<u32>,
}

impl ListQuery {
    /// The page asked for.
    pub(super) fn request(&self) -> projections::PageRequest {
        projections::PageRequest::new(self.page, self.per_page)
    }
}

/// `?page=&per_page=&name=` of a list of named rows (stores).
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct NamedListQuery {
    /// The page, from 1.
    pub(super) page: Option<u32>,
    /// Rows per page.
    pub(super) per_page: Option<u32>,
    /// Only rows whose name holds this text (ASCII letters in either case; `%` and `_` are
    /// plain characters).
    pub(super) name: Option<String>,
}

impl NamedListQuery {
    /// The page asked for.
    pub(super) fn request(&self) -> projections::PageRequest {
        projections::PageRequest::new(self.page, self.per_page)
    }
}

/// Checks the write role and runs `command` for the caller's account.
pub(super) async fn write(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    command: Command,
) -> Result<Vec<Event>, ApiError> {
    principal.require(WRITE)?;
    let IdempotencyKey(key) = IdempotencyKey::of(request)?;
    state
        .execute(principal.account_id, command, key, RequestId::of(request))
        .await
}

/// Checks the read role and waits until the read model holds the caller's writes.
pub(super) async fn read_guard(state: &AppState, principal: &Principal) -> Result<(), ApiError> {
    principal.require(READ)?;
    state.read_barrier(principal.account_id).await
}

/// The page `request` of `items`, Sparkfly style.
pub(super) fn paginate<T>(items: Vec<T>, request: PageRequest) -> Result<Page<T>, ApiError> {
    let total_entries = u64::try_from(items.len()).map_err(ApiError::internal)?;
    let per_page = usize::try_from(request.per_page).map_err(ApiError::internal)?;
    let skip = usize::try_from(request.page.saturating_sub(1))
        .map_err(ApiError::internal)?
        .saturating_mul(per_page);
    Ok(Page {
        page: request.page,
        per_page: request.per_page,
        total_entries,
        total_pages: total_entries.div_ceil(u64::from(request.per_page.max(1))),
        items: items.into_iter().skip(skip).take(per_page).collect(),
    })
}

/// Whether `request` asks for CSV (`Accept: text/csv`; a `.csv` suffix becomes that header).
pub(super) fn wants_csv(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}

/// A path id that can name a resource: ids stop at `i64::MAX` (what the read databases
/// store), so a larger one names nothing (404).
pub(super) fn path_id(id: u64) -> Result<u64, ApiError> {
    i64::try_from(id)
        .map(|_| id)
        .map_err(|_| ApiError::NotFound)
}
