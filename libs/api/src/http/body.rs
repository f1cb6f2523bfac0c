//! [`Body`]: a request body read as JSON, or as form-urlencoded where Sparkfly clients send
//! one (`curl -d` sends JSON text labelled as a form; `member[identifier]=x` pairs are read as
//! nested objects, see [`super::form`]). JSON is decoded once, straight into the handler's
//! type ([`super::checked`]). Any other Content-Type is refused with 415, a body
//! past [`MAX_BODY_BYTES`] with 413, malformed JSON with 400; what is read must pass the
//! rule of [`super::limits`] (nesting, control characters) before the handler sees it.

use super::limits::{check_value, MAX_BODY_BYTES};
use super::ApiError;
use super::{checked, form};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

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

/// Decodes a body: JSON in one pass straight into `T` (see [`checked`]); form pairs nest into
/// a value first, checked, then read as `T`. An empty body reads as an empty object.
fn parse<T: DeserializeOwned>(format: Format, bytes: &[u8]) -> Result<T, ApiError> {
    let text = bytes.trim_ascii();
    match format {
        _ if text.is_empty() => checked::decode(b"{}"),
        Format::Form if !text.starts_with(b"{") => {
            let value = Value::Object(form::nest(form::pairs(text)?)?);
            check_value(&value)?;
            serde_json::from_value(value).map_err(ApiError::invalid_input)
        }
        Format::Json | Format::Form => checked::decode(text),
    }
}

/// The body's bytes, refused with 413 as soon as they pass [`MAX_BODY_BYTES`] (a declared
/// length past it is refused before anything is read).
async fn collect(request: &HttpRequest, payload: &mut Payload) -> Result<BytesMut, ApiError> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
        return Err(ApiError::PayloadTooLarge);
    }
    let mut bytes = BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| match error {
            PayloadError::Overflow => ApiError::PayloadTooLarge,
            _ => ApiError::BadRequest("The request body could not be read".into()),
        })?;
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let format = format(request);
        let request = request.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let bytes = collect(&request, &mut payload).await?;
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
        let value: Result<Value, _> = parse(Format::Form, b"member[identifier]=a%20b&x=1");
        assert!(matches!(
            value,
            Ok(v) if v == json!({"member": {"identifier": "a b"}, "x": "1"})
        ));
    }

    #[test]
    fn json_labelled_as_a_form_is_json() {
        let value: Result<Value, _> = parse(Format::Form, br#"{"member": {"identifier": "x"}}"#);
        assert!(matches!(value, Ok(v) if v == json!({"member": {"identifier": "x"}})));
    }

    #[test]
    fn both_formats_follow_one_rule() {
        let deep_json = format!("{}1{}", "[".repeat(20), "]".repeat(20));
        let deep_form = format!("x{}=1", "[a]".repeat(20));
        for (format, text) in [
            (Format::Json, deep_json.as_bytes()),
            (Format::Form, deep_form.as_bytes()),
            (
                Format::Json,
                br#"{"member": {"identifier": "a\u0000b"}}"#.as_slice(),
            ),
            (Format::Form, b"member[identifier]=a%00b".as_slice()),
        ] {
            let parsed: Result<Value, _> = parse(format, text);
            assert!(
                matches!(parsed, Err(ApiError::BadRequest(_))),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    /// How deep `value` nests.
    fn depth(value: &Value) -> usize {
        match value {
            Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            Value::Object(fields) => 1 + fields.values().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }

    fn text(value: &Value) -> Vec<String> {
        match value {
            Value::String(text) => vec![text.clone()],
            Value::Array(items) => items.iter().flat_map(text).collect(),
            Value::Object(fields) => fields
                .iter()
                .flat_map(|(name, item)| std::iter::once(name.clone()).chain(text(item)))
                .collect(),
            _ => Vec::new(),
        }
    }

    proptest::proptest! {
        /// Whatever the bytes, both parsers answer without panicking, and what they accept
        /// nests at most MAX_DEPTH levels and holds no forbidden control character.
        #[test]
        fn any_body_is_refused_or_within_the_rule(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"[]{}\":,=&%0a\\u".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..400,
            ),
            form in proptest::bool::ANY,
        ) {
            let format = if form { Format::Form } else { Format::Json };
            if let Ok(value) = parse::<Value>(format, &body) {
                proptest::prop_assert!(depth(&value) <= crate::http::limits::MAX_DEPTH);
                proptest::prop_assert!(!text(&value).iter().any(|text| crate::http::limits::has_control(text)));
            }
        }

        /// Deep nesting built on purpose, in both formats, is refused past MAX_DEPTH and
        /// read below it.
        #[test]
        fn nesting_is_read_up_to_the_limit_and_refused_past_it(levels in 1usize..40) {
            let json = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
            let form = format!("x{}=1", "[a]".repeat(levels - 1));
            let json_ok = parse::<Value>(Format::Json, json.as_bytes()).is_ok();
            let form_ok = parse::<Value>(Format::Form, form.as_bytes()).is_ok();
            proptest::prop_assert_eq!(json_ok, levels <= crate::http::limits::MAX_DEPTH);
            proptest::prop_assert_eq!(form_ok, levels <= crate::http::limits::MAX_DEPTH);
        }
    }

    #[test]
    fn json_errors_do_not_echo_the_input() {
        let parsed: Result<Value, _> = parse(Format::Json, b"{\"secret-looking\": nope}");
        assert!(
            matches!(parsed, Err(ApiError::BadRequest(text)) if !text.contains("nope") && text.starts_with("Malformed JSON: syntax error"))
        );
    }
}
