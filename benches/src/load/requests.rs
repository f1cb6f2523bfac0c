//! What a load sends, prepared as bytes for the lean client of `wire`: the [`Requests`] trait a
//! run draws its requests from, [`Redemptions`] (one fresh code and idempotency key per
//! request, rendered from a [`RedeemTemplate`]) and [`Fixed`] (the same request every time:
//! a dry run, `/health`).

use super::{Api, LoadError, PosFixture};
use serde_json::Value;

/// The requests of a run, by index.
pub trait Requests: Send + Sync + 'static {
    /// The `index`th request of the run, sent by `worker` (a closed loop's connection, a
    /// terminal); `None` when there is none left. Every request must be safe to send twice:
    /// the client sends one again on a new connection when a kept one was closed under it.
    fn render(&self, index: usize, worker: usize) -> Option<Vec<u8>>;
}

/// The same request every time.
#[derive(Clone, Debug)]
pub struct Fixed(Vec<u8>);

impl Fixed {
    /// `method path` with `body` as JSON (or none) and the token of `api`.
    pub fn new(api: &Api, method: &str, path: &str, body: Option<&Value>) -> Self {
        let body = body.map(Value::to_string).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nX-Auth-Token: {}\r\n\
             X-Terminal-Id: lane-fixed\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            api.address(),
            api.token(),
            body.len()
        );
        Self(request.into_bytes())
    }
}

impl Requests for Fixed {
    fn render(&self, _index: usize, _worker: usize) -> Option<Vec<u8>> {
        Some(self.0.clone())
    }
}

/// Redeem requests, one per code, each under its own idempotency key `<prefix><index>`.
pub struct Redemptions {
    template: RedeemTemplate,
    codes: Vec<String>,
    key_prefix: String,
}

impl Redemptions {
    /// Redeems `codes` in order at the store of `fixture` with its basket; two runs on one
    /// server need different `key_prefix`es.
    pub fn new(
        api: &Api,
        fixture: &PosFixture,
        codes: Vec<String>,
        key_prefix: &str,
    ) -> Result<Self, LoadError> {
        Ok(Self {
            template: RedeemTemplate::new(api, fixture)?,
            codes,
            key_prefix: key_prefix.to_owned(),
        })
    }

    /// How many codes there are to redeem.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there is no code to redeem.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

impl Requests for Redemptions {
    fn render(&self, index: usize, worker: usize) -> Option<Vec<u8>> {
        let code = self.codes.get(index)?;
        let key = format!("{}{index}", self.key_prefix);
        Some(self.template.render(&key, code, worker))
    }
}

/// A redeem request as bytes, but for its code, idempotency key and terminal.
struct RedeemTemplate {
    /// The request line and the headers every request carries.
    head: String,
    /// The JSON body before the code.
    body_before: String,
    /// The JSON body after the code.
    body_after: String,
}

impl RedeemTemplate {
    /// Marks the code's place in the rendered body.
    const PLACEHOLDER: &'static str = "\u{1}";

    fn new(api: &Api, fixture: &PosFixture) -> Result<Self, LoadError> {
        let head = format!(
            "POST /v1.0/pos/redemptions HTTP/1.1\r\nHost: {}\r\nX-Auth-Token: {}\r\n\
             Content-Type: application/json\r\n",
            api.address(),
            api.token()
        );
        let body = fixture.redeem_body(Self::PLACEHOLDER).to_string();
        let placeholder = Value::from(Self::PLACEHOLDER).to_string();
        let (before, after) =
            body.split_once(&placeholder)
                .ok_or_else(|| LoadError::Unexpected {
                    what: "rendering the redeem body".into(),
                    status: 0,
                    body: body.clone(),
                })?;
        Ok(Self {
            head,
            body_before: before.to_owned(),
            body_after: after.to_owned(),
        })
    }

    /// The whole request redeeming `code` under idempotency key `key`, from `terminal`.
    fn render(&self, key: &str, code: &str, terminal: usize) -> Vec<u8> {
        let code = Value::from(code).to_string();
        let length = self.body_before.len() + code.len() + self.body_after.len();
        format!(
            "{}Idempotency-Key: {key}\r\nX-Terminal-Id: lane-{terminal}\r\n\
             Content-Length: {length}\r\n\r\n{}{code}{}",
            self.head, self.body_before, self.body_after
        )
        .into_bytes()
    }
}
