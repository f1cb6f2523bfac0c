//! The event topic: created when missing with unlimited retention and no compaction, and
//! checked to have the configured partition count.

use super::config::{storage, KafkaConfig};
use crate::LogError;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::RDKafkaErrorCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// How long the topic may take to show in the metadata after it was created.
const VISIBLE_WITHIN: Duration = Duration::from_secs(10);

/// Creates the topic of `config` when it does not exist, then waits until the brokers report
/// it and checks its partition count.
pub(super) async fn ensure(config: &KafkaConfig) -> Result<(), LogError> {
    let admin: Arc<AdminClient<DefaultClientContext>> =
        Arc::new(config.admin().create().map_err(storage)?);
    let partitions = i32::try_from(config.partitions).map_err(|_| LogError::NoSuchPartition {
        partition: config.partitions,
        partitions: config.partitions,
    })?;
    let topic = NewTopic::new(
        &config.topic,
        partitions,
        TopicReplication::Fixed(config.replication),
    )
    .set("cleanup.policy", "delete")
    .set("retention.ms", "-1")
    .set("retention.bytes", "-1");
    let options = AdminOptions::new().operation_timeout(Some(config.operation_timeout));
    let results = admin
        .create_topics([&topic], &options)
        .await
        .map_err(storage)?;
    for result in results {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => {
                return Err(LogError::Storage(
                    format!("creating topic {name} failed: {code}").into(),
                ))
            }
        }
    }
    let stored = partition_count(admin, config).await?;
    if stored != config.partitions {
        return Err(LogError::PartitionCountMismatch {
            stored,
            requested: config.partitions,
        });
    }
    Ok(())
}

/// The partition count the brokers report for the topic, waiting for it to appear.
async fn partition_count(
    admin: Arc<AdminClient<DefaultClientContext>>,
    config: &KafkaConfig,
) -> Result<u32, LogError> {
    let deadline = Instant::now() + VISIBLE_WITHIN;
    loop {
        let admin = Arc::clone(&admin);
        let name = config.topic.clone();
        let timeout = config.operation_timeout;
        let metadata = tokio::task::spawn_blocking(move || {
            admin
                .inner()
                .fetch_metadata(Some(&name), timeout)
                .map(|metadata| {
                    metadata
                        .topics()
                        .iter()
                        .find(|topic| topic.name() == name && topic.error().is_none())
                        .map(|topic| topic.partitions().len())
                })
        })
        .await
        .map_err(|error| LogError::Storage(Box::new(error)))?
        .map_err(storage)?;
        if let Some(count) = metadata.filter(|count| *count > 0) {
            return u32::try_from(count)
                .map_err(|_| LogError::Corrupt(format!("{count} partitions reported")));
        }
        if Instant::now() >= deadline {
            return Err(LogError::Storage(
                format!("topic {} did not appear in the metadata", config.topic).into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
