-- A redemption by credential id away from any store has no store (redemption events of
-- version 2): the column takes NULL. SQLite cannot drop NOT NULL in place, so the table is
-- rebuilt with the same rows.
CREATE TABLE redemptions_storeless (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    store_id BIGINT,
    status TEXT NOT NULL,
    credential_ids TEXT NOT NULL,
    evaluation TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
INSERT INTO redemptions_storeless (account_id, id, store_id, status, credential_ids, evaluation, body)
    SELECT account_id, id, store_id, status, credential_ids, evaluation, body FROM redemptions;
DROP TABLE redemptions;
ALTER TABLE redemptions_storeless RENAME TO redemptions;
