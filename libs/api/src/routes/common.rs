//! What the catalog routes share: a write through the engine under a role check (with the
//! optional `Idempotency-Key`), the read guard, and the Sparkfly page body.

use crate::auth::Principal;
use crate::http::{ApiError, IdempotencyKey, RequestId};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse};
use domain::account::Role;
use domain::{Command, Event};
use projections::Page;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Who may read the catalog: issuers and reporting (admins always may).
pub(super) const READ: &[Role] = &[Role::Issuer, Role::Reporting];
/// Who may change the catalog: issuers (admins always may).
pub(super) const WRITE: &[Role] = &[Role::Issuer];

/// `?page=&per_page=` of a list.
#[derive(Debug, Deserialize, JsonSchema)]
pub(super) struct ListQuery {
    pub(super) page: Option<u32>,
    pub(super) per_page: Option<u32>,
}

impl ListQuery {
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

/// The Sparkfly list body: the fields of `page` and each of `rows` wrapped as `{key: row}`.
pub(super) fn page_body<T, S: Serialize>(
    page: &Page<T>,
    plural: &str,
    key: &str,
    rows: impl IntoIterator<Item = S>,
) -> Result<HttpResponse, ApiError> {
    let rows = rows
        .into_iter()
        .map(|row| serde_json::to_value(row).map(|row| json!({ key: row })))
        .collect::<Result<Vec<Value>, _>>()
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(json!({
        "page": page.page,
        "per_page": page.per_page,
        "total_entries": page.total_entries,
        "total_pages": page.total_pages,
        plural: rows,
    })))
}
