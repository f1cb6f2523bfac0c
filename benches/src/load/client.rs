//! [`Api`]: a logged-in client of the server's HTTP API.

use super::{EngineSplit, LoadError};
use reqwest::Method;
use serde_json::Value;

/// A client holding a token for one account.
#[derive(Clone, Debug)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// A client of the server at `base` (e.g. `http://127.0.0.1:8080`) holding `token`.
    pub fn new(base: &str, token: &str) -> Result<Self, LoadError> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1024)
            .tcp_nodelay(true)
            .build()?;
        Ok(Self {
            client,
            base: base.to_owned(),
            token: token.to_owned(),
        })
    }

    /// Logs in at `base` with an API key, through `GET /auth`.
    pub async fn login(base: &str, identity: &str, key: &str) -> Result<Self, LoadError> {
        let client = reqwest::Client::new();
        let response = client
            .get(format!("{base}/auth"))
            .header("X-Auth-Identity", identity)
            .header("X-Auth-Key", key)
            .send()
            .await?;
        let status = response.status().as_u16();
        let token = response
            .headers()
            .get("x-auth-token")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        match token {
            Some(token) if status == 204 => Self::new(base, &token),
            _ => Err(LoadError::Unexpected {
                what: "GET /auth".into(),
                status,
                body: response.text().await.unwrap_or_default(),
            }),
        }
    }

    /// The session token `GET /auth` gave.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The server's base address (`http://host:port`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The server's `host:port`.
    pub fn address(&self) -> &str {
        self.base
            .strip_prefix("http://")
            .unwrap_or(&self.base)
            .trim_end_matches('/')
    }

    /// A request builder for `path` carrying the token.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("X-Auth-Token", &self.token)
    }

    /// Sends `body` (or nothing) to `path` and answers the status and the JSON body (`null`
    /// when the body is empty or not JSON).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), LoadError> {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(body);
        }
        answer(request.send().await?).await
    }

    /// The engine's histograms as `/metrics` shows them now.
    pub async fn engine_split(&self) -> Result<EngineSplit, LoadError> {
        let text = self
            .request(Method::GET, "/metrics")
            .send()
            .await?
            .text()
            .await?;
        Ok(EngineSplit::parse(&text))
    }

    /// Sends and insists on `expected`, answering the body.
    pub async fn expect(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        expected: u16,
    ) -> Result<Value, LoadError> {
        let (status, answer) = self.send(method.clone(), path, body).await?;
        if status == expected {
            Ok(answer)
        } else {
            Err(LoadError::Unexpected {
                what: format!("{method} {path}"),
                status,
                body: answer.to_string(),
            })
        }
    }

    /// POSTs `body` to `path`, insists on 201 and answers `body[key]["id"]`.
    pub async fn create(&self, path: &str, key: &str, body: &Value) -> Result<u64, LoadError> {
        let answer = self.expect(Method::POST, path, Some(body), 201).await?;
        answer[key]["id"]
            .as_u64()
            .ok_or_else(|| LoadError::Unexpected {
                what: format!("POST {path}: no {key}.id"),
                status: 201,
                body: answer.to_string(),
            })
    }
}

/// The status and JSON body of a response.
pub(super) async fn answer(response: reqwest::Response) -> Result<(u16, Value), LoadError> {
    let status = response.status().as_u16();
    let bytes = response.bytes().await?;
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}
