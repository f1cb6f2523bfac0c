-- POS offer codes, read in pages by id; each row is the code's JSON.
CREATE TABLE pos_offer_codes (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
