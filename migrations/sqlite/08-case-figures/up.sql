-- Each case's report figures (src/domain/case_figures.rs), kept by the store
-- after every change with the rest of its derived data, so that a report by
-- any grouping is one pass over this narrow table and never reads touches.
-- One fixed-size record of figures per case, so the pass reads two columns a
-- row. An open case's waits run to its last touch (ball_since); the report
-- adds the wait since then for whoever holds the ball. The row holds while
-- the clock is before valid_until (the case's next_change_at); a report
-- measures a case live when its row is past that, or is a placeholder.
CREATE TABLE case_figures (
    case_id     INTEGER PRIMARY KEY,
    opened_at   INTEGER NOT NULL,
    vendor_id   INTEGER NOT NULL,
    category    TEXT NOT NULL,
    stage       TEXT NOT NULL,
    -- also in the record, for SQL: the clock before which the row holds
    -- (NULL: always), and for an open case who has held the ball since
    -- ball_since (0 nobody, 1 vendor, 2 customer)
    valid_until INTEGER,
    ball        INTEGER NOT NULL DEFAULT 0,
    ball_since  INTEGER,
    -- the figures, one fixed little-endian record (src/store/figures.rs);
    -- NULL for a placeholder
    record      BLOB,
    -- the channels (channel_names ids) and parties (vendor ids) the case
    -- used, each with the patterns seen there: u32 id and u32 pattern bits,
    -- little-endian, per entry
    channels    BLOB NOT NULL DEFAULT x'',
    parties     BLOB NOT NULL DEFAULT x''
);
-- Channel names by number, for case_figures.channels.
CREATE TABLE channel_names (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TRIGGER case_figures_follow_delete AFTER DELETE ON cases BEGIN
    DELETE FROM case_figures WHERE case_id = old.id;
END;
-- Existing cases get placeholders (measured live by reports) until the next
-- refresh re-derives each of them once.
INSERT INTO case_figures (case_id, opened_at, vendor_id, category, stage, valid_until)
    SELECT id, opened_at, vendor_id, category, stage, 0 FROM cases;
UPDATE cases SET next_change_at = 0;
