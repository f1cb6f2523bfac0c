//! An offer's presentation and program fields, kept and answered as Sparkfly does: its
//! `formatting` (banner, colour, texts and urls of its pages, and whether it combines with
//! other offers), its `criteria` (a free JSON object) and the flags and values of Sparkfly's
//! programs (`quest_only`, `is_reward`, `external_reward`, `trigger_amount`,
//! `reward_item_value`, `redeem_until_depleted`, `initial_remaining_value`).
//!
//! Of these only `formatting.multiple_offers_can_be_combined_on_an_order` changes a
//! redemption (false makes the offer exclusive, see [`OfferFormatting::is_exclusive`]); the
//! others are kept for the pages and clients that show them.

use crate::error::{DomainError, DomainResult};
use crate::validate::{replace_text, replace_url, MAX_LONG_TEXT, MAX_TEXT};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::Deserializer;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Longest `criteria`, as compact JSON text.
pub const MAX_CRITERIA_CHARS: usize = 4_096;

/// How an offer is shown, Sparkfly's `offer_formatting`. On an update each field given
/// replaces the kept one (empty text clears it); absent fields stay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct OfferFormatting {
    /// Header colour of its landing page: `#` and 3 or 6 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bg_color: Option<String>,
    /// Banner image url of its landing page (http or https; 1200x600 recommended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bg_image: Option<String>,
    /// Content shown with a credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_credential_content: Option<String>,
    /// Whether it is redeemable in stores only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_store_only: Option<bool>,
    /// More content for its pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_content: Option<String>,
    /// Whether the highest value to the customer is shown first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highest_value_to_customer: Option<bool>,
    /// How to redeem it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Thumbnail url for mobile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_thumb_url: Option<String>,
    /// Image url for mobile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_url: Option<String>,
    /// False: the offer applies alone on an order (exclusive); absent or true: it combines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple_offers_can_be_combined_on_an_order: Option<bool>,
    /// Whether its pages offer no printable code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_printable: Option<bool>,
    /// The code to use online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_offer_code: Option<String>,
    /// Whether its discount reduces the taxable amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduces_taxable_amount: Option<bool>,
    /// A short name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Text of a message announcing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_message: Option<String>,
    /// Thumbnail url for the web.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_thumb_url: Option<String>,
    /// Image url for the web.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
}

impl OfferFormatting {
    /// Whether the offer applies alone when it applies (it does not combine with others).
    pub fn is_exclusive(&self) -> bool {
        self.multiple_offers_can_be_combined_on_an_order == Some(false)
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The fields `given` replaces in `self`, each checked.
    pub fn merge(&mut self, given: &OfferFormatting) -> DomainResult<()> {
        if let Some(color) = &given.bg_color {
            self.bg_color = color_of(color)?;
        }
        let urls = [
            ("Bg image", &given.bg_image, &mut self.bg_image),
            (
                "Mobile thumb url",
                &given.mobile_thumb_url,
                &mut self.mobile_thumb_url,
            ),
            ("Mobile url", &given.mobile_url, &mut self.mobile_url),
            (
                "Web thumb url",
                &given.web_thumb_url,
                &mut self.web_thumb_url,
            ),
            ("Web url", &given.web_url, &mut self.web_url),
        ];
        for (field, given, kept) in urls {
            replace_url(field, given.as_deref(), kept)?;
        }
        let texts = [
            (
                "Custom credential content",
                &given.custom_credential_content,
                &mut self.custom_credential_content,
                MAX_LONG_TEXT,
            ),
            (
                "Extra content",
                &given.extra_content,
                &mut self.extra_content,
                MAX_LONG_TEXT,
            ),
            (
                "Instructions",
                &given.instructions,
                &mut self.instructions,
                MAX_LONG_TEXT,
            ),
            (
                "Online offer code",
                &given.online_offer_code,
                &mut self.online_offer_code,
                MAX_TEXT,
            ),
            (
                "Short name",
                &given.short_name,
                &mut self.short_name,
                MAX_TEXT,
            ),
            (
                "Text message",
                &given.text_message,
                &mut self.text_message,
                MAX_TEXT,
            ),
        ];
        for (field, given, kept, max) in texts {
            replace_text(field, given.as_deref(), max, kept)?;
        }
        let flags = [
            (given.in_store_only, &mut self.in_store_only),
            (
                given.highest_value_to_customer,
                &mut self.highest_value_to_customer,
            ),
            (
                given.multiple_offers_can_be_combined_on_an_order,
                &mut self.multiple_offers_can_be_combined_on_an_order,
            ),
            (given.no_printable, &mut self.no_printable),
            (
                given.reduces_taxable_amount,
                &mut self.reduces_taxable_amount,
            ),
        ];
        for (given, kept) in flags {
            if given.is_some() {
                *kept = given;
            }
        }
        Ok(())
    }
}

/// A colour as `#` and 3 or 6 hex digits; empty clears it.
fn color_of(text: &str) -> DomainResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let digits = text.strip_prefix('#').unwrap_or("");
    if matches!(digits.len(), 3 | 6) && digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Ok(Some(text.to_owned()));
    }
    Err(DomainError::Invalid {
        field: "Bg color",
        reason: "must be # and 3 or 6 hex digits".into(),
    })
}

/// Sparkfly's `criteria` of an offer: a JSON object, kept as its compact text,
/// at most [`MAX_CRITERIA_CHARS`] long. It reads and writes as the object itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Criteria(String);

impl Criteria {
    /// The criteria of `object`'s text, or why it is refused.
    pub fn of(object: &serde_json::Map<String, serde_json::Value>) -> DomainResult<Self> {
        let text = serde_json::Value::Object(object.clone()).to_string();
        if text.chars().count() > MAX_CRITERIA_CHARS {
            return Err(DomainError::TooLong {
                field: "Criteria",
                max: MAX_CRITERIA_CHARS,
            });
        }
        Ok(Self(text))
    }

    /// The object.
    pub fn to_object(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::from_str(&self.0) {
            Ok(serde_json::Value::Object(object)) => object,
            _ => serde_json::Map::new(),
        }
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty() || self.0 == "{}"
    }
}

impl Serialize for Criteria {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_object().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Criteria {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        Criteria::of(&object).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Criteria {
    fn schema_name() -> Cow<'static, str> {
        "Criteria".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "Sparkfly's criteria of an offer: a free JSON object.",
        })
    }
}

/// Sparkfly's program fields of an offer, kept and answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct ProgramFields {
    /// A free JSON object.
    #[serde(default, skip_serializing_if = "Criteria::is_empty")]
    pub criteria: Criteria,
    /// Whether it is offered only through quests.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quest_only: bool,
    /// Whether it is a reward (of a points or quest program).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_reward: bool,
    /// The reward's reference in another system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reward: Option<String>,
    /// The amount that triggers it, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_amount: Option<u32>,
    /// The value of the reward item, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_item_value: Option<u32>,
    /// Whether it is redeemed until a remaining value is used up.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redeem_until_depleted: bool,
    /// The value it starts with when redeemed until depleted, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_remaining_value: Option<u32>,
}

impl ProgramFields {
    /// Whether every field has its default.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    #[test]
    fn formatting_merges_field_by_field_and_checks_each() {
        let mut kept = OfferFormatting::default();
        let banner = OfferFormatting {
            bg_image: Some("https://my-domain/banner_image.png".into()),
            ..OfferFormatting::default()
        };
        kept.merge(&banner).unwrap();
        let color = OfferFormatting {
            bg_color: Some("#FF00AA".into()),
            multiple_offers_can_be_combined_on_an_order: Some(false),
            ..OfferFormatting::default()
        };
        kept.merge(&color).unwrap();
        assert_eq!(kept.bg_image, banner.bg_image);
        assert_eq!(kept.bg_color.as_deref(), Some("#FF00AA"));
        assert!(kept.is_exclusive());
        for bad in ["red", "#12", "#GGGGGG", "#fff;background:url(x)"] {
            let given = OfferFormatting {
                bg_color: Some(bad.into()),
                ..OfferFormatting::default()
            };
            assert!(kept.clone().merge(&given).is_err(), "{bad}");
        }
        let script = OfferFormatting {
            web_url: Some("javascript:alert(1)".into()),
            ..OfferFormatting::default()
        };
        assert!(kept.clone().merge(&script).is_err());
        let clear = OfferFormatting {
            bg_color: Some(String::new()),
            ..OfferFormatting::default()
        };
        kept.merge(&clear).unwrap();
        assert_eq!(kept.bg_color, None);
        assert!(kept.bg_image.is_some());
    }

    #[test]
    fn criteria_read_and_write_as_the_object_within_a_bound() {
        let criteria: Criteria = serde_json::from_value(json!({"b": 1, "a": [true]})).unwrap();
        assert_eq!(
            serde_json::to_value(&criteria).unwrap(),
            json!({"b": 1, "a": [true]})
        );
        assert!(serde_json::from_value::<Criteria>(json!([1])).is_err());
        let long = "x".repeat(MAX_CRITERIA_CHARS);
        assert!(serde_json::from_value::<Criteria>(json!({ "k": long })).is_err());
        assert!(Criteria::default().is_empty());
    }
}
