-- Impressions: views of offers through channel links, read in pages by id; each row is the
-- impression's JSON (offer, channel, xid, creative, member, a digest of the cookie).
CREATE TABLE impressions (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
