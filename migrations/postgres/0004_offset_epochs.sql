-- The newest writer epoch each partition's projection has seen, stored with its next offset
-- (see eventlog::EpochFence): a restarted projector keeps skipping a fenced writer's records.
ALTER TABLE projection_offsets ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
