//! [`Health`]: the answer of `GET /health`, on the API and on the operations port of the
//! services that serve no API: `{"status": "ok"}` (200), or `{"status": "unavailable",
//! "unhealthy": [...], "failing_projectors": [...]}` (503) naming what cannot do its work.

use actix_web::HttpResponse;
use schemars::JsonSchema;
use serde::Serialize;

/// The part named when a partition actor stopped or was fenced by a newer writer.
pub const WRITERS: &str = "writers";
/// The part named when a projector of this process failed and has not caught up since.
pub const PROJECTORS: &str = "projectors";
/// The part named when an instance sharing the partitions cannot renew its leases (it
/// serves none of them until it can).
pub const MEMBERSHIP: &str = "membership";

/// Whether a process can do its work, and if not, what cannot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Health {
    /// `ok`, or `unavailable`.
    status: &'static str,
    /// What cannot do its work (`writers`, `projectors`, ...); left out when all can.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unhealthy: Vec<&'static str>,
    /// The partitions whose projector in this process failed and has not caught up with the
    /// log since (it waits to be restarted, or catches up); left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    failing_projectors: Vec<u32>,
    /// When instances share the partitions: this instance's id among them.
    #[serde(skip_serializing_if = "Option::is_none")]
    instance: Option<String>,
    /// When instances share the partitions: the ones this instance serves now.
    #[serde(skip_serializing_if = "Option::is_none")]
    owned_partitions: Option<Vec<u32>>,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            status: "ok",
            unhealthy: Vec::new(),
            failing_projectors: Vec::new(),
            instance: None,
            owned_partitions: None,
        }
    }
}

impl Health {
    /// The same health with `part` unhealthy.
    #[must_use]
    pub fn unhealthy(mut self, part: &'static str) -> Self {
        if !self.unhealthy.contains(&part) {
            self.unhealthy.push(part);
        }
        self.status = "unavailable";
        self
    }

    /// The same health with the projectors of `partitions` failing (none: unchanged).
    #[must_use]
    pub fn failing_projectors(self, partitions: Vec<u32>) -> Self {
        if partitions.is_empty() {
            return self;
        }
        Self {
            failing_projectors: partitions,
            ..self.unhealthy(PROJECTORS)
        }
    }

    /// The same health naming instance `instance` of those sharing the partitions, which
    /// serves `owned`.
    #[must_use]
    pub fn owning(self, instance: &str, owned: Vec<u32>) -> Self {
        Self {
            instance: Some(instance.to_owned()),
            owned_partitions: Some(owned),
            ..self
        }
    }

    /// Whether nothing is unhealthy.
    pub fn is_ok(&self) -> bool {
        self.unhealthy.is_empty()
    }

    /// The answer: 200 when all is well, else 503; this as its JSON body.
    pub fn response(&self) -> HttpResponse {
        match self.is_ok() {
            true => HttpResponse::Ok().json(self),
            false => HttpResponse::ServiceUnavailable().json(self),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn a_healthy_body_keeps_its_old_shape() {
        let health = Health::default().failing_projectors(Vec::new());
        assert!(health.is_ok());
        assert_eq!(
            serde_json::to_value(&health).unwrap(),
            json!({"status": "ok"})
        );
        assert_eq!(health.response().status(), 200);
    }

    #[test]
    fn an_unhealthy_body_names_the_parts_and_the_partitions() {
        let health = Health::default()
            .unhealthy(WRITERS)
            .failing_projectors(vec![1, 3])
            .unhealthy(PROJECTORS);
        assert_eq!(
            serde_json::to_value(&health).unwrap(),
            json!({
                "status": "unavailable",
                "unhealthy": ["writers", "projectors"],
                "failing_projectors": [1, 3],
            })
        );
        assert_eq!(health.response().status(), 503);
    }
}
