//! [`Body`]: a request body read as JSON, or as form-urlencoded where Sparkfly clients send
//! one (`curl -d` sends JSON text labelled as a form; `member[identifier]=x` pairs are read as
//! nested objects). Any other Content-Type is refused with 415, malformed JSON with 400.

use super::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A deserialized request body.
#[derive(Debug)]
pub struct Body<T>(pub T);

enum Format {
    Json,
    Form,
}

fn format(request: &HttpRequest) -> Result<Format, ApiError> {
    let Some(value) = request.headers().get(CONTENT_TYPE) else {
        return Ok(Format::Json);
    };
    let essence = value
        .to_str()
        .map_err(|_| ApiError::UnsupportedMediaType)?
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(Format::Json),
        "application/x-www-form-urlencoded" => Ok(Format::Form),
        _ => Err(ApiError::UnsupportedMediaType),
    }
}

fn parse<T: DeserializeOwned>(format: Format, bytes: &[u8]) -> Result<T, ApiError> {
    let text = bytes.trim_ascii();
    let value = match format {
        _ if text.is_empty() => Value::Object(Map::new()),
        Format::Form if !text.starts_with(b"{") => form(text)?,
        Format::Json | Format::Form => serde_json::from_slice(text)
            .map_err(|error| ApiError::BadRequest(format!("Malformed JSON: {error}")))?,
    };
    serde_json::from_value(value).map_err(|error| ApiError::BadRequest(error.to_string()))
}

fn form(bytes: &[u8]) -> Result<Value, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes)
        .map_err(|error| ApiError::BadRequest(format!("Malformed form: {error}")))?;
    let mut root = Map::new();
    for (key, value) in pairs {
        let mut path = key.split('[').map(|part| part.trim_end_matches(']'));
        let Some(first) = path.next() else { continue };
        let mut target = &mut root;
        let mut name = first.to_owned();
        for part in path {
            let entry = target
                .entry(name)
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(inner) = entry else {
                return Err(ApiError::BadRequest(format!("Malformed form key: {key}")));
            };
            target = inner;
            name = part.to_owned();
        }
        target.insert(name, Value::String(value));
    }
    Ok(Value::Object(root))
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let format = format(request);
        let bytes = Bytes::from_request(request, payload);
        Box::pin(async move {
            let bytes = bytes
                .await
                .map_err(|error| ApiError::BadRequest(error.to_string()))?;
            if bytes.is_empty() {
                return parse(Format::Json, &bytes).map(Body);
            }
            parse(format?, &bytes).map(Body)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forms_nest_bracketed_keys() {
        let value = form(b"member[identifier]=a%20b&member[notification_mode]=sms&x=1");
        assert!(matches!(
            value,
            Ok(v) if v == json!({"member": {"identifier": "a b", "notification_mode": "sms"}, "x": "1"})
        ));
    }

    #[test]
    fn json_labelled_as_a_form_is_json() {
        let value: Result<Value, _> = parse(Format::Form, br#"{"member": {"identifier": "x"}}"#);
        assert!(matches!(value, Ok(v) if v == json!({"member": {"identifier": "x"}})));
    }
}
