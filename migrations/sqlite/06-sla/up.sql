-- Service levels: business calendars, policies, and each case's SLA as of
-- its last write (src/domain/sla computes it; src/store/sla.rs keeps it), so
-- that the Cases screen filters on `sla:` and sorts by time left from an index.
CREATE TABLE sla_calendars (
    name     TEXT PRIMARY KEY COLLATE NOCASE,
    zone     TEXT NOT NULL,            -- an IANA time zone
    hours    TEXT NOT NULL,            -- the --hours lines, one per line
    holidays TEXT NOT NULL DEFAULT ''  -- YYYY-MM-DD, one per line
) STRICT;
-- The built-in calendar of calendar hours.
INSERT INTO sla_calendars (name, zone, hours) VALUES ('24x7', 'UTC', 'mon-sun 00:00-24:00');
CREATE TABLE sla_policies (
    name                 TEXT PRIMARY KEY COLLATE NOCASE,
    vendor               TEXT,         -- matched case-insensitively; NULL: any vendor
    priority             TEXT CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    calendar             TEXT NOT NULL REFERENCES sla_calendars(name),
    first_response_hours REAL NOT NULL CHECK (first_response_hours > 0),
    resolution_hours     REAL NOT NULL CHECK (resolution_hours > 0)
) STRICT;
-- The policy that applies, the worse state of the two targets (met, running,
-- at_risk, breached), each target's state, when the first target falls or
-- fell due (NULL while paused and not yet due), and the least time left.
ALTER TABLE cases ADD COLUMN sla_policy TEXT;
ALTER TABLE cases ADD COLUMN sla_state TEXT;
ALTER TABLE cases ADD COLUMN sla_first_response TEXT;
ALTER TABLE cases ADD COLUMN sla_resolution TEXT;
ALTER TABLE cases ADD COLUMN sla_due_at INTEGER;
ALTER TABLE cases ADD COLUMN sla_left_hours REAL;
CREATE INDEX cases_sla_state ON cases(sla_state) WHERE sla_state IS NOT NULL;
CREATE INDEX cases_sla_time_left ON cases(sla_due_at, sla_left_hours, id) WHERE sla_policy IS NOT NULL;
