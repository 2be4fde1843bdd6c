-- Each case's report figures (src/domain/case_figures.rs), kept by the store
-- after every change with the rest of its derived data, so that a report by
-- any grouping is one pass over this narrow table and never reads touches.
-- An open case's waits run to its last touch (ball_since); the report adds
-- the wait since then for whoever holds the ball. The row holds while the
-- clock is before valid_until (the case's next_change_at); a report measures
-- a case live when its row is past that, or is a placeholder (valid_until 0).
CREATE TABLE case_figures (
    case_id             INTEGER PRIMARY KEY,
    opened_at           INTEGER NOT NULL,
    vendor_id           INTEGER NOT NULL,
    category            TEXT NOT NULL,
    stage               TEXT NOT NULL,
    valid_until         INTEGER,
    -- 1 open, 2 escalated, 4 sale prevented
    bits                INTEGER NOT NULL DEFAULT 0,
    -- who an open case waits on since ball_since: 0 nobody, 1 vendor, 2 customer
    ball                INTEGER NOT NULL DEFAULT 0,
    ball_since          INTEGER,
    ttfr_hours          REAL,
    ttr_hours           REAL,
    vendor_wait_hours   REAL NOT NULL DEFAULT 0,
    customer_wait_hours REAL NOT NULL DEFAULT 0,
    touches             INTEGER NOT NULL DEFAULT 0,
    contacts            INTEGER NOT NULL DEFAULT 0,
    refund              INTEGER NOT NULL DEFAULT 0,
    customer_cost       INTEGER NOT NULL DEFAULT 0,
    cost_to_serve       INTEGER NOT NULL DEFAULT 0,
    customer_hours      REAL NOT NULL DEFAULT 0,
    customer_all_in     INTEGER NOT NULL DEFAULT 0,
    margin              INTEGER NOT NULL DEFAULT 0,
    revenue_at_risk     INTEGER NOT NULL DEFAULT 0,
    effort_logged       INTEGER,
    effort_estimated    INTEGER,
    -- service levels: 4 × first response + resolution (SlaState codes); NULL without a policy
    sla                 INTEGER,
    -- the case's patterns, one bit each (Pattern::bit)
    patterns            INTEGER NOT NULL DEFAULT 0,
    -- channels and parties (vendor ids) used, each with the patterns seen
    -- there: KEY \x1f BITS, entries separated by \x1e
    channels            TEXT NOT NULL DEFAULT '',
    parties             TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER case_figures_follow_delete AFTER DELETE ON cases BEGIN
    DELETE FROM case_figures WHERE case_id = old.id;
END;
-- Existing cases get placeholders (measured live by reports) until the next
-- refresh re-derives each of them once.
INSERT INTO case_figures (case_id, opened_at, vendor_id, category, stage, valid_until)
    SELECT id, opened_at, vendor_id, category, stage, 0 FROM cases;
UPDATE cases SET next_change_at = 0;
