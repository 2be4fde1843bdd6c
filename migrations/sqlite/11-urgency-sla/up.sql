-- Urgency, the spec's: open work; then service level breached, then at
-- risk, by time left; then broken promises, priority, flags, age
-- (src/domain/urgency.rs). `urgency` ranks, and for a breached or at-risk
-- case `urgency_due` orders by time left (the instant its target is or was
-- reached), with the promise, priority and flags below it; 0 otherwise.
ALTER TABLE cases ADD COLUMN urgency_due INTEGER NOT NULL DEFAULT 0;
DROP INDEX cases_urgency;
CREATE INDEX cases_urgency ON cases(urgency DESC, urgency_due, opened_at, id);
-- Open cases under a policy are ranked again when next derived (at once).
UPDATE cases SET next_change_at = 0
 WHERE status NOT IN ('resolved', 'closed') AND sla_policy IS NOT NULL;
