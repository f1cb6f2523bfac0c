//! [`Settings`]: the typed configuration, read from the environment with defaults.

use anyhow::Context as _;
use api::TokenSecret;
use callbacks::DispatcherConfig;
use std::path::PathBuf;

/// Everything the server needs to know before it starts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen (`PROMO_BIND`).
    pub bind: String,
    /// The data folder (`PROMO_DATA_DIR`).
    pub data_dir: PathBuf,
    /// Event-log partitions (`PROMO_PARTITIONS`).
    pub partitions: u32,
    /// HTTP worker threads (`PROMO_WORKERS`).
    pub workers: usize,
    /// The token secret when given (`PROMO_TOKEN_SECRET`); wrapped, never printed.
    pub token_secret: Option<TokenSecret>,
    /// Whether this process runs the callback dispatcher (`PROMO_CALLBACKS`: `embedded`, the
    /// default, or `off` when the `dispatcher` service runs it).
    pub callbacks: bool,
    /// The dispatcher's settings (`PROMO_CALLBACK_*`, see [`callbacks::config`]).
    pub dispatcher: DispatcherConfig,
}

impl Settings {
    /// Reads the settings from the environment.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let partitions = match var("PROMO_PARTITIONS") {
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|count| *count > 0)
                .context("PROMO_PARTITIONS must be a positive integer")?,
            None => 4,
        };
        let workers = match var("PROMO_WORKERS") {
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|count| *count > 0)
                .context("PROMO_WORKERS must be a positive integer")?,
            None => std::thread::available_parallelism().map_or(1, usize::from),
        };
        let callbacks = match var("PROMO_CALLBACKS").as_deref() {
            None | Some("embedded") => true,
            Some("off") => false,
            Some(_) => anyhow::bail!("PROMO_CALLBACKS must be embedded or off"),
        };
        let dispatcher = DispatcherConfig::from_vars(var)?;
        Ok(Self {
            callbacks,
            dispatcher,
            bind: var("PROMO_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            data_dir: PathBuf::from(var("PROMO_DATA_DIR").unwrap_or_else(|| "data".to_owned())),
            partitions,
            workers,
            token_secret: var("PROMO_TOKEN_SECRET").map(|text| TokenSecret::new(text.into_bytes())),
        })
    }
}
