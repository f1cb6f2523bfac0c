//! Store lists and member lists, with their stores and members.
//!
//! - `member_lists`: `/v1.0/member_lists[/{id}[/members]]`.
//! - `store_lists`: `/v1.0/merchants/{merchant_id}/store_lists[/{id}]`.
//! - `store_list_stores`: `.../store_lists/{id}/stores` and
//!   `/v1.0/merchants/store_lists/{id}/stores`.
//!
//! Memberships: `PUT` adds ids, `DELETE` removes them, `POST` makes them the whole list
//! (Sparkfly's "set"); each answers the list's ids after the change. Ids the body names that
//! the account does not hold answer 400 with the domain's message and change nothing; a list
//! the path names that is not there answers 404. Issuers (and admins) write, reporting reads.

mod member_lists;
mod store_list_stores;
mod store_lists;

use crate::auth::Principal;
use crate::http::{ApiError, RequestId};
use crate::openapi::Routes;
use crate::state::AppState;
use actix_web::HttpRequest;
use domain::{Command, DomainError};

pub(super) fn routes(routes: &mut Routes) {
    member_lists::routes(routes);
    store_list_stores::routes(routes);
    store_lists::routes(routes);
}

/// A refusal of a command on the list the path names: a missing resource other than
/// `path_resource` was named in the body, so it answers 400 rather than 404.
pub(super) fn body_refusal(error: ApiError, path_resource: &str) -> ApiError {
    match error {
        ApiError::Domain(DomainError::NotFound { resource }) if resource != path_resource => {
            ApiError::BadRequest(DomainError::NotFound { resource }.to_string())
        }
        other => other,
    }
}

/// Runs one step of a "set" without the request's `Idempotency-Key` (a set is made of two
/// commands, and is idempotent by itself). The caller has checked the write role.
pub(super) async fn set_step(
    state: &AppState,
    principal: &Principal,
    request: &HttpRequest,
    command: Command,
) -> Result<(), ApiError> {
    state
        .execute(principal.account_id, command, None, RequestId::of(request))
        .await?;
    Ok(())
}
