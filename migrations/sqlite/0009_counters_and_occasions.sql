-- Counters and occasions (Sparkfly's `/events`), plain records of an account read in pages
-- by id; each row is the entity's JSON.
CREATE TABLE counters (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE occasions (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
