//! An offer's passbook (Apple Wallet) configuration: the pass type and team that sign its
//! passes, the PKCS #12 certificate and its password, and the pass's artwork. The certificate
//! and password are secrets: the log holds them sealed under a key of the account's (see
//! `crate::privacy`), and the API never answers them.

use crate::error::{DomainError, DomainResult};
use crate::ids::OfferId;
use crate::validate::{replace_text, replace_url, MAX_TEXT};
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Longest certificate text taken (a PKCS #12 file is a few kilobytes, base64 a third more).
pub const MAX_CERTIFICATE: usize = 64 * 1024;

/// An offer's passbook configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PassbookConfiguration {
    /// The offer.
    pub offer_id: OfferId,
    /// The PKCS #12 certificate (base64), sealed in the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p12_certificate: Option<String>,
    /// The certificate's password, sealed in the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p12_password: Option<String>,
    /// Apple's team identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_identifier: Option<String>,
    /// The pass type identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_type_id_name: Option<String>,
    /// The logo's url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    /// The icon's url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Bumped at every change, so passes made from an older configuration can be told apart.
    pub serial_number: u64,
    /// When it was first set.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(with = "crate::time::rfc3339")]
    #[schemars(with = "DateTime<Utc>")]
    pub updated_at: DateTime<Utc>,
}

/// Passbook fields given on create or update; absent fields stay, empty text clears one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PassbookFields {
    /// The PKCS #12 certificate (base64).
    pub p12_certificate: Option<String>,
    /// The certificate's password.
    pub p12_password: Option<String>,
    /// Apple's team identifier.
    pub team_identifier: Option<String>,
    /// The pass type identifier.
    pub pass_type_id_name: Option<String>,
    /// The logo's url.
    pub logo: Option<String>,
    /// The icon's url.
    pub icon: Option<String>,
}

impl PassbookConfiguration {
    /// A configuration of `offer_id` with nothing set yet, at `now`.
    pub fn empty(offer_id: OfferId, now: DateTime<Utc>) -> Self {
        Self {
            offer_id,
            p12_certificate: None,
            p12_password: None,
            team_identifier: None,
            pass_type_id_name: None,
            logo: None,
            icon: None,
            serial_number: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// This configuration with `fields` applied (checked), its serial bumped, at `now`.
    pub fn merged(mut self, fields: &PassbookFields, now: DateTime<Utc>) -> DomainResult<Self> {
        if let Some(certificate) = fields.p12_certificate.as_deref() {
            let certificate = certificate.trim();
            let base64 = certificate.bytes().all(|byte| {
                byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'=' | b'\n' | b'\r')
            });
            if !base64 {
                return Err(DomainError::Invalid {
                    field: "P12 certificate",
                    reason: "must be base64".into(),
                });
            }
            replace_text(
                "P12 certificate",
                Some(certificate),
                MAX_CERTIFICATE,
                &mut self.p12_certificate,
            )?;
        }
        replace_text(
            "P12 password",
            fields.p12_password.as_deref(),
            MAX_TEXT,
            &mut self.p12_password,
        )?;
        replace_text(
            "Team identifier",
            fields.team_identifier.as_deref(),
            MAX_TEXT,
            &mut self.team_identifier,
        )?;
        replace_text(
            "Pass type id name",
            fields.pass_type_id_name.as_deref(),
            MAX_TEXT,
            &mut self.pass_type_id_name,
        )?;
        replace_url("Logo", fields.logo.as_deref(), &mut self.logo)?;
        replace_url("Icon", fields.icon.as_deref(), &mut self.icon)?;
        self.serial_number += 1;
        self.updated_at = now;
        Ok(self)
    }

    /// Its secrets, to seal or open in place.
    pub fn secrets_mut(&mut self) -> impl Iterator<Item = &mut String> {
        self.p12_certificate
            .iter_mut()
            .chain(self.p12_password.iter_mut())
    }
}
