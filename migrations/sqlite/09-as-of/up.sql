-- Point in time (--as-of): each case's figures keep the instant from which
-- they never change again (a done case with no next change: its last fact),
-- so that a view of the past measures live only the cases not settled by then.
ALTER TABLE case_figures ADD COLUMN settled_at INTEGER;
UPDATE case_figures SET settled_at = (
    SELECT max(c.opened_at, coalesce(c.resolved_at, 0), coalesce(c.closed_at, 0),
               coalesce((SELECT max(max(t.at, coalesce(t.promise_due, 0)))
                         FROM touchpoints t WHERE t.case_id = c.id), 0))
    FROM cases c
    WHERE c.id = case_figures.case_id AND c.status IN ('resolved', 'closed')
      AND c.next_change_at IS NULL)
WHERE valid_until IS NULL AND record IS NOT NULL;
-- A reopened case's clock now pauses from each earlier resolution to the
-- next touch, and no duration is negative: such cases are measured again.
UPDATE cases SET next_change_at = 0
 WHERE reopens > 0 OR resolved_at < opened_at OR closed_at < opened_at
    OR EXISTS (SELECT 1 FROM touchpoints t WHERE t.case_id = cases.id AND t.at < cases.opened_at);
-- Whether no service-level clock runs: a paused case shows no due time
-- (filled when its service level is next derived).
ALTER TABLE cases ADD COLUMN sla_paused INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET next_change_at = 0 WHERE sla_policy IS NOT NULL;
-- An awaited promise's next action now changes at its due time itself.
UPDATE cases SET next_change_at = 0 WHERE status NOT IN ('resolved', 'closed');
-- A case's changes to its own fields, found without reading its other
-- events (a view of the past reads them for every case it measures).
CREATE INDEX events_field_changes ON events(case_id, id)
    WHERE kind IN ('status_changed', 'field_changed');
