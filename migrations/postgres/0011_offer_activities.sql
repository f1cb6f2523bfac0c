-- Members' offer activities (Sparkfly's offer engine): what happened to a member's offers
-- (issued, saved to a wallet, redeemed, voided, reversed) and their check-ins, one row each,
-- written by the projector. `id` is the event's log offset times 1024 plus the activity's
-- place in the event, so a rebuild writes the same ids; `store_id` is where a redemption or
-- check-in happened.
CREATE TABLE offer_activities (
    account_id BIGINT NOT NULL,
    id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    store_id BIGINT,
    activity TEXT NOT NULL,
    credential_id BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX offer_activities_member ON offer_activities (account_id, member_id, id);
