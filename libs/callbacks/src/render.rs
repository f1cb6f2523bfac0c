//! What a conversion callback says and where it goes: [`Conversion`] (the facts of one redeemed
//! offer of one credential), the `%{...}` placeholder rendering of a callback url template
//! ([`render_url`]) and the percent-encoding of every value ([`encode_component`]).
//!
//! Placeholders are the seed's: `credential_id`, `xid`, `offer_id`, `offer_ids` (comma
//! separated), `store_id`, `redeemed_at` (RFC 3339, UTC, seconds), `status`, `sf_uid`, `sf_ac`,
//! then any key under the credential's `annotations.conv_ids`. A key that resolves to nothing
//! renders empty; every value is percent-encoded as an RFC 3986 component (everything but
//! `A-Z a-z 0-9 - . _ ~`), so a value can never add a path segment, a query parameter or a
//! fragment. A `%{` without a closing `}` is left as it is.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::ids::{AccountId, ChannelId, CredentialId, MemberId, OfferId, RedemptionId, StoreId};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One offer of one credential redeemed by a redemption: what its callbacks say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// The account (tenant).
    pub account_id: AccountId,
    /// The redemption (or confirmed reservation).
    pub redemption_id: RedemptionId,
    /// The credential redeemed.
    pub credential_id: CredentialId,
    /// The offer redeemed.
    pub offer_id: OfferId,
    /// Every offer of the credential.
    pub offer_ids: Vec<OfferId>,
    /// The credential's channel.
    pub channel_id: ChannelId,
    /// The xid of the offer on that channel, if the link still exists.
    pub xid: Option<String>,
    /// Where it was redeemed; `None` for a redemption by credential id away from any store
    /// (`%{store_id}` then renders empty).
    #[serde(default)]
    pub store_id: Option<StoreId>,
    /// The credential's member.
    pub member_id: MemberId,
    /// The member's external identifier (`annotations.sf_uid` when the credential has one).
    pub sf_uid: Option<String>,
    /// The creative that generated the credential (`annotations.sf_ac`), if any.
    pub sf_ac: Option<String>,
    /// When the credential was redeemed.
    pub redeemed_at: DateTime<Utc>,
    /// The credential's status after the redemption (`redeemed`).
    pub status: String,
    /// The credential's `annotations.conv_ids`.
    pub conv_ids: BTreeMap<String, String>,
}

impl Conversion {
    /// The value of placeholder `key`, if it resolves.
    pub fn value(&self, key: &str) -> Option<Cow<'_, str>> {
        fn text(value: &Option<String>) -> Option<Cow<'_, str>> {
            value.as_deref().map(Cow::Borrowed)
        }
        match key {
            "credential_id" => Some(self.credential_id.0.to_string().into()),
            "xid" => text(&self.xid),
            "offer_id" => Some(self.offer_id.0.to_string().into()),
            "offer_ids" => Some(
                self.offer_ids
                    .iter()
                    .map(|offer| offer.0.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
                    .into(),
            ),
            "store_id" => self.store_id.map(|store| store.0.to_string().into()),
            "redeemed_at" => Some(
                self.redeemed_at
                    .to_rfc3339_opts(SecondsFormat::Secs, true)
                    .into(),
            ),
            "status" => Some(Cow::Borrowed(self.status.as_str())),
            "sf_uid" => text(&self.sf_uid),
            "sf_ac" => text(&self.sf_ac),
            other => self.conv_ids.get(other).map(|value| value.as_str().into()),
        }
    }
}

/// `template` with every `%{key}` replaced by the percent-encoded value of `key` (empty when
/// it does not resolve).
pub fn render_url(template: &str, conversion: &Conversion) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find("%{") {
        let Some(length) = rest[start + 2..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let key = &rest[start + 2..start + 2 + length];
        if let Some(value) = conversion.value(key) {
            encode_component(&value, &mut out);
        }
        rest = &rest[start + 2 + length + 1..];
    }
    out.push_str(rest);
    out
}

/// Appends `value` to `out` percent-encoded as an RFC 3986 component: every byte of its UTF-8
/// form other than `A-Z a-z 0-9 - . _ ~` as `%XX` (upper-case hex).
pub fn encode_component(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    pub(crate) fn conversion() -> Conversion {
        Conversion {
            account_id: AccountId(1),
            redemption_id: RedemptionId(40),
            credential_id: CredentialId(578),
            offer_id: OfferId(1701),
            offer_ids: vec![OfferId(1701), OfferId(1116)],
            channel_id: ChannelId(5),
            xid: Some("Z7nnWs6".into()),
            store_id: Some(StoreId(9)),
            member_id: MemberId(3),
            sf_uid: Some("user 1/ä".into()),
            sf_ac: None,
            redeemed_at: DateTime::from_timestamp(1_772_463_600, 0).unwrap(),
            status: "redeemed".into(),
            conv_ids: BTreeMap::from([
                ("click".into(), "a&b=c#d".into()),
                ("status".into(), "shadowed".into()),
            ]),
        }
    }

    #[test]
    fn the_seed_example_renders() {
        let url = render_url(
            "https://my_server.com/callback/%{credential_id}?time_of_redemption=%{redeemed_at}",
            &conversion(),
        );
        assert_eq!(
            url,
            "https://my_server.com/callback/578?time_of_redemption=2026-03-02T15%3A00%3A00Z"
        );
    }

    #[test]
    fn every_placeholder_renders_encoded_and_unknown_ones_empty() {
        let url = render_url(
            "http://h/c?x=%{xid}&o=%{offer_id}&os=%{offer_ids}&s=%{store_id}&st=%{status}\
             &u=%{sf_uid}&a=%{sf_ac}&k=%{click}&n=%{nope}&e=%{}",
            &conversion(),
        );
        assert_eq!(
            url,
            "http://h/c?x=Z7nnWs6&o=1701&os=1701%2C1116&s=9&st=redeemed\
             &u=user%201%2F%C3%A4&a=&k=a%26b%3Dc%23d&n=&e="
        );
    }

    #[test]
    fn a_redemption_away_from_any_store_renders_its_store_empty() {
        let storeless = Conversion {
            store_id: None,
            ..conversion()
        };
        assert_eq!(
            render_url("http://h/c?s=%{store_id}&c=%{credential_id}", &storeless),
            "http://h/c?s=&c=578"
        );
    }

    #[test]
    fn seed_names_win_over_conv_ids_and_an_open_placeholder_stays() {
        assert_eq!(render_url("%{status}", &conversion()), "redeemed");
        assert_eq!(render_url("a%{status", &conversion()), "a%{status");
        assert_eq!(
            render_url("no placeholders", &conversion()),
            "no placeholders"
        );
    }

    #[test]
    fn encoding_leaves_only_unreserved_characters() {
        let mut out = String::new();
        encode_component("AZaz09-._~ /?#[]@!$&'()*+,;=%", &mut out);
        assert_eq!(
            out,
            "AZaz09-._~%20%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25"
        );
    }
}
