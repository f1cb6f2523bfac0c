//! Every path also answers with a `.json` suffix (`/v1.0/members/1.json`), and with `.csv`
//! (`/v1.0/reports/offer_activity.csv`, which then asks for CSV as `Accept: text/csv` does):
//! the suffix is cut off before routing.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, ACCEPT};
use actix_web::http::Uri;
use actix_web::middleware::Next;
use actix_web::Error;

/// The middleware function (see the module docs).
pub async fn strip_json_suffix(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = request.path();
    let csv = path.ends_with(".csv");
    if let Some(stripped) = path
        .strip_suffix(".json")
        .or_else(|| path.strip_suffix(".csv"))
    {
        let rewritten = match request.query_string() {
            "" => stripped.to_owned(),
            query => format!("{stripped}?{query}"),
        };
        if let Ok(uri) = rewritten.parse::<Uri>() {
            request.match_info_mut().get_mut().update(&uri);
            request.head_mut().uri = uri;
        }
        if csv {
            request
                .headers_mut()
                .insert(ACCEPT, HeaderValue::from_static("text/csv"));
        }
    }
    next.call(request).await
}
