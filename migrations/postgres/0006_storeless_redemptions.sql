-- A redemption by credential id away from any store has no store (redemption events of
-- version 2): the column takes NULL.
ALTER TABLE redemptions ALTER COLUMN store_id DROP NOT NULL;
