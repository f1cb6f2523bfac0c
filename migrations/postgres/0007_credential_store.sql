-- Credentials are listed by the store they were issued for (`GET /credentials?store_id=`):
-- the store gets a column of its own, filled from the bodies of the rows already there.
ALTER TABLE credentials ADD COLUMN store_id BIGINT;
UPDATE credentials SET store_id = (body::jsonb ->> 'store_id')::BIGINT;
CREATE INDEX credentials_store ON credentials (account_id, store_id);
