-- Credentials are listed by the store they were issued for (`GET /credentials?store_id=`):
-- the store gets a column of its own, filled from the bodies of the rows already there.
ALTER TABLE credentials ADD COLUMN store_id BIGINT;
UPDATE credentials SET store_id = json_extract(body, '$.store_id');
CREATE INDEX credentials_store ON credentials (account_id, store_id);
