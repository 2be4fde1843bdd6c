-- casebook schema, version 1. Times are integer milliseconds since the Unix
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
    category         TEXT NOT NULL DEFAULT 'other' CHECK (category IN
        ('missing_part','defect','wrong_item','late_delivery','billing','refund',
         'account_access','service_activation','outage','technical','praise','other')),
    priority         TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN
        ('open','waiting_vendor','waiting_customer','escalated','resolved','closed')),
    opened_at        INTEGER NOT NULL,
    resolved_at      INTEGER,
    closed_at        INTEGER,
    outcome          TEXT CHECK (outcome IN ('full_refund','partial_refund','replacement','repair',
        'credit','workaround','self_resolved','explained','abandoned','none')),
    purchase_amount  INTEGER,
    refund_amount    INTEGER,
    currency         TEXT,
    customer_cost    INTEGER,
    customer_minutes INTEGER,
    churned          INTEGER NOT NULL DEFAULT 0 CHECK (churned IN (0, 1)),
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
    started_by    TEXT NOT NULL CHECK (started_by IN ('customer','vendor')),
    party_id      INTEGER REFERENCES vendors(id),
    minutes       REAL,
    wait_minutes  REAL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('sent','resolved','promise','offer','info_request',
        'info_given','escalated','transferred','no_answer','dropped','unreachable','no_record',
        'contradicted','loop','refused','delight','other')),
    ask           TEXT CHECK (ask IN ('none','wait','provide_info','return_item','visit_store',
        'call_elsewhere','reinstall')),
    promise_due   INTEGER,
    waiting_on    TEXT CHECK (waiting_on IN ('vendor','customer','nobody')),
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
