-- Who wrote each event: the operating-system user that ran casebook (on a
-- server, the database role). Events written before this stay NULL: their
-- author is unknown, and the trail is not rewritten to guess it.
ALTER TABLE events ADD COLUMN actor TEXT;
