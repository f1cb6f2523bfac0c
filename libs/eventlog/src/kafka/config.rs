//! [`KafkaConfig`]: where the log lives and how its clients are configured.

use crate::LogError;
use rdkafka::config::ClientConfig;
use std::time::Duration;

/// Where the Kafka event log lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KafkaConfig {
    /// Bootstrap brokers, `host:port[,host:port...]`.
    pub brokers: String,
    /// The event topic.
    pub topic: String,
    /// Its partition count (fixed once the topic exists).
    pub partitions: u32,
    /// Replicas of each partition when the topic is created.
    pub replication: i32,
    /// Longest wait for a broker operation (claim, commit, metadata) before it fails.
    pub operation_timeout: Duration,
}

impl KafkaConfig {
    /// Settings for `topic` with `partitions` partitions on `brokers`, one replica, a 30 s
    /// operation timeout.
    pub fn new(brokers: impl Into<String>, topic: impl Into<String>, partitions: u32) -> Self {
        Self {
            brokers: brokers.into(),
            topic: topic.into(),
            partitions,
            replication: 1,
            operation_timeout: Duration::from_secs(30),
        }
    }

    /// The `transactional.id` of the writer of `partition`: stable, so that a new claim
    /// fences the previous one at the broker.
    pub(super) fn transactional_id(&self, partition: u32) -> String {
        format!("{}-p{partition}", self.topic)
    }

    fn base(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.brokers)
            .set("socket.nagle.disable", "true")
            .set("broker.address.family", "v4")
            .set("log_level", "3");
        config
    }

    /// The configuration of a transactional, idempotent producer for `partition`.
    pub(super) fn producer(&self, partition: u32) -> ClientConfig {
        let mut config = self.base();
        let timeout = millis(self.operation_timeout);
        config
            .set("transactional.id", self.transactional_id(partition))
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("linger.ms", "0")
            .set("retry.backoff.ms", "2")
            .set("retry.backoff.max.ms", "50")
            .set("transaction.timeout.ms", timeout.to_string())
            .set("message.timeout.ms", timeout.to_string())
            .set("message.max.bytes", "1000000");
        config
    }

    /// The configuration of a reader: assigned partitions only, committed records only, an
    /// end-of-partition event when it catches up, and short broker waits when idle.
    pub(super) fn consumer(&self) -> ClientConfig {
        let mut config = self.base();
        config
            .set("group.id", format!("{}-readers", self.topic))
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("enable.partition.eof", "true")
            .set("isolation.level", "read_committed")
            .set("auto.offset.reset", "earliest")
            .set("fetch.wait.max.ms", "10")
            .set("fetch.error.backoff.ms", "10");
        config
    }

    /// The configuration of the admin client that creates the topic.
    pub(super) fn admin(&self) -> ClientConfig {
        self.base()
    }
}

/// Whole milliseconds of `duration`, at least 1.
pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// A Kafka client error as the crate's storage error.
pub(super) fn storage(error: rdkafka::error::KafkaError) -> LogError {
    LogError::Storage(Box::new(error))
}
