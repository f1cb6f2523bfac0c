//! The settings of an offer's link to a channel, Sparkfly's `eligible_channel` fields: how
//! its landing page is protected (`security`, with the `security_key` the server draws), the
//! SMS keyword that reaches it, and whether a visitor may come back to it later.

use crate::error::{DomainError, DomainResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest SMS keyword.
pub const MAX_SMS_KEYWORD: usize = 32;

/// How a link's landing page is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkSecurity {
    /// Open to every visitor.
    #[default]
    None,
    /// A visit must carry the link's `security_key` (`?security_key=`).
    Key,
    /// A visit must name a known member (`?sf_uid=`): no anonymous visitor gets a code.
    Member,
}

/// The settings of a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LinkSettings {
    /// How its landing page is protected.
    #[serde(default)]
    pub security: LinkSecurity,
    /// The key a visit must carry under [`LinkSecurity::Key`]: drawn by the server when that
    /// security is first chosen, kept after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_key: Option<String>,
    /// The SMS keyword that reaches the offer on this channel, unique in the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_keyword: Option<String>,
    /// Whether a visitor may come back to the page later for the same code.
    #[serde(default = "yes")]
    pub allow_return_later: bool,
}

fn yes() -> bool {
    true
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self {
            security: LinkSecurity::None,
            security_key: None,
            sms_keyword: None,
            allow_return_later: true,
        }
    }
}

impl LinkSettings {
    /// Whether they are the settings of a new link.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// Settings given for a link; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct LinkSettingsFields {
    /// How its landing page is protected.
    pub security: Option<LinkSecurity>,
    /// The SMS keyword (empty clears it).
    pub sms_keyword: Option<String>,
    /// Whether a visitor may come back later.
    pub allow_return_later: Option<bool>,
}

/// An SMS keyword: 1 to [`MAX_SMS_KEYWORD`] ASCII letters and digits, kept in capitals (SMS
/// keywords are matched without regard to case); empty clears it.
pub fn sms_keyword(text: &str) -> DomainResult<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > MAX_SMS_KEYWORD || !text.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
        return Err(DomainError::Invalid {
            field: "Sms keyword",
            reason: format!("must be 1 to {MAX_SMS_KEYWORD} letters and digits"),
        });
    }
    Ok(Some(text.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_new_link_allows_return_later_and_reads_so_without_the_field() {
        let settings: LinkSettings = serde_json::from_str("{}").unwrap();
        assert!(settings.allow_return_later && settings.is_default());
    }

    #[test]
    fn keywords_are_letters_and_digits_in_capitals() {
        assert_eq!(
            sms_keyword(" Burger1 ").unwrap().as_deref(),
            Some("BURGER1")
        );
        assert_eq!(sms_keyword("").unwrap(), None);
        for bad in [
            "two words",
            "émoji",
            "a;b",
            &"x".repeat(MAX_SMS_KEYWORD + 1),
        ] {
            assert!(sms_keyword(bad).is_err(), "{bad}");
        }
    }
}
