-- When each offer starts running (its window's start, else its approval, else its creation),
-- the key of `sort_by=start_running_at`. The projector writes it as RFC 3339 text with six
-- decimals, so that it sorts as text; rows filled here take the body's text until they change.
ALTER TABLE offers ADD COLUMN starts_at TEXT;
UPDATE offers SET starts_at = COALESCE(
    body::jsonb ->> 'activates_at',
    body::jsonb ->> 'approved_at',
    body::jsonb ->> 'created_at');
CREATE INDEX offers_starts_at ON offers (account_id, starts_at);
