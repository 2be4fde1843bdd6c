-- The triage order as a stored, indexed number, so that the first page of
-- open cases by urgency reads from an index instead of sorting every case.
-- Kept by the store after every change (Case::urgency in src/domain/case.rs);
-- this fills it for the cases already there, by the same rule.
ALTER TABLE cases ADD COLUMN urgency INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET urgency =
      (CASE WHEN status = 'resolved' OR status = 'closed' THEN 0 ELSE 1000000 END)
    + (CASE WHEN instr(' ' || flag_list || ' ', ' broken_promise ') > 0 THEN 100000 ELSE 0 END)
    + (CASE priority WHEN 'urgent' THEN 30000 WHEN 'high' THEN 20000 WHEN 'normal' THEN 10000 ELSE 0 END)
    + 100 * (CASE WHEN flag_list = '' THEN 0
                  ELSE length(flag_list) - length(replace(flag_list, ' ', '')) + 1 END);
CREATE INDEX cases_urgency ON cases(urgency DESC, opened_at, id);
-- vendor: filters look cases up by marketplace as well as by vendor.
CREATE INDEX cases_marketplace ON cases(marketplace_id);
