-- A team's casebook on PostgreSQL: the schema the file reaches at its
-- migration 12 (migrations/sqlite/), in one step, with the same tables,
-- columns in the same order, and the same rules. Times are integer
-- milliseconds and money integer cents, as in the file; text compares
-- byte by byte (COLLATE "C"), as SQLite's does.

-- SQLite's NOCASE, for the names of service-level calendars and policies.
CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

-- A row without an id takes the largest one plus one, as an SQLite rowid
-- does: the same data gets the same ids on both engines. Writers take the
-- store's write lock first (meta 'writes'), so two never pick the same.
CREATE FUNCTION casebook_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        EXECUTE format('SELECT COALESCE(max(id), 0) + 1 FROM %I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO NEW.id;
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE vendors (
    id         BIGINT PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    name_key   TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE TRIGGER vendors_id BEFORE INSERT ON vendors FOR EACH ROW EXECUTE FUNCTION casebook_next_id();

CREATE TABLE vendor_aliases (
    alias_key  TEXT COLLATE "C" PRIMARY KEY,
    alias      TEXT COLLATE "C" NOT NULL,
    vendor_id  BIGINT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE
);

CREATE TABLE cases (
    id               BIGINT PRIMARY KEY,
    uid              TEXT COLLATE "C" NOT NULL UNIQUE,
    ref              TEXT COLLATE "C" UNIQUE,
    title            TEXT COLLATE "C" NOT NULL,
    vendor_id        BIGINT NOT NULL REFERENCES vendors(id),
    marketplace_id   BIGINT REFERENCES vendors(id),
    product          TEXT COLLATE "C",
    order_ref        TEXT COLLATE "C",
    customer         TEXT COLLATE "C",
    owner            TEXT COLLATE "C",
    category         TEXT COLLATE "C" NOT NULL DEFAULT 'other' CHECK (category IN ('missing_part', 'defect', 'wrong_item', 'late_delivery', 'billing', 'refund', 'account_access', 'service_activation', 'outage', 'technical', 'praise', 'other')),
    priority         TEXT COLLATE "C" NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status           TEXT COLLATE "C" NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'waiting_vendor', 'waiting_customer', 'escalated', 'resolved', 'closed')),
    opened_at        BIGINT NOT NULL,
    resolved_at      BIGINT,
    closed_at        BIGINT,
    outcome          TEXT COLLATE "C" CHECK (outcome IN ('full_refund', 'partial_refund', 'replacement', 'repair', 'credit', 'workaround', 'self_resolved', 'explained', 'abandoned', 'none')),
    purchase_amount  BIGINT,
    refund_amount    BIGINT,
    currency         TEXT COLLATE "C",
    customer_cost    BIGINT,
    customer_minutes BIGINT,
    churned          BIGINT NOT NULL DEFAULT 0 CHECK (churned IN (0, 1)),
    csat             BIGINT CHECK (csat BETWEEN 1 AND 5),
    effort           BIGINT CHECK (effort BETWEEN 1 AND 7),
    reopens          BIGINT NOT NULL DEFAULT 0,
    touch_count      BIGINT NOT NULL DEFAULT 0,
    contact_count    BIGINT NOT NULL DEFAULT 0,
    first_channel    TEXT COLLATE "C",
    last_channel     TEXT COLLATE "C",
    last_touch_at    BIGINT,
    flag_list        TEXT COLLATE "C" NOT NULL DEFAULT '',
    urgency          BIGINT NOT NULL DEFAULT 0,
    m_cached         BIGINT NOT NULL DEFAULT 0,
    m_ttfr_hours     DOUBLE PRECISION,
    m_ttr_hours      DOUBLE PRECISION,
    m_vendor_wait_hours DOUBLE PRECISION,
    m_customer_wait_hours DOUBLE PRECISION,
    m_escalated      BIGINT,
    next_change_at   BIGINT,
    sla_policy       TEXT COLLATE "C",
    sla_state        TEXT COLLATE "C",
    sla_first_response TEXT COLLATE "C",
    sla_resolution   TEXT COLLATE "C",
    sla_due_at       BIGINT,
    sla_left_hours   DOUBLE PRECISION,
    stage            TEXT COLLATE "C" NOT NULL DEFAULT 'use' CHECK (stage IN ('pre_sale', 'order', 'delivery', 'use', 'billing', 'cancel')),
    cost_to_serve    BIGINT,
    cost_customer_hours DOUBLE PRECISION,
    cost_customer_all_in BIGINT,
    cost_margin      BIGINT,
    cost_revenue_at_risk BIGINT,
    effort_estimate  BIGINT,
    sale_prevented   BIGINT,
    next_action      TEXT COLLATE "C",
    sla_paused       BIGINT NOT NULL DEFAULT 0,
    urgency_due      BIGINT NOT NULL DEFAULT 0
);
CREATE TRIGGER cases_id BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION casebook_next_id();
CREATE INDEX cases_vendor ON cases(vendor_id);
CREATE INDEX cases_status_opened ON cases(status, opened_at);
CREATE INDEX cases_opened ON cases(opened_at);
CREATE INDEX cases_category ON cases(category);
CREATE INDEX cases_last_channel ON cases(last_channel);
CREATE INDEX cases_marketplace ON cases(marketplace_id);
CREATE INDEX cases_next_change ON cases(next_change_at) WHERE next_change_at IS NOT NULL;
CREATE INDEX cases_sla_state ON cases(sla_state) WHERE sla_state IS NOT NULL;
CREATE INDEX cases_sla_time_left ON cases(sla_due_at, sla_left_hours, id) WHERE sla_policy IS NOT NULL;
CREATE INDEX cases_urgency ON cases(urgency DESC, urgency_due, opened_at, id);

CREATE TABLE case_tags (
    case_id  BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    tag      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, tag)
);
CREATE INDEX case_tags_tag ON case_tags(tag, case_id);

CREATE TABLE case_flags (
    case_id  BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    pattern  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, pattern)
);
CREATE INDEX case_flags_pattern ON case_flags(pattern, case_id);

CREATE TABLE touchpoints (
    id            BIGINT PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at            BIGINT NOT NULL,
    channel       TEXT COLLATE "C" NOT NULL,
    started_by    TEXT COLLATE "C" NOT NULL CHECK (started_by IN ('customer', 'vendor')),
    party_id      BIGINT REFERENCES vendors(id),
    minutes       DOUBLE PRECISION,
    wait_minutes  DOUBLE PRECISION,
    outcome       TEXT COLLATE "C" NOT NULL CHECK (outcome IN ('sent', 'resolved', 'promise', 'offer', 'info_request', 'info_given', 'escalated', 'transferred', 'no_answer', 'dropped', 'unreachable', 'no_record', 'contradicted', 'loop', 'refused', 'delight', 'other')),
    ask           TEXT COLLATE "C" CHECK (ask IN ('none', 'wait', 'provide_info', 'return_item', 'visit_store', 'call_elsewhere', 'reinstall')),
    promise_due   BIGINT,
    waiting_on    TEXT COLLATE "C" CHECK (waiting_on IN ('vendor', 'customer', 'nobody')),
    note          TEXT COLLATE "C" NOT NULL DEFAULT '',
    -- the note's words, for search by word and prefix (the file's FTS5 index)
    note_search   tsvector GENERATED ALWAYS AS (to_tsvector('simple', note)) STORED
);
CREATE TRIGGER touchpoints_id BEFORE INSERT ON touchpoints FOR EACH ROW EXECUTE FUNCTION casebook_next_id();
CREATE INDEX touchpoints_case_at ON touchpoints(case_id, at, id);
CREATE INDEX touchpoints_channel ON touchpoints(channel, case_id);
CREATE INDEX touchpoints_note_search ON touchpoints USING GIN (note_search);

-- A phrase as the file's search takes it ("words"* : the words in order,
-- the last one a prefix), as a tsquery.
CREATE FUNCTION casebook_note_query(phrase text) RETURNS tsquery LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    inner_text text := replace(regexp_replace(phrase, '^"(.*)"\*$', '\1', 's'), '""', '"');
    words text[] := array_remove(regexp_split_to_array(lower(inner_text), '[^[:alnum:]_]+'), '');
    q text := '';
    i int;
BEGIN
    IF words IS NULL OR array_length(words, 1) IS NULL THEN
        RETURN NULL;
    END IF;
    FOR i IN 1 .. array_length(words, 1) LOOP
        IF i > 1 THEN
            q := q || ' <-> ';
        END IF;
        q := q || quote_literal(words[i]);
        IF i = array_length(words, 1) THEN
            q := q || ':*';
        END IF;
    END LOOP;
    RETURN to_tsquery('simple', q);
END $$;

CREATE TABLE events (
    id             BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    case_id        BIGINT,
    touchpoint_id  BIGINT,
    kind           TEXT COLLATE "C" NOT NULL,
    field          TEXT COLLATE "C",
    old_value      TEXT COLLATE "C",
    new_value      TEXT COLLATE "C",
    -- who wrote it: the database role
    actor          TEXT COLLATE "C" DEFAULT session_user
);
CREATE TRIGGER events_id BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION casebook_next_id();
CREATE INDEX events_case ON events(case_id, id);
CREATE INDEX events_field_changes ON events(case_id, id) WHERE kind IN ('status_changed', 'field_changed');

CREATE FUNCTION casebook_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: they cannot be %', lower(TG_OP) || 'd';
END $$;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION casebook_events_append_only();
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION casebook_events_append_only();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION casebook_events_append_only();

CREATE TABLE saved_views (
    name   TEXT COLLATE "C" PRIMARY KEY,
    query  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE meta (
    key    TEXT COLLATE "C" PRIMARY KEY,
    value  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE sla_calendars (
    name     TEXT COLLATE nocase PRIMARY KEY,
    zone     TEXT COLLATE "C" NOT NULL,
    hours    TEXT COLLATE "C" NOT NULL,
    holidays TEXT COLLATE "C" NOT NULL DEFAULT ''
);

CREATE TABLE sla_policies (
    name                 TEXT COLLATE nocase PRIMARY KEY,
    vendor               TEXT COLLATE "C",
    priority             TEXT COLLATE "C" CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    calendar             TEXT COLLATE nocase NOT NULL REFERENCES sla_calendars(name),
    first_response_hours DOUBLE PRECISION NOT NULL CHECK (first_response_hours > 0),
    resolution_hours     DOUBLE PRECISION NOT NULL CHECK (resolution_hours > 0)
);

CREATE TABLE case_figures (
    case_id     BIGINT PRIMARY KEY,
    opened_at   BIGINT NOT NULL,
    vendor_id   BIGINT NOT NULL,
    category    TEXT COLLATE "C" NOT NULL,
    stage       TEXT COLLATE "C" NOT NULL,
    valid_until BIGINT,
    ball        BIGINT NOT NULL DEFAULT 0,
    ball_since  BIGINT,
    record      BYTEA,
    channels    BYTEA NOT NULL DEFAULT '\x'::bytea,
    parties     BYTEA NOT NULL DEFAULT '\x'::bytea,
    settled_at  BIGINT,
    figures_from BIGINT
);

CREATE TABLE channel_names (
    id   BIGINT PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE
);
CREATE TRIGGER channel_names_id BEFORE INSERT ON channel_names FOR EACH ROW EXECUTE FUNCTION casebook_next_id();

CREATE FUNCTION casebook_case_figures_follow_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM case_figures WHERE case_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER case_figures_follow_delete AFTER DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION casebook_case_figures_follow_delete();

-- A change is told to every open app at its commit.
CREATE FUNCTION casebook_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('casebook', NEW.value);
    RETURN NEW;
END $$;
CREATE TRIGGER meta_writes_notify AFTER INSERT OR UPDATE ON meta
    FOR EACH ROW WHEN (NEW.key = 'writes') EXECUTE FUNCTION casebook_notify();

-- The built-in calendar of calendar hours.
INSERT INTO sla_calendars (name, zone, hours) VALUES ('24x7', 'UTC', 'mon-sun 00:00-24:00');

-- SQLite's json_extract(doc, '$.key') for a top-level key: NULL where the
-- text is not JSON (an event's plain old value).
CREATE FUNCTION casebook_json_text(doc text, path text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN doc::jsonb ->> substr(path, 3);
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;
