-- casebook schema, version 1. Vocabulary checks are written as OR chains,
-- not IN lists: SQLite builds a temporary index for an IN list on every row
-- written, which made bulk imports five times slower.
-- Times are integer milliseconds since the Unix
-- epoch, UTC. Amounts are integer minor units (cents).

PRAGMA application_id = 1128418097; -- 'CBK1': marks a file as a casebook database

CREATE TABLE vendors (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    -- lower-cased name: vendors are unique case-insensitively
    name_key   TEXT NOT NULL UNIQUE
);

CREATE TABLE vendor_aliases (
    alias_key  TEXT PRIMARY KEY,
    alias      TEXT NOT NULL,
    vendor_id  INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE
);

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,
    ref              TEXT UNIQUE,
    title            TEXT NOT NULL,
    vendor_id        INTEGER NOT NULL REFERENCES vendors(id),
    marketplace_id   INTEGER REFERENCES vendors(id),
    product          TEXT,
    order_ref        TEXT,
    customer         TEXT,
    owner            TEXT,
    category         TEXT NOT NULL DEFAULT 'other' CHECK (category = 'missing_part' OR category = 'defect' OR category = 'wrong_item' OR category = 'late_delivery' OR category = 'billing' OR category = 'refund' OR category = 'account_access' OR category = 'service_activation' OR category = 'outage' OR category = 'technical' OR category = 'praise' OR category = 'other'),
    priority         TEXT NOT NULL DEFAULT 'normal' CHECK (priority = 'low' OR priority = 'normal' OR priority = 'high' OR priority = 'urgent'),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'waiting_vendor' OR status = 'waiting_customer' OR status = 'escalated' OR status = 'resolved' OR status = 'closed'),
    opened_at        INTEGER NOT NULL,
    resolved_at      INTEGER,
    closed_at        INTEGER,
    outcome          TEXT CHECK (outcome = 'full_refund' OR outcome = 'partial_refund' OR outcome = 'replacement' OR outcome = 'repair' OR outcome = 'credit' OR outcome = 'workaround' OR outcome = 'self_resolved' OR outcome = 'explained' OR outcome = 'abandoned' OR outcome = 'none'),
    purchase_amount  INTEGER,
    refund_amount    INTEGER,
    currency         TEXT,
    customer_cost    INTEGER,
    customer_minutes INTEGER,
    churned          INTEGER NOT NULL DEFAULT 0 CHECK (churned = 0 OR churned = 1),
    csat             INTEGER CHECK (csat BETWEEN 1 AND 5),
    effort           INTEGER CHECK (effort BETWEEN 1 AND 7),
    reopens          INTEGER NOT NULL DEFAULT 0,
    -- Summary kept by the store after every change, so that the triage screen
    -- sorts and filters in SQL without reading touchpoints.
    touch_count      INTEGER NOT NULL DEFAULT 0,
    contact_count    INTEGER NOT NULL DEFAULT 0,
    first_channel    TEXT,
    last_channel     TEXT,
    last_touch_at    INTEGER,
    flag_list        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_vendor ON cases(vendor_id);
CREATE INDEX cases_status_opened ON cases(status, opened_at);
CREATE INDEX cases_opened ON cases(opened_at);
CREATE INDEX cases_category ON cases(category);
CREATE INDEX cases_last_channel ON cases(last_channel);

CREATE TABLE case_tags (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    tag      TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
) WITHOUT ROWID;
CREATE INDEX case_tags_tag ON case_tags(tag, case_id);

CREATE TABLE case_flags (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    pattern  TEXT NOT NULL,
    PRIMARY KEY (case_id, pattern)
) WITHOUT ROWID;
CREATE INDEX case_flags_pattern ON case_flags(pattern, case_id);

CREATE TABLE touchpoints (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    channel       TEXT NOT NULL,
    started_by    TEXT NOT NULL CHECK (started_by = 'customer' OR started_by = 'vendor'),
    party_id      INTEGER REFERENCES vendors(id),
    minutes       REAL,
    wait_minutes  REAL,
    outcome       TEXT NOT NULL CHECK (outcome = 'sent' OR outcome = 'resolved' OR outcome = 'promise' OR outcome = 'offer' OR outcome = 'info_request' OR outcome = 'info_given' OR outcome = 'escalated' OR outcome = 'transferred' OR outcome = 'no_answer' OR outcome = 'dropped' OR outcome = 'unreachable' OR outcome = 'no_record' OR outcome = 'contradicted' OR outcome = 'loop' OR outcome = 'refused' OR outcome = 'delight' OR outcome = 'other'),
    ask           TEXT CHECK (ask = 'none' OR ask = 'wait' OR ask = 'provide_info' OR ask = 'return_item' OR ask = 'visit_store' OR ask = 'call_elsewhere' OR ask = 'reinstall'),
    promise_due   INTEGER,
    waiting_on    TEXT CHECK (waiting_on = 'vendor' OR waiting_on = 'customer' OR waiting_on = 'nobody'),
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX touchpoints_case_at ON touchpoints(case_id, at, id);
CREATE INDEX touchpoints_channel ON touchpoints(channel, case_id);

-- The audit trail: append-only, enforced here and not only in the code.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    case_id        INTEGER,
    touchpoint_id  INTEGER,
    kind           TEXT NOT NULL,
    field          TEXT,
    old_value      TEXT,
    new_value      TEXT
);
CREATE INDEX events_case ON events(case_id, id);
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: they cannot be updated'); END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: they cannot be deleted'); END;

-- Named filters of the triage screen.
CREATE TABLE saved_views (
    name   TEXT PRIMARY KEY,
    query  TEXT NOT NULL
);

-- Small facts about the file itself (e.g. which thresholds the stored flags used).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
