-- The event log this read database is filled from (eventlog::AnyLog::log_id): recorded at the
-- first start after this migration, compared at every later one, so that rows projected from
-- one log are never served or projected into beside another. Emptied by a rebuild.
CREATE TABLE store_pairing (
    id BIGINT PRIMARY KEY NOT NULL CHECK (id = 1),
    log_id TEXT NOT NULL
);
