//! Every path also answers with a `.json` suffix (`/v1.0/members/1.json`): the suffix is cut
//! off before routing.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::middleware::Next;
use actix_web::Error;

/// The middleware function (see the module docs).
pub async fn strip_json_suffix(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if let Some(stripped) = request.path().strip_suffix(".json") {
        let rewritten = match request.query_string() {
            "" => stripped.to_owned(),
            query => format!("{stripped}?{query}"),
        };
        if let Ok(uri) = rewritten.parse::<Uri>() {
            request.match_info_mut().get_mut().update(&uri);
            request.head_mut().uri = uri;
        }
    }
    next.call(request).await
}
