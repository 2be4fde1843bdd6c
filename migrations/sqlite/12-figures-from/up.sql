-- From when each case's report figures hold at every earlier clock as far
-- back as it (their waits aside): a report of the past (--as-of) measures
-- again only the cases whose figures changed after its moment. NULL until a
-- case is next derived: measured again then, as before.
ALTER TABLE case_figures ADD COLUMN figures_from INTEGER;
-- Every case derived once more: that fills figures_from, and a done case
-- derived before a resolution logged ahead of the clock gets the flags that
-- came due before it (a promise falling due, a slow answer).
UPDATE cases SET next_change_at = 0;
