-- Manufacturers, with one row per merchant each names (as lists hold their members), and the
-- manufacturer an item set belongs to (item set events of version 2). No set of version 1 has
-- a manufacturer, so the new column starts NULL. Items already had their manufacturer column;
-- lists of a manufacturer's items and sets filter on both.
CREATE TABLE manufacturers (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE manufacturer_merchants (
    account_id BIGINT NOT NULL,
    manufacturer_id BIGINT NOT NULL,
    merchant_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, manufacturer_id, merchant_id)
);
CREATE INDEX manufacturer_merchants_merchant ON manufacturer_merchants (account_id, merchant_id);

ALTER TABLE item_sets ADD COLUMN manufacturer_id BIGINT;
CREATE INDEX item_sets_manufacturer ON item_sets (account_id, manufacturer_id);
CREATE INDEX items_manufacturer ON items (account_id, manufacturer_id);
