//! What a credential request names. Sparkfly clients send the fields as query parameters
//! (`?member_id=1009&offer_id=1701&channel_id=456`), others as a JSON or form body
//! (`{"credential": {...}}`); [`Input`] merges the query, the body's top level and its
//! `credential` object, in that order, so the body wins. Values are read leniently: numbers as
//! JSON numbers or text, id lists as arrays, single ids or comma-separated text (`1011,1116`),
//! an empty value as absent. Query keys nest as form keys do
//! (`annotations[conv_ids][click]=abc`).

use crate::http::{form, ApiError};
use discount::Basket;
use domain::command::{CredentialChanges, CredentialRequest};
use domain::credential::Annotations;
use domain::ids::{ChannelId, MemberId, OfferId, StoreId};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The merged fields of one request.
#[derive(Debug, Default)]
pub(super) struct Input(Map<String, Value>);

impl Input {
    /// The fields of `query` (the raw query string) overlaid by those of `body`.
    pub(super) fn merge(query: &str, body: Value) -> Result<Self, ApiError> {
        let mut fields = from_query(query)?;
        let Value::Object(mut body) = body else {
            return Err(ApiError::BadRequest(
                "The body must be a JSON object".into(),
            ));
        };
        let nested = body.remove("credential");
        fields.extend(body);
        match nested {
            Some(Value::Object(inner)) => fields.extend(inner),
            Some(Value::Null) | None => {}
            Some(_) => return Err(ApiError::BadRequest("credential must be an object".into())),
        }
        Ok(Self(fields))
    }

    /// An id field; `None` when absent, null or empty.
    pub(super) fn id(&self, name: &str) -> Result<Option<u64>, ApiError> {
        match self.0.get(name) {
            None => Ok(None),
            Some(value) => id_value(value).map_err(|()| integer_error(name)),
        }
    }

    /// The offers named by `offer_id` and `offer_ids` (in that order); `None` when neither is
    /// given.
    pub(super) fn offer_ids(&self) -> Result<Option<Vec<OfferId>>, ApiError> {
        let single = self.id("offer_id")?;
        let list = self.id_list("offer_ids")?;
        if single.is_none() && list.is_none() {
            return Ok(None);
        }
        let ids = single.into_iter().chain(list.unwrap_or_default());
        Ok(Some(ids.map(OfferId).collect()))
    }

    /// Seconds a code lives, if given.
    pub(super) fn code_lifetime(&self) -> Result<Option<u32>, ApiError> {
        self.id("code_lifetime")?
            .map(|seconds| u32::try_from(seconds).map_err(|_| integer_error("code_lifetime")))
            .transpose()
    }

    /// The annotations (an object of text or maps of text); empty when absent.
    pub(super) fn annotations(&self) -> Result<Annotations, ApiError> {
        match self.0.get("annotations") {
            None | Some(Value::Null) => Ok(Annotations::new()),
            Some(value) => serde_json::from_value(value.clone()).map_err(|_| {
                ApiError::BadRequest(
                    "annotations must be an object of text values or objects of text values".into(),
                )
            }),
        }
    }

    /// The annotations when the request names them (an empty object clears them).
    pub(super) fn given_annotations(&self) -> Result<Option<Annotations>, ApiError> {
        match self.0.get("annotations") {
            None => Ok(None),
            Some(_) => self.annotations().map(Some),
        }
    }

    /// A flag field (`true`/`false`, as JSON or text, `1`/`0`); `None` when absent, null or
    /// empty.
    pub(super) fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        let flag = match self.0.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(flag)) => Some(*flag),
            Some(Value::String(text)) => match text.trim() {
                "" => None,
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => return Err(flag_error(name)),
            },
            Some(Value::Number(number)) => match number.as_u64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => return Err(flag_error(name)),
            },
            Some(_) => return Err(flag_error(name)),
        };
        Ok(flag)
    }

    /// What an update asks to change beside the offers.
    pub(super) fn credential_changes(&self) -> Result<CredentialChanges, ApiError> {
        Ok(CredentialChanges {
            member_id: self.id("member_id")?.map(MemberId),
            store_id: self.id("store_id")?.map(StoreId),
            annotations: self.given_annotations()?,
            reusable: self.flag("reusable")?,
            printable: self.flag("printable")?,
        })
    }

    /// The raw `basket` field, if given.
    pub(super) fn basket(&self) -> Option<&Value> {
        self.0.get("basket").filter(|basket| !basket.is_null())
    }

    /// The request to issue a credential.
    pub(super) fn credential_request(&self) -> Result<CredentialRequest, ApiError> {
        Ok(CredentialRequest {
            member_id: self.id("member_id")?.map(MemberId),
            channel_id: self.id("channel_id")?.map(ChannelId),
            offer_ids: self.offer_ids()?.unwrap_or_default(),
            store_id: self.id("store_id")?.map(StoreId),
            annotations: self.annotations()?,
            code_lifetime: self.code_lifetime()?,
            reusable: self.flag("reusable")?,
            printable: self.flag("printable")?,
        })
    }

    fn id_list(&self, name: &str) -> Result<Option<Vec<u64>>, ApiError> {
        let error = || {
            ApiError::BadRequest(format!(
                "{name} must be a list of integers (an array or comma-separated)"
            ))
        };
        let ids = match self.0.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(id_value)
                .filter_map(Result::transpose)
                .collect::<Result<Vec<u64>, ()>>(),
            Some(Value::String(text)) => text
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(|part| part.parse::<u64>().map_err(|_| ()))
                .collect(),
            Some(value) => id_value(value).map(|id| id.into_iter().collect()),
        };
        ids.map(Some).map_err(|()| error())
    }
}

fn flag_error(name: &str) -> ApiError {
    ApiError::BadRequest(format!("{name} must be true or false"))
}

fn integer_error(name: &str) -> ApiError {
    ApiError::BadRequest(format!("{name} must be a non-negative integer"))
}

/// A JSON number or digits as text; `None` for null or empty text.
fn id_value(value: &Value) -> Result<Option<u64>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => number.as_u64().map(Some).ok_or(()),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::String(text) => text.trim().parse().map(Some).map_err(|_| ()),
        _ => Err(()),
    }
}

/// The query string as fields, nested as form keys are (see [`crate::http::form`]);
/// `credential[x]` reads as `x`.
fn from_query(query: &str) -> Result<Map<String, Value>, ApiError> {
    let pairs = form::pairs(query.as_bytes())?
        .into_iter()
        .map(|(key, value)| (unwrap_credential(key), value))
        .collect();
    form::nest(pairs)
}

/// `credential[x][y]` as `x[y]`; other keys as they are.
fn unwrap_credential(key: String) -> String {
    match key
        .strip_prefix("credential[")
        .and_then(|rest| rest.split_once(']'))
    {
        Some((name, rest)) if !name.is_empty() => format!("{name}{rest}"),
        _ => key,
    }
}

/// The schema of an id as [`Input`] reads it: a number, or digits as text (empty text is
/// absent).
struct LenientId;

impl JsonSchema for LenientId {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "LenientId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^\\s*[0-9]*\\s*$"},
            ],
        })
    }
}

/// The schema of an id list as [`Input`] reads it: an array of ids, one id, or
/// comma-separated ids as text (`1011,1116`).
struct LenientIds;

impl JsonSchema for LenientIds {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "LenientIds".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let id = generator.subschema_for::<LenientId>().to_value();
        json_schema!({
            "anyOf": [
                {"type": "array", "items": id},
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": "^[0-9, ]*$"},
            ],
        })
    }
}

/// The fields of a credential request, as [`Input`] reads them from a body's top level or
/// its `credential` object (the schema of the body; the handlers read it leniently).
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct CredentialFields {
    /// The member to issue to.
    member_id: Option<LenientId>,
    /// The channel to issue on.
    channel_id: Option<LenientId>,
    /// An offer (first, before `offer_ids`).
    offer_id: Option<LenientId>,
    /// Offers, in order.
    offer_ids: Option<LenientIds>,
    /// The store it is issued for.
    store_id: Option<LenientId>,
    /// Free annotations: text, or objects of text (keys under `conv_ids` feed conversion
    /// callbacks).
    annotations: Option<Annotations>,
    /// Seconds the code lives.
    code_lifetime: Option<LenientId>,
    /// Whether the code redeems more than once, within its offers' limits.
    reusable: Option<LenientFlag>,
    /// Whether it is issued to be printed (Sparkfly sends it beside `credential`).
    printable: Option<LenientFlag>,
}

/// The schema of a flag as [`Input`] reads it: a boolean, `true`/`false`/`1`/`0` as text, or
/// 1/0.
struct LenientFlag;

impl JsonSchema for LenientFlag {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "LenientFlag".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "enum": ["true", "false", "1", "0", ""]},
                {"type": "integer", "enum": [0, 1]},
            ],
        })
    }
}

/// `{"credential": {...}}`, or the same fields at the top level (the `credential` object
/// wins).
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct CredentialBody {
    /// The fields.
    credential: Option<CredentialFields>,
    #[serde(flatten)]
    top: CredentialFields,
}

/// What a redemption by credential id reads, at a body's top level or under `credential`.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct RedeemFields {
    /// The store (the credential's own when absent).
    store_id: Option<LenientId>,
    /// The sale; without one, a single zero-priced unit of item `credential-<id>`.
    basket: Option<Basket>,
}

/// `{"credential": {"store_id", "basket"}}`, or the same fields at the top level.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct RedeemBody {
    /// The fields.
    credential: Option<RedeemFields>,
    #[serde(flatten)]
    top: RedeemFields,
}

/// The query parameters a credential request may name instead of body fields (nested keys
/// such as `annotations[source]=app` are read too).
#[derive(JsonSchema)]
#[allow(dead_code)]
pub(super) struct CredentialQuery {
    /// The member to issue to.
    member_id: Option<u64>,
    /// The channel to issue on.
    channel_id: Option<u64>,
    /// An offer (first, before `offer_ids`).
    offer_id: Option<u64>,
    /// Comma-separated offer ids (`1011,1116`).
    #[schemars(regex(pattern = "^[0-9,]*$"))]
    offer_ids: Option<String>,
    /// The store it is issued for (or redeemed at).
    store_id: Option<u64>,
    /// Seconds the code lives.
    code_lifetime: Option<u32>,
    /// Whether the code redeems more than once.
    reusable: Option<bool>,
    /// Whether it is issued to be printed.
    printable: Option<bool>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn query_and_body_merge_with_the_body_winning() {
        let body = json!({"credential": {"channel_id": 7, "store_id": "3"}});
        let input = Input::merge("member_id=1009&channel_id=456&offer_ids=1011,1116", body);
        let request = input.unwrap().credential_request().unwrap();
        assert_eq!(request.member_id, Some(MemberId(1009)));
        assert_eq!(request.channel_id, Some(ChannelId(7)));
        assert_eq!(request.store_id, Some(StoreId(3)));
        assert_eq!(request.offer_ids, vec![OfferId(1011), OfferId(1116)]);
    }

    #[test]
    fn offer_ids_come_in_every_shape() {
        let ids = |query: &str, body: Value| Input::merge(query, body).unwrap().offer_ids();
        let expect = Some(vec![OfferId(1), OfferId(2)]);
        assert_eq!(
            ids("offer_ids[]=1&offer_ids[]=2", json!({})).unwrap(),
            expect
        );
        assert_eq!(ids("offer_id=1&offer_ids=2", json!({})).unwrap(), expect);
        assert_eq!(ids("", json!({"offer_ids": [1, "2"]})).unwrap(), expect);
        assert_eq!(ids("offer_ids=", json!({})).unwrap(), Some(vec![]));
        assert_eq!(ids("", json!({})).unwrap(), None);
        assert!(ids("offer_ids=1,x", json!({})).is_err());
    }

    #[test]
    fn query_keys_nest() {
        let query = "credential[annotations][conv_ids][click]=abc&annotations[source]=app";
        let input = Input::merge(query, json!({})).unwrap();
        let expected = json!({"conv_ids": {"click": "abc"}, "source": "app"});
        let annotations = serde_json::to_value(input.annotations().unwrap()).unwrap();
        assert_eq!(annotations, expected);
        assert!(Input::merge(&format!("a{}=1", "[b]".repeat(8)), json!({})).is_err());
        assert!(Input::merge("member_id=%00", json!({})).is_err());
        assert!(Input::merge("member_id=1&member_id[x]=2", json!({})).is_err());
        assert!(Input::merge("[x]=1", json!({})).is_err());
    }

    #[test]
    fn flags_and_changes_read_leniently() {
        let input = Input::merge(
            "reusable=true&printable=0&member_id=4",
            json!({"credential": {"annotations": {}}}),
        )
        .unwrap();
        let changes = input.credential_changes().unwrap();
        assert_eq!(changes.reusable, Some(true));
        assert_eq!(changes.printable, Some(false));
        assert_eq!(changes.member_id, Some(MemberId(4)));
        assert_eq!(changes.annotations, Some(Annotations::new()));
        let none = Input::merge("", json!({}))
            .unwrap()
            .credential_changes()
            .unwrap();
        assert!(none.is_empty());
        for bad in [
            json!({"reusable": "yes"}),
            json!({"reusable": 2}),
            json!({"printable": []}),
        ] {
            assert!(Input::merge("", bad).unwrap().credential_changes().is_err());
        }
    }

    #[test]
    fn bad_values_are_refused_and_empty_ones_are_absent() {
        let input = Input::merge("member_id=abc&channel_id=", json!({})).unwrap();
        assert!(input.id("member_id").is_err());
        assert_eq!(input.id("channel_id").unwrap(), None);
        assert!(Input::merge("", json!([1])).is_err());
        assert!(Input::merge("", json!({"credential": 3})).is_err());
    }
}
