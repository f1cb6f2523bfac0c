//! Postgres backends, for deployments where the log is Kafka and there is no local file to
//! keep state in. So far: [`PostgresSnapshots`], the snapshot store.

mod snapshots;

pub use self::snapshots::PostgresSnapshots;
