//! A visit: the query it carries, the link and offer it resolves to in the live state, the
//! link's security, the visitor's member and code, and the impression it leaves.
//!
//! The budget of codes is per client address (the TCP peer's, never a header the caller
//! writes; an IPv6 address counts by its /64) and is spent before the first write of a visit,
//! so visits sent in parallel cannot draw more codes than it allows.

use super::answer::{Closed, Visitor};
use super::page::PageInputs;
use super::Landing;
use crate::auth::limits::{budgets, prune, spend, Budgets, Origin};
use crate::http::{ApiError, RequestId};
use crate::state::AppState;
use actix_web::HttpRequest;
use domain::catalog::MemberFields;
use domain::channel::LinkSecurity;
use domain::command::CredentialRequest;
use domain::credential::{AnnotationValue, Annotations, CredentialStatus};
use domain::ids::{AccountId, ChannelId, MemberId, OfferId};
use domain::impression::ImpressionFields;
use domain::offer::OfferStatus;
use domain::validate::MAX_TEXT;
use domain::{AccountState, Command, Event, EventKind};
use projections::{CredentialFilter, PageRequest};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::time::Duration;

/// The longest xid looked up (xids are 7 characters).
const MAX_XID_LEN: usize = 16;

/// An xid in a page's path, as the document describes it.
pub(super) struct XidParam;

impl JsonSchema for XidParam {
    fn schema_name() -> Cow<'static, str> {
        "Xid".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "pattern": "^[0-9A-Za-z]{7}$"})
    }
}

/// What a visit's query may carry.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub(super) struct LandingQuery {
    /// The member's identifier.
    sf_uid: Option<String>,
    /// The creative that brought the visitor.
    sf_ac: Option<String>,
    /// The link's security key.
    security_key: Option<String>,
    /// `false` (or `0`) for the mobile layout.
    printable: Option<String>,
}

impl LandingQuery {
    /// The query, each value at most `MAX_TEXT` characters (checked before anything is
    /// written: a creative too long for the impression must not leave a code behind).
    fn parse(query: &str) -> Result<Self, Closed> {
        let parsed: Self = serde_urlencoded::from_str(query)
            .map_err(|_| Closed::BadRequest("The address's query cannot be read.".into()))?;
        let values = [
            &parsed.sf_uid,
            &parsed.sf_ac,
            &parsed.security_key,
            &parsed.printable,
        ];
        if values.iter().any(|value| {
            value
                .as_ref()
                .is_some_and(|text| text.chars().count() > MAX_TEXT)
        }) {
            return Err(Closed::BadRequest(
                "A value in the address's query is too long.".into(),
            ));
        }
        Ok(parsed)
    }

    fn printable(&self) -> bool {
        !matches!(self.printable.as_deref(), Some("false" | "0"))
    }
}

/// The codes each client address may draw.
pub struct VisitLimits {
    origins: Budgets<Origin>,
}

impl VisitLimits {
    /// `burst` codes per address, then one per `refill_millis`.
    pub fn new(burst: u32, refill_millis: u64) -> Self {
        Self {
            origins: budgets(burst, Duration::from_millis(refill_millis.max(1))),
        }
    }

    fn spend(&self, request: &HttpRequest) -> Result<(), Closed> {
        let origin = Origin::of(crate::cluster::client_address(request));
        let spent = spend(&self.origins, &origin).map_err(Closed::Busy);
        prune(&self.origins);
        spent
    }
}

/// A page to show.
pub(super) struct Shown {
    /// (account, offer, channel): the page cache's key.
    pub(super) key: (AccountId, OfferId, ChannelId),
    pub(super) inputs: PageInputs,
    /// The merchant's name, else the channel's.
    pub(super) header: String,
    pub(super) color: Option<String>,
    /// Whether the code is drawn as a QR code too (the merchant supports barcodes).
    pub(super) barcode: bool,
    pub(super) code: String,
    pub(super) printable: bool,
}

/// What the live state says of a link, for a visitor.
struct Seen {
    offer_id: OfferId,
    channel_id: ChannelId,
    inputs: PageInputs,
    header: String,
    color: Option<String>,
    barcode: bool,
    member: Option<MemberId>,
    return_later: bool,
}

/// The page of a visit to `xid`, or why there is none.
pub(super) async fn visit(
    state: &AppState,
    landing: &Landing,
    request: &HttpRequest,
    xid: &str,
    visitor: &Visitor,
) -> Result<Shown, Closed> {
    let query = LandingQuery::parse(request.query_string())?;
    let account = account_of(state, xid).await?;
    let (sf_uid, key) = (query.sf_uid.as_deref(), query.security_key.as_deref());
    let seen = state
        .read(account, |live, now| see(live, xid, now, sf_uid, key))
        .map_err(|error| match error {
            ApiError::Misrouted { owner: Some(_), .. } => Closed::Elsewhere(error),
            _ => Closed::Unavailable,
        })??;
    landing.limits.spend(request)?;
    let correlation = RequestId::of(request);
    let member = match seen.member {
        Some(member) => member,
        None => anonymous_member(state, account, correlation.clone()).await?,
    };
    let kept = match (seen.member, seen.return_later) {
        (Some(member), true) => open_code(state, account, member, &seen).await,
        _ => None,
    };
    let code = match kept {
        Some(code) => code,
        None => {
            let request = CredentialRequest {
                member_id: Some(member),
                channel_id: Some(seen.channel_id),
                offer_ids: vec![seen.offer_id],
                annotations: creative_annotations(query.sf_ac.as_deref()),
                printable: Some(query.printable()),
                ..CredentialRequest::default()
            };
            let events = write(
                state,
                account,
                Command::IssueCredential { request },
                &correlation,
            )
            .await?;
            issued_code(&events).ok_or(Closed::Unavailable)?
        }
    };
    let impression = ImpressionFields {
        xid: Some(xid.to_owned()),
        cookie_digest: Some(visitor.digest()),
        member_id: Some(member),
        creative: query.sf_ac.clone(),
    };
    write(
        state,
        account,
        Command::RecordImpression { fields: impression },
        &correlation,
    )
    .await?;
    Ok(Shown {
        key: (account, seen.offer_id, seen.channel_id),
        inputs: seen.inputs,
        header: seen.header,
        color: seen.color,
        barcode: seen.barcode,
        code,
        printable: query.printable(),
    })
}

/// The one account with a link of xid `xid`.
async fn account_of(state: &AppState, xid: &str) -> Result<AccountId, Closed> {
    let plausible = !xid.is_empty()
        && xid.len() <= MAX_XID_LEN
        && xid.bytes().all(|byte| byte.is_ascii_alphanumeric());
    if !plausible {
        return Err(Closed::Unknown);
    }
    let accounts = state
        .store()
        .accounts_linking(xid)
        .await
        .map_err(|_| Closed::Unavailable)?;
    match accounts.as_slice() {
        [account] => Ok(*account),
        _ => Err(Closed::Unknown),
    }
}

/// What `live` says of link `xid` for a visitor naming member `sf_uid` with security key
/// `key`, at `now`.
fn see(
    live: &AccountState,
    xid: &str,
    now: chrono::DateTime<chrono::Utc>,
    sf_uid: Option<&str>,
    key: Option<&str>,
) -> Result<Seen, Closed> {
    let (offer_id, channel_id) = live.link_by_xid(xid).ok_or(Closed::Unknown)?;
    let link = live
        .offer_link(offer_id, channel_id)
        .ok_or(Closed::Unknown)?;
    let offer = live.offer(offer_id).ok_or(Closed::Unknown)?;
    match offer.status {
        OfferStatus::Pending => return Err(Closed::Unknown),
        OfferStatus::Stopped => return Err(Closed::Ended),
        OfferStatus::Approved => {}
    }
    if offer.activates_at.is_some_and(|start| now < start) {
        return Err(Closed::NotYet);
    }
    if !offer.is_offering_at(now) {
        return Err(Closed::Ended);
    }
    let member = sf_uid
        .map(str::trim)
        .filter(|uid| !uid.is_empty())
        .and_then(|uid| live.member_id_by_identifier(uid));
    match link.settings.security {
        LinkSecurity::None => {}
        LinkSecurity::Key => {
            let expected = link.settings.security_key.as_deref().unwrap_or_default();
            let given = key.unwrap_or_default();
            if expected.is_empty() || Sha256::digest(given) != Sha256::digest(expected) {
                return Err(Closed::Forbidden(
                    "This offer needs the key its link carries.",
                ));
            }
        }
        LinkSecurity::Member if member.is_none() => {
            return Err(Closed::Forbidden("This offer is for members only."));
        }
        LinkSecurity::Member => {}
    }
    let merchant = offer
        .merchant_id
        .and_then(|merchant| live.merchant(merchant));
    let header = merchant
        .map(|merchant| merchant.name.clone())
        .or_else(|| live.channel(channel_id).map(|channel| channel.name.clone()))
        .unwrap_or_default();
    Ok(Seen {
        offer_id,
        channel_id,
        inputs: PageInputs {
            name: offer.name.clone(),
            description: offer.description.clone(),
            instructions: offer.formatting.instructions.clone(),
            terms: offer.terms_and_conditions.clone(),
            banner: offer.formatting.bg_image.clone(),
            expires: offer
                .expires_at
                .map(|end| end.format("%B %-d, %Y").to_string()),
        },
        header,
        color: offer.formatting.bg_color.clone(),
        barcode: merchant.is_some_and(|merchant| merchant.supports_barcode),
        member,
        return_later: link.settings.allow_return_later,
    })
}

/// A new member for an anonymous visitor.
async fn anonymous_member(
    state: &AppState,
    account: AccountId,
    correlation: Option<String>,
) -> Result<MemberId, Closed> {
    let fields = MemberFields {
        identifier: Some(format!(
            "visitor-{}",
            ulid::Ulid::generate().to_string().to_lowercase()
        )),
        ..MemberFields::default()
    };
    let events = write(
        state,
        account,
        Command::CreateMember { fields },
        &correlation,
    )
    .await?;
    events
        .iter()
        .find_map(|event| match &event.kind {
            EventKind::MemberCreated(member) => Some(member.id),
            _ => None,
        })
        .ok_or(Closed::Unavailable)
}

/// The code of `member`'s open credential for the link `seen`, when it has one (found in the
/// read model once it holds every write before, checked open in the live state).
async fn open_code(
    state: &AppState,
    account: AccountId,
    member: MemberId,
    seen: &Seen,
) -> Option<String> {
    let filter = CredentialFilter {
        member_id: Some(member),
        status: Some(CredentialStatus::Open),
        offer_id: Some(seen.offer_id),
        ..CredentialFilter::default()
    };
    state.read_barrier(account).await.ok()?;
    let page = state
        .store()
        .credentials(account, filter, PageRequest::new(Some(1), Some(100)))
        .await
        .ok()?;
    let channel = seen.channel_id;
    let candidates: Vec<_> = page
        .items
        .iter()
        .filter(|credential| credential.channel_id == channel)
        .map(|credential| credential.id)
        .collect();
    state
        .read(account, move |live, _| {
            candidates.into_iter().find_map(|id| {
                live.credential(id)
                    .filter(|credential| credential.status == CredentialStatus::Open)
                    .and_then(|credential| credential.identifier.as_deref().map(str::to_owned))
            })
        })
        .ok()
        .flatten()
}

fn creative_annotations(creative: Option<&str>) -> Annotations {
    creative
        .map(str::trim)
        .filter(|creative| !creative.is_empty())
        .map(|creative| {
            Annotations::from([(
                "sf_ac".to_owned(),
                AnnotationValue::Text(creative.to_owned()),
            )])
        })
        .unwrap_or_default()
}

fn issued_code(events: &[Event]) -> Option<String> {
    events.iter().find_map(|event| match &event.kind {
        EventKind::CredentialIssued(credential) => {
            credential.identifier.as_deref().map(str::to_owned)
        }
        _ => None,
    })
}

/// Runs `command` for `account`; a refusal becomes the page that says why.
async fn write(
    state: &AppState,
    account: AccountId,
    command: Command,
    correlation: &Option<String>,
) -> Result<Vec<Event>, Closed> {
    state
        .execute(account, command, None, correlation.clone())
        .await
        .map_err(|error| {
            let status = actix_web::ResponseError::status_code(&error);
            match error {
                ApiError::Domain(refused) => Closed::Refused(refused.to_string(), status),
                _ => Closed::Unavailable,
            }
        })
}
