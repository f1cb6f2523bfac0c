//! The check a callback url passes when it is set (a channel's `conversion_callback_url`,
//! the account's `credential_callback_url`): its host must not be, nor resolve only to,
//! addresses callbacks may not reach (loopback, private, link-local, ... unless the operator
//! allows the range; see [`callbacks::destination`]). A refused url answers 400 and changes
//! nothing. What cannot be judged now (a name that does not resolve yet, a host made of
//! placeholders) is checked again before every delivery attempt.

use crate::http::ApiError;
use crate::state::AppState;

/// Refuses `url` (when given and not empty) if it points at a destination callbacks may not
/// reach; `field` names it in the error, as the domain's url rules do.
pub(super) async fn vet_callback_url(
    state: &AppState,
    field: &'static str,
    url: Option<&str>,
) -> Result<(), ApiError> {
    let Some(url) = url.map(str::trim).filter(|url| !url.is_empty()) else {
        return Ok(());
    };
    state
        .callback_destinations()
        .vet(url)
        .await
        .map_err(|refused| {
            tracing::info!(field, reason = %refused, "callback url refused");
            ApiError::BadRequest(format!(
                "{field} must not point to a private, loopback, link-local or other internal address"
            ))
        })
}
