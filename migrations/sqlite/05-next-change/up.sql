-- The next instant at which a case's derived data (flags, urgency, and what
-- later reads the clock: SLA states, next actions) changes with the clock
-- alone, in milliseconds; NULL when only a write can change it. The store
-- re-derives the cases whose instant has passed, found through this index,
-- instead of sweeping every open case (src/domain/derived.rs).
ALTER TABLE cases ADD COLUMN next_change_at INTEGER;
-- Open cases, and done cases whose measures were never stored, are derived
-- once more at the first look after the upgrade.
UPDATE cases SET next_change_at = 0
 WHERE status NOT IN ('resolved', 'closed') OR m_cached = 0;
CREATE INDEX cases_next_change ON cases(next_change_at) WHERE next_change_at IS NOT NULL;
