-- Store lists, member lists, items and item sets. A list's or set's row keeps the entity JSON
-- in `body` without its ids; the memberships are rows of their own, so adding or removing a
-- few ids never rewrites a large list.

CREATE TABLE store_lists (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    merchant_id BIGINT,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX store_lists_merchant ON store_lists (account_id, merchant_id);

CREATE TABLE store_list_stores (
    account_id BIGINT NOT NULL,
    store_list_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, store_list_id, store_id)
);
CREATE INDEX store_list_stores_store ON store_list_stores (account_id, store_id);

CREATE TABLE member_lists (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE member_list_members (
    account_id BIGINT NOT NULL,
    member_list_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, member_list_id, member_id)
);
CREATE INDEX member_list_members_member ON member_list_members (account_id, member_id);

CREATE TABLE items (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    merchant_id BIGINT,
    manufacturer_id BIGINT,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX items_merchant ON items (account_id, merchant_id);
CREATE INDEX items_code ON items (account_id, code);

CREATE TABLE item_sets (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    merchant_id BIGINT,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX item_sets_merchant ON item_sets (account_id, merchant_id);

CREATE TABLE item_set_items (
    account_id BIGINT NOT NULL,
    item_set_id BIGINT NOT NULL,
    item_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, item_set_id, item_id)
);
CREATE INDEX item_set_items_item ON item_set_items (account_id, item_id);
