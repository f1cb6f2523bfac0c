-- API credentials, for authenticating requests: only hashes of keys are stored.
CREATE TABLE api_keys (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    identity TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    previous_key_hash TEXT,
    previous_valid_until TEXT,
    revoked_at TEXT,
    roles TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX api_keys_identity ON api_keys (identity);
