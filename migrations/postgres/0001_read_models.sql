-- Read models fed from the event log. Every entity row is keyed by (account_id, id) and keeps
-- the whole entity as JSON text in `body`; the other columns are what lists filter and sort on.
-- Timestamps are RFC 3339 text (inside the bodies), money stays text inside the bodies.
-- The Postgres schema, table for table the same as migrations/sqlite/ (one query text serves
-- both). Bodies are TEXT, not JSONB: no read filters inside them, and TEXT is stored as
-- written, without the parse JSONB costs on every projected row.

CREATE TABLE members (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    identifier TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX members_identifier ON members (account_id, identifier);

CREATE TABLE merchants (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE stores (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    merchant_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE channels (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE offers (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    merchant_id BIGINT,
    expires_at TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX offers_status ON offers (account_id, status);

CREATE TABLE offer_channels (
    account_id BIGINT NOT NULL,
    offer_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    xid TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, offer_id, channel_id)
);
CREATE INDEX offer_channels_xid ON offer_channels (account_id, xid);

CREATE TABLE credentials (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    identifier TEXT,
    status TEXT NOT NULL,
    member_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    offer_ids TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
) WITH (fillfactor = 50);
-- Nearly every credential is rewritten once after it is issued (redeemed, voided, expired):
-- half of each page is left free so that the new version fits beside the old one and no
-- index changes (a HOT update), which makes projecting redemptions about a quarter cheaper.
CREATE INDEX credentials_member ON credentials (account_id, member_id);
CREATE INDEX credentials_identifier ON credentials (account_id, identifier);

CREATE TABLE redemptions (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    credential_ids TEXT NOT NULL,
    evaluation TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE projection_offsets (
    "partition" BIGINT PRIMARY KEY,
    next_offset BIGINT NOT NULL
);
